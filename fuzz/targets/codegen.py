"""Code generation round trip: whatever checks cleanly compiles to Python that
parses, imports, and is the same every time.

Inputs are specs built to check cleanly (``strategies.valid_specs``) with
hostile names and strings in every slot that reaches Python, under hostile
file names; and the example specs with strings swapped for hostile ones.
One input in ``BLACK_EVERY`` is also checked with black, which must leave
every generated file as it is (the output is black-stable by construction;
black is the costly part, so not on every input); one in ``DETERMINISM_EVERY``
is generated twice from scratch and compared. Both are chosen by the input's
hash, so a replayed input does exactly what it did.
"""

from __future__ import annotations

import sys
import types
import zlib

from fuzz.targets import Target, Violation

DIRECTORY = "fuzz-virtual/gen"
BLACK_EVERY = 5
DETERMINISM_EVERY = 5  # generating twice doubles the cost; one input in five is enough to catch drift


def _generate(path: str, text: str):
    from agentspec.checker import check
    from agentspec.codegen import generate
    from agentspec.diagnostics import has_errors
    from agentspec.loader import load
    from fuzz.corpus import common_spec

    program = load([path], overrides={path: text, f"{DIRECTORY}/common.agentspec": common_spec()})
    if has_errors(list(program.diagnostics) + list(check(program))):
        return None
    return generate(program)


def _import(outputs) -> None:
    """Import the runtime module, then the test module (which imports it by name)."""
    from fuzz.corpus import REPO

    if str(REPO / "examples") not in sys.path:  # the example specs' handlers live there
        sys.path.append(str(REPO / "examples"))
    added = []
    modules = {o.name[: -len(".py")] for o in outputs}
    # the runtime module first: the test module imports it by name
    order = sorted(outputs, key=lambda o: any(f"from {m} import" in o.content for m in modules))
    try:
        for output in order:
            name = output.name[: -len(".py")]
            code = compile(output.content, output.name, "exec")
            module = types.ModuleType(name)
            module.__file__ = output.name
            sys.modules[name] = module
            added.append(name)
            exec(code, module.__dict__)
    finally:
        for name in added:
            sys.modules.pop(name, None)


def check(case: dict) -> str:
    path = f"{DIRECTORY}/{case['stem']}.agentspec"
    text = case["text"]
    digest = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    with_black = digest % BLACK_EVERY == 0
    outputs = _generate(path, text)
    if outputs is None:
        return "rejected by the checker"
    if digest % DETERMINISM_EVERY == 0:
        again = _generate(path, text)
        if again is None or [(o.name, o.content) for o in again] != [(o.name, o.content) for o in outputs]:
            raise Violation("code generation is not deterministic")
    if with_black:
        _black_stable(outputs)
    _import(outputs)
    return "compiled + imported (black)" if with_black else "compiled + imported"


def _black_stable(outputs) -> None:
    import black

    mode = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=100)
    for output in outputs:
        if black.format_str(output.content, mode=mode) != output.content:
            raise Violation(f"black would reformat {output.name}: the layout differs from black's")


def _warm_up() -> None:
    from fuzz.corpus import valid_seeds

    for seed in valid_seeds():
        check({"text": seed.text, "stem": "warm_up"})


def _strategy():
    from hypothesis import strategies as st

    from fuzz.corpus import HOSTILE_NAMES
    from fuzz.strategies import hostile_text, spec_string, valid_specs

    stems = st.one_of(st.just("spec"), st.sampled_from(HOSTILE_NAMES), st.sampled_from(["agentspec", "test_x", "x_runtime", "1st", "a-b", "é"]))

    @st.composite
    def example_with_hostile_strings(draw):
        import re

        from fuzz.corpus import valid_seeds

        seed = draw(st.sampled_from(valid_seeds()))
        strings = list(re.finditer(r'(?<![\\"])"(?:[^"\\\n]|\\.)*"(?!")', seed.text))
        text = seed.text
        for match in sorted(draw(st.sets(st.sampled_from(strings), max_size=4)), key=lambda m: -m.start()):
            text = text[: match.start()] + spec_string(draw(hostile_text)) + text[match.end() :]
        return text

    texts = st.one_of(*[valid_specs()] * 9, example_with_hostile_strings())
    return st.fixed_dictionaries({"text": texts, "stem": stems})


TARGET = Target("codegen", "code generation: compiles, imports, deterministic", _strategy, check, _warm_up)
