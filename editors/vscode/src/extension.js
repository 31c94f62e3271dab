// VS Code entry point for agentspec.
//
// Highlighting needs no code (package.json contributes the TextMate grammar).
// This file starts the language server, `agentspec lsp` over stdio, when an
// agentspec executable can be found (src/server_command.js says where it
// looks: the `agentspec.server.path` setting, the Python interpreter selected
// in the Python extension, PATH). Without one the extension still
// highlights, and says in its output channel why there are no diagnostics.
//
// The server is restarted by the "agentspec: Restart Language Server" command,
// when an `agentspec.*` or `python.defaultInterpreterPath` setting changes, and
// when another Python interpreter is selected.
'use strict';

const { spawnSync } = require('child_process');
const { resolveServer, findExecutable } = require('./server_command');

const RESTART_COMMAND = 'agentspec.restartServer';
const PYTHON_EXTENSION = 'ms-python.python';

let vscode = null;
let client = null;
let output = null;

/** The selected interpreter: the Python extension's API, else the `python.defaultInterpreterPath` setting. */
async function selectedInterpreter() {
  const folder = (vscode.workspace.workspaceFolders || [])[0];
  const python = vscode.extensions && vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (python) {
    try {
      const api = python.isActive ? python.exports : await python.activate();
      const environments = api && api.environments;
      if (environments && environments.getActiveEnvironmentPath) {
        const active = environments.getActiveEnvironmentPath(folder ? folder.uri : undefined);
        if (active && active.path) return active.path;
      }
    } catch (err) {
      output.appendLine(`the Python extension did not say which interpreter is selected: ${err.message}`);
    }
  }
  const setting = vscode.workspace.getConfiguration('python', folder ? folder.uri : undefined).get('defaultInterpreterPath');
  return setting && setting !== 'python' ? setting : null;
}

/** Whether `python` can import agentspec (it has agentspec installed). */
function canImport(python) {
  const result = spawnSync(python, ['-c', 'import agentspec'], { timeout: 15000, stdio: 'ignore' });
  return result.status === 0;
}

async function startServer() {
  const config = vscode.workspace.getConfiguration('agentspec');
  if (!config.get('server.enabled', true)) {
    output.appendLine('agentspec.server.enabled is false: syntax highlighting only.');
    return;
  }
  const folders = (vscode.workspace.workspaceFolders || []).map((f) => f.uri.fsPath);
  const resolved = resolveServer({
    configured: config.get('server.path', 'agentspec'),
    folders,
    interpreter: await selectedInterpreter(),
    canImport,
  });
  if (resolved.error) {
    output.appendLine(
      `${resolved.error}: syntax highlighting only. ` +
        'Install agentspec (pip install agentspec) in the selected Python environment or on PATH, ' +
        'or set agentspec.server.path, for diagnostics, completion and formatting.',
    );
    return;
  }

  let lc;
  try {
    lc = require('vscode-languageclient/node');
  } catch (err) {
    output.appendLine(`vscode-languageclient is missing (run npm ci in the extension folder): ${err.message}`);
    return;
  }
  const serverOptions = { command: resolved.command, args: resolved.args, transport: lc.TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'agentspec' },
      { scheme: 'untitled', language: 'agentspec' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.agentspec') },
    outputChannel: output,
  };
  client = new lc.LanguageClient('agentspec', 'agentspec language server', serverOptions, clientOptions);
  output.appendLine(`starting ${[resolved.command, ...resolved.args].join(' ')} (from ${resolved.source})`);
  await client.start();
}

async function stopServer() {
  if (client) {
    const running = client;
    client = null;
    await running.stop();
  }
}

async function restartServer() {
  await stopServer();
  await startServer();
}

async function activate(context) {
  // required here, not at the top, so this module loads outside VS Code (tests)
  vscode = require('vscode');
  output = vscode.window.createOutputChannel('agentspec');
  context.subscriptions.push(output);
  context.subscriptions.push(vscode.commands.registerCommand(RESTART_COMMAND, restartServer));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('agentspec') || event.affectsConfiguration('python.defaultInterpreterPath')) {
        output.appendLine('settings changed: restarting the language server');
        return restartServer();
      }
      return undefined;
    }),
  );
  await startServer();
  // (startServer activated the Python extension, if it is installed)
  const python = vscode.extensions && vscode.extensions.getExtension(PYTHON_EXTENSION);
  const environments = python && python.isActive && python.exports && python.exports.environments;
  if (environments && environments.onDidChangeActiveEnvironmentPath) {
    context.subscriptions.push(
      environments.onDidChangeActiveEnvironmentPath(() => {
        output.appendLine('another Python interpreter was selected: restarting the language server');
        return restartServer();
      }),
    );
  }
}

async function deactivate() {
  await stopServer();
}

module.exports = { activate, deactivate, restartServer, findExecutable, RESTART_COMMAND };
