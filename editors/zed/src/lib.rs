//! Zed extension: starts `pgbelay lsp` (found on the worktree's PATH) for SQL
//! files. Settings under "lsp": {"pgbelay": {"initialization_options": {...}}}
//! are passed on (pgVersion, framework).
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Pgbelay;

impl zed::Extension for Pgbelay {
    fn new() -> Self {
        Pgbelay
    }

    fn language_server_command(&mut self, _id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree("pgbelay", worktree).ok().and_then(|s| s.binary);
        let command = match binary.as_ref().and_then(|b| b.path.clone()) {
            Some(path) => path,
            None => worktree
                .which("pgbelay")
                .ok_or_else(|| "pgbelay is not on PATH: build it (zig build) and install zig-out/bin/pgbelay".to_string())?,
        };
        let mut args = vec!["lsp".to_string()];
        if let Some(extra) = binary.and_then(|b| b.arguments) {
            args = extra;
        }
        Ok(zed::Command { command, args, env: Default::default() })
    }

    fn language_server_initialization_options(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree("pgbelay", worktree).ok().and_then(|s| s.initialization_options))
    }
}

zed::register_extension!(Pgbelay);
