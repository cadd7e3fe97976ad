-- Buffer settings for claim drafts: `#` comments, 2-space indentation, tree-sitter highlighting and folds
-- when the `claim` parser is installed (parser/claim.so on 'runtimepath', see the README).
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = true

vim.bo.commentstring = '# %s'
vim.bo.comments = ':#'
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
vim.opt_local.iskeyword:append({ '-', '.' })

local undo = 'setlocal commentstring< comments< expandtab< shiftwidth< softtabstop< iskeyword<'

if vim.g.claimls_treesitter ~= false and pcall(vim.treesitter.start, 0, 'claim') then
  if vim.g.claimls_folds ~= false then
    vim.wo[0][0].foldmethod = 'expr'
    vim.wo[0][0].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
    vim.wo[0][0].foldlevel = 99
    undo = undo .. ' | setlocal foldmethod< foldexpr< foldlevel<'
  end
  undo = undo .. ' | lua vim.treesitter.stop()'
end

vim.b.undo_ftplugin = undo
