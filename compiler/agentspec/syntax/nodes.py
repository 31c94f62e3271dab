"""The abstract syntax tree of an .agentspec file: pure data, no behaviour.

Every node carries the ``Span`` it was parsed from, and every *reference* to a
named thing (a tool in ``tools [...]``, an agent in ``call``) is an ``Ident``
with its own span, so the checker can put a caret under exactly the name that
does not resolve and the language server can jump to and from it.

Literal values (tool arguments, fixture results, ``partial``) are plain JSON
data (str, int, float, bool, None, list, dict); durations are milliseconds.

Block settings that may appear once (``model``, ``description`` ...) become
typed fields; ``settings`` maps each setting keyword that appeared to its span,
so diagnostics about a setting ("`routes` is only for coordinators") can point
at it, and ``value_spans`` the value of each one-value setting. Every other
part a diagnostic may point at keeps its span too (a count, a weight, a
default, each part of a literal value: ``LiteralParts``), so no later stage
reads the source text again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

from agentspec.syntax.base import Node, Span  # noqa: F401 (re-exported: nodes.Node, nodes.Span)


@dataclass(kw_only=True)
class Ident(Node):
    """A name as written at one place in the source."""

    name: str
    span: Span


@dataclass(kw_only=True)
class Comment(Node):
    text: str  # including the leading '#'
    span: Span


# ---- types and fields ---------------------------------------------------------


@dataclass(kw_only=True)
class TypeRef(Node):
    """``str``, ``int?``, ``list[str]``: ``name`` is checked by the checker."""

    name: str
    item: TypeRef | None = None
    optional: bool = False
    span: Span


@dataclass(kw_only=True)
class Param(Node):
    name: Ident
    type: TypeRef
    has_default: bool = False
    default: Any = None
    default_span: Span | None = None
    span: Span


@dataclass(kw_only=True)
class Field_(Node):
    name: Ident
    type: TypeRef
    span: Span


@dataclass(kw_only=True)
class LiteralParts(Node):
    """Where a literal value and each of its parts were written, so a caret can
    sit under ``quantity: "5"`` deep inside a plan body, not under all of it."""

    span: Span
    items: list[LiteralParts] = field(default_factory=list)  # a list's items, in order
    entries: dict[str, LiteralEntry] = field(default_factory=dict)  # an object's entries by key (the first, if a key repeats)


@dataclass(kw_only=True)
class LiteralEntry(Node):
    key: Span
    value: LiteralParts


@dataclass(kw_only=True)
class Arg(Node):
    """``name: value`` in a tool call; ``value_span`` points at the value, ``value_parts`` into it."""

    name: Ident
    value: Any
    value_span: Span
    value_parts: LiteralParts | None = None
    span: Span


# ---- declarations -------------------------------------------------------------

ApprovalMode = Literal["never", "always", "default"]


@dataclass(kw_only=True)
class ImportDecl(Node):
    kind: Literal["import"] = "import"
    path: str
    path_span: Span
    span: Span


@dataclass(kw_only=True)
class TenantDecl(Node):
    kind: Literal["tenant"] = "tenant"
    name: str
    version: str | None = None
    span: Span


@dataclass(kw_only=True)
class ProviderDecl(Node):
    kind: Literal["provider"] = "provider"
    name: Ident
    api_key: str | None = None
    api_key_env: str | None = None
    base_url: str | None = None
    timeout_ms: float | None = None
    retries: int | None = None
    settings: dict[str, Span] = field(default_factory=dict)
    value_spans: dict[str, Span] = field(default_factory=dict)  # the value of each one-value setting (``30s`` of ``timeout 30s``)
    span: Span


@dataclass(kw_only=True)
class ImportPath(Node):
    """A ``"package.module:attribute"`` reference to user Python code."""

    path: str
    span: Span


@dataclass(kw_only=True)
class ServiceDecl(Node):
    kind: Literal["service"] = "service"
    name: Ident
    factory: ImportPath
    span: Span


@dataclass(kw_only=True)
class ToolApproval(Node):
    """``approval never | always | when "mod:predicate"``."""

    mode: Literal["never", "always", "when"]
    predicate: ImportPath | None = None
    span: Span


@dataclass(kw_only=True)
class ToolDecl(Node):
    kind: Literal["tool"] = "tool"
    name: Ident
    params: list[Param] = field(default_factory=list)
    description: str | None = None
    approval: ToolApproval | None = None
    handler: ImportPath | None = None
    has_returns: bool = False
    returns: Any = None
    fails: str | None = None
    timeout_ms: float | None = None  # how long a call may run (the runtime's default when absent)
    settings: dict[str, Span] = field(default_factory=dict)
    value_spans: dict[str, Span] = field(default_factory=dict)  # the value of each one-value setting (``30s`` of ``timeout 30s``)
    span: Span


@dataclass(kw_only=True)
class ActionDecl(Node):
    name: Ident
    fields: list[Field_] = field(default_factory=list)
    span: Span


@dataclass(kw_only=True)
class PlanDecl(Node):
    kind: Literal["plan"] = "plan"
    name: Ident
    fields: list[Field_] = field(default_factory=list)
    actions: list[ActionDecl] = field(default_factory=list)
    span: Span


@dataclass(kw_only=True)
class ReferenceDecl(Node):
    kind: Literal["reference"] = "reference"
    name: Ident
    fields: list[Field_] = field(default_factory=list)
    ttl_ms: float | None = None
    ttl_span: Span | None = None
    span: Span


@dataclass(kw_only=True)
class DispatcherDecl(Node):
    kind: Literal["dispatcher"] = "dispatcher"
    target: ImportPath
    span: Span


@dataclass(kw_only=True)
class ApprovalRule(Node):
    """``plans always`` / ``tools never`` inside an ``approval { }`` block."""

    subject: Literal["plans", "tools"]
    mode: ApprovalMode
    span: Span


@dataclass(kw_only=True)
class ApprovalDecl(Node):
    """The runtime-wide approval floor."""

    kind: Literal["approval"] = "approval"
    rules: list[ApprovalRule] = field(default_factory=list)
    span: Span


AgentRole = Literal["coordinator", "planner", "executor", "specialist"]


@dataclass(kw_only=True)
class AgentDecl(Node):
    kind: Literal["agent"] = "agent"
    role: AgentRole
    name: Ident
    model: str | None = None
    model_span: Span | None = None
    provider: Ident | None = None
    prompt: str | None = None
    routes: list[Ident] = field(default_factory=list)
    tools: list[Ident] = field(default_factory=list)
    plan: Ident | None = None
    approval: list[ApprovalRule] | None = None
    stateful: bool | None = None
    settings: dict[str, Span] = field(default_factory=dict)
    value_spans: dict[str, Span] = field(default_factory=dict)  # the value of each one-value setting (``30s`` of ``timeout 30s``)
    span: Span


# ---- scripts --------------------------------------------------------------------


@dataclass(kw_only=True)
class ToolStep(Node):
    """``search_flights(origin: "SFO")``: one scripted tool call."""

    kind: Literal["tool"] = "tool"
    tool: Ident
    args: list[Arg] = field(default_factory=list)
    span: Span


@dataclass(kw_only=True)
class AgentStep(Node):
    """``call booker book_cheapest`` or ``call booker { ... }``: route to an
    agent, which replays either the named script or the nested steps."""

    kind: Literal["call"] = "call"
    agent: Ident
    script: Ident | None = None
    steps: list[Step] = field(default_factory=list)
    span: Span


@dataclass(kw_only=True)
class SayStep(Node):
    """``say "Booked NH7."``: what the agent says, its reply (text, not a tool call)."""

    kind: Literal["say"] = "say"
    text: str
    span: Span


Step = Annotated[Union[ToolStep, AgentStep, SayStep], "kind"]


@dataclass(kw_only=True)
class ScriptDecl(Node):
    kind: Literal["script"] = "script"
    name: Ident
    steps: list[Step] = field(default_factory=list)
    span: Span


# ---- scenarios ------------------------------------------------------------------


@dataclass(kw_only=True)
class Given(Node):
    """A per-scenario implementation of a tool: ``given tool returns {...}`` / ``fails "..."`` /
    ``handler "mod:function"``."""

    tool: Ident
    has_returns: bool = False
    returns: Any = None
    fails: str | None = None
    handler: ImportPath | None = None
    span: Span


@dataclass(kw_only=True)
class ApprovalTarget(Node):
    """A tool by name, or a plan by id (``plan "p1"``; no id = any plan)."""

    kind: Literal["tool", "plan"]
    tool: Ident | None = None
    plan_id: str | None = None
    span: Span


@dataclass(kw_only=True)
class Decision(Node):
    outcome: Literal["approve", "reject", "revise"]
    feedback: str | None = None
    has_partial: bool = False
    partial: Any = None
    partial_parts: LiteralParts | None = None
    span: Span


@dataclass(kw_only=True)
class OnApproval(Node):
    """``on approval TARGET: DECISION then DECISION ...``: the decisions for the target's
    approval requests, in order; the last one answers every request after it."""

    target: ApprovalTarget
    decisions: list[Decision]
    span: Span


@dataclass(kw_only=True)
class Run(Node):
    """A scenario's ``run { ... }`` block, or ``run script_name``."""

    script: Ident | None = None
    steps: list[Step] = field(default_factory=list)
    span: Span


