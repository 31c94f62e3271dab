"""black runs in worker processes for large batches; the output must not depend on it."""

import os

import agentspec.codegen.render as render
from agentspec.codegen import generate
from agentspec.loader import load
from agentspec.paths import discover
from codegen_support import REPO


def compiled(monkeypatch, threshold: int) -> list[tuple[str, str]]:
    monkeypatch.setenv("AGENTSPEC_NO_CACHE", "1")  # every file really goes through black
    monkeypatch.setattr(render, "PARALLEL_THRESHOLD", threshold)
    monkeypatch.chdir(REPO)
    program = load(discover(["specs"]))
    return [(f.name, f.content) for f in generate(program)]


def test_parallel_and_serial_formatting_give_identical_files(monkeypatch):
    serial = compiled(monkeypatch, threshold=10**9)
    parallel = compiled(monkeypatch, threshold=1)
    assert len(serial) == 10
    assert parallel == serial


def test_format_many_keeps_order_and_matches_format_python(monkeypatch):
    monkeypatch.setenv("AGENTSPEC_NO_CACHE", "1")
    monkeypatch.setattr(render, "PARALLEL_THRESHOLD", 1)
    texts = [f"x  =  {i}\nif x :\n  y=[ {i},{i} ]\n" for i in range(12)]
    if (os.cpu_count() or 1) > 1:
        assert render.format_many(texts) == [render.format_python(t) for t in texts]
    assert render.format_many(texts)[3] == "x = 3\nif x:\n    y = [3, 3]\n"
