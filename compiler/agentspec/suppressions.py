"""Suppressing a warning where the spec says it is expected.

A comment names the codes it silences::

    scenario "later" { }  # agentspec: ignore[W102]
    # agentspec: ignore-file[W104, W106]

``ignore[...]`` after code silences those codes for diagnostics that start on
its line — and when that line ends a declaration (its closing ``}``), in the
whole declaration, since that is where ``agentspec fmt`` puts the trailing
comment of a one-line declaration it splits. On a line of its own, it
silences them on the next line. ``ignore-file[...]``, anywhere in a file, silences them in
the whole file. Only warnings can be silenced: an error means the spec cannot
be compiled as written, so an error code in a suppression comment has no
effect (docs/diagnostics.md, "Suppressing a warning").

The comments come from the parser (``Spec.comments``), so text inside a string
that looks like one is never taken for one; the formatter keeps them, and a
trailing comment stays on its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from agentspec.diagnostics import Diagnostic

_SUPPRESSION = re.compile(r"#\s*agentspec:\s*(?P<scope>ignore|ignore-file)\[(?P<codes>[^\]]*)\]")


def _codes(text: str) -> set[str]:
    return {code.strip().upper() for code in text.split(",") if code.strip()}


def suppressions(spec, source: str) -> tuple[set[str], dict[int, set[str]]]:
    """(codes silenced in the whole file, codes silenced per line) from a file's comments."""
    lines = source.split("\n")
    ending = {decl.span.end_line: decl.span for decl in spec.declarations}
    whole: set[str] = set()
    per_line: dict[int, set[str]] = {}
    for comment in spec.comments:
        for match in _SUPPRESSION.finditer(comment.text):
            codes = _codes(match["codes"])
            if match["scope"] == "ignore-file":
                whole |= codes
            else:
                line = comment.span.line
                before = lines[line - 1][: comment.span.column - 1] if line <= len(lines) else ""
                if not before.strip():
                    targets = [line + 1]
                elif line in ending:
                    targets = range(ending[line].line, line + 1)
                else:
                    targets = [line]
                for target in targets:
                    per_line.setdefault(target, set()).update(codes)
    return whole, per_line


def silencer(spec, source: str) -> Callable[[Diagnostic], bool]:
    """Whether a comment in this file (``spec``, parsed from ``source``) silences a diagnostic of it."""
    whole, per_line = suppressions(spec, source)

    def silenced(d: Diagnostic) -> bool:
        return not d.is_error and (d.code in whole or d.code in per_line.get(d.span.line, ()))

    return silenced


def without_suppressed(diagnostics: Iterable[Diagnostic], program) -> list[Diagnostic]:
    """``diagnostics`` less the warnings that a comment in their file silences
    (a file with syntax errors has no parsed comments, and so silences nothing)."""
    silencers = {path: silencer(spec, program.sources.get(path, "")) for path, spec in program.files.items()}
    return [d for d in diagnostics if not (d.path in silencers and silencers[d.path](d))]
