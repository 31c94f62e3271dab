"""The VS Code extension's manifest, language configuration and activation.

activate() is run under Node with stand-ins for the `vscode` and
`vscode-languageclient` modules (editors/vscode/test/extension_check.js), so we
check what it would start without a VS Code install; which command it starts
(src/server_command.js) also has unit tests under Node's test runner
(editors/vscode/test/server_command.test.js). The packaged .vsix is built in
tests/test_vscode_package.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import struct

import pytest

from highlight_support import NODE_DRIVER_DIR, VSCODE

MANIFEST = json.loads((VSCODE / "package.json").read_text())
LANG_CONFIG = json.loads((VSCODE / "language-configuration.json").read_text())


def test_manifest_contributes_the_language_and_grammar():
    (language,) = MANIFEST["contributes"]["languages"]
    assert language["id"] == "agentspec"
    assert language["extensions"] == [".agentspec"]
    assert (VSCODE / language["configuration"]).is_file()
    (grammar,) = MANIFEST["contributes"]["grammars"]
    assert grammar["language"] == "agentspec"
    grammar_file = VSCODE / grammar["path"]
    assert json.loads(grammar_file.read_text())["scopeName"] == grammar["scopeName"] == "source.agentspec"
    assert "onLanguage:agentspec" in MANIFEST["activationEvents"]


def test_manifest_is_publishable():
    assert MANIFEST["repository"]["url"] == "https://github.com/agentspec/agentspec.git"
    assert MANIFEST["repository"]["directory"] == "editors/vscode"
    assert MANIFEST["publisher"] and MANIFEST["license"] == "MIT" and (VSCODE / "LICENSE").is_file()
    icon = (VSCODE / MANIFEST["icon"]).read_bytes()
    assert icon[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", icon[16:24])  # the IHDR chunk
    assert width == height and width >= 128  # the Marketplace's minimum
    changelog = (VSCODE / "CHANGELOG.md").read_text()
    assert f"## {MANIFEST['version']}" in changelog


def test_entry_point_is_the_bundle_of_the_sources():
    # dist/ is build output (ignored by git): `npm run bundle` writes it, and the
    # .vsix test checks it is packaged
    assert MANIFEST["main"] == "./dist/extension.js"
    bundle = MANIFEST["scripts"]["bundle"]
    assert bundle.startswith("esbuild src/extension.js --bundle --outfile=dist/extension.js")
    assert "--external:vscode" in bundle  # provided by VS Code at run time
    assert MANIFEST["scripts"]["vscode:prepublish"] == "npm run bundle"
    assert "dependencies" not in MANIFEST  # vscode-languageclient is in the bundle
    assert {"esbuild", "@vscode/vsce", "vscode-languageclient"} <= set(MANIFEST["devDependencies"])
    ignored = (VSCODE / ".vscodeignore").read_text().split()
    assert {"src/**", "node_modules/**", "test/**"} <= set(ignored)
    gitignore = (VSCODE.parent.parent / ".gitignore").read_text().split()
    assert "editors/vscode/dist/" in gitignore and "node_modules/" in gitignore


def test_lockfile_pins_every_dev_dependency():
    lock = json.loads((VSCODE / "package-lock.json").read_text())
    assert lock["lockfileVersion"] >= 2
    assert lock["packages"][""]["devDependencies"] == MANIFEST["devDependencies"]
    for name in MANIFEST["devDependencies"]:
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["integrity"].startswith("sha512-"), name
        assert entry["version"], name


def test_restart_command_is_contributed():
    (command,) = MANIFEST["contributes"]["commands"]
    assert command == {"command": "agentspec.restartServer", "title": "Restart Language Server", "category": "agentspec"}


def test_language_configuration():
    assert LANG_CONFIG["comments"] == {"lineComment": "#"}
    assert ["{", "}"] in LANG_CONFIG["brackets"] and ["[", "]"] in LANG_CONFIG["brackets"]
    opens = {p["open"] for p in LANG_CONFIG["autoClosingPairs"]}
    assert opens == {"{", "[", "(", '"'}
    assert set(LANG_CONFIG["indentationRules"]) == {"increaseIndentPattern", "decreaseIndentPattern"}


def _node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is needed to load the extension's JavaScript; not found on PATH")
    return node


def test_server_command_unit_tests_under_node():
    proc = subprocess.run(
        [_node(), "--test", str(VSCODE / "test" / "server_command.test.js")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# fail 0" in proc.stdout and "# pass 10" in proc.stdout


def _check(request: dict) -> dict:
    proc = subprocess.run(
        [_node(), str(NODE_DRIVER_DIR / "extension_check.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


INDENT_CASES = [
    ("tool book_flight(flight_id: str) {", True, False),
    ("  routes [", True, False),
    ("    storePlan(specName: \"P\",", False, False),
    ("    storePlan(", True, False),
    ("scenario \"a { b\" {   # opens a block", True, False),
    ("  description \"uses { braces\"", False, False),
    ("provider anthropic { api_key_env \"K\" }", False, False),
    ("# a comment {", False, False),
    ("}", False, True),
    ("  ]", False, True),
    ("  model \"claude\"", False, False),
]


def test_indentation_rules_as_javascript_regexes():
    result = _check({"lines": [c[0] for c in INDENT_CASES]})
    for (line, increase, decrease), got in zip(INDENT_CASES, result["indent"]):
        assert (got["increase"], got["decrease"]) == (increase, decrease), line


def _fake_agentspec(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "agentspec"
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return bin_dir, exe


def test_starts_agentspec_lsp_over_stdio_when_on_path(tmp_path):
    bin_dir, exe = _fake_agentspec(tmp_path)
    result = _check({"PATH": os.pathsep.join([str(tmp_path / "empty"), str(bin_dir)])})["activation"]
    client = result["client"]
    assert client is not None, result["log"]
    assert client["command"] == str(exe)
    assert client["args"] == ["lsp"]
    assert client["transport"] == "stdio"
    assert {"scheme": "file", "language": "agentspec"} in client["documentSelector"]
    assert client["watcher"] == "**/*.agentspec"
    assert client["started"] and client["stopped"]


def test_highlighting_only_when_agentspec_is_missing(tmp_path):
    result = _check({"PATH": str(tmp_path)})["activation"]
    assert result["client"] is None
    assert any("not found" in line for line in result["log"]), result["log"]


def test_server_path_setting_and_disabling(tmp_path):
    _, exe = _fake_agentspec(tmp_path)
    result = _check({"PATH": "", "settings": {"server.path": str(exe)}})["activation"]
    assert result["client"]["command"] == str(exe)
    result = _check({"PATH": str(exe.parent), "settings": {"server.enabled": False}})["activation"]
    assert result["client"] is None


def _executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_relative_server_path_is_resolved_against_the_workspace_folder(tmp_path):
    project = tmp_path / "project"
    exe = _executable(project / ".venv" / "bin" / "agentspec")
    result = _check(
        {"PATH": "", "folders": [str(project)], "settings": {"server.path": ".venv/bin/agentspec"}}
    )["activation"]
    assert result["client"]["command"] == str(exe), result["log"]


def test_selected_python_interpreter_is_used(tmp_path):
    venv = tmp_path / "venv"
    python = _executable(venv / "bin" / "python")
    exe = _executable(venv / "bin" / "agentspec")
    result = _check({"PATH": "", "python": {"active": str(python)}})["activation"]
    assert result["client"]["command"] == str(exe), result["log"]
    assert any("selected Python interpreter" in line for line in result["log"])


def test_selected_interpreter_without_script_runs_python_m_agentspec(tmp_path):
    python = _executable(tmp_path / "venv" / "bin" / "python")  # exits 0: "can import agentspec"
    result = _check({"PATH": "", "python": {"active": str(python)}})["activation"]
    assert result["client"]["command"] == str(python)
    assert result["client"]["args"] == ["-m", "agentspec", "lsp"]


def test_default_interpreter_setting_when_the_python_extension_is_absent(tmp_path):
    project = tmp_path / "project"
    exe = _executable(project / ".venv" / "bin" / "agentspec")
    _executable(project / ".venv" / "bin" / "python")
    request = {
        "PATH": "",
        "folders": [str(project)],
        "pythonSettings": {"defaultInterpreterPath": "${workspaceFolder}/.venv/bin/python"},
    }
    assert _check(request)["activation"]["client"]["command"] == str(exe)


def test_restart_command_and_settings_changes_restart_the_server(tmp_path):
    bin_dir, exe = _fake_agentspec(tmp_path)
    other = _executable(tmp_path / "other" / "agentspec")
    result = _check(
        {
            "PATH": str(bin_dir),
            "after": [
                {"command": "agentspec.restartServer"},
                {"setting": "editor.fontSize"},  # not ours: no restart
                {"setting": "agentspec.server.path", "settings": {"server.path": str(other)}},
            ],
        }
    )["activation"]
    assert "agentspec.restartServer" in result["commands"]
    clients = result["clients"]
    assert [c["command"] for c in clients] == [str(exe), str(exe), str(other)]
    assert all(c["started"] and c["stopped"] for c in clients)  # each stopped before the next


def test_selecting_another_interpreter_restarts_with_it(tmp_path):
    first = _executable(tmp_path / "a" / "bin" / "python")
    first_exe = _executable(tmp_path / "a" / "bin" / "agentspec")
    second = _executable(tmp_path / "b" / "bin" / "python")
    second_exe = _executable(tmp_path / "b" / "bin" / "agentspec")
    result = _check({"PATH": "", "python": {"active": str(first)}, "after": [{"interpreter": str(second)}]})
    clients = result["activation"]["clients"]
    assert [c["command"] for c in clients] == [str(first_exe), str(second_exe)]
