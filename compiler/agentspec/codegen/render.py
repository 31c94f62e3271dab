"""IR → Python source: Jinja2 templates over expressions laid out as black would.

The templates (``agentspec/templates/*.py.j2``) look like the modules they
produce; this module hands them source text for every expression (laid out by
``layout``, from ``pyexpr.source``), every docstring and comment (escaped
here, so spec text can never leave the string or comment it is in). The
result is already black's fixed point (black's stable style, line length
100): the compiler does not run black, or depend on it, and a test checks
every kind of generated file with black. So the output is the same whichever
black (if any) a project has installed.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from agentspec.codegen.header import escape, header
from agentspec.codegen.imports import ImportLine
from agentspec.codegen.ir import RuntimeModule, TestModule
from agentspec.codegen.layout import assigned, layout
from agentspec.codegen.pyexpr import Expr, Name, call
from agentspec.codegen.textwidth import str_width

#: black's line length for the output (a test checks the output with black at this length)
LINE_LENGTH = 100
TITLE_LIMIT = 72


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("agentspec", "templates"),
        autoescape=False,  # the output is Python, and every value arrives as safe source text
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def runtime_source(module: RuntimeModule) -> str:
    """The runtime module, from its template."""
    notes = []
    if module.dispatcher is not None:
        notes.append("action dispatcher")
    if module.services is not None:
        notes.append("services")
    defaults_note = f", with the spec's {' and '.join(notes)} as defaults" if notes else ""
    text = environment().get_template("runtime.py.j2").render(
        header=header(module.spec_path),
        spec_path=doc_text(module.spec_path),
        defaults_note=defaults_note,
        imports=_imports(module.imports),
        tenant=_assigned("TENANT", module.tenant.value),
        tools=_definitions(module.tools),
        plans=_definitions(module.plans),
        references=_definitions(module.references),
        agents=_definitions(module.agents),
        runtime_spec=_assigned("RUNTIME_SPEC", module.runtime_spec),
        services=_assigned("services", module.services, 8) if module.services is not None else None,
        dispatcher=_assigned("action_dispatcher", module.dispatcher, 8) if module.dispatcher is not None else None,
    )
    return text


def test_source(module: TestModule) -> str:
    """The test module, from its template."""
    scripts = [
        {"name": d.name, "value": _assigned(d.name, d.value), "comment": escape(f"script {d.script} ({d.origin})")}
        for d in module.scripts
    ]
    tests = [
        {
            "signature": _signature(t.name),
            # an empty title leaves no leading space (black strips it from a docstring)
            "docstring": docstring(" ".join(filter(None, [_title(t.title), f"({t.location})"]))),
            "scenario": _assigned("scenario", t.scenario, 4),
            "expectations": [layout(e, LINE_LENGTH, 4) for e in t.expectations],
            "adapter": _assigned("adapter", t.adapter, 4),
            "run": _assigned("result", t.run, 4),
            "report": layout(
                call("failure_report", Name("result"), t.location), LINE_LENGTH, 4, 4 + len("assert result.passed, ")
            ),
        }
        for t in module.tests
    ]
    scores = [
        {
            "signature": _signature(t.name),
            "docstring": docstring(f"{_title(t.title)}: score ({t.location})"),
            "case": _assigned("case", t.case, 4),
            "config": _assigned("config", t.config, 4),
            "run": _assigned("outcome", t.run, 4),
            "report": layout(
                call("score_report", Name("outcome"), t.location), LINE_LENGTH, 4, 4 + len("assert outcome.passed, ")
            ),
        }
        for t in module.scores
    ]
    text = environment().get_template("test.py.j2").render(
        header=header(module.spec_path),
        spec_path=doc_text(module.spec_path),
        imports=_imports(module.imports),
        scripts=scripts,
        tests=tests,
        scores=scores,
    )
    return text


def _assigned(name: str, value: Expr, indent: int = 0) -> str:
    """``value`` laid out to follow ``name = `` on a line indented by ``indent``."""
    return assigned(value, LINE_LENGTH, indent, indent + len(name) + 3)


def _definitions(definitions: list) -> list[dict[str, str]]:
    return [{"name": d.name, "value": _assigned(d.name, d.value)} for d in definitions]


def _imports(groups: list[list[ImportLine]]) -> list[list[str]]:
    return [[_import_line(line) for line in group] for group in groups]


def _import_line(line: ImportLine) -> str:
    names = [name if name == alias else f"{name} as {alias}" for name, alias in line.names]
    flat = f"from {line.module} import {', '.join(names)}"
    if str_width(flat) <= LINE_LENGTH:  # names may be any Python identifiers, wide characters too
        return flat
    return f"from {line.module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _signature(name: str) -> str:
    """A test function's first line; too long, black splits its return annotation."""
    line = f"def {name}() -> None:"
    return line if str_width(line) <= LINE_LENGTH else f"def {name}() -> (\n    None\n):"


def doc_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring (escaped; the value is documentation only)."""
    return escape(text).replace('"', '\\"')


def docstring(text: str) -> str:
    return f'"""{doc_text(text)}"""'


def _title(name: str) -> str:
    """A scenario name on one line, shortened for a docstring (the test itself uses the exact name)."""
    one_line = " ".join(name.split())
    return one_line if len(one_line) <= TITLE_LIMIT else one_line[: TITLE_LIMIT - 1] + "…"
