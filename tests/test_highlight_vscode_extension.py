"""The VS Code extension's manifest, language configuration and activation.

activate() is run under Node with stand-ins for the `vscode` and
`vscode-languageclient` modules (editors/vscode/test/extension_check.js), so we
check what it would start without a VS Code install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

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
    assert (VSCODE / MANIFEST["main"]).is_file()
    assert "vscode-languageclient" in MANIFEST["dependencies"]
    assert "onLanguage:agentspec" in MANIFEST["activationEvents"]


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
