-- The claimls language server. With this directory on 'runtimepath', `vim.lsp.enable('claimls')` is all
-- a config needs (Neovim 0.11+). Override any field with `vim.lsp.config('claimls', { ... })`, e.g. the
-- executable: `vim.lsp.config('claimls', { cmd = { '/path/to/claimls', 'lsp' } })`.
---@type vim.lsp.Config
return {
  cmd = { 'claimls', 'lsp' },
  filetypes = { 'claim' },
  root_markers = { 'claimls.toml', '.git' },
}
