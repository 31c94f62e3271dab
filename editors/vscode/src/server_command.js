// Which command starts the agentspec language server. Plain functions with
// no `vscode` import, so test/server_command.test.js runs them under Node.
//
// In order:
//  1. the `agentspec.server.path` setting, when the user changed it: an
//     absolute path, `~/...`, a path relative to the workspace folder (where
//     `.venv/bin/agentspec` lives; never the extension's own folder), or a
//     bare name looked up on PATH; `${workspaceFolder}` is expanded;
//  2. the Python interpreter selected in the Python extension (or the
//     `python.defaultInterpreterPath` setting): the `agentspec` script next to
//     it (a virtual environment's bin/ or Scripts/), else `python -m agentspec`
//     when that interpreter can import agentspec;
//  3. `agentspec` on PATH.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const DEFAULT_COMMAND = 'agentspec';

/** True if `file` is an existing regular file we may execute. */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch (_err) {
    return false;
  }
}

function hasSeparator(command) {
  return command.includes('/') || command.includes('\\');
}

/**
 * Resolve `command` like a shell would: a path is taken as is, a bare name is
 * looked up in the directories of `envPath` (PATHEXT suffixes on Windows).
 * Returns the absolute path, or null when there is no such executable.
 */
function findExecutable(command, envPath = process.env.PATH || '', platform = process.platform) {
  if (!command) return null;
  if (hasSeparator(command)) {
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

/** `${workspaceFolder}` and a leading `~` expanded. */
function expand(value, folder) {
  let out = value;
  if (folder) out = out.split('${workspaceFolder}').join(folder);
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = path.join(os.homedir(), out.slice(1));
  return out;
}

/**
 * Candidate absolute paths for a configured path: as is when absolute, else
 * relative to each workspace folder in turn (not to the extension's folder,
 * which is what Node would use).
 */
function candidatePaths(configured, folders) {
  const value = expand(configured, folders[0]);
  if (path.isAbsolute(value)) return [path.normalize(value)];
  return folders.map((folder) => path.resolve(folder, expand(configured, folder)));
}

/** The `agentspec` script installed next to a Python interpreter, if there is one. */
function scriptNextTo(interpreter, platform = process.platform) {
  const names = platform === 'win32' ? ['agentspec.exe', 'agentspec.cmd', 'agentspec'] : ['agentspec'];
  for (const name of names) {
    const candidate = path.join(path.dirname(interpreter), name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/**
 * How to start the server.
 *
 * options:
 *   configured   the `agentspec.server.path` setting ('' or 'agentspec' = not changed)
 *   folders      workspace folder paths (first = the one relative paths are tried against first)
 *   interpreter  the selected Python interpreter's path, or null
 *   canImport    (python) => boolean: whether that interpreter can import agentspec
 *   envPath      the PATH to search
 *   platform     process.platform
 *
 * Returns { command, args, source } or { error } saying what was tried.
 */
function resolveServer(options) {
  const {
    configured = '',
    folders = [],
    interpreter = null,
    canImport = () => false,
    envPath = process.env.PATH || '',
    platform = process.platform,
  } = options;
  const wanted = (configured || '').trim();

  if (wanted && wanted !== DEFAULT_COMMAND) {
    if (hasSeparator(wanted) || wanted.startsWith('~') || wanted.includes('${workspaceFolder}')) {
      const tried = candidatePaths(wanted, folders);
      const found = tried.find(isExecutable);
      if (found) return { command: found, args: ['lsp'], source: 'agentspec.server.path' };
      return { error: `agentspec.server.path "${wanted}" is not an executable file (tried ${tried.join(', ')})` };
    }
    const onPath = findExecutable(wanted, envPath, platform);
    if (onPath) return { command: onPath, args: ['lsp'], source: 'agentspec.server.path' };
    return { error: `agentspec.server.path "${wanted}" was not found on PATH` };
  }

  if (interpreter) {
    const python = candidatePaths(interpreter, folders.length ? folders : [process.cwd()])[0];
    const script = scriptNextTo(python, platform);
    if (script) return { command: script, args: ['lsp'], source: `the selected Python interpreter (${python})` };
    if (isExecutable(python) && canImport(python)) {
      return { command: python, args: ['-m', 'agentspec', 'lsp'], source: `the selected Python interpreter (${python})` };
    }
  }

  const onPath = findExecutable(DEFAULT_COMMAND, envPath, platform);
  if (onPath) return { command: onPath, args: ['lsp'], source: 'PATH' };
  const hint = interpreter ? ` nor in the selected Python interpreter (${interpreter})` : '';
  return { error: `"agentspec" was not found on PATH${hint}` };
}

module.exports = { DEFAULT_COMMAND, findExecutable, resolveServer, candidatePaths, scriptNextTo };
