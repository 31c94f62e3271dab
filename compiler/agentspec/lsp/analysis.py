"""One document's analysis: load it (with its imports), check it, keep the result.

The language server never has its own idea of the language: it runs the same
loader and checker as ``agentspec check``, on the unsaved text of every open
buffer (``load(..., overrides=...)``), with imports resolved relative to the
document's own path.

Parsing goes through the server's ``IncrementalParser`` (same results as
``parse``, but only changed declarations are re-parsed).

A buffer with a syntax error has no AST, yet completion, hover and
go-to-definition should still work in the rest of the file. So for such a
buffer the analysis also loads the program *partially*: every top-level
declaration that parses on its own is kept, the broken ones are left out
(spans of the rest are unchanged). The diagnostics shown are still those of
the real text: the syntax error only (semantic checks on a partial file would
report names as missing that are merely in the part being edited).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from agentspec.syntax import nodes
from agentspec.checker import check
from agentspec.checker.user_code import check_user_code
from agentspec.diagnostics import Diagnostic, Related, error, sort_diagnostics
from agentspec.loader import Program, load
from agentspec.lsp.incremental import IncrementalParser
from agentspec.lsp.positions import LineIndex


@dataclass
class Analysis:
    path: str
    text: str  # the buffer as the client sent it
    version: int | None
    program: Program  # with this file complete, or (``partial``) without its broken declarations
    partial: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)  # for this document only
    encoding: str = "utf-16"

    @property
    def spec(self) -> nodes.SpecFile | None:
        return self.program.files.get(self.path)

    @property
    def index(self) -> LineIndex:
        if getattr(self, "_index", None) is None:
            self._index = LineIndex(self.text, self.encoding)
        return self._index


def import_target(path: str, decl: nodes.ImportDecl) -> str:
    """Where an import points (the loader's rule: relative to the importing file)."""
    return os.path.normpath(os.path.join(os.path.dirname(path), decl.path))


def _imported_problems(path: str, program: Program, spec: nodes.SpecFile) -> list[Diagnostic]:
    """One diagnostic on each import whose file could not be read or parsed:
    its declarations are missing, so the reader should know why."""
    problems = []
    for decl in spec.of_kind("import"):
        target = import_target(path, decl)
        if target not in program.sources or target in program.files:
            continue
        found = [d for d in program.diagnostics if d.path == target and d.is_error]
        if not found:
            continue
        first = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        problems.append(
            error(
                first.code,
                f'imported file "{decl.path}" has errors: line {first.span.line}: {first.message}{more}',
                path,
                decl.path_span,
                "open that file to see and fix them",
                related=[Related(message=first.message, path=first.path, span=first.span)],
            )
        )
    return problems


def analyze(
    path: str,
    text: str,
    overrides: dict[str, str] | None = None,
    version: int | None = None,
    encoding: str = "utf-16",
    importers: list[str] | None = None,
    parser: IncrementalParser | None = None,
) -> Analysis:
    """Load and check ``path`` as it reads in ``text``; other open buffers in ``overrides``.

    ``importers`` (files that import ``path``) are loaded and checked along with
    it, as ``agentspec check`` over the whole directory would; only ``path``'s
    own diagnostics are kept.
    """
    parser = parser or IncrementalParser()
    overrides = {**(overrides or {}), path: text}
    roots = [path] + [p for p in importers or [] if p != path]
    program = load(roots, overrides=overrides, parse_file=parser.parse)
    own = [d for d in program.diagnostics if d.path == path]
    if path in program.files:
        own += [d for d in check(program) if d.path == path]
        own += check_user_code(program, only=path)  # E110, as `agentspec check` reports it
        own += _imported_problems(path, program, program.files[path])
        return Analysis(path, text, version, program, False, sort_diagnostics(own), encoding)
    partial = load(roots, overrides=overrides, parse_file=parser.parse_partial)
    return Analysis(path, text, version, partial, True, sort_diagnostics(own), encoding)
