"""The fixes diagnostics carry (``Diagnostic.fixes``), in process: misspell a
name in a real spec and the checker's fix spells it back; every did-you-mean
hint comes with its fix. The language server offers these as quick fixes
(tests/test_lsp_actions.py drives that end to end)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentspec import symbols
from agentspec.checker import check
from agentspec.checker.user_code import check_user_code
from agentspec.diagnostics import Diagnostic, Fix
from agentspec.loader import load

REPO = Path(__file__).resolve().parent.parent
SPECS = sorted((REPO / "specs").glob("*.agentspec"))


def apply(text: str, path: str, fix: Fix) -> str:
    """``text`` (the file ``path``) with the fix's edits to it applied."""
    for edit in sorted((e for e in fix.edits if e.path == path), key=lambda e: e.span.start, reverse=True):
        text = text[: edit.span.start] + edit.new_text + text[edit.span.end :]
    return text


def diagnose(path: str, text: str) -> list[Diagnostic]:
    program = load([path], overrides={path: text})
    return [d for d in [*program.diagnostics, *check(program)] if d.path == path]


def misspelt(name: str) -> str:
    """``name`` with one letter dropped from its middle (``search_flights`` → ``search_fights``)."""
    middle = len(name) // 2
    return name[:middle] + name[middle + 1 :]


def _references(path: str) -> list[symbols.Reference]:
    spec = load([path]).files[path]
    seen, found = set(), []
    for reference in symbols.references_in(spec):
        key = (reference.kind, reference.ident.name)
        if len(reference.ident.name) >= 5 and key not in seen:
            seen.add(key)
            found.append(reference)
    return found


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_a_misspelt_reference_is_fixed_back(spec):
    path = os.path.normpath(str(spec))
    original = spec.read_text()
    references = _references(path)
    assert references
    for reference in references:
        span = reference.ident.span
        text = original[: span.start] + misspelt(reference.ident.name) + original[span.end :]
        at = [d for d in diagnose(path, text) if d.span.start == span.start]
        assert at, (reference, "no diagnostic")
        with_fix = [d for d in at if d.fixes]
        assert with_fix, (reference.ident.name, [d.hint for d in at])
        (fix,) = with_fix[0].fixes
        assert fix.title == f"Change to `{reference.ident.name}`"
        assert apply(text, path, fix) == original


def test_every_did_you_mean_hint_has_its_fix():
    """Across every spec, misspell every name used and every argument written:
    each diagnostic whose hint says "did you mean" carries the matching fix."""
    checked = 0
    for spec in SPECS:
        path = os.path.normpath(str(spec))
        original = spec.read_text()
        program = load([path])
        idents = [r.ident for r in symbols.references_in(program.files[path])]
        for decl in program.files[path].declarations:
            for step in getattr(decl, "steps", []) or []:
                idents += [arg.name for arg in getattr(step, "args", [])]
        for ident in idents[:60]:
            if len(ident.name) < 5:
                continue
            text = original[: ident.span.start] + misspelt(ident.name) + original[ident.span.end :]
            for d in diagnose(path, text):
                if d.hint and d.hint.startswith("did you mean"):
                    checked += 1
                    suggestion = d.hint.split("`")[1]
                    assert [f.edits[0].new_text.strip('"') for f in d.fixes] == [suggestion], d
    assert checked > 20


def test_import_path_fixes(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "tools.py").write_text("def book(ctx, args):\n    return {}\n")
    spec = tmp_path / "s.agentspec"
    for written in ("app.tols:book", "app.tools:bok"):
        text = f'tool t() {{\n  handler "{written}"\n}}\n'
        spec.write_text(text)
        program = load([str(spec)])
        (d,) = check_user_code(program, [str(tmp_path)])
        (fix,) = d.fixes
        assert apply(text, str(spec), fix) == 'tool t() {\n  handler "app.tools:book"\n}\n', written


ENTRY = """\
tenant t

plan P {
  x: str
}

planner pl {
  model "claude-sonnet-4-6" provider anthropic
}

coordinator desk {
  model "claude-sonnet-4-6" provider anthropic
  routes [pl]
}

provider anthropic {
  api_key_env "ANTHROPIC_API_KEY"
}

scenario "s" {
  input "i"
  via pl
  mock_response "x"
  expect {
    no_error
  }
}
"""


def _only_fix(path: str, text: str, code: str) -> Fix:
    (diagnostic,) = [d for d in diagnose(path, text) if d.code == code]
    (fix,) = diagnostic.fixes
    return fix


def test_entry_keyword_and_missing_plan_fixes(tmp_path):
    path = str(tmp_path / "entry.agentspec")
    fixed = apply(ENTRY, path, _only_fix(path, ENTRY, "E312"))  # `via` a planner
    assert '  agent pl\n  mock_response "x"' in fixed
    text = ENTRY.replace("via pl", "agent desk")  # `agent` a coordinator
    assert "  via desk\n" in apply(text, path, _only_fix(path, text, "E312"))
    fix = _only_fix(path, fixed, "E306")  # the planner has no plan; there is one
    assert fix.title == "Add `plan P`"
    done = apply(fixed, path, fix)
    assert 'planner pl {\n  model "claude-sonnet-4-6" provider anthropic\n  plan P\n}' in done
    assert [d for d in diagnose(path, done) if d.is_error] == []


def test_repeated_argument_and_member_point_at_the_first(tmp_path):
    path = str(tmp_path / "twice.agentspec")
    text = 'tenant t\n\ntool t(a: str, a: int) {\n  returns {}\n}\n\nscript s {\n  t(a: "x", a: "y")\n}\n'
    by_code = {d.code: d for d in diagnose(path, text)}
    (member,) = by_code["E302"].related
    assert (member.span.start, member.message) == (text.index("a: str"), "the first `a`")
    (argument,) = by_code["E206"].related
    assert argument.span.start == text.index('a: "x"')
