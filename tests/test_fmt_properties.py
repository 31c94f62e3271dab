"""Formatting never changes meaning, keeps every comment, and is idempotent:
for every spec in specs/ and for generated specs laid out at random.

Set FMT_EXAMPLES (default 300) to run more generated specs, e.g. 5000 before a release."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fmt_support import comment_texts, spec_sources, strip_positions, without_triple_strings
from hypothesis import HealthCheck, given, settings

from agentspec.formatter import format_source
from agentspec.syntax.parser import parse

ROOT = Path(__file__).resolve().parent.parent
SPEC_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "specs").rglob("*.agentspec"))
# every other spec in the repository: test data of other areas, some with syntax errors on purpose
SAMPLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "data").rglob("*.agentspec"))


def assert_faithful(source: str) -> str:
    before = parse(source, "x.agentspec")
    assert before.spec is not None, [d.message for d in before.diagnostics]
    formatted = format_source(source, "x.agentspec").text
    after = parse(formatted, "x.agentspec")
    assert after.spec is not None, f"formatted text does not parse: {after.diagnostics}\n{formatted}"
    assert strip_positions(after.spec) == strip_positions(before.spec)
    assert comment_texts(after.spec) == comment_texts(before.spec)
    assert format_source(formatted, "x.agentspec").text == formatted, "formatting is not idempotent"
    return formatted


@settings(max_examples=int(os.environ.get("FMT_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec_sources())
def test_generated_specs_keep_meaning_and_comments_and_are_stable(source):
    formatted = assert_faithful(source)
    assert formatted == "" or formatted.endswith("\n") and not formatted.endswith("\n\n")
    outside_strings = without_triple_strings(formatted)
    assert "\n\n\n" not in outside_strings, "more than one blank line in a row"
    assert not [line for line in outside_strings.split("\n") if line != line.rstrip()], "trailing whitespace"


@pytest.mark.parametrize("path", SPEC_FILES + SAMPLES)
def test_spec_files_keep_meaning_and_are_stable(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    if parse(source, path).spec is None:  # a syntax error: formatting declines, with the parser's diagnostics
        result = format_source(source, path)
        assert result.text is None and result.diagnostics == parse(source, path).diagnostics
        return
    assert_faithful(source)
