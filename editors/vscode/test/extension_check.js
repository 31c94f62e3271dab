#!/usr/bin/env node
// Exercise the extension outside VS Code, for tests/test_highlight_vscode_extension.py:
//  - the indentation rules of language-configuration.json, compiled as JavaScript
//    regular expressions (as VS Code does), applied to sample lines;
//  - extension.js's activate() with stand-ins for the `vscode` and
//    `vscode-languageclient/node` modules, recording how it starts the server.
//
// Usage: node extension_check.js < request.json > response.json
// request:  {"lines": ["tool t() {", ...], "PATH": "/dir:/dir2",
//            "settings": {"server.enabled": true, "server.path": "agentspec"},
//            "folders": ["/work/project"],            workspace folders
//            "python": {"active": "/venv/bin/python"}, the Python extension's selection (absent: not installed)
//            "pythonSettings": {"defaultInterpreterPath": "..."},
//            "after": [{"setting": "agentspec.server.path", "settings": {...}} | {"command": "..."} |
//                      {"interpreter": "/other/bin/python"}]}   what happens after activation
// response: {"indent": [{"line": ..., "increase": bool, "decrease": bool}],
//            "activation": {"client": {...} | null, "clients": [{...}, ...], "log": [...],
//                           "commands": [...]}}
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

const root = path.resolve(__dirname, '..');

function indentation(lines) {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  return lines.map((line) => ({ line, increase: increase.test(line), decrease: decrease.test(line) }));
}

async function activation(request) {
  const envPath = request.PATH || '';
  let settings = request.settings || {};
  const log = [];
  const record = { client: null, clients: [], log, commands: [] };
  const commands = {};
  const configListeners = [];
  const interpreterListeners = [];
  let active = request.python ? request.python.active : null;
  const pythonExtension = request.python
    ? {
        isActive: false,
        exports: null,
        async activate() {
          this.isActive = true;
          this.exports = {
            environments: {
              getActiveEnvironmentPath: () => ({ id: 'env', path: active }),
              onDidChangeActiveEnvironmentPath: (listener) => {
                interpreterListeners.push(listener);
                return { dispose() {} };
              },
            },
          };
          return this.exports;
        },
      }
    : undefined;
  const fakeVscode = {
    window: { createOutputChannel: () => ({ appendLine: (s) => log.push(s), dispose() {} }) },
    commands: {
      registerCommand: (name, handler) => {
        commands[name] = handler;
        record.commands.push(name);
        return { dispose() {} };
      },
    },
    extensions: { getExtension: (id) => (id === 'ms-python.python' ? pythonExtension : undefined) },
    workspace: {
      workspaceFolders: (request.folders || []).map((folder) => ({ uri: { fsPath: folder } })),
      getConfiguration: (section) => {
        const values = section === 'python' ? request.pythonSettings || {} : settings;
        return { get: (key, dflt) => (key in values ? values[key] : dflt) };
      },
      onDidChangeConfiguration: (listener) => {
        configListeners.push(listener);
        return { dispose() {} };
      },
      createFileSystemWatcher: (glob) => ({ glob }),
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      record.client = {
        id,
        name,
        command: serverOptions.command,
        args: serverOptions.args,
        transport: serverOptions.transport,
        documentSelector: clientOptions.documentSelector,
        watcher: clientOptions.synchronize.fileEvents.glob,
        started: false,
        stopped: false,
      };
      this.record = record.client;
      record.clients.push(record.client);
    }
    async start() {
      this.record.started = true;
    }
    async stop() {
      this.record.stopped = true;
    }
  }
  const fakeClientLib = { LanguageClient, TransportKind: { stdio: 'stdio' } };
  const load = Module._load;
  Module._load = function stub(request, ...rest) {
    if (request === 'vscode') return fakeVscode;
    if (request === 'vscode-languageclient/node') return fakeClientLib;
    return load.call(this, request, ...rest);
  };
  process.env.PATH = envPath;
  try {
    const extension = require(path.join(root, 'src', 'extension.js'));
    const context = { subscriptions: [] };
    await extension.activate(context);
    for (const step of request.after || []) {
      if (step.command) {
        await commands[step.command]();
      } else if (step.setting) {
        settings = step.settings || settings;
        const event = { affectsConfiguration: (name) => step.setting === name || step.setting.startsWith(`${name}.`) };
        await Promise.all(configListeners.map((listener) => listener(event)));
      } else if (step.interpreter) {
        active = step.interpreter;
        await Promise.all(interpreterListeners.map((listener) => listener({ path: active })));
      }
    }
    await extension.deactivate();
  } finally {
    Module._load = load;
  }
  return record;
}

async function main() {
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  const response = {
    indent: indentation(request.lines || []),
    activation: await activation(request),
  };
  process.stdout.write(JSON.stringify(response));
}

main().catch((err) => {
  process.stderr.write(`extension_check.js: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
});
