"""Which workspace files import a given file (directly or transitively).

The checker judges some things over every file of a run: an agent counts as
reachable, a script as used, when *any* loaded file routes to it or runs it.
`agentspec check specs/` loads every spec, so a shared library file gets no
"unreachable agent" warning for agents its importers route to. To show the
same diagnostics in the editor, a document is checked together with the
workspace files that import it. Finding those means knowing every workspace
file's imports: each file is parsed once and its imports cached until the
file changes on disk (or, for an open buffer, until its text changes); the
parse is the incremental one, so an edited buffer costs one declaration.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from agentspec.source_files import read_source
from agentspec.paths import SPEC_SUFFIX
from agentspec.lsp.incremental import IncrementalParser

log = logging.getLogger(__name__)


SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages"})


def workspace_specs(root: str) -> list[str]:
    """Every ``*.agentspec`` under ``root``, as absolute paths, skipping what no
    spec lives in: hidden directories (.git, .venv), node_modules, virtualenvs.
    (Walking a repository's .venv would cost more than everything else here.)"""
    found = []
    for folder, dirs, files in os.walk(root, onerror=lambda exc: log.warning("cannot list %s", exc.filename)):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
        )
        found += [os.path.normpath(os.path.abspath(os.path.join(folder, f))) for f in files if f.endswith(SPEC_SUFFIX)]
    return found


def _imports_of(parser: IncrementalParser, path: str, text: str) -> list[str]:
    spec = parser.parse_partial(text, path).spec
    return [os.path.normpath(os.path.join(os.path.dirname(path), d.path)) for d in spec.of_kind("import")]


@dataclass
class ImportGraph:
    roots: list[str] = field(default_factory=list)  # workspace folders
    parser: IncrementalParser = field(default_factory=IncrementalParser)
    _files: list[str] | None = None
    _on_disk: dict[str, tuple[tuple[int, int], list[str]]] = field(default_factory=dict)
    _in_buffer: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    def refresh_files(self) -> None:
        """Forget the list of workspace files (a file was created, saved or deleted)."""
        self._files = None

    def files(self) -> list[str]:
        if self._files is None:
            found: set[str] = set()
            for root in self.roots:
                found.update(workspace_specs(root))
            self._files = sorted(found)
        return self._files

    def _imports(self, path: str, buffers: dict[str, str]) -> list[str]:
        if path in buffers:
            text = buffers[path]
            cached = self._in_buffer.get(path)
            if cached is None or cached[0] != text:
                cached = (text, _imports_of(self.parser, path, text))
                self._in_buffer[path] = cached
            return cached[1]
        try:
            stat = os.stat(path)
        except OSError:
            return []
        key = (stat.st_mtime_ns, stat.st_size)
        cached_disk = self._on_disk.get(path)
        if cached_disk is None or cached_disk[0] != key:
            text, problem = read_source(path)
            cached_disk = (key, [] if problem or text is None else _imports_of(self.parser, path, text))
            self._on_disk[path] = cached_disk
        return cached_disk[1]

    def importers(self, path: str, buffers: dict[str, str]) -> list[str]:
        """Workspace files and open buffers that import ``path``, transitively, sorted."""
        candidates = sorted(set(self.files()) | set(buffers))
        imported_by: dict[str, set[str]] = {}
        for candidate in candidates:
            for target in self._imports(candidate, buffers):
                imported_by.setdefault(target, set()).add(candidate)
        found: set[str] = set()
        pending = [path]
        while pending:
            for importer in imported_by.get(pending.pop(), ()):
                if importer not in found and importer != path:
                    found.add(importer)
                    pending.append(importer)
        return sorted(found)