# Expectations: one class per spelling, discriminated by ``kind``.


@dataclass(kw_only=True)
class ExpectToolCall(Node):
    kind: Literal["tool_call"] = "tool_call"
    tool: Ident
    has_args: bool = False
    args: list[Arg] = field(default_factory=list)
    before: Ident | None = None
    after: Ident | None = None
    times: int | None = None
    min_times: int | None = None
    max_times: int | None = None
    order: int | None = None
    option_spans: dict[str, Span] = field(default_factory=dict)  # the value of each count given (``2`` of ``times 2``)
    span: Span


@dataclass(kw_only=True)
class ExpectNoToolCall(Node):
    kind: Literal["no_tool_call"] = "no_tool_call"
    tool: Ident
    span: Span


@dataclass(kw_only=True)
class ExpectToolOrder(Node):
    kind: Literal["tool_order"] = "tool_order"
    tools: list[Ident]
    span: Span


@dataclass(kw_only=True)
class ExpectState(Node):
    kind: Literal["state"] = "state"
    key: str
    key_span: Span
    has_value: bool = False
    value: Any = None
    within_steps: int | None = None
    within_span: Span | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectNoError(Node):
    kind: Literal["no_error"] = "no_error"
    span: Span


@dataclass(kw_only=True)
class ExpectError(Node):
    """``error contains "timeout" code tool_timeout tool search``: an error occurred (matching every filter given)."""

    kind: Literal["error"] = "error"
    contains: str | None = None
    code: Ident | None = None
    tool: Ident | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectOutput(Node):
    kind: Literal["output"] = "output"
    test: Literal["contains", "not_contains", "matches"]
    text: str  # for "matches": the regular expression (Python syntax)
    span: Span


