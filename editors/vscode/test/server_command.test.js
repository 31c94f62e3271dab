// Unit tests of src/server_command.js (which command starts the language server),
// with Node's own test runner: node --test test/server_command.test.js
// (tests/test_highlight_vscode_extension.py runs it).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { resolveServer } = require('../src/server_command');

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'agentspec-server-command-'));
}

function executable(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return file;
}

const never = () => false;

test('a relative server.path is resolved against the workspace folder, not the process directory', () => {
  const project = tempDir();
  const script = executable(path.join(project, '.venv', 'bin', 'agentspec'));
  const elsewhere = tempDir();
  const cwd = process.cwd();
  process.chdir(elsewhere); // where Node would resolve a relative path
  try {
    const resolved = resolveServer({ configured: '.venv/bin/agentspec', folders: [project], envPath: '' });
    assert.deepEqual(resolved, { command: script, args: ['lsp'], source: 'agentspec.server.path' });
  } finally {
    process.chdir(cwd);
  }
});

test('the second workspace folder is tried when the first has no such file', () => {
  const first = tempDir();
  const second = tempDir();
  const script = executable(path.join(second, 'tools', 'agentspec'));
  const resolved = resolveServer({ configured: 'tools/agentspec', folders: [first, second], envPath: '' });
  assert.equal(resolved.command, script);
});

test('${workspaceFolder} is expanded and an absolute path is taken as is', () => {
  const project = tempDir();
  const script = executable(path.join(project, 'bin', 'agentspec'));
  assert.equal(resolveServer({ configured: '${workspaceFolder}/bin/agentspec', folders: [project] }).command, script);
  assert.equal(resolveServer({ configured: script, folders: [tempDir()] }).command, script);
});

test('a configured path that does not exist is an error naming what was tried', () => {
  const project = tempDir();
  const resolved = resolveServer({ configured: '.venv/bin/agentspec', folders: [project], envPath: '' });
  assert.match(resolved.error, /is not an executable file/);
  assert.ok(resolved.error.includes(path.join(project, '.venv', 'bin', 'agentspec')), resolved.error);
});

test('a configured bare name is looked up on PATH', () => {
  const bin = tempDir();
  const script = executable(path.join(bin, 'agentspec-dev'));
  assert.equal(resolveServer({ configured: 'agentspec-dev', envPath: bin }).command, script);
  assert.match(resolveServer({ configured: 'agentspec-dev', envPath: '' }).error, /not found on PATH/);
});

test('the selected interpreter: the agentspec script next to it comes before PATH', () => {
  const venv = tempDir();
  const python = executable(path.join(venv, 'bin', 'python'));
  const script = executable(path.join(venv, 'bin', 'agentspec'));
  const bin = tempDir();
  executable(path.join(bin, 'agentspec'));
  const resolved = resolveServer({ configured: 'agentspec', interpreter: python, envPath: bin, canImport: never });
  assert.equal(resolved.command, script);
  assert.deepEqual(resolved.args, ['lsp']);
  assert.match(resolved.source, /selected Python interpreter/);
});

test('the selected interpreter without the script runs `python -m agentspec lsp` if it can import agentspec', () => {
  const venv = tempDir();
  const python = executable(path.join(venv, 'bin', 'python'));
  const asked = [];
  const canImport = (p) => {
    asked.push(p);
    return true;
  };
  const resolved = resolveServer({ interpreter: python, envPath: '', canImport });
  assert.deepEqual(resolved, {
    command: python,
    args: ['-m', 'agentspec', 'lsp'],
    source: `the selected Python interpreter (${python})`,
  });
  assert.deepEqual(asked, [python]);
});

test('an interpreter without agentspec falls back to PATH', () => {
  const venv = tempDir();
  const python = executable(path.join(venv, 'bin', 'python'));
  const bin = tempDir();
  const onPath = executable(path.join(bin, 'agentspec'));
  assert.equal(resolveServer({ interpreter: python, envPath: bin, canImport: never }).command, onPath);
  const missing = resolveServer({ interpreter: python, envPath: '', canImport: never });
  assert.match(missing.error, /not found on PATH nor in the selected Python interpreter/);
});

test('a relative interpreter path (python.defaultInterpreterPath) is resolved against the workspace folder', () => {
  const project = tempDir();
  const script = executable(path.join(project, '.venv', 'bin', 'agentspec'));
  executable(path.join(project, '.venv', 'bin', 'python'));
  const resolved = resolveServer({ interpreter: '.venv/bin/python', folders: [project], envPath: '', canImport: never });
  assert.equal(resolved.command, script);
});

test('an explicit server.path wins over the selected interpreter', () => {
  const venv = tempDir();
  const python = executable(path.join(venv, 'bin', 'python'));
  executable(path.join(venv, 'bin', 'agentspec'));
  const other = executable(path.join(tempDir(), 'agentspec'));
  assert.equal(resolveServer({ configured: other, interpreter: python, canImport: never }).command, other);
});
