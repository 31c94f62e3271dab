"""Regression tests for the compiler defects found by the adversarial pass (issue 14).

Each test is the defect's reproducer: it failed (internal error, exit 3, or a
misleading message / leftover files) before the fix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from codegen_support import PREAMBLE, REPO, run_cli, write_spec

SPEC = PREAMBLE + """
tool ping() { returns { pong: true } }
specialist echo { model "claude-haiku-4-5"  tools [ping] }
scenario "ping" {
  agent echo
  run { ping() }
  expect { tool_call ping }
}
"""


# ---- 1. a path component longer than the file system allows -----------------------


def test_overlong_import_path_is_a_located_diagnostic_in_check_fmt_and_compile(tmp_path: Path) -> None:
    long_name = "a" * 300 + ".agentspec"  # NAME_MAX is 255 on every common file system
    write_spec(tmp_path, "main.agentspec", f'import "{long_name}"\n' + SPEC)
    check = run_cli("check", "main.agentspec", cwd=tmp_path)
    assert check.returncode == 1, check.stderr
    assert "internal error" not in check.stderr
    assert "main.agentspec:1:8: error[E007]: imported file" in check.stdout
    assert "cannot be opened" in check.stdout
    assert "hint: shorten the path" in check.stdout

    compiled = run_cli("compile", "main.agentspec", "-o", "out", cwd=tmp_path)
    assert compiled.returncode == 1, compiled.stderr
    assert "main.agentspec:1:8: error[E007]" in compiled.stderr
    assert not (tmp_path / "out").exists()

    formatted = run_cli("fmt", "--check", "main.agentspec", cwd=tmp_path)
    assert formatted.returncode in (0, 1), formatted.stderr
    assert "internal error" not in formatted.stderr


def test_overlong_path_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", "b" * 300 + ".agentspec", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "no such file or directory" in result.stderr
    assert "File name too long" in result.stderr


# ---- 2. non-ASCII diagnostics on an ASCII-only terminal -------------------------------


def test_non_ascii_source_line_prints_on_an_ascii_only_stdout(tmp_path: Path) -> None:
    write_spec(tmp_path, "u.agentspec", PREAMBLE + 'specialist s { model "claude-haiku-4-5" prompt "é→" tools [zz] }\n')
    result = run_cli("check", "u.agentspec", cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "error[E101]: unknown tool `zz`" in result.stdout
    assert 'prompt "\\xe9\\u2192"' in result.stdout  # escaped, not lost


def test_non_ascii_output_file_path_prints_on_an_ascii_only_stdout(tmp_path: Path) -> None:
    write_spec(tmp_path, "ping.agentspec", SPEC)
    result = run_cli("compile", "ping.agentspec", "-o", "sortie_é", cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "wrote sortie_\\xe9/ping_runtime.py" in result.stdout


# ---- 3. two specs mapping to the same output file ---------------------------------


def test_two_specs_compiling_to_one_file_are_refused_naming_both(tmp_path: Path) -> None:
    write_spec(tmp_path, "a_runtime.agentspec", SPEC)
    write_spec(tmp_path, "test_a.agentspec", SPEC)
    result = run_cli("compile", ".", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "a_runtime.agentspec and test_a.agentspec would both be compiled to test_a_runtime.py; "
        "rename one of the spec files"
    ) in result.stderr
    assert "leave" not in result.stderr and "not a valid output file name" not in result.stderr
    assert not (tmp_path / "out").exists()


# ---- 4. temporary files left by a compile killed mid-write ------------------------

# A compile that is killed while a temporary output file exists: os.replace never returns.
_KILLED_COMPILE = textwrap.dedent(
    """
    import os, sys, time
    def hang(*args, **kwargs):
        print("writing", flush=True)
        time.sleep(600)
    os.replace = hang
    from agentspec.cli import main
    main(["compile", "ping.agentspec", "-o", "out"])
    """
)


def _compile_and_kill(directory: Path) -> None:
    env = {**os.environ, "AGENTSPEC_NO_CACHE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_COMPILE], cwd=directory, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline() == "writing\n"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def test_temp_files_of_a_killed_compile_are_removed_by_the_next_compile(tmp_path: Path) -> None:
    write_spec(tmp_path, "ping.agentspec", SPEC)
    temps = set()
    for _ in range(3):
        _compile_and_kill(tmp_path)
        left = {p.name for p in (tmp_path / "out").iterdir()}
        # each killed compile removed its predecessor's leftover before leaving its own
        assert len(left) == 1 and not left & temps, left
        (name,) = left
        assert name.startswith(".ping_runtime.py.") and name.endswith(".tmp")
        temps |= left
    (tmp_path / "out/.keep.py.abcdefgh.tmp.bak").write_text("not ours")
    (tmp_path / "out/notes.tmp").write_text("not ours")

    result = run_cli("compile", "ping.agentspec", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".keep.py.abcdefgh.tmp.bak",
        "notes.tmp",
        "ping_runtime.py",
        "test_ping.py",
    ]


def test_a_temp_file_whose_writer_is_still_running_is_kept(tmp_path: Path) -> None:
    from agentspec.writer import remove_abandoned_temps

    live = tmp_path / f".x_runtime.py.{os.getpid()}.abcd_123.tmp"  # this process: still running
    live.write_text("in flight")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".x_runtime.py.{finished.stdout.strip()}.abcd_123.tmp"
    dead.write_text("abandoned")
    legacy_old = tmp_path / ".x_runtime.py.zyxwvuts.tmp"
    legacy_old.write_text("abandoned before PIDs were recorded")
    legacy_new = tmp_path / ".test_x.py.zyxwvuts.tmp"
    legacy_new.write_text("maybe in flight")
    stamp = legacy_old.stat().st_mtime
    os.utime(legacy_old, (stamp - 7200, stamp - 7200))
    directory = tmp_path / ".y.py.1.abcdefgh.tmp"
    directory.mkdir()  # named like ours but not a regular file

    removed = remove_abandoned_temps(tmp_path, now=stamp)
    assert sorted(p.name for p in removed) == sorted([dead.name, legacy_old.name])
    assert live.exists() and legacy_new.exists() and directory.is_dir()



# ---- 8. language-server completion on a buffer of unclosed brackets ---------------


def test_completion_context_stops_at_the_parsers_nesting_limit(monkeypatch) -> None:
    from agentspec.lsp import cursor as context
    from agentspec.syntax.parser import MAX_NESTING

    head = PREAMBLE + "tool t() { returns { x: "  # two brackets open already
    shallow = head + "[" * (MAX_NESTING - 2)
    assert context.cursor_context(shallow, len(shallow)).keywords == ["null"]

    def never(segment):  # feeding 100k brackets to the parser took 33 s of CPU
        raise AssertionError("the parser was fed a buffer nested deeper than it accepts")

    monkeypatch.setattr(context, "parse_prefix", never)
    deep = head + "[" * 100_000
    ctx = context.cursor_context(deep, len(deep))
    assert ctx is not None and ctx.keywords == [] and not ctx.accepts_name
    # the cap is on the text before the cursor: a cursor inside the limit is unaffected
    monkeypatch.undo()
    at_limit = deep[: len(shallow)]
    assert context.cursor_context(at_limit, len(at_limit)).keywords == ["null"]


def test_language_server_answers_completion_on_100k_unclosed_brackets() -> None:
    # what the server's completion handler does, in process (a server process adds only start-up time)
    from agentspec.lsp.analysis import analyze
    from agentspec.lsp.completion import complete

    text = PREAMBLE + "tool t() { returns { x: " + "[" * 100_000
    analysis = analyze("/virtual/deep.agentspec", text)
    assert any("nested more than 64 levels" in d.message for d in analysis.diagnostics)
    assert complete(text, len(text), analysis) == []
    assert complete(text, len(PREAMBLE), analysis) != []  # a declaration may start here: keywords


# ---- 7. a tool's timeout in the spec language ---------------------------------------

TIMED = PREAMBLE + """
tool slow(n: int) {
  handler "slow_handlers:slow"
  timeout 50ms
}
tool quick() {
  returns { ok: true }
  timeout 2.5s
}
specialist worker { model "claude-haiku-4-5"  tools [slow, quick] }
scenario "slow then quick" {
  agent worker
  run { slow(n: 1) quick() }
  expect { tool_call quick }
}
"""

SLOW_HANDLERS = '''
import time

def slow(args, ctx):  # a blocking handler that outlives its timeout
    time.sleep(2)
    return {"late": True}
'''


def test_a_tools_timeout_is_checked() -> None:
    from agentspec.checker import check
    from agentspec.loader import load

    text = PREAMBLE + "tool a() { timeout 0s returns 1 }\ntool b() { timeout 1s timeout 2s returns 1 }\n"
    program = load(["t.agentspec"], overrides={"t.agentspec": text})
    found = [(d.code, d.message, d.span.line) for d in list(program.diagnostics) + check(program) if d.is_error]
    assert ("E210", "a tool's `timeout` must be longer than 0", 3) in found
    assert ("E005", "`timeout` is set twice in tool `b`", 4) in found


def test_a_tools_timeout_is_generated_and_a_slow_call_times_out(tmp_path: Path, monkeypatch) -> None:
    import asyncio

    from codegen_support import imported

    write_spec(tmp_path, "timed.agentspec", TIMED)
    (tmp_path / "slow_handlers.py").write_text(SLOW_HANDLERS)
    result = run_cli("compile", "timed.agentspec", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "out/timed_runtime.py").read_text()
    assert "timeout=0.05," in source and "timeout=2.5," in source
    monkeypatch.syspath_prepend(str(tmp_path))
    with imported(tmp_path / "out", "timed_runtime") as (module,):
        runtime = module.build_runtime(interpreter="scripted")

        async def scenario() -> list[dict]:
            prompt = '{"script": [{"tool": "slow", "args": {"n": 1}}, {"tool": "quick"}]}'
            return [event async for event in runtime.run_specialist("worker", prompt)]

        events = asyncio.run(scenario())
    results = {
        e["toolName"]: e["result"] for e in events if e["type"] == "tool-invocation" and e["state"] == "result"
    }
    assert results == {"slow": {"error": "tool 'slow' timed out after 0.05 s"}, "quick": {"ok": True}}


def test_completion_offers_timeout_in_a_tool_block() -> None:
    from agentspec.lsp.cursor import cursor_context

    text = PREAMBLE + "tool t() {\n  "
    assert "timeout" in cursor_context(text, len(text)).keywords