@dataclass(kw_only=True)
class ExpectMaxSteps(Node):
    kind: Literal["max_steps"] = "max_steps"
    limit: int
    limit_span: Span
    span: Span


@dataclass(kw_only=True)
class ExpectMaxDuration(Node):
    kind: Literal["max_duration"] = "max_duration"
    limit_ms: float
    limit_span: Span
    span: Span


@dataclass(kw_only=True)
class ExpectMaxTokens(Node):
    kind: Literal["max_tokens"] = "max_tokens"
    limit: int
    limit_span: Span
    span: Span


@dataclass(kw_only=True)
class ExpectNoSideEffects(Node):
    kind: Literal["no_side_effects"] = "no_side_effects"
    allowed: list[Ident]
    mutating: list[Ident] | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectNoRepetition(Node):
    kind: Literal["no_repetition"] = "no_repetition"
    max_rate: float = 0.0
    max_rate_span: Span | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectMilestone(Node):
    kind: Literal["milestone"] = "milestone"
    name: str
    tool: Ident | None = None
    state_key: str | None = None
    output_contains: str | None = None
    weight: float | None = None
    weight_span: Span | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectJudge(Node):
    kind: Literal["judge"] = "judge"
    criteria: str
    judge: ImportPath | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectPolicy(Node):
    kind: Literal["policy"] = "policy"
    name: str
    forbidden_tools: list[Ident] = field(default_factory=list)
    forbidden_outputs: list[str] = field(default_factory=list)
    required_tools: list[Ident] = field(default_factory=list)
    span: Span


