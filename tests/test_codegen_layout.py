"""The output is black's by construction: black, run on any generated file, changes nothing.

The compiler does not run black or depend on it (``codegen.layout`` writes
what black would write); black is only the verifier, here. Checked on the
example specs, on hostile names, strings and numbers made by hypothesis
(through the whole pipeline), on expressions laid out at many widths, and
for the width black gives every character that can appear unescaped.
"""

from __future__ import annotations

import contextlib
import io
import keyword
import os
import sys
from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentspec.cli import main
from agentspec.codegen.layout import assigned, layout
from agentspec.codegen.pyexpr import Lambda, ListOf, Lit, Name, call
from agentspec.codegen.render import LINE_LENGTH
from agentspec.codegen.textwidth import str_width
from codegen_support import REPO, spec_string

MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)


def assert_black_stable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert black.format_str(text, mode=MODE) == text, f"black would reformat {path.name}"


def compile_quietly(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def test_the_example_specs_compile_to_black_stable_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    assert compile_quietly(["compile", "specs", "-o", str(tmp_path)]) == 0
    outputs = sorted(tmp_path.glob("*.py"))
    assert len(outputs) == 2 * len(list((REPO / "specs").glob("*.agentspec")))  # a runtime and a test each
    for path in outputs:
        assert_black_stable(path)


TRICKY = ['"', "'", "\\", "\n", "\r", "\t", "{{", "#", "\x00", "\u2028", "é", "東京", "✈", "\U0001F600",
          " ", "\\n", "')", '")', "x" * 30, "\x7f", "\ufeff", "\u200b", "1e5", "\u0301", "\u4dc0"]
text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.lists(st.sampled_from(TRICKY), max_size=14).map("".join),
    st.text(alphabet="ab \n", max_size=200),
)
KEYWORDS = {"tool", "returns", "scenario", "agent", "input", "expect", "run", "prompt", "model", "tools",
            "description", "tenant", "provider", "specialist", "script", "import", "true", "false", "null",
            "approval", "handler", "fails", "given", "version", "plan", "action", "service", "reference"}
# from a letter to names long enough that no statement about them fits on a line
identifier = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True), st.integers(1, 110).map(lambda n: "n" + "a" * n)
).filter(lambda name: name not in KEYWORDS and not keyword.iskeyword(name))
number = st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False))


