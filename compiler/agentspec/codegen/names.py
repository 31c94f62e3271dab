"""Python identifiers from spec names, unique within a module.

Spec names are ASCII identifiers already, but scenario names are free text
(``"Book SFO→NRT"``), file stems can contain dashes, and any of them can be a
Python keyword or collide with another name in the same generated module. The
rules, applied the same way every time so output is stable:

* text is reduced to ASCII (accents dropped via NFKD; other characters become
  ``_``), camelCase is split, runs of ``_`` collapse; an empty result falls back
  to a word that says what the thing is (``scenario``);
* a keyword or builtin gets a trailing ``_`` (PEP 8's convention);
* a collision gets the next free suffix ``_2``, ``_3``, … in declaration order.
"""

from __future__ import annotations

import builtins
import keyword
import os
import re
import unicodedata

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")

#: Names a generated module must not rebind: keywords are invalid, builtins
#: would be shadowed (and the output uses ``float``), soft keywords confuse readers.
_AVOID = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


def snake(text: str, fallback: str) -> str:
    """``"Book SFO→NRT"`` → ``book_sfo_nrt``; never empty, never starts with a digit."""
    ascii_text = "".join(
        ch if ch.isascii() else "" if unicodedata.combining(ch) else "_"
        for ch in unicodedata.normalize("NFKD", text)
    )
    words = _NOT_WORD.sub("_", _CAMEL_BOUNDARY.sub("_", ascii_text)).strip("_").lower()
    words = re.sub(r"_+", "_", words)
    if not words:
        return fallback
    if words[0].isdigit():
        words = f"{fallback}_{words}"
    return words


def constant(text: str, fallback: str) -> str:
    """``search_flights`` → ``SEARCH_FLIGHTS`` (module-level spec objects)."""
    return snake(text, fallback).upper()


class Namespace:
    """The names bound in one generated module."""

    def __init__(self, reserved: tuple[str, ...] | list[str] = ()) -> None:
        # Membership only, never iterated. Python compares identifiers after NFKC
        # normalisation, so two spellings of one name must count as one.
        self._taken: set[str] = {_key(n) for n in reserved}

    def __contains__(self, name: str) -> bool:
        return _key(name) in self._taken

    def reserve(self, name: str) -> None:
        self._taken.add(_key(name))

    def claim(self, *candidates: str) -> str:
        """The first free candidate (made safe), else the first with a numeric suffix."""
        safe = [c + "_" if c in _AVOID else c for c in candidates]
        for name in safe:
            if name not in self:
                self.reserve(name)
                return name
        n = 2
        while f"{safe[0]}_{n}" in self:
            n += 1
        self.reserve(f"{safe[0]}_{n}")
        return f"{safe[0]}_{n}"


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


def module_names(paths: list[str], reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """A unique, valid module stem per spec file: ``specs/travel.agentspec`` → ``travel``.

    Files whose stems collide (``a/common.agentspec``, ``b/common.agentspec``)
    are named by their path below the directory they share (``a_common``).
    ``reserved`` stems are never used (``agentspec`` would generate
    ``agentspec_runtime.py`` and shadow the harness package).
    """
    stems = {p: snake(os.path.splitext(os.path.basename(p))[0], "spec") for p in paths}
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem] = counts.get(stem, 0) + 1
    clashing = [p for p in paths if counts[stems[p]] > 1]
    if clashing:
        base = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in clashing])
        for p in clashing:
            relative = os.path.relpath(os.path.splitext(os.path.abspath(p))[0], base)
            stems[p] = snake(relative.replace(os.sep, "_"), "spec")
    namespace = Namespace(reserved)
    return {p: namespace.claim(stems[p], stems[p] + "_spec") for p in sorted(paths)}
