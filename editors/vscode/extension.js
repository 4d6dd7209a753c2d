// pgbelay for VS Code: runs `pgbelay lsp` for SQL documents through
// vscode-languageclient, and restarts it when the pgbelay settings change.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function settings() {
  const cfg = vscode.workspace.getConfiguration('pgbelay');
  return {
    command: cfg.get('path', 'pgbelay'),
    init: { pgVersion: cfg.get('pgVersion', 15), framework: cfg.get('framework', 'auto') },
  };
}

async function start() {
  const s = settings();
  client = new LanguageClient(
    'pgbelay',
    'pgbelay',
    { command: s.command, args: ['lsp'] },
    {
      documentSelector: [
        { scheme: 'file', language: 'sql' },
        { scheme: 'untitled', language: 'sql' },
      ],
      initializationOptions: s.init,
      // earlier migrations changing on disk refresh the replayed catalog
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.sql') },
    },
  );
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('pgbelay')) {
        if (client) await client.stop();
        await start();
      }
    }),
  );
  await start();
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
