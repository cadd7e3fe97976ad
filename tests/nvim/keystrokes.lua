-- The keystroke benchmark: a headless Neovim with editors/nvim and the real `claimls lsp` composes a claim
-- from an empty buffer as an efficient coder would, and counts the keys.
--
-- Run through tests/nvim/keystrokes.sh:
--   nvim --headless --clean --cmd 'set rtp^=<repo>/editors/nvim' -l tests/nvim/keystrokes.lua <repo> <out> <claim>...
--
-- The coder, line by line, at the start of an empty line: takes "Bill this administration" when the
-- lines still to write are exactly the ones it writes (7 keys: about 2 to put the cursor in the admin
-- record, `gra`, the item's number and Enter); otherwise, at each point, asks the completion menu (as Neovim's autocompletion shows it) and
-- accepts the item that writes the most of what is still to type (keys: 1 to select the first item,
-- one more per item above it, 1 to accept), or types the next character (1 key). A placeholder of an
-- accepted snippet is typed over (its text costs its keys). Every line ends with Enter (1 key); a
-- blank line is one Enter. Comments are not part of the text. Not a pass/fail test: it prints the
-- ratio of keys to characters per line and in total, next to the goal.

local repo, out = arg[1], arg[2]
assert(repo and out, 'usage: nvim -l tests/nvim/keystrokes.lua <repo> <out> <claim> <goal%>...')

local function say(fmt, ...)
  io.stdout:write(fmt:format(...) .. '\n')
  io.stdout:flush()
end