@dataclass(kw_only=True)
class ExpectOnToolFailure(Node):
    kind: Literal["on_tool_failure"] = "on_tool_failure"
    tool: Ident
    expect: str
    span: Span


@dataclass(kw_only=True)
class ExpectDispatched(Node):
    """``dispatched [...]`` (exactly these actions) or ``dispatched none``."""

    kind: Literal["dispatched"] = "dispatched"
    actions: list[Any] = field(default_factory=list)
    actions_parts: LiteralParts | None = None  # None for ``dispatched none``
    span: Span


@dataclass(kw_only=True)
class ExpectPlanStatus(Node):
    kind: Literal["plan_status"] = "plan_status"
    plan_id: str
    status: Ident
    span: Span


@dataclass(kw_only=True)
class ExpectApproval(Node):
    """``approval book_flight approved``: a decision seen during the run; ``approval plan "p1"
    requested times 2``: approvals asked for (``outcome == "requested"``, ``times`` optional)."""

    kind: Literal["approval"] = "approval"
    target: ApprovalTarget
    outcome: Literal["approve", "reject", "revise", "requested"]
    #: ``revised then approved``: the target's decisions, exactly these, in this order
    sequence: list[Literal["approve", "reject", "revise"]] = field(default_factory=list)
    times: int | None = None
    times_span: Span | None = None
    span: Span


@dataclass(kw_only=True)
class ExpectNoApproval(Node):
    """``no_approval`` (none at all), ``no_approval for book_flight``, ``no_approval for plan "p1"``."""

    kind: Literal["no_approval"] = "no_approval"
    target: ApprovalTarget | None = None
    span: Span


Expectation = Annotated[
    Union[
        ExpectToolCall,
        ExpectNoToolCall,
        ExpectToolOrder,
        ExpectState,
        ExpectNoError,
        ExpectError,
        ExpectOutput,
        ExpectMaxSteps,
        ExpectMaxDuration,
        ExpectMaxTokens,
        ExpectNoSideEffects,
        ExpectNoRepetition,
        ExpectMilestone,
        ExpectJudge,
        ExpectPolicy,
        ExpectOnToolFailure,
        ExpectDispatched,
        ExpectPlanStatus,
        ExpectApproval,
        ExpectNoApproval,
    ],
    "kind",
]


@dataclass(kw_only=True)
class ScoreOptions(Node):
    """The trailing options of a score line; ``settings`` keeps where each was written."""

    ignore: list[Ident] = field(default_factory=list)
    sub_agents: bool = False
    weight: float | None = None
    required: bool = False
    ignore_case: bool = False
    settings: dict[str, Span] = field(default_factory=dict)


@dataclass(kw_only=True)
class ScoreTrajectory(Node):
    """``trajectory MODE [tools] ...``: the trajectory scorer."""

    mode: Ident
    tools: list[Ident]
    options: ScoreOptions
    span: Span


