-- claimls helpers for Neovim: the executable of the LSP config and lookups (the server's `claimls/lookup`
-- request when a claimls client runs, else `claimls lookup`).
local M = {}

--- The claimls executable: the first element of the LSP config's cmd, else `claimls`.
function M.executable()
  local ok, config = pcall(function()
    return vim.lsp.config.claimls
  end)
  if ok and config and type(config.cmd) == 'table' and config.cmd[1] then
    return config.cmd[1]
  end
  return 'claimls'
end

--- The running claimls LSP client, if any (the current buffer's first).
local function running_client()
  local clients = vim.lsp.get_clients({ name = 'claimls', bufnr = 0 })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = 'claimls' })
  end
  return clients[1]
end

--- Ask the server (`claimls/lookup`): the lines to show and whether it found something; nil when the
--- request failed, so the caller falls back to the executable.
local function lookup_by_request(client, query)
  local bufnr = vim.lsp.get_buffers_by_client_id(client.id)[1] or 0
  local response = client:request_sync('claimls/lookup', { query = query }, 20000, bufnr)
  if not response or response.err or type(response.result) ~= 'table' then
    return nil
  end
  local entries = response.result
  if #entries == 0 then
    return { ('claimls: nothing known about `%s` in the code data'):format(query) }, false
  end
  local lines = {}
  if entries[1].kind == 'close-match' then
    table.insert(lines, ('claimls: nothing known about `%s`; close matches:'):format(query))
    for _, e in ipairs(entries) do
      table.insert(lines, ('  %s  %s'):format(e.code, e.label))
    end
    return lines, false
  end
  for i, e in ipairs(entries) do
    if i > 1 then
      table.insert(lines, '')
    end
    vim.list_extend(lines, vim.split(vim.trim(e.detail), '\n', { plain = true }))
  end
  return lines, true
end

--- What claimls knows about `query`: the lines to show and whether it found something. Asks the
--- running server; without one, runs `claimls lookup <query>`.
function M.lookup(query)
  local client = running_client()
  if client then
    local lines, found = lookup_by_request(client, query)
    if lines then
      return lines, found
    end
  end
  return M.lookup_with_executable(query)
end

--- Run `claimls lookup <query>` and return its output lines and whether it found something.
function M.lookup_with_executable(query)
  local exe = M.executable()
  if vim.fn.executable(exe) ~= 1 then
    return {
      ('claimls: `%s` is not executable.'):format(exe),
      'Install it (cargo install --path crates/claimls, in the claimls repository) or point the LSP config at it:',
      "  vim.lsp.config('claimls', { cmd = { '/path/to/claimls', 'lsp' } })",
    }, false
  end
  local result = vim.system({ exe, 'lookup', query }, { text = true }):wait(20000)
  local text = (result.stdout or '') .. (result.code ~= 0 and (result.stderr or '') or '')
  text = text:gsub('%s+$', '')
  if text == '' then
    text = ('claimls lookup %s: no answer (exit %s)'):format(query, tostring(result.code))
  end
  return vim.split(text, '\n', { plain = true }), result.code == 0
end

return M
