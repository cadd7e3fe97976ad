-- claimls helpers for Neovim: the executable of the LSP config and `claimls lookup`.
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

--- Run `claimls lookup <query>` and return its output lines and whether it found something.
function M.lookup(query)
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
