"""Language server, in process: every request on every buffer answers without raising,
and the incremental parser agrees with a fresh parse.

The handlers in ``agentspec.lsp.server`` log an exception and answer empty;
here the functions under them are called directly, so an exception is seen.
"""

from __future__ import annotations

from fuzz.corpus import seeds_text
from fuzz.targets import Target, Violation

PATH = "/fuzz-virtual/lsp/fuzzed.agentspec"
_SHARED = {}


def _parser():
    from agentspec.lsp.incremental import IncrementalParser

    return _SHARED.setdefault("parser", IncrementalParser())


def _requests(analysis, text: str, positions) -> None:
    from lsprotocol import types

    from agentspec.lsp.completion import complete
    from agentspec.lsp.formatting import format_document
    from agentspec.lsp.navigation import definition, hover, references
    from agentspec.lsp.outline import outline
    from agentspec.lsp.positions import LineIndex
    from agentspec.lsp.publish import to_lsp

    index = LineIndex(text, "utf-16")
    for d in analysis.diagnostics:
        to_lsp(d, index)
    outline(analysis)
    format_document(text, PATH, "utf-16")
    for line, character in positions:
        position = types.Position(line=max(0, line), character=max(0, character))
        complete(text, index.offset(position), analysis)
        hover(analysis, position)
        definition(analysis, position)
        references(analysis, position, analysis.program, True)


def check(case: dict) -> str:
    from agentspec.lsp.analysis import analyze
    from agentspec.lsp.incremental import IncrementalParser

    text = case["text"]
    analysis = analyze(PATH, text, parser=_parser())
    _requests(analysis, text, case["positions"])
    if case["edit"] is not None:  # type into the buffer: the incremental parser reuses what it can
        at, delete, insert = case["edit"]
        at = min(at, len(text))
        text = text[:at] + insert + text[at + delete :]
        analysis = analyze(PATH, text, parser=_parser())
        fresh = analyze(PATH, text, parser=IncrementalParser())
        if analysis.diagnostics != fresh.diagnostics:
            raise Violation("incremental parsing disagrees with a fresh parse")
        _requests(analysis, text, case["positions"])
    return "partial" if analysis.partial else "parsed"


def _strategy():
    from fuzz.strategies import lsp_cases

    return lsp_cases


TARGET = Target("lsp", "language server: completion, hover, definition, references, outline, formatting", _strategy, check, lambda: check({"text": seeds_text(), "positions": [[3, 3]], "edit": [0, 0, " "]}))
