// VS Code entry point for agentspec.
//
// Highlighting needs no code (package.json contributes the TextMate grammar).
// This file only starts the language server, `agentspec lsp` over stdio, when
// the agentspec executable can be found — on PATH by default, or at the path in
// the `agentspec.server.path` setting. Without it the extension still
// highlights, and says once in its output channel why there are no diagnostics.
'use strict';

const fs = require('fs');
const path = require('path');

/** True if `file` is an existing regular file we may execute. */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch (_err) {
    return false;
  }
}

/**
 * Resolve `command` like a shell would: a path is taken as is, a bare name is
 * looked up in the directories of `envPath` (PATHEXT suffixes on Windows).
 * Returns the absolute path, or null when there is no such executable.
 */
function findExecutable(command, envPath = process.env.PATH || '', platform = process.platform) {
  if (!command) return null;
  if (command.includes('/') || command.includes('\\')) {
    return isExecutable(command) ? path.resolve(command) : null;
  }
  const suffixes =
    platform === 'win32' ? ['', ...(process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const suffix of suffixes) {
      const candidate = path.join(dir, command + suffix);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

let client = null;

async function activate(context) {
  // required here, not at the top, so findExecutable can be tested outside VS Code
  const vscode = require('vscode');
  const output = vscode.window.createOutputChannel('agentspec');
  context.subscriptions.push(output);

  const config = vscode.workspace.getConfiguration('agentspec');
  if (!config.get('server.enabled', true)) {
    output.appendLine('agentspec.server.enabled is false: syntax highlighting only.');
    return;
  }
  const wanted = config.get('server.path', 'agentspec') || 'agentspec';
  const command = findExecutable(wanted);
  if (!command) {
    output.appendLine(
      `"${wanted}" was not found (PATH or agentspec.server.path): syntax highlighting only. ` +
        "Install agentspec (pip install agentspec) for diagnostics, completion and formatting.",
    );
    return;
  }

  let lc;
  try {
    lc = require('vscode-languageclient/node');
  } catch (err) {
    output.appendLine(`vscode-languageclient is missing (run npm install in the extension folder): ${err.message}`);
    return;
  }
  const serverOptions = { command, args: ['lsp'], transport: lc.TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'agentspec' },
      { scheme: 'untitled', language: 'agentspec' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.agentspec') },
    outputChannel: output,
  };
  client = new lc.LanguageClient('agentspec', 'agentspec language server', serverOptions, clientOptions);
  output.appendLine(`starting ${command} lsp`);
  await client.start();
}

async function deactivate() {
  if (client) {
    const running = client;
    client = null;
    await running.stop();
  }
}

module.exports = { activate, deactivate, findExecutable };
