"""The VS Code extension packages into a .vsix from its lockfile alone.

In a temporary copy of editors/vscode: `npm ci` (exactly the lockfile's
versions, from the npm registry), `npm run bundle` (esbuild), then
`vsce package` (the @vscode/vsce the lockfile pins). The .vsix must hold the
bundled entry point, the grammar and the manifest, and none of the sources,
tests or node_modules. CI runs this (slow tests included); without npm, or with a Node.js older
than the build tools need, it is skipped, saying so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile

import pytest

from highlight_support import VSCODE

pytestmark = pytest.mark.slow

NPM, NODE = shutil.which("npm"), shutil.which("node")
LEFT_BEHIND = ("node_modules", "dist", "*.vsix")  # local build output, if any


def _run(args: list[str], cwd) -> str:
    env = {**os.environ, "npm_config_fund": "false", "npm_config_audit": "false", "npm_config_update_notifier": "false"}
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _required_node_major() -> int:
    """The oldest Node.js major version the lockfile's build tools accept (vsce's `engines`)."""
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    majors = [0]
    for entry in lock["packages"].values():
        engine = entry.get("engines", {}).get("node", "") if entry.get("dev") else ""
        if match := re.fullmatch(r">=\s*(\d+)(?:\.\d+)*", engine.strip()):
            majors.append(int(match.group(1)))
    return max(majors)


def why_not_buildable(npm: str | None, node_version: str | None, required: int) -> str | None:
    """Why the .vsix cannot be built here (the skip reason), or None."""
    if npm is None or node_version is None:
        return f"Node.js >= {required} and npm are needed to build the .vsix (npm ci, esbuild, vsce); not found on PATH"
    major = re.match(r"v?(\d+)", node_version)
    if major is None or int(major.group(1)) < required:
        return f"the .vsix build tools need Node.js >= {required}; found {node_version.strip() or 'an unknown version'}"
    return None


def test_the_skip_reasons_say_what_is_missing() -> None:
    assert "not found on PATH" in why_not_buildable(None, "v20.1.0", 20)
    assert "need Node.js >= 20; found v18.20.4" in why_not_buildable("/usr/bin/npm", "v18.20.4\n", 20)
    assert why_not_buildable("/usr/bin/npm", "v20.20.2", 20) is None
    assert _required_node_major() >= 18  # esbuild's and vsce's engines, read from the lockfile


@pytest.fixture(scope="module")
def vsix(tmp_path_factory):
    node_version = subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout if NODE else None
    reason = why_not_buildable(NPM, node_version, _required_node_major())
    if reason is not None:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("vscode") / "vscode"
    shutil.copytree(VSCODE, work, ignore=shutil.ignore_patterns(*LEFT_BEHIND))
    _run([NPM, "ci"], work)
    _run([NPM, "run", "bundle"], work)
    _run([NPM, "exec", "--no", "--", "vsce", "package", "--no-dependencies", "--out", "agentspec.vsix"], work)
    path = work / "agentspec.vsix"
    assert path.is_file()
    return path


def test_vsix_holds_the_bundle_grammar_and_manifest(vsix):
    manifest = json.loads((VSCODE / "package.json").read_text())
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        packaged = json.loads(archive.read("extension/package.json"))
        bundle = archive.read("extension/dist/extension.js").decode("utf-8")
        grammar = archive.read("extension/syntaxes/agentspec.tmLanguage.json")
        assert "extension.vsixmanifest" in names
        assert archive.read("extension/images/icon.png")[:4] == b"\x89PNG"
    assert packaged["name"] == manifest["name"] and packaged["version"] == manifest["version"]
    assert packaged["main"] == "./dist/extension.js"
    assert grammar == (VSCODE / "syntaxes" / "agentspec.tmLanguage.json").read_bytes()
    # the bundle is the extension with the language client inside it
    assert "agentspec.restartServer" in bundle
    assert "LanguageClient" in bundle
    assert 'require("vscode")' in bundle  # left to VS Code
    assert "extension/language-configuration.json" in names
    assert {"extension/changelog.md", "extension/readme.md"} <= {n.lower() for n in names}
    # nothing but what the extension needs at run time
    assert not [n for n in names if n.startswith(("extension/node_modules/", "extension/src/", "extension/test/"))]
