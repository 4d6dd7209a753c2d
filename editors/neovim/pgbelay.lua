-- pgbelay language server for Neovim (0.7 or later, built-in LSP client).
-- Load it from init.lua:  dofile('/path/to/pgbelay/editors/neovim/pgbelay.lua')
-- or copy it to ~/.config/nvim/plugin/pgbelay.lua.
--
-- Optional, set before loading:
--   vim.g.pgbelay_cmd = { 'pgbelay', 'lsp' }                 -- the server command
--   vim.g.pgbelay_settings = { pgVersion = 15, framework = 'goose' }
--     (sent as initializationOptions; framework defaults to detection per directory)

local cmd = vim.g.pgbelay_cmd or { 'pgbelay', 'lsp' }
local settings = vim.g.pgbelay_settings or vim.empty_dict()

-- The project root: the nearest directory above the file holding .git, else
-- the file's own directory.
local function root_of(bufname)
  local dir = vim.fn.fnamemodify(bufname, ':p:h')
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

local clients = {} -- root -> client id (Neovim 0.7, which has no vim.lsp.start)

local function start(args)
  local buf = (args and args.buf) or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(buf)
  if name == '' then
    return
  end
  local config = {
    name = 'pgbelay',
    cmd = cmd,
    root_dir = root_of(name),
    init_options = settings,
  }
  if vim.lsp.start then -- Neovim 0.8 and later
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  local id = clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

vim.api.nvim_create_autocmd('FileType', { pattern = 'sql', callback = start })