local function read_claim(path)
  local lines = {}
  for _, l in ipairs(vim.fn.readfile(path)) do
    l = (l:gsub('%s*#.*$', '')):gsub('%s+$', '')
    lines[#lines + 1] = l
  end
  -- No leading, trailing or doubled blank lines (the comment-only lines leave some).
  local kept = {}
  for _, l in ipairs(lines) do
    if not (l == '' and (#kept == 0 or kept[#kept] == '')) then
      kept[#kept + 1] = l
    end
  end
  while kept[#kept] == '' do
    kept[#kept] = nil
  end
  return kept
end

vim.lsp.log.set_level(vim.log.levels.WARN)
vim.lsp.enable('claimls')

local workspace = out .. '/keystrokes'
vim.fn.mkdir(workspace, 'p')

--- A snippet's text as it lands in the buffer: placeholders keep their default text (which the coder
--- then types over, so it is counted as typed), `$0`/`$1` vanish, choices keep their first option.
local function expand(snippet)
  local s = snippet
  s = s:gsub('%${%d+|([^,|}]*)[^}]*|}', '%1')
  s = s:gsub('%${%d+:([^}]*)}', '%1')
  s = s:gsub('%$%d+', '')
  s = s:gsub('\\([%$}\\])', '%1')
  return s
end

local function completion_items(client, bufnr, row, col)
  -- The position itself (Insert mode stands after the last character; Normal mode cannot). The buffer
  -- changes reach the server first: Neovim flushes them before a request.
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = row, character = col },
  }
  local r = client:request_sync('textDocument/completion', params, 10000, bufnr)
  local items = r and r.result and (r.result.items or r.result) or {}
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  local typed = line:sub(1, col):match('[%w%-%.:]*$') or ''
  -- What Neovim's menu shows: items whose filter text starts with the word typed, by sortText.
  local shown = {}
  for _, item in ipairs(items) do
    if vim.startswith((item.filterText or item.label):lower(), typed:lower()) then
      shown[#shown + 1] = item
    end
  end
  table.sort(shown, function(a, b)
    return (a.sortText or a.label) < (b.sortText or b.label)
  end)
  return shown, line
end

--- The text of the line (and of the lines after it) once `item` is accepted on `line` at `col`.
local function accepted(item, line, col)
  local edit = item.textEdit
  local new = edit and edit.newText or item.insertText or item.label
  if item.insertTextFormat == 2 then
    new = expand(new)
  end
  local s, e = col, col
  if edit then
    local range = edit.range or edit.replace
    s, e = range.start.character, range['end'].character
  end
  local indent = line:match('^%s*')
  -- Neovim indents a snippet's later lines by the current line's indentation.
  new = new:gsub('\n', '\n' .. indent)
  return line:sub(1, s) .. new .. line:sub(e + 1)
end

local function bench(path, goal)
  local target = read_claim(path)
  local chars = 0
  for i, l in ipairs(target) do
    chars = chars + #l + (i < #target and 1 or 0)
  end
  local file = workspace .. '/' .. vim.fn.fnamemodify(path, ':t')
  vim.fn.writefile({}, file)
  vim.cmd.edit(vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, {})
  local client = assert(vim.wait(15000, function()
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'claimls' })[1] ~= nil
  end, 50) and vim.lsp.get_clients({ bufnr = bufnr, name = 'claimls' })[1], 'claimls did not attach')
  vim.wait(15000, function()
    return client.initialized
  end, 50)

  say('%s (%d characters without comments)', vim.fn.fnamemodify(path, ':~:.'), chars)
  local keys_total = 0
  local row = 0
  local function set_rows(n)
    local now = {}
    for i = 1, n do
      now[#now + 1] = target[i]
    end
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, now)
  end
  --- Whether `lines` are the target's lines from row `from` (1-based); how many.
  local function matches(lines, from)
    for i, l in ipairs(lines) do
      if target[from + i - 1] ~= l then
        return false
      end
    end
    return #lines > 0
  end
  while row < #target do
    local want = target[row + 1]
    local done = false
    -- "Bill this administration" on an admin record (the code action: `gra`, its number, Enter, and
    -- about 2 keys to put the cursor in the record): when the lines it writes are the next ones.
    if want:match('^%s*line ') then
      local before = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
      for ar, text in ipairs(before) do
        if done or not text:match('^%s*admin ') then
          goto next_admin
        end
        do
          local pos = { line = ar - 1, character = #text }
          local r = client:request_sync('textDocument/codeAction', {
            textDocument = vim.lsp.util.make_text_document_params(bufnr),
            range = { start = pos, ['end'] = pos },
            context = { diagnostics = {}, triggerKind = 1 },
          }, 10000, bufnr)
          local n = 0
          for _, action in ipairs(r and r.result or {}) do
            if not done and action.title:find('^Bill this administration') and action.edit then
              n = n + 1
              vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
              local after = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
              local wrote = {}
              for i = row + 1, #after do
                if after[i] ~= '' then
                  wrote[#wrote + 1] = after[i]
                end
              end
              if matches(wrote, row + 1) then
                local keys = 3 + 2 + 2
                for i, l in ipairs(wrote) do
                  say('  %-60s %s', l, i == 1 and ('%d keys (code action: %s)'):format(keys, action.title) or '')
                end
                keys_total = keys_total + keys
                row = row + #wrote
                set_rows(row)
                done = true
              else
                vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, before)
              end
            end
          end
        end
        ::next_admin::
      end
    end
    if not done then
      local keys = 0
      local how = {}
      set_rows(row)
      vim.api.nvim_buf_set_lines(bufnr, row, row, false, { '' })
      local line = ''
      local advanced = 1
      local guard = 0
      while line ~= want and guard < 400 do
        guard = guard + 1
        local best, best_gain, best_cost, best_lines
        if #line < #want then
          local items = completion_items(client, bufnr, row, #line)
          for n, item in ipairs(items) do
            if n > 12 then
              break
            end
            local lines = vim.split(accepted(item, line, #line), '\n', { plain = true })
            local ok = #lines == 1 and #lines[1] > #line and vim.startswith(want, lines[1])
              or #lines > 1 and matches(lines, row + 1)
            if ok then
              local cost = n + 1
              local gain = -#line
              for _, l in ipairs(lines) do
                gain = gain + #l + 1
              end
              gain = gain - 1
              if not best or gain - cost > best_gain - best_cost then
                best, best_gain, best_cost, best_lines = item, gain, cost, lines
              end
            end
          end
        end
        if best and best_gain > best_cost then
          keys = keys + best_cost
          how[#how + 1] = best.label
          if #best_lines > 1 then
            advanced = #best_lines
            vim.api.nvim_buf_set_lines(bufnr, row, row + 1, false, best_lines)
            break
          end
          line = best_lines[1]
        else
          keys = keys + 1
          line = want:sub(1, #line + 1)
        end
        vim.api.nvim_buf_set_lines(bufnr, row, row + 1, false, { line })
      end
      local last = row + advanced
      if last < #target then
        keys = keys + 1 -- Enter
      end
      keys_total = keys_total + keys
      local len = 0
      for i = row + 1, last do
        len = len + #target[i] + (i < #target and 1 or 0)
      end
      for i = row + 1, last do
        if i == row + 1 then
          say('  %-60s %3d keys / %3d chars%s', target[i], keys, len, #how > 0 and ('  (menu: ' .. table.concat(how, ', ') .. ')') or '')
        else
          say('  %-60s', target[i])
        end
      end
      row = last
    end
  end
  local ratio = 100 * keys_total / chars
  say('  total: %d keys for %d characters = %.1f%% (goal <= %d%%) %s', keys_total, chars, ratio, goal, ratio <= goal and 'MET' or 'NOT MET')
  vim.cmd('silent! bwipeout!')
  return ratio
end

local i = 3
while arg[i] do
  bench(arg[i], tonumber(arg[i + 1]) or 35)
  i = i + 2
end

for _, c in ipairs(vim.lsp.get_clients({ name = 'claimls' })) do
  c:stop(true)
end
vim.wait(3000, function()
  return #vim.lsp.get_clients({ name = 'claimls' }) == 0
end, 50)
os.exit(0)
