-- The keystroke benchmark: a headless Neovim with editors/nvim and the real `claimls lsp` composes a claim
-- from an empty buffer as an efficient coder would, and counts the keys.
--
-- Run through tests/nvim/keystrokes.sh:
--   nvim --headless --clean --cmd 'set rtp^=<repo>/editors/nvim' -l tests/nvim/keystrokes.lua <repo> <out> <claim>...
--
-- The workspace is a team's folder: it holds copies of examples/claimls.toml and examples/patients.toml
-- (the settings the `claim` snippet and `patient` completion read). Each claim starts from an empty buffer;
-- no other document is open.
--
-- Counting rules, line by line:
-- - The code action "Bill this administration" is taken when the lines still to write are exactly the
--   ones it writes (7 keys: about 2 to put the cursor in the admin record, `gra`, the item's number and
--   Enter), unless the menu's "bill this administration" item (on the empty line under the record)
--   writes them, which the menu rules below count.
-- - Otherwise, at each point, the coder asks the completion menu (as Neovim's autocompletion shows it:
--   the items whose filter text starts with the word typed, by sortText, the first 12) and accepts the
--   item that saves the most keys (keys: 1 to select the first item, one more per item above it, 1 to
--   accept), or types the next character (1 key).
-- - A snippet's placeholders are filled in order: each costs the keys to type its text (the same menu
--   is used where the placeholder ends its line; a placeholder whose text is its default costs nothing),
--   and moving on costs 1 key (Tab) per placeholder after the first, plus 1 to leave the last one when
--   snippet text follows it. An item is only taken when its text, placeholders filled, is the claim's.
--   Neovim indents a snippet's later lines by the current line's indentation, and so does this count.
-- - Every line ends with Enter (1 key); a blank line is one Enter. A new line starts with the
--   indentation of the last non-blank line (Neovim's 'autoindent'); each 2 spaces more or less cost 1
--   key (Tab or Backspace: the ftplugin sets 'softtabstop' 2).
-- - Comments are not part of the text. Chart facts (ids, dates, times, doses, names, free text) are
--   typed unless the menu offers them from the claim or the settings.
-- Not a pass/fail test: it prints the ratio of keys to characters per line and in total, next to the
-- goal.

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

-- A team's folder: the settings and the patients file sit next to the drafts.
local workspace = out .. '/keystrokes'
vim.fn.mkdir(workspace, 'p')
for _, name in ipairs({ 'claimls.toml', 'patients.toml' }) do
  vim.fn.writefile(vim.fn.readfile(repo .. '/examples/' .. name), workspace .. '/' .. name)
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

--- A snippet as segments: literals `{ lit = text }` and placeholders `{ ph = n, default = text }` (a
--- choice's default is its first option); `$0` vanishes.
local function parse_snippet(snippet)
  local segs, lit, i = {}, '', 1
  local function flush()
    if lit ~= '' then
      segs[#segs + 1] = { lit = lit }
      lit = ''
    end
  end
  while i <= #snippet do
    local c = snippet:sub(i, i)
    if c == '\\' and i < #snippet then
      lit = lit .. snippet:sub(i + 1, i + 1)
      i = i + 2
    elseif c == '$' then
      local n, after = snippet:match('^%$(%d+)()', i)
      local bn, body, after2 = snippet:match('^%${(%d+)([^}]*)}()', i)
      if n then
        if n ~= '0' then
          flush()
          segs[#segs + 1] = { ph = tonumber(n), default = '' }
        end
        i = after
      elseif bn then
        flush()
        local default = body:match('^:(.*)$') or body:match('^|([^,|]*)') or ''
        segs[#segs + 1] = { ph = tonumber(bn), default = default }
        i = after2
      else
        lit = lit .. c
        i = i + 1
      end
    else
      lit = lit .. c
      i = i + 1
    end
  end
  flush()
  return segs
end

--- The segments `item` writes on `line` (typed up to `col`): the line's text before the edit, the
--- item's text (later lines indented by the line's indentation), the line's text after the edit.
local function template(item, line, col)
  local edit = item.textEdit
  local new = edit and edit.newText or item.insertText or item.label
  local s, e = col, col
  if edit then
    local range = edit.range or edit.replace
    s, e = range.start.character, range['end'].character
  end
  local indent = line:match('^%s*')
  local segs = { { lit = line:sub(1, s) } }
  local body = item.insertTextFormat == 2 and parse_snippet(new) or { { lit = new } }
  for _, seg in ipairs(body) do
    if seg.lit then
      segs[#segs + 1] = { lit = (seg.lit:gsub('\n', '\n' .. indent)) }
    else
      segs[#segs + 1] = seg
    end
  end
  segs[#segs + 1] = { lit = line:sub(e + 1) }
  -- Adjacent literals merged, empty ones dropped.
  local out = {}
  for _, seg in ipairs(segs) do
    if seg.lit and out[#out] and out[#out].lit then
      out[#out].lit = out[#out].lit .. seg.lit
    elseif not (seg.lit and seg.lit == '') then
      out[#out + 1] = seg
    end
  end
  return out
end

--- Match segments against `text` (the claim from the current line on): literals exactly, each
--- placeholder up to the next literal on its line (or the line's end). Returns the length matched and
--- the placeholders' texts, or nil.
local function match(segs, text)
  local pos, fills = 1, {}
  for k, seg in ipairs(segs) do
    if seg.lit then
      if text:sub(pos, pos + #seg.lit - 1) ~= seg.lit then
        return nil
      end
      pos = pos + #seg.lit
    else
      local nxt = segs[k + 1]
      if nxt and nxt.ph then
        return nil
      end
      local line_end = text:find('\n', pos, true) or (#text + 1)
      local stop = line_end
      if nxt and nxt.lit:sub(1, 1) ~= '\n' then
        local first = nxt.lit:match('^[^\n]*')
        stop = text:find(first, pos, true)
        if not stop or stop > line_end then
          return nil
        end
      end
      fills[#fills + 1] = { seg = seg, text = text:sub(pos, stop - 1), at_end = stop == line_end }
      pos = stop
    end
  end
  return pos - 1, fills
end

--- The text of segments with the placeholders' values so far (`values[i]`, else their default).
local function render(segs, values)
  local out, n = {}, 0
  for _, seg in ipairs(segs) do
    if seg.lit then
      out[#out + 1] = seg.lit
    else
      n = n + 1
      out[#out + 1] = values[n] or seg.default
    end
  end
  return table.concat(out)
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
  --- The claim's text from row `r` (0-based) on.
  local function rest_from(r)
    return table.concat(target, '\n', r + 1)
  end

  --- Type row `r` (0-based) from `line` up to its target text, with the menu; `single` keeps to
  --- one-line items without placeholders (inside a placeholder). Returns the keys, the menu labels,
  --- and the row the cursor ends on (a multi-line item moves it).
  local function type_line(r, line, want, single)
    local keys, how, guard = 0, {}, 0
    vim.api.nvim_buf_set_lines(bufnr, r, r + 1, false, { line })
    while line ~= want and guard < 400 do
      guard = guard + 1
      local best, best_net, best_cost, best_segs, best_fills
      if #line < #want then
        local items = completion_items(client, bufnr, r, #line)
        local text = single and want or rest_from(r)
        for n, item in ipairs(items) do
          if n > 12 then
            break
          end
          local segs = template(item, line, #line)
          local len, fills = match(segs, text)
          local multi = len and (#fills > 0 or render(segs, {}):find('\n', 1, true))
          if len and len > #line and not (single and multi) then
            local typed = 0
            for _, f in ipairs(fills) do
              typed = typed + #f.text
            end
            local tabs = math.max(#fills - 1, 0)
            if #fills > 0 and segs[#segs].lit then
              tabs = tabs + 1
            end
            local cost = n + 1 + tabs
            local net = len - #line - typed - cost
            if not best or net > best_net then
              best, best_net, best_cost, best_segs, best_fills = item, net, cost, segs, fills
            end
          end
        end
      end
      if best and best_net > 0 then
        if vim.env.KEYSTROKES_TRACE then
          say('      [%s] +%d menu %q', line, best_cost, best.label)
        end
        keys = keys + best_cost
        how[#how + 1] = best.label
        local span = select(2, render(best_segs, {}):gsub('\n', ''))
        local values = {}
        local function show()
          local lines = vim.split(render(best_segs, values), '\n', { plain = true })
          vim.api.nvim_buf_set_lines(bufnr, r, r + span + 1, false, lines)
          return lines
        end
        show()
        for i, f in ipairs(best_fills) do
          if f.text ~= f.seg.default then
            -- The text before the placeholder: its row and what stands before it on that row.
            local acc, n = {}, 0
            for _, seg in ipairs(best_segs) do
              if seg.lit then
                acc[#acc + 1] = seg.lit
              else
                n = n + 1
                if n == i then
                  break
                end
                acc[#acc + 1] = values[n] or seg.default
              end
            end
            local before = table.concat(acc)
            local prow = r + select(2, before:gsub('\n', ''))
            local pline = before:match('[^\n]*$')
            values[i] = ''
            show()
            if f.at_end then
              local k, h = type_line(prow, pline, pline .. f.text, true)
              keys = keys + k
              for _, l in ipairs(h) do
                how[#how + 1] = l
              end
            else
              keys = keys + #f.text
            end
          end
          values[i] = f.text
          show()
        end
        local lines = show()
        r = r + span
        line = lines[#lines]
        want = target[r + 1]
      else
        keys = keys + 1
        line = want:sub(1, #line + 1)
        vim.api.nvim_buf_set_lines(bufnr, r, r + 1, false, { line })
      end
    end
    return keys, how, r
  end

  while row < #target do
    local want = target[row + 1]
    local done = false
    -- "Bill this administration" on an admin record (the code action: `gra`, its number, Enter, and
    -- about 2 keys to put the cursor in the record): when the lines it writes are the next ones.
    -- Unless the menu's "bill this administration" item writes them for fewer keys (the menu path
    -- below counts it).
    local menu_bills = false
    if want:match('^%s*line ') then
      set_rows(row)
      local wanted = want:match('^%s*')
      vim.api.nvim_buf_set_lines(bufnr, row, row, false, { wanted })
      for n, item in ipairs(completion_items(client, bufnr, row, #wanted)) do
        if n <= 5 and item.label:find('^bill this administration') then
          local len = match(template(item, wanted, #wanted), rest_from(row))
          menu_bills = menu_bills or (len ~= nil and len > 0)
        end
      end
      set_rows(row)
    end
    if want:match('^%s*line ') and not menu_bills then
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
      set_rows(row)
      vim.api.nvim_buf_set_lines(bufnr, row, row, false, { '' })
      -- 'autoindent': the indentation of the last non-blank line; 2 spaces per Tab or Backspace.
      local indent = ''
      for i = row, 1, -1 do
        if target[i] ~= '' then
          indent = target[i]:match('^%s*')
          break
        end
      end
      local keys, how, last = 0, {}, row
      if want ~= '' then
        local wanted = want:match('^%s*')
        keys = math.ceil(math.abs(#wanted - #indent) / 2)
        keys, how, last = (function(k)
          local k2, h, l = type_line(row, wanted, want, false)
          return k + k2, h, l
        end)(keys)
      end
      last = last + 1
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
      set_rows(row)
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
