#!/usr/bin/env node
// Tokenise .agentspec sources with the TextMate engine VS Code itself uses
// (vscode-textmate + vscode-oniguruma), so the tests see exactly the scopes an
// editor would show.
//
// Usage:  node tokenize.js GRAMMAR.tmLanguage.json < request.json > response.json
//
// request:  {"documents": [{"name": "a.agentspec", "text": "..."}]}
// response: {"documents": [{"name": "a.agentspec",
//              "lines": [[{"start": 0, "end": 4, "text": "tool",
//                          "scopes": ["source.agentspec", "storage.type..."]}]]}]}
//
// One process handles many documents so the test suite starts Node once.
// Errors (bad grammar, bad request) go to stderr with exit status 2.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(message) {
  process.stderr.write(`tokenize.js: ${message}\n`);
  process.exit(2);
}

let vsctm;
let oniguruma;
try {
  vsctm = require('vscode-textmate');
  oniguruma = require('vscode-oniguruma');
} catch (err) {
  fail(`cannot load vscode-textmate/vscode-oniguruma (run npm ci in ${__dirname}): ${err.message}`);
}

async function loadGrammar(grammarPath) {
  const wasmPath = path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm');
  const wasm = fs.readFileSync(wasmPath);
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onigLib = Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  });
  const raw = fs.readFileSync(grammarPath, 'utf8');
  const scopeName = JSON.parse(raw).scopeName;
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (name) => (name === scopeName ? vsctm.parseRawGrammar(raw, grammarPath) : null),
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (!grammar) fail(`grammar ${grammarPath} did not load`);
  return grammar;
}

function tokenizeDocument(grammar, text) {
  const lines = text.split(/\r?\n/);
  let ruleStack = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, ruleStack);
    out.push(
      result.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    );
    ruleStack = result.ruleStack;
  }
  return out;
}

async function main() {
  const grammarPath = process.argv[2];
  if (!grammarPath) fail('usage: node tokenize.js GRAMMAR.tmLanguage.json < request.json');
  let request;
  try {
    request = JSON.parse(fs.readFileSync(0, 'utf8'));
  } catch (err) {
    fail(`request on stdin is not JSON: ${err.message}`);
  }
  if (!request || !Array.isArray(request.documents)) fail('request needs a "documents" list');
  const grammar = await loadGrammar(grammarPath);
  const documents = request.documents.map((doc) => ({
    name: doc.name,
    lines: tokenizeDocument(grammar, String(doc.text)),
  }));
  process.stdout.write(JSON.stringify({ documents }));
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
