"""agentspec_runtime — a pure-Python agent harness with deterministic interpreters.

It implements the harness's published Python API (same names, signatures,
event shapes and behaviour), so code written against the harness runs here with
only the import changed, plus the agentspec extensions that generated tests use:

* authoring: ``define_tenant``, ``define_tool``, ``define_plan``,
  ``define_reference``, ``define_coordinator`` / ``define_planner`` /
  ``define_executor`` / ``define_specialist``, ``define_runtime``, the spec models;
* running: ``create_runtime`` → :class:`Runtime` (``query``, ``run_specialist``,
  ``respond_to_approval``, ``create_reference``);
* testing support lives in :mod:`agentspec_runtime.testing` (the agentgate
  bridge, expectations, the scenario runner, approval scripts, script builders,
  handler fixtures). Importing this package never imports agentgate or pytest;
  the old top-level names (``RuntimeAdapter``, ``run_scenario``, …) still
  resolve, lazily, from there;
* evaluating: ``score_sample``, ``define_test_case`` and the rest of the eval
  surface, ``Runtime.run_eval`` / ``stream_eval`` and ``run_eval_sync``
  (see docs/evals.md).

See docs/runtime.md for the event model, the interpreters and the bridge's mapping.
"""

import importlib
from typing import TYPE_CHECKING, Any

#: Where each public name lives: module → names. Nothing is imported until a name is
#: used, so a process that imports one submodule (the pytest plugin, loaded by every
#: pytest session of an environment with the runtime installed, needs two small ones)
#: does not pay for the spec models and the engine. tests/test_runtime_imports.py
#: holds this table equal to the imports under TYPE_CHECKING below.
_HOMES = {
    "action_dispatcher": ("normalize_actions",),
    "errors": ("ScriptError", "StreamError", "StreamTimeout", "ToolFailure"),
    "interpreters": ("Interpreter",),
    "outcomes": ("ToolOutcome",),
    "prompts": ("LayeredPrompt", "layered_prompt"),
    "runtime": ("Runtime", "create_runtime"),
    "schema": ("normalize_schema",),
    "scored": ("ScoreOutcome", "score_report", "score_scenario"),
    "specs": (
        "AgentSpec",
        "ApprovalOverrides",
        "ApprovalPolicies",
        "ApprovalPolicyPatch",
        "ModelSpec",
        "PlanDisplayAlias",
        "PlanSpec",
        "ProviderSpec",
        "ReferenceSpec",
        "RuntimeSpec",
        "StorageFactories",
        "StorageFactorySpec",
        "TenantIdentity",
        "TestingConfig",
        "ToolkitSpec",
        "ToolSpec",
        "define_coordinator",
        "define_executor",
        "define_plan",
        "define_planner",
        "define_provider",
        "define_reference",
        "define_runtime",
        "define_specialist",
        "define_tenant",
        "define_tool",
    ),
    "tool_context": ("ToolContext",),
    "unions": ("TaggedUnion",),
    "validation": ("infer_provider",),
}

# a function named as its module: were it lazy, the module's first import (by the engine)
# would bind the package's `glimpse` to the module; it is cheap, so it is bound now
from .glimpse import glimpse

if TYPE_CHECKING:  # what type checkers and editors read; at run time, __getattr__ below
    from .action_dispatcher import normalize_actions
    from .errors import ScriptError, StreamError, StreamTimeout, ToolFailure
    from .interpreters import Interpreter
    from .outcomes import ToolOutcome
    from .prompts import LayeredPrompt, layered_prompt
    from .runtime import Runtime, create_runtime
    from .schema import normalize_schema
    from .scored import ScoreOutcome, score_report, score_scenario
    from .specs import (
        AgentSpec,
        ApprovalOverrides,
        ApprovalPolicies,
        ApprovalPolicyPatch,
        ModelSpec,
        PlanDisplayAlias,
        PlanSpec,
        ProviderSpec,
        ReferenceSpec,
        RuntimeSpec,
        StorageFactories,
        StorageFactorySpec,
        TenantIdentity,
        TestingConfig,
        ToolkitSpec,
        ToolSpec,
        define_coordinator,
        define_executor,
        define_plan,
        define_planner,
        define_provider,
        define_reference,
        define_runtime,
        define_specialist,
        define_tenant,
        define_tool,
    )
    from .tool_context import ToolContext
    from .unions import TaggedUnion
    from .validation import infer_provider

