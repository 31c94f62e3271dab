"""What people see: colour on a terminal only (NO_COLOR, FORCE_COLOR), carets under wide characters."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from agentspec.diagnostics import Diagnostic, render, span_at
from codegen_support import PREAMBLE, PYTHON, write_spec

BROKEN = PREAMBLE + 'specialist echo { model "claude-haiku-4-5"  tools [pnig] }\n'
ESC = b"\x1b["


def on_a_terminal(cwd: Path, *args: str, **env: str) -> bytes:
    """``agentspec ARGS`` with stdout and stderr on a pseudo-terminal; everything it printed."""
    controller, terminal = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    process = subprocess.Popen(
        [PYTHON, "-m", "agentspec", *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
        env={**environment, "TERM": "xterm-256color", "AGENTSPEC_NO_CACHE": "1", **env},
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed (EIO) once the process exited
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.wait(timeout=60) == 1
    return output


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    write_spec(tmp_path, "broken.agentspec", BROKEN)
    return tmp_path


def test_colour_on_a_terminal(spec: Path) -> None:
    output = on_a_terminal(spec, "check", "broken.agentspec")
    assert ESC in output
    assert b"\x1b[1;31merror[E101]" in output  # an error's severity in bold red,
    assert b"\x1b[1;33mwarning[W101]" in output  # a warning's in yellow
    assert b"\x1b[1;31m1 error, 1 warning in 1 file" in output


def test_no_color_turns_it_off_on_a_terminal(spec: Path) -> None:
    output = on_a_terminal(spec, "check", "broken.agentspec", NO_COLOR="1")
    assert ESC not in output
    assert b"broken.agentspec:3:52: error[E101]: unknown tool `pnig`" in output


def test_no_color_wins_over_force_color(spec: Path) -> None:
    assert ESC not in on_a_terminal(spec, "check", "broken.agentspec", NO_COLOR="1", FORCE_COLOR="1")


def test_an_empty_no_color_leaves_colour_on_and_a_dumb_terminal_gets_none(spec: Path) -> None:
    # https://no-color.org: only a non-empty NO_COLOR counts
    assert b"\x1b[1;31merror[E101]" in on_a_terminal(spec, "check", "broken.agentspec", NO_COLOR="")
    assert ESC not in on_a_terminal(spec, "check", "broken.agentspec", TERM="dumb")
    assert ESC in on_a_terminal(spec, "check", "broken.agentspec", TERM="dumb", FORCE_COLOR="1")


def test_compile_colours_its_diagnostics_on_a_terminal_only(spec: Path) -> None:
    coloured = on_a_terminal(spec, "compile", "broken.agentspec", "-o", "out")
    assert b"\x1b[1;31merror[E101]" in coloured and b"nothing was written" in coloured
    plain = on_a_terminal(spec, "compile", "broken.agentspec", "-o", "out", NO_COLOR="1")
    assert ESC not in plain and b"error[E101]: unknown tool `pnig`" in plain


def test_a_pipe_gets_no_colour_unless_forced(spec: Path) -> None:
    def piped(**env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        result = subprocess.run(
            [PYTHON, "-m", "agentspec", "check", "broken.agentspec"], cwd=spec, capture_output=True, text=True,
            env={**environment, **env}, timeout=60,
        )
        assert result.returncode == 1
        return result.stdout

    plain = piped()
    assert "\x1b[" not in plain
    forced = piped(FORCE_COLOR="1")
    assert "\x1b[1;31merror[E101]" in forced
    # colour only styles: without the escapes the text is the same
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", forced) == plain


def test_machine_formats_never_get_colour(spec: Path) -> None:
    output = on_a_terminal(spec, "check", "broken.agentspec", "--format", "github", FORCE_COLOR="1")
    assert ESC not in output and b"::error file=broken.agentspec,line=3,col=52" in output


def caret_line(source: str, needle: str) -> tuple[str, str]:
    """The rendered source line and caret line of a diagnostic spanning ``needle``."""
    span = span_at(source, source.index(needle), len(needle))
    text = render(Diagnostic(code="E101", message="m", path="p", span=span), source)
    lines = text.splitlines()
    return lines[2], lines[3]


@pytest.mark.parametrize(
    "source, needle, cells_before, cells",
    [
        ('tool t { description "東京へ行く" }  zzz\n', "zzz", len('tool t { description "') + 2 * 5 + len('" }  '), 3),
        ('tool t { description "東京" }\n', "東京", len('tool t { description "'), 4),
        ('agent "😀😀" tools [zzz]\n', "zzz", len('agent "') + 4 + len('" tools ['), 3),
        ('x "e\u0301" zzz\n', "zzz", len('x "e" '), 3),  # a combining accent takes no cell
        # emoji sequences are one picture of two cells: joined by ZWJ, with VS16, a flag
        ('x "\U0001F468\u200d\U0001F469\u200d\U0001F467" zzz\n', "zzz", len('x "" ') + 2, 3),
        ('x "\u2764\ufe0f" zzz\n', "zzz", len('x "" ') + 2, 3),
        ('x "\U0001F1EF\U0001F1F5" zzz\n', "zzz", len('x "" ') + 2, 3),
    ],
)
def test_carets_stay_under_the_span_after_wide_characters(source, needle, cells_before, cells) -> None:
    source_line, carets = caret_line(source, needle)
    gutter = source_line.index("| ") + 2
    assert carets[gutter:] == " " * cells_before + "^" * cells
