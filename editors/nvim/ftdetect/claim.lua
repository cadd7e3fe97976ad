-- *.claim files are claim drafts (filetype `claim`, tree-sitter language `claim`).
vim.filetype.add({ extension = { claim = 'claim' } })
