"""The server's view of the workspace: open buffers, their paths, their analyses.

pygls keeps the text of every open document (applying the client's
incremental edits); this module maps document URIs to the file paths the
loader uses, hands every open buffer to the loader as an override (so an
unsaved edit to an imported file is seen by the files importing it), and
caches one analysis per document version, so diagnostics, completion, hover
and navigation on the same version share one parse and one check.
"""

from __future__ import annotations

import os
from urllib.parse import unquote
from collections.abc import Callable

from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import Workspace

from agentspec.loader import Program, load
from agentspec.lsp.analysis import Analysis, analyze
from agentspec.lsp.importers import ImportGraph
from agentspec.lsp.incremental import IncrementalParser
from agentspec.lsp.positions import encoding_name

def path_of(uri: str) -> str:
    """The loader path of a document: its normalised absolute file path
    (an ``untitled:`` buffer keeps its URI, so it still gets a stable key)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return os.path.normpath(os.path.abspath(path)) if path else uri


def uri_of(path: str) -> str:
    if "://" in path or path.startswith("untitled:"):
        return path
    return from_fs_path(os.path.abspath(path)) or path


class DocumentStore:
    def __init__(self, workspace: Callable[[], Workspace]):
        self._workspace = workspace  # pygls creates the workspace at `initialize`
        self._cache: dict[str, Analysis] = {}
        self.graph: ImportGraph | None = None
        self.parser = IncrementalParser()  # shared: each file's declarations are parsed once

    @property
    def workspace(self) -> Workspace:
        return self._workspace()

    def open_uris(self) -> list[str]:
        """The open documents, by the URIs the client used (pygls keys them unquoted)."""
        return sorted(doc.uri for doc in self.workspace.text_documents.values())

    def is_open(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.text_documents

    def text(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    def folders(self) -> list[str]:
        """The workspace folders as paths (the root path when the client sent no folders)."""
        paths = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
        if not paths and self.workspace.root_path:
            paths = [self.workspace.root_path]
        return sorted(os.path.normpath(os.path.abspath(p)) for p in paths if p)

    def import_graph(self) -> ImportGraph:
        if self.graph is None:
            self.graph = ImportGraph(self.folders(), self.parser)
        return self.graph

    def files_changed(self) -> None:
        """Files may have been created or deleted (a document was opened, saved or closed)."""
        self.import_graph().refresh_files()

    def overrides(self) -> dict[str, str]:
        """Every open buffer's unsaved text, by loader path."""
        return {path_of(doc.uri): doc.source for doc in self.workspace.text_documents.values()}

    def analysis(self, uri: str) -> Analysis:
        """The analysis of the document as it is now (cached per version and text)."""
        document = self.workspace.get_text_document(uri)
        text = document.source
        cached = self._cache.get(uri)
        if cached is not None and cached.version == document.version and cached.text == text:
            return cached
        path = path_of(uri)
        overrides = self.overrides()
        result = analyze(
            path,
            text,
            overrides,
            version=document.version,
            encoding=encoding_name(self.workspace.position_encoding),
            importers=self.import_graph().importers(path, overrides),
            parser=self.parser,
        )
        self._cache[uri] = result
        return result

    def latest(self, uri: str) -> Analysis:
        """The most recent analysis, even of an older version (names for completion
        need not wait for the newest keystroke to be checked)."""
        cached = self._cache.get(uri)
        return cached if cached is not None else self.analysis(uri)

    def forget(self, uri: str) -> None:
        self._cache.pop(uri, None)

    def invalidate_all(self) -> None:
        """Drop every cached analysis (an open buffer changed what others import)."""
        self._cache.clear()

    def dependents(self, uri: str) -> list[str]:
        """Other open documents whose last analysis read ``uri``'s file (they import it)."""
        path = path_of(uri)
        return [
            other
            for other, analysis in sorted(self._cache.items())
            if other != uri and self.is_open(other) and path in analysis.program.sources
        ]

    def workspace_program(self) -> Program:
        """Every spec in the workspace folders plus every open buffer, loaded together
        (what find-references searches). Files with syntax errors take part with
        the declarations that parse."""
        roots = set(self.import_graph().files()) | {path_of(uri) for uri in self.open_uris()}
        return load(sorted(roots), overrides=self.overrides(), parse_file=self.parser.parse_partial)
