"""Reading a spec file's text: UTF-8 (a byte-order mark allowed), or the E006 diagnostic saying why not.

Apart from the loader so that what only re-reads files to see whether they
changed (the pytest plugin's cached spec units) needs no parser.
"""

from __future__ import annotations

from pathlib import Path

from agentspec.diagnostics import Diagnostic, error, span_at


def read_source(path: str) -> tuple[str | None, Diagnostic | None]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, error("E006", f"cannot read file: {exc.strerror or exc}", path, span_at("", 0))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        text = data[: exc.start].decode("utf-8", errors="replace")
        return None, error(
            "E006",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path,
            span_at(text, len(text)),
            "save the file as UTF-8",
        )
