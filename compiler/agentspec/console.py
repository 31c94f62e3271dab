"""Colour for people, plain text for everything else.

Colour is on only when the stream is a terminal (and ``TERM`` is not
``dumb``); ``NO_COLOR`` (any non-empty value, https://no-color.org) turns it
off and ``FORCE_COLOR`` (any non-empty value) turns it on even in a pipe, as
CI logs that render ANSI colour want; ``NO_COLOR`` wins when both are set.

The text is the same either way: colour only styles the lines that
``agentspec.diagnostics.render`` writes (header, caret, hint, summary).
``rich`` does the styling, and is imported only when colour is on, so plain
runs and ``agentspec --version`` never load it.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

_HEADER = re.compile(r"(?P<where>.*?:\d+:\d+: )(?P<severity>error|warning)(?P<code>\[[A-Z]\d+\]): (?P<message>.*)")
_GUTTER = re.compile(r"(?P<gutter> *\d* \| ?)(?P<rest>.*)")
_HINT = re.compile(r"(?P<gutter> *= )(?P<rest>hint: .*)")
_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow"}


def colour_enabled(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def print_diagnostics(text: str, stream: TextIO) -> None:
    """Rendered diagnostics (and summary) on ``stream``, styled when colour is on."""
    if not colour_enabled(stream):
        print(text, file=stream)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=stream, force_terminal=True, color_system="standard", highlight=False,
        soft_wrap=True, emoji=False, markup=False,
    )
    severity = "error"
    for line in text.split("\n"):
        styled = Text()
        if header := _HEADER.fullmatch(line):
            severity = header["severity"]
            styled.append(header["where"], "bold")
            styled.append(header["severity"] + header["code"], _SEVERITY_STYLE[severity])
            styled.append(": " + header["message"], "bold")
        elif hint := _HINT.fullmatch(line):
            styled.append(hint["gutter"], "bold blue")
            styled.append(hint["rest"], "cyan")
        elif gutter := _GUTTER.fullmatch(line):
            styled.append(gutter["gutter"], "bold blue")
            rest = gutter["rest"]
            carets = rest.lstrip(" ")
            if carets and set(carets) == {"^"}:
                styled.append(rest[: len(rest) - len(carets)])
                styled.append(carets, _SEVERITY_STYLE[severity])
            else:
                styled.append(rest)
        elif re.fullmatch(r"\d+ errors?.*", line):
            styled.append(line, "bold red")
        elif re.fullmatch(r"\d+ warnings?.*", line):
            styled.append(line, "bold yellow")
        elif line.startswith("no problems"):
            styled.append(line, "bold green")
        else:
            styled.append(line)
        console.print(styled)
