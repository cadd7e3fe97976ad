-- End-to-end test of editors/nvim in a real, headless Neovim talking to the real `claimls lsp`.
--
-- Run through tests/nvim/run.sh, which builds the server and parser/claim.so and starts:
--   nvim --headless --clean --cmd 'set rtp^=<repo>/editors/nvim' -l tests/nvim/e2e.lua <repo> <out>
-- with the release `claimls` first on PATH, so the plugin's own `lsp/claimls.lua` (cmd `claimls lsp`) is
-- what starts the server. Prints one line per test and then `nvim-e2e: N passed, M failed`; exits 1 on
-- any failure.

local repo, out = arg[1], arg[2]
assert(repo and out, 'usage: nvim -l tests/nvim/e2e.lua <repo> <out>')

local results = {}
local function log(fmt, ...)
  io.stdout:write(fmt:format(...) .. '\n')
  io.stdout:flush()
end

--- Run one named test; a failed `assert`/`error` inside fails it and the next test runs.
local function test(name, fn)
  local started = vim.uv.hrtime()
  local ok, err = xpcall(fn, function(e)
    return tostring(e)
  end)
  local ms = (vim.uv.hrtime() - started) / 1e6
  results[#results + 1] = { name = name, ok = ok }
  if ok then
    log('ok   %s (%d ms)', name, ms)
  else
    log('FAIL %s (%d ms)\n     %s', name, ms, tostring(err):gsub('\n', '\n     '))
  end
  return ok
end

local function wait_for(what, timeout, cond)
  local value
  local ok = vim.wait(timeout, function()
    value = cond()
    return value ~= nil and value ~= false
  end, 50)
  if not ok then
    error(('timed out after %d ms waiting for %s'):format(timeout, what), 2)
  end
  return value
end

local function write_file(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

local function find(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s, e = line:find(pattern)
    if s then
      return i - 1, s - 1, e -- 0-based row, 0-based start col, end col (exclusive)
    end
  end
  error(('pattern %q not in buffer %d'):format(pattern, bufnr), 2)
end

local function codes(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    list[#list + 1] = tostring(d.code)
  end
  table.sort(list)
  return list
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then
      return d
    end
  end
  return nil
end

-- A workspace of its own with copies of the fixtures (the test edits them).
local workspace = out .. '/workspace'
vim.fn.delete(workspace, 'rf')
vim.fn.mkdir(workspace, 'p')
for _, name in ipairs({ 'waste.claim', 'ocrevus.claim' }) do
  write_file(workspace .. '/' .. name, table.concat(vim.fn.readfile(repo .. '/tests/fixtures/' .. name), '\n') .. '\n')
end

vim.lsp.log.set_level(vim.log.levels.WARN)
vim.lsp.enable('claimls')

local waste, ocrevus, client

test('the plugin loads: ftdetect, :ClaimLookup, lsp/claimls.lua', function()
  assert(vim.fn.exists(':ClaimLookup') == 2, ':ClaimLookup is not defined')
  local config = vim.lsp.config.claimls
  assert(config, 'vim.lsp.config.claimls is nil: lsp/claimls.lua not found on runtimepath')
  assert(vim.deep_equal(config.cmd, { 'claimls', 'lsp' }), 'cmd is ' .. vim.inspect(config.cmd))
  assert(vim.deep_equal(config.filetypes, { 'claim' }), 'filetypes is ' .. vim.inspect(config.filetypes))
  assert(vim.deep_equal(config.root_markers, { 'claimls.toml', '.git' }), vim.inspect(config.root_markers))
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/waste.claim'))
  waste = vim.api.nvim_get_current_buf()
  assert(vim.bo[waste].filetype == 'claim', 'filetype is ' .. vim.bo[waste].filetype)
  assert(vim.bo[waste].commentstring == '# %s', 'commentstring is ' .. vim.bo[waste].commentstring)
end)

test('tree-sitter highlight captures on a keyword and a code', function()
  assert(waste, 'needs the buffer')
  assert(vim.treesitter.highlighter.active[waste], 'tree-sitter highlighting is not active (parser/claim.so?)')
  local parser = vim.treesitter.get_parser(waste, 'claim')
  local root = parser:parse()[1]:root()
  assert(not root:has_error(), 'the fixture parses with errors: ' .. root:sexpr():sub(1, 300))
  local row = find(waste, '^%s*line J1745')
  local text = vim.api.nvim_buf_get_lines(waste, row, row + 1, false)[1]
  local col = text:find('line', 1, true) - 1
  local names = function(r, c)
    local list = {}
    for _, cap in ipairs(vim.treesitter.get_captures_at_pos(waste, r, c)) do
      list[#list + 1] = cap.capture
    end
    return list
  end
  local on_keyword = names(row, col)
  local is_keyword = vim.iter(on_keyword):any(function(n)
    return n:match('^keyword') ~= nil
  end)
  assert(is_keyword, '`line` has captures ' .. vim.inspect(on_keyword))
  local on_code = names(row, text:find('J1745', 1, true) - 1)
  assert(#on_code > 0, '`J1745` has no highlight capture')
  assert(not vim.deep_equal(on_code, on_keyword), 'code and keyword share captures ' .. vim.inspect(on_code))
  log('     captures: line=%s J1745=%s', table.concat(on_keyword, ','), table.concat(on_code, ','))
end)

test('tree-sitter folds: claim and admin blocks fold', function()
  assert(waste, 'needs the buffer')
  assert(vim.treesitter.query.get('claim', 'folds'), 'no folds query for claim (queries/claim/folds.scm)')
  local row = find(waste, '^%s*dose ')
  local level = wait_for('a fold level on the dose line', 3000, function()
    local l = vim.fn.foldlevel(row + 1)
    return l >= 1 and l or nil
  end)
  assert(level >= 1, 'fold level ' .. level)
end)

test('the server attaches with incremental sync', function()
  assert(waste, 'needs the buffer')
  client = wait_for('claimls to attach', 15000, function()
    return vim.lsp.get_clients({ bufnr = waste, name = 'claimls' })[1]
  end)
  wait_for('initialize', 15000, function()
    return client.initialized
  end)
  local sync = client.server_capabilities.textDocumentSync
  local change = type(sync) == 'table' and sync.change or sync
  assert(change == vim.lsp.protocol.TextDocumentSyncKind.Incremental, 'textDocumentSync.change is ' .. vim.inspect(change))
end)

test('diagnostics appear with rule ids as codes', function()
  assert(client, 'needs the server')
  wait_for('waste-jw-missing', 15000, function()
    return has_code(waste, 'waste-jw-missing')
  end)
  for _, d in ipairs(vim.diagnostic.get(waste)) do
    assert(type(d.code) == 'string' and d.code:match('^[a-z0-9]+%-[a-z0-9%-]+$'), 'code ' .. vim.inspect(d.code))
    assert(d.source == 'claimls', 'source ' .. vim.inspect(d.source))
  end
  local d = has_code(waste, 'waste-jw-missing')
  assert(d.severity == vim.diagnostic.severity.ERROR, 'waste-jw-missing severity ' .. tostring(d.severity))
  local row = find(waste, '^%s*line J1745')
  assert(d.lnum == row, ('waste-jw-missing on line %d, the J1745 line is %d'):format(d.lnum + 1, row + 1))
  log('     diagnostics: %s', table.concat(codes(waste), ' '))
end)

test('a code action applies and clears its finding', function()
  assert(client and has_code(waste, 'waste-jw-missing'), 'needs the finding')
  local d = has_code(waste, 'waste-jw-missing')
  local lsp_diag = d.user_data and d.user_data.lsp
  assert(lsp_diag, 'the diagnostic keeps no LSP original')
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(waste),
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' }, triggerKind = 1 },
  }
  local response = client:request_sync('textDocument/codeAction', params, 10000, waste)
  assert(response and not response.err, 'codeAction failed: ' .. vim.inspect(response))
  local actions = response.result or {}
  local chosen
  for _, action in ipairs(actions) do
    for _, ad in ipairs(action.diagnostics or {}) do
      if ad.code == 'waste-jw-missing' then
        chosen = chosen or action
      end
    end
  end
  assert(chosen, 'no code action for waste-jw-missing among ' .. vim.inspect(vim.tbl_map(function(a)
    return a.title
  end, actions)))
  if not chosen.edit and client:supports_method('codeAction/resolve') then
    local resolved = client:request_sync('codeAction/resolve', chosen, 10000, waste)
    chosen = resolved and resolved.result or chosen
  end
  assert(chosen.edit, 'the action carries no edit: ' .. vim.inspect(chosen))
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  local text = table.concat(vim.api.nvim_buf_get_lines(waste, 0, -1, false), '\n')
  assert(text:match('line%s+J1745%s+JW%s+units%s+5'), 'no JW line after the fix:\n' .. text)
  wait_for('waste-jw-missing to clear', 10000, function()
    return not has_code(waste, 'waste-jw-missing') and #vim.diagnostic.get(waste, { severity = vim.diagnostic.severity.ERROR }) == 0
  end)
  log('     applied %q; diagnostics now: %s', chosen.title, table.concat(codes(waste), ' '))
end)

test('an incremental edit republishes diagnostics', function()
  assert(client, 'needs the server')
  local row, _, e = find(waste, 'JW%s+units%s+5')
  -- Change only the digit: one small didChange, not the whole text.
  vim.api.nvim_buf_set_text(waste, row, e - 1, row, e, { '4' })
  wait_for('waste-jw-units after JW units 5 → 4', 10000, function()
    return has_code(waste, 'waste-jw-units')
  end)
  vim.api.nvim_buf_set_text(waste, row, e - 1, row, e, { '5' })
  wait_for('waste-jw-units to clear after 4 → 5', 10000, function()
    return not has_code(waste, 'waste-jw-units')
  end)
end)

test('completion after `line J23` returns J2350', function()
  assert(client, 'needs the server')
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/ocrevus.claim'))
  ocrevus = vim.api.nvim_get_current_buf()
  wait_for('claimls on ocrevus.claim', 10000, function()
    return vim.lsp.get_clients({ bufnr = ocrevus, name = 'claimls' })[1]
  end)
  local last = vim.api.nvim_buf_line_count(ocrevus)
  vim.api.nvim_buf_set_lines(ocrevus, last, last, false, { '  line J23' })
  vim.api.nvim_win_set_cursor(0, { last + 1, #'  line J23' })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local response = client:request_sync('textDocument/completion', params, 10000, ocrevus)
  assert(response and not response.err, 'completion failed: ' .. vim.inspect(response))
  local items = response.result and (response.result.items or response.result) or {}
  local labels = {}
  local found = false
  for _, item in ipairs(items) do
    local text = item.label .. ' ' .. (item.insertText or '') .. ' ' .. (item.textEdit and item.textEdit.newText or '')
    labels[#labels + 1] = item.label
    found = found or text:find('J2350', 1, true) ~= nil
  end
  assert(found, 'no J2350 among ' .. vim.inspect(labels))
  vim.api.nvim_buf_set_lines(ocrevus, last, last + 1, false, {})
end)

test('hover on J2350 shows its descriptor', function()
  assert(client and ocrevus, 'needs the server and ocrevus.claim')
  local row, col = find(ocrevus, 'J2350')
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(ocrevus),
    position = { line = row, character = col + 1 },
  }
  local response = client:request_sync('textDocument/hover', params, 10000, ocrevus)
  assert(response and not response.err and response.result, 'no hover: ' .. vim.inspect(response))
  local contents = response.result.contents
  local text = type(contents) == 'string' and contents or contents.value or vim.inspect(contents)
  -- The HCPCS descriptor of J2350, as the code data has it.
  assert(text:lower():find('injection, ocrelizumab, 1 mg', 1, true), 'hover lacks the descriptor:\n' .. text)
  write_file(out .. '/hover-J2350.md', text)
end)

test(':ClaimLookup J2350 shows ocrelizumab', function()
  vim.cmd('ClaimLookup J2350')
  local last = require('claimls').last
  assert(last and vim.api.nvim_buf_is_valid(last.bufnr), 'no lookup window')
  local text = table.concat(vim.api.nvim_buf_get_lines(last.bufnr, 0, -1, false), '\n')
  assert(last.found, 'claimls lookup J2350 found nothing:\n' .. text)
  assert(text:lower():find('ocrelizumab', 1, true), 'lookup output does not name ocrelizumab:\n' .. text)
  pcall(vim.api.nvim_win_close, last.winid, true)
end)

-- examples/ocrevus-maintenance.claim without its comments and billed lines: the coder has charted the
-- administration and lets the editor write the lines.
local function ocrevus_unbilled()
  local kept = {}
  for _, l in ipairs(vim.fn.readfile(repo .. '/examples/ocrevus-maintenance.claim')) do
    l = (l:gsub('#.*$', '')):gsub('%s+$', '')
    if l ~= '' and not l:match('^%s*line ') then
      kept[#kept + 1] = l
    end
  end
  return kept
end

local function complete_at(bufnr, row, col)
  -- Neovim sends buffer changes after a short debounce: let the last one reach the server first.
  vim.wait(500)
  -- The position itself: in Normal mode the cursor cannot stand after the line's last character, where
  -- a coder in Insert mode types.
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = row, character = col },
  }
  local response = client:request_sync('textDocument/completion', params, 10000, bufnr)
  assert(response and not response.err, 'completion failed: ' .. vim.inspect(response))
  return response.result and (response.result.items or response.result) or {}
end

--- The labels Neovim's completion keeps for `typed`: filterText (or label) starting with it, by sortText.
local function kept_for(items, typed)
  local kept = {}
  for _, item in ipairs(items) do
    if vim.startswith(item.filterText or item.label, typed) then
      kept[#kept + 1] = item
    end
  end
  table.sort(kept, function(a, b)
    return (a.sortText or a.label) < (b.sortText or b.label)
  end)
  return vim.tbl_map(function(i)
    return i.label
  end, kept)
end

local bill

test('"Bill this administration" writes the lines and the claim is clean', function()
  assert(client, 'needs the server')
  write_file(workspace .. '/bill.claim', table.concat(ocrevus_unbilled(), '\n') .. '\n')
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/bill.claim'))
  bill = vim.api.nvim_get_current_buf()
  local c = wait_for('claimls on bill.claim', 10000, function()
    return vim.lsp.get_clients({ bufnr = bill, name = 'claimls' })[1]
  end)
  wait_for('line-missing', 15000, function()
    return has_code(bill, 'line-missing')
  end)
  local row = find(bill, '^%s*dose 600')
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bill),
    range = { start = { line = row, character = 4 }, ['end'] = { line = row, character = 4 } },
    context = { diagnostics = {}, triggerKind = 1 },
  }
  local response = c:request_sync('textDocument/codeAction', params, 10000, bill)
  assert(response and not response.err, 'codeAction failed: ' .. vim.inspect(response))
  local chosen
  for _, action in ipairs(response.result or {}) do
    if not chosen and action.title:find('^Bill this administration') then
      chosen = action
    end
  end
  assert(chosen and chosen.edit, 'no "Bill this administration" among ' .. vim.inspect(vim.tbl_map(function(a)
    return a.title
  end, response.result or {})))
  vim.lsp.util.apply_workspace_edit(chosen.edit, c.offset_encoding)
  local text = table.concat(vim.api.nvim_buf_get_lines(bill, 0, -1, false), '\n')
  assert(text:find('line J2350 JZ units 600 dx A\n  line 96413 units 1 dx A\n  line 96415 units 3 dx A', 1, true), text)
  wait_for('a claim with no error and no line-missing', 10000, function()
    return not has_code(bill, 'line-missing') and #vim.diagnostic.get(bill, { severity = vim.diagnostic.severity.ERROR }) == 0
  end)
  log('     applied %q; diagnostics now: %s', chosen.title, table.concat(codes(bill), ' '))
end)

test('`units ` completion offers the value the record gives', function()
  assert(client and bill, 'needs the billed buffer')
  local last = vim.api.nvim_buf_line_count(bill)
  vim.api.nvim_buf_set_lines(bill, last, last, false, { '  line 96366 units ' })
  local items = complete_at(bill, last, #'  line 96366 units ')
  local labels = vim.tbl_map(function(i)
    return i.label
  end, items)
  assert(vim.deep_equal(labels, { '3' }), 'units after 96366: ' .. vim.inspect(labels))
  vim.api.nvim_buf_set_lines(bill, last, last + 1, false, {})
end)

test('keywords narrow by what is typed: `r` under an admin is reaction, route', function()
  assert(client, 'needs the server')
  write_file(workspace .. '/keywords.claim', 'claim K1\n  payer medicare\n  admin ocrelizumab\n    dose 600 mg\n    r\n')
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/keywords.claim'))
  local buf = vim.api.nvim_get_current_buf()
  wait_for('claimls on keywords.claim', 10000, function()
    return vim.lsp.get_clients({ bufnr = buf, name = 'claimls' })[1]
  end)
  local row = find(buf, '^    r$')
  local kept = kept_for(complete_at(buf, row, 5), 'r')
  assert(vim.deep_equal(kept, { 'route', 'reaction' }), '`r` keeps ' .. vim.inspect(kept))
end)

-- Stop the server and wait for it, so no process outlives the test.
for _, c in ipairs(vim.lsp.get_clients({ name = 'claimls' })) do
  c:stop()
end
local stopped = vim.wait(5000, function()
  return #vim.lsp.get_clients({ name = 'claimls' }) == 0
end, 50)
if not stopped then
  for _, c in ipairs(vim.lsp.get_clients({ name = 'claimls' })) do
    c:stop(true)
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients({ name = 'claimls' }) == 0
  end, 50)
end

local passed, failed = 0, 0
for _, r in ipairs(results) do
  if r.ok then
    passed = passed + 1
  else
    failed = failed + 1
  end
end
log('nvim-e2e: %d passed, %d failed', passed, failed)
os.exit(failed == 0 and 0 or 1)
