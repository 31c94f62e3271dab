"""IR → Python source: Jinja2 templates, then black.

The templates (``agentspec/templates/*.py.j2``) look like the modules they
produce; this module hands them source text for every expression
(``pyexpr.source``), every docstring and comment (escaped here, so spec text
can never leave the string or comment it is in), and formats the result with
black in-process, once per file, with fixed options. black's major version is
pinned in pyproject.toml, so the output is byte-identical from run to run.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import black
import jinja2

from agentspec.codegen.header import escape, header
from agentspec.codegen.imports import ImportLine
from agentspec.codegen.ir import RuntimeModule, TestModule
from agentspec.codegen.layout import layout
from agentspec.codegen.pyexpr import Expr, literal
from agentspec import cache

LINE_LENGTH = 100
BLACK_MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)
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
    """The runtime module from its template, before black."""
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
    """The test module from its template, before black."""
    scripts = [
        {"name": d.name, "value": _assigned(d.name, d.value), "comment": escape(f"script {d.script} ({d.origin})")}
        for d in module.scripts
    ]
    tests = [
        {
            "name": t.name,
            "docstring": docstring(f"{_title(t.title)} ({t.location})"),
            "scenario": _assigned("scenario", t.scenario, 4),
            "expectations": [layout(e, LINE_LENGTH, 4) for e in t.expectations],
            "adapter": _assigned("adapter", t.adapter, 4),
            "run": _assigned("result", t.run, 4),
            "location": literal(t.location),
        }
        for t in module.tests
    ]
    scores = [
        {
            "name": t.name,
            "docstring": docstring(f"{_title(t.title)}: score ({t.location})"),
            "case": _assigned("case", t.case, 4),
            "config": _assigned("config", t.config, 4),
            "run": _assigned("outcome", t.run, 4),
            "location": literal(t.location),
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


# Below this many files to format, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 8


def format_many(texts: list[str]) -> list[str]:
    """``format_python`` of each text, in order; cache misses are formatted in
    parallel worker processes when there are enough of them. Each file is
    formatted on its own, so the result is the same as formatting one by one."""
    results: list[str | None] = [_cached(text) for text in texts]
    missing = [i for i, result in enumerate(results) if result is None]
    workers = min(os.cpu_count() or 1, len(missing))
    if len(missing) >= PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            formatted = list(pool.map(_black, [texts[i] for i in missing], chunksize=4))
    else:
        formatted = [_black(texts[i]) for i in missing]
    for i, result in zip(missing, formatted):
        results[i] = result
        _remember_formatted(texts[i], result)
    return results  # type: ignore[return-value]


def format_python(text: str) -> str:
    """black's formatting of ``text``, remembered by content.

    black is deterministic: the same version, options and input always give the
    same output, so a result found under the hash of all three is exactly what
    black would return. This keeps recompiling a large tree after editing one
    spec fast; a cold compile formats everything.
    """
    cached = _cached(text)
    if cached is not None:
        return cached
    result = _black(text)
    _remember_formatted(text, result)
    return result


def _black(text: str) -> str:
    return black.format_str(text, mode=BLACK_MODE)


#: Names black, its version and its options: a formatted-output entry is only used
#: for the very formatter that made it.
FORMATTER = f"black {black.__version__} {BLACK_MODE!r}"


def _cached(text: str) -> str | None:
    return cache.formatted(FORMATTER, text)


def _remember_formatted(text: str, result: str) -> None:
    cache.remember_formatted(FORMATTER, text, result)


def _assigned(name: str, value: Expr, indent: int = 0) -> str:
    """``value`` laid out to follow ``name = `` on a line indented by ``indent``."""
    return layout(value, LINE_LENGTH, indent, indent + len(name) + 3)


def _definitions(definitions: list) -> list[dict[str, str]]:
    return [{"name": d.name, "value": _assigned(d.name, d.value)} for d in definitions]


def _imports(groups: list[list[ImportLine]]) -> list[list[str]]:
    return [[_import_line(line) for line in group] for group in groups]


def _import_line(line: ImportLine) -> str:
    names = [name if name == alias else f"{name} as {alias}" for name, alias in line.names]
    flat = f"from {line.module} import {', '.join(names)}"
    if len(flat) <= LINE_LENGTH:
        return flat
    return f"from {line.module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def doc_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring (escaped; the value is documentation only)."""
    return escape(text).replace('"', '\\"')


def docstring(text: str) -> str:
    return f'"""{doc_text(text)}"""'


def _title(name: str) -> str:
    """A scenario name on one line, shortened for a docstring (the test itself uses the exact name)."""
    one_line = " ".join(name.split())
    return one_line if len(one_line) <= TITLE_LIMIT else one_line[: TITLE_LIMIT - 1] + "…"
