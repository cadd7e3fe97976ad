-- :ClaimLookup [code|ndc|drug] — what claimls knows about a code, an NDC or a drug, in a floating window.
-- Without an argument it looks up the word under the cursor. Asks the running claimls server
-- (`claimls/lookup`); with none running, runs `claimls lookup` with the executable of the `claimls` LSP
-- config (so a `cmd` override applies here too).
if vim.g.loaded_claimls then
  return
end
vim.g.loaded_claimls = true

vim.filetype.add({ extension = { claim = 'claim' } })

local claimls = require('claimls')

vim.api.nvim_create_user_command('ClaimLookup', function(opts)
  local query = vim.trim(opts.args)
  if query == '' then
    query = vim.fn.expand('<cWORD>'):gsub('[,;]+$', '')
  end
  if query == '' then
    vim.notify('ClaimLookup: give a code, an NDC or a drug name, or put the cursor on one', vim.log.levels.WARN)
    return
  end
  local lines, found = claimls.lookup(query)
  local bufnr, winid = vim.lsp.util.open_floating_preview(lines, 'markdown', {
    border = 'rounded',
    focus_id = 'claimls-lookup',
    max_width = 100,
  })
  vim.b[bufnr].claimls_lookup = { query = query, found = found }
  claimls.last = { bufnr = bufnr, winid = winid, query = query, found = found }
end, { nargs = '?', desc = 'claimls: look up a code, NDC or drug' })