__version__ = "0.1.0"


#: The eval surface (:mod:`agentspec_runtime.evals`), resolved on first use: its
#: models cost more to import than a generated test module's whole runtime, and
#: only evals and score blocks need them.
_EVAL_NAMES = (
    "ActionPayloadMatchMode",
    "ArtifactMetadata",
    "CostAgentBreakdown",
    "EvalArtifact",
    "EvalArtifactSummary",
    "EvalConfig",
    "EvalRequest",
    "EvalTestCase",
    "ExpectedAction",
    "FinalResponseEval",
    "FinalResponseScorerConfig",
    "GroundTruth",
    "HarnessEvalEventEnvelope",
    "JudgeVerdict",
    "ModelInvocation",
    "PassAtKResult",
    "RawSampleOutput",
    "ResolvedAction",
    "ResponseScorer",
    "SampleArtifact",
    "SampleCost",
    "SampleLatency",
    "ScoreWeights",
    "ScoredSample",
    "ScorerName",
    "ScorerPreset",
    "ScorerResult",
    "SummaryCost",
    "SummaryLatency",
    "TestCaseArtifact",
    "TokenUsageSummary",
    "TrajectoryScorerConfig",
    "define_action_ground_truth",
    "define_eval_config",
    "define_eval_request",
    "define_expected_action",
    "define_expected_actions",
    "define_final_response_eval",
    "define_final_response_scorer_config",
    "define_ground_truth",
    "define_resolved_action",
    "define_scorer_preset",
    "define_test_case",
    "define_trajectory_scorer_config",
    "final_response_judge_verdicts_extra",
    "run_eval_sync",
    "score_sample",
)

__all__ = [
    # authoring API
    "AgentSpec",
    "ApprovalOverrides",
    "ApprovalPolicies",
    "ApprovalPolicyPatch",
    "ModelSpec",
    "PlanDisplayAlias",
    "PlanSpec",
    "ProviderSpec",
    "ReferenceSpec",
    "RuntimeSpec",
    "StorageFactories",
    "StorageFactorySpec",
    "TenantIdentity",
    "TestingConfig",
    "ToolSpec",
    "ToolkitSpec",
    "define_coordinator",
    "define_executor",
    "define_plan",
    "define_planner",
    "define_provider",
    "define_reference",
    "define_runtime",
    "define_specialist",
    "define_tenant",
    "define_tool",
    "infer_provider",
    "normalize_schema",
    "LayeredPrompt",
    "TaggedUnion",
    "glimpse",
    "layered_prompt",
    # running
    "Interpreter",
    "Runtime",
    "ScriptError",
    "StreamError",
    "ToolContext",
    "ToolFailure",
    "ToolOutcome",
    "create_runtime",
    "normalize_actions",
    # evals (resolved on first use: _EVAL_NAMES below)
    *_EVAL_NAMES,
    "StreamTimeout",
    # generated tests' score blocks
    "ScoreOutcome",
    "score_report",
    "score_scenario",
]


_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (see ``_HOMES``); the eval
    names (``_EVAL_NAMES``); the testing names this package used to export, now in
    :mod:`agentspec_runtime.testing`; or a submodule not imported yet
    (``agentspec_runtime.specs`` after a bare ``import agentspec_runtime``).

    So ``import agentspec_runtime`` loads nothing, and never agentgate.
    """
    if name.startswith("__"):  # a probe for a dunder (inspect, pickle, pytest) imports nothing
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home = _HOME_OF.get(name)
    if home is None and name in _EVAL_NAMES:
        home = "evals"
    if home is not None:
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value  # the next use is a plain module attribute
        return value
    testing = importlib.import_module(f"{__name__}.testing")  # not `from . import`: that would call back here
    if name in testing.EXPORTS:
        return getattr(testing, name)
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise  # the submodule exists and failed to import: that error, not a missing name
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
