"""The imports of a generated module: only what its code uses, grouped and sorted.

Every name the generated code uses from the harness, agentspec_runtime,
agentgate or the user's own modules is registered here with the module it
comes from. After the IR is built, ``lines`` is given the names the
expressions actually mention (``used_names``), so an import that nothing uses
is never written. The user's import paths (``"package.module:function"``) get
an alias when their name is taken, never shadowing another name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentspec.codegen import CodegenError
from agentspec.codegen.names import Namespace
from agentspec.codegen.pyexpr import Call, DictOf, Lambda, ListOf, Name, is_dotted_name

if TYPE_CHECKING:  # the IR's ImportLine is loaded with cached spec units, which need no syntax tree
    from agentspec.syntax import nodes

#: Where the names the generated code uses come from. The harness API (first
#: group) follows ``--harness``; the rest are agentspec extensions and agentgate.
HARNESS_NAMES = (
    "ModelSpec",
    "ResponseScorer",
    "Runtime",
    "TestingConfig",
    "create_runtime",
    "define_coordinator",
    "define_eval_config",
    "define_executor",
    "define_expected_action",
    "define_expected_actions",
    "define_final_response_eval",
    "define_plan",
    "define_planner",
    "define_reference",
    "define_runtime",
    "define_specialist",
    "define_tenant",
    "define_test_case",
    "define_tool",
    "define_trajectory_scorer_config",
)
EXTENSION_NAMES = {
    "fails": "agentspec_runtime.testing.fixtures",
    "override_handlers": "agentspec_runtime.testing.fixtures",
    "returns": "agentspec_runtime.testing.fixtures",
    "ApprovalAnswer": "agentspec_runtime.testing.approval_script",
    "ApprovalScript": "agentspec_runtime.testing.approval_script",
    "RuntimeAdapter": "agentspec_runtime.testing.bridge",
    "ExpectApprovalDecision": "agentspec_runtime.testing.expectations",
    "ExpectApprovalRequested": "agentspec_runtime.testing.expectations",
    "ExpectDispatched": "agentspec_runtime.testing.expectations",
    "ExpectError": "agentspec_runtime.testing.expectations",
    "ExpectNoApproval": "agentspec_runtime.testing.expectations",
    "ExpectPlanStatus": "agentspec_runtime.testing.expectations",
    "provider_judge": "agentspec_runtime.judge",
    "live_or": "agentspec_runtime.live.selection",
    "SpecScenario": "agentspec_runtime.testing.located",
    "failure_report": "agentspec_runtime.testing.runner",
    "run_scenario": "agentspec_runtime.testing.runner",
    "agent_call": "agentspec_runtime.testing.scripts",
    "say": "agentspec_runtime.testing.scripts",
    "script": "agentspec_runtime.testing.scripts",
    "tool_call": "agentspec_runtime.testing.scripts",
    "score_report": "agentspec_runtime.scored",
    "score_scenario": "agentspec_runtime.scored",
    "Any": "typing",
    "Callable": "collections.abc",
    "Mapping": "collections.abc",
}


@dataclass(frozen=True)
class ImportLine:
    """``from module import a, b as c``."""

    module: str
    names: tuple[tuple[str, str], ...]  # (imported name, alias)


class Imports:
    """The names a module imports: our fixed API names and the user's import paths."""

    def __init__(self, namespace: Namespace, harness: str) -> None:
        self.namespace = namespace
        self.sources: dict[str, tuple[str, str]] = {}  # alias -> (module, imported name)
        for name in HARNESS_NAMES:
            self._fixed(name, harness)
        for name, module in EXTENSION_NAMES.items():
            self._fixed(name, module)
        self._user: dict[tuple[str, str], str] = {}
        self._user_modules: set[str] = set()  # membership only

    def _fixed(self, name: str, module: str) -> None:
        self.namespace.reserve(name)
        self.sources[name] = (module, name)

    def user(self, target: nodes.ImportPath) -> Name:
        """A name for the object at ``"package.module:attr"`` (``attr`` may be dotted)."""
        module, _, attr = target.path.partition(":")
        if not (is_dotted_name(module) and attr and is_dotted_name(attr)):
            raise CodegenError(f'"{target.path}" is not an import path')
        first, _, rest = attr.partition(".")
        key = (module, first)
        if key not in self._user:
            module_word = module.rsplit(".", 1)[-1]
            candidates = [first, f"{module_word}_{first}"]
            if first.startswith("test"):  # pytest would collect it from a test module
                candidates = [f"{module_word}_{first}", f"imported_{first}"]
            alias = self.namespace.claim(*candidates)
            self._user[key] = alias
            self._user_modules.add(module)
            self.sources[alias] = key
        alias = self._user[key]
        return Name(f"{alias}.{rest}" if rest else alias)

    def module(self, module: str, name: str) -> Name:
        """``name`` from a generated sibling module."""
        self.namespace.reserve(name)
        self.sources[name] = (module, name)
        return Name(name)

    def lines(self, used: set[str], first_party: frozenset[str]) -> list[list[ImportLine]]:
        """Import lines for the used names: stdlib, then libraries, then the user's and generated modules."""
        by_module: dict[str, list[tuple[str, str]]] = {}
        for alias in sorted(used):
            if alias in self.sources:
                module, name = self.sources[alias]
                by_module.setdefault(module, []).append((name, alias))
        groups: list[list[ImportLine]] = [[], [], [], []]
        for module in sorted(by_module):
            names = tuple(sorted(by_module[module], key=_import_order))
            if module in ("typing", "collections.abc"):
                group = 0
            elif module in self._user_modules:
                group = 2
            elif module in first_party:
                group = 3
            else:
                group = 1
            groups[group].append(ImportLine(module, names))
        return [g for g in groups if g]


def _import_order(item: tuple[str, str]) -> tuple[int, str]:
    """isort's default order within a line: CONSTANTS, Classes, functions."""
    name = item[0]
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, name)


def used_names(exprs: list[Any]) -> set[str]:
    """The first part of every ``Name`` in the expressions (what must be imported or defined)."""
    found: set[str] = set()
    stack: list[Any] = list(exprs)
    while stack:
        expr = stack.pop()
        if isinstance(expr, Name):
            found.add(expr.id.split(".", 1)[0])
        elif isinstance(expr, Call):
            stack.append(expr.func)
            stack.extend(expr.args)
            stack.extend(v for _, v in expr.kwargs)
        elif isinstance(expr, ListOf):
            stack.extend(expr.items)
        elif isinstance(expr, DictOf):
            stack.extend(v for _, v in expr.items)
        elif isinstance(expr, Lambda):
            stack.append(expr.body)
    return found