def hostile_spec(tool: str, agent: str, a: str, b: str, n: float | int) -> str:
    s, t = spec_string(a), spec_string(b)
    return f"""tenant acme version "v1"
provider anthropic

tool {tool}(value: str, count: float = {n!r}) {{
  description {s}
  returns {{ text: {s}, {t}: [{n!r}, {s}, {{ nested: {t} }}], k: {n!r} }}
}}

specialist {agent} {{
  model "claude-haiku-4-5"
  prompt {s}
  tools [{tool}]
}}

scenario {s} {{
  input {t}
  agent {agent}
  mock_response {s}
  expect {{ output contains {t} }}
}}

scenario {t} {{
  agent {agent}
  run {{ {tool}(value: {s}) }}
  expect {{ tool_call {tool}(value: {t}) }}
  score {{
    trajectory strict [{tool}]
    response contains {spec_string(a + "!")} weight 2
    response equals {spec_string(b + "?")}
    threshold 0.5
  }}
}}
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tool=identifier, agent=identifier, a=text, b=text, n=number)
def test_hostile_names_strings_and_numbers_compile_to_black_stable_files(tmp_path_factory, tool, agent, a, b, n) -> None:
    if tool == agent or a == b:
        return  # a duplicate name or scenario: a spec error, nothing to format
    work = tmp_path_factory.mktemp("hostile")
    (work / "s.agentspec").write_text(hostile_spec(tool, agent, a, b, n), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(work)
    try:
        assert compile_quietly(["compile", "s.agentspec", "-o", "out"]) == 0
    finally:
        os.chdir(cwd)
    for path in sorted((work / "out").glob("*.py")):
        assert_black_stable(path)


@st.composite
def expressions(draw):
    """Calls, displays and literals of the kinds the IR builds, nested."""
    leaf = st.one_of(text.map(Lit), number.map(Lit), identifier.map(Name))
    data = st.recursive(
        st.one_of(text, number, st.booleans(), st.none()),
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
        max_leaves=8,
    ).map(Lit)
    expr = st.recursive(
        st.one_of(leaf, data),
        lambda inner: st.one_of(
            st.builds(lambda f, args, kw: call(f, *args, **dict(kw)), identifier, st.lists(inner, max_size=3),
                      st.lists(st.tuples(identifier, inner), max_size=3)),
            st.lists(inner, max_size=4).map(lambda items: ListOf(tuple(items))),
            inner.map(lambda body: call("factory", Lambda(call("build", key=body)))),
        ),
        max_leaves=10,
    )
    value = draw(expr)
    if draw(st.booleans()):  # define_tool(...)(handler)
        value = call(call("define_tool", draw(text), description=draw(text)), value)
    return value


@settings(max_examples=150, deadline=None)
@given(
    value=expressions(),
    target=identifier,
    indent=st.sampled_from([0, 4, 8]),
    width=st.sampled_from([40, 60, 88, 100]),
)
def test_assignments_are_laid_out_as_black_lays_them_out(value, target, indent, width) -> None:
    if not isinstance(value, (type(call("f")), ListOf)):
        value = call("wrap", value)  # the output assigns only calls and displays
    body = " " * indent + f"{target} = {assigned(value, width, indent, indent + len(target) + 3)}\n"
    source = body if indent == 0 else "def f():\n" + ("    if x:\n" if indent == 8 else "") + body
    assert black.format_str(source, mode=black.Mode(line_length=width)) == source


def test_layout_rules() -> None:
    value = call("function_name", "aaaa", key=["bbbb", "cccc"])
    assert layout(value, 100) == 'function_name("aaaa", key=["bbbb", "cccc"])'
    # too long: the call's arguments hug on their own line ...
    assert layout(value, 35) == 'function_name(\n    "aaaa", key=["bbbb", "cccc"]\n)'
    # ... or, when that is too long too, go one per line with trailing commas
    assert layout(value, 28) == 'function_name(\n    "aaaa",\n    key=["bbbb", "cccc"],\n)'
    # a list or dict display with several items never hugs
    assert layout(Lit({"k": "vvvv", "l": 1}), 12) == '{\n    "k": "vvvv",\n    "l": 1,\n}'
    # a single argument gets no trailing comma
    assert layout(call("function", ["xxxx", "yyyy"]), 22) == 'function(\n    ["xxxx", "yyyy"]\n)'
    # strings with several lines: one literal per line
    assert layout(Lit("first line\nsecond line"), 20) == '(\n    "first line\\n"\n    "second line"\n)'
    # a value after a name too long for its first line is wrapped in parentheses
    assert assigned(call("make", "x" * 20), 40, 0, 37) == '(\n    make("xxxxxxxxxxxxxxxxxxxx")\n)'


def test_a_test_name_too_long_for_its_line_is_split_as_black_splits_it(tmp_path: Path, monkeypatch) -> None:
    name = "a" * 100
    (tmp_path / "s.agentspec").write_text(
        'tenant acme version "v1"\nprovider anthropic\n'
        'specialist echo { model "claude-haiku-4-5" }\n'
        f'scenario "{name}" {{ agent echo }}\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert compile_quietly(["compile", "s.agentspec", "-o", "out"]) == 0
    test_module = tmp_path / "out" / "test_s.py"
    assert f"def test_{name}() -> (\n    None\n):" in test_module.read_text(encoding="utf-8")
    assert_black_stable(test_module)


def test_character_widths_are_black_s() -> None:
    """Every character that ``repr`` leaves unescaped (so it can appear in the
    output) is as wide for the layout as for black."""
    from black.strings import str_width as black_width

    differ = [
        hex(code)
        for code in range(0x80, sys.maxunicode + 1)
        if chr(code).isprintable() and str_width(chr(code)) != black_width(chr(code))
    ]
    assert differ == []


@pytest.mark.parametrize("value", [1e16, -2.5e-7, 1e300, 123456789.0])
def test_floats_are_spelled_as_black_spells_them(value) -> None:
    source = f"x = {layout(Lit(value), 100)}\n"
    assert black.format_str(source, mode=MODE) == source


def test_the_compiler_needs_no_black(tmp_path: Path) -> None:
    """With black unimportable, compiling the example specs gives exactly the
    checked-in generated/ (``--check`` exits 0 only if every byte matches)."""
    import subprocess

    probe = (
        "import sys\n"
        "sys.modules['black'] = None  # any import of black now fails\n"
        "from agentspec.cli import main\n"
        "sys.exit(main(['compile', 'specs', '-o', 'generated', '--check']))\n"
    )
    env = {**os.environ, "AGENTSPEC_CACHE_DIR": str(tmp_path)}  # a cold compile, not a replay
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is up to date" in result.stdout

    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith("black")]
    assert any(d.startswith("black") for d in project["optional-dependencies"]["test"])


@pytest.mark.parametrize(
    "module, names",
    [
        ("travel_app.tools", ["book_flight"]),
        ("m" * 60, ["a" * 20, "b" * 20]),  # too long: one name per line
        ("東京" * 20 + ".tools", ["処理" * 6]),  # short in characters, too wide in columns
    ],
)
def test_import_lines_are_black_s(module, names) -> None:
    from agentspec.codegen.imports import ImportLine
    from agentspec.codegen.render import _import_line

    source = _import_line(ImportLine(module, tuple((n, n) for n in names))) + "\n"
    assert black.format_str(source, mode=MODE) == source
