#!/usr/bin/env node
// Exercise the extension outside VS Code, for tests/test_highlight_vscode_extension.py:
//  - the indentation rules of language-configuration.json, compiled as JavaScript
//    regular expressions (as VS Code does), applied to sample lines;
//  - extension.js's activate() with stand-ins for the `vscode` and
//    `vscode-languageclient/node` modules, recording how it starts the server.
//
// Usage: node extension_check.js < request.json > response.json
// request:  {"lines": ["tool t() {", ...], "PATH": "/dir:/dir2",
//            "settings": {"server.enabled": true, "server.path": "agentspec"}}
// response: {"indent": [{"line": ..., "increase": bool, "decrease": bool}],
//            "activation": {"client": {...} | null, "log": [...]}}
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

async function activation(envPath, settings) {
  const log = [];
  const record = { client: null, log };
  const fakeVscode = {
    window: { createOutputChannel: () => ({ appendLine: (s) => log.push(s), dispose() {} }) },
    workspace: {
      getConfiguration: () => ({ get: (key, dflt) => (key in settings ? settings[key] : dflt) }),
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
    }
    async start() {
      record.client.started = true;
    }
    async stop() {
      record.client.stopped = true;
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
    const extension = require(path.join(root, 'extension.js'));
    const context = { subscriptions: [] };
    await extension.activate(context);
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
    activation: await activation(request.PATH || '', request.settings || {}),
  };
  process.stdout.write(JSON.stringify(response));
}

main().catch((err) => {
  process.stderr.write(`extension_check.js: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
});