@dataclass(kw_only=True)
class ScoreAction(Node):
    """One expected action: its type and (optional) payload."""

    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    span: Span


@dataclass(kw_only=True)
class ScoreActions(Node):
    """``actions BUCKET [MATCH] [actions] ...``: planned or executed actions."""

    bucket: Ident
    match: Ident | None = None
    actions: list[ScoreAction]
    options: ScoreOptions
    span: Span


@dataclass(kw_only=True)
class ScoreResponse(Node):
    """``response contains|equals|matches VALUE ...``: one final-response scorer."""

    method: Literal["contains", "equals", "matches"]
    text: str
    options: ScoreOptions
    span: Span


@dataclass(kw_only=True)
class ScoreBlock(Node):
    """``score { ... }``: how a scenario is scored as an eval."""

    trajectory: ScoreTrajectory | None = None
    actions: list[ScoreActions] = field(default_factory=list)
    responses: list[ScoreResponse] = field(default_factory=list)
    response_threshold: float | None = None
    response_weight: float | None = None
    threshold: float | None = None
    runs: int | None = None
    pass_at: int | None = None
    aggregate: Ident | None = None
    settings: dict[str, Span] = field(default_factory=dict)
    value_spans: dict[str, Span] = field(default_factory=dict)  # the value of each one-value setting
    span: Span


@dataclass(kw_only=True)
class Statement(Node):
    """One line of a block as written: its setting's key (``given``, ``on approval``) and span.
    The language server finds the keyword under the cursor from these."""

    key: str
    span: Span


@dataclass(kw_only=True)
class ScenarioDecl(Node):
    kind: Literal["scenario"] = "scenario"
    name: str
    name_span: Span
    input: str | None = None
    via: Ident | None = None
    agent: Ident | None = None
    timeout_ms: float | None = None
    max_steps: int | None = None
    max_llm_calls: int | None = None
    mock_response: str | None = None
    givens: list[Given] = field(default_factory=list)
    services: list[ServiceDecl] = field(default_factory=list)  # this scenario's factories for services the unit declares
    dispatcher: ImportPath | None = None  # this scenario's action dispatcher, instead of the unit's
    runs: int | None = None  # agentgate's runs and min_pass_rate for this scenario, instead of the suite's
    min_pass_rate: float | None = None
    run: Run | None = None
    approvals: list[OnApproval] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)
    score: ScoreBlock | None = None
    settings: dict[str, Span] = field(default_factory=dict)
    value_spans: dict[str, Span] = field(default_factory=dict)  # the value of each one-value setting (``30s`` of ``timeout 30s``)
    statements: list[Statement] = field(default_factory=list)  # every setting in order, repeatable ones too
    span: Span


@dataclass(kw_only=True)
class SuiteDecl(Node):
    kind: Literal["suite"] = "suite"
    runs: int | None = None
    min_pass_rate: float | None = None
    timeout_ms: float | None = None
    scenario_timeout_ms: float | None = None
    settings: dict[str, Span] = field(default_factory=dict)
    value_spans: dict[str, Span] = field(default_factory=dict)  # the value of each one-value setting (``30s`` of ``timeout 30s``)
    span: Span


Declaration = Annotated[
    Union[
        ImportDecl,
        TenantDecl,
        ProviderDecl,
        ServiceDecl,
        ToolDecl,
        PlanDecl,
        ReferenceDecl,
        DispatcherDecl,
        ApprovalDecl,
        AgentDecl,
        ScriptDecl,
        ScenarioDecl,
        SuiteDecl,
    ],
    "kind",
]


@dataclass(kw_only=True)
class SpecFile(Node):
    """One parsed .agentspec file. ``path`` is as given to the parser (the CLI
    passes paths relative to the working directory, so diagnostics and the
    spec locations in generated tests read ``specs/travel.agentspec:42``)."""

    path: str
    declarations: list[Declaration] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Any]:
        return [d for d in self.declarations if d.kind == kind]
