"""``create_runtime`` and the :class:`Runtime` handle.

A runtime is built once from a :class:`RuntimeSpec` and then serves any number
of concurrent streams. ``query`` (the coordinator) and ``run_specialist`` (any
agent) return async iterators of event dicts; a stream paused on an
``approval-required`` event resumes when ``respond_to_approval`` is awaited
with that approval's id — typically from inside the consumer's ``async for``.

Whatever goes wrong inside a run, the consumer sees events, not exceptions: a
malformed script or a provider that cannot be reached ends the stream with an
``error`` event (nothing follows it), and an unexpected bug becomes an ``error`` event
with code ``internal_error``. Mistakes in *calling* the API (an unknown agent,
a wrong decision string) raise ``ValueError``/``TypeError`` immediately.
"""

from __future__ import annotations

import copy
import inspect
import itertools
from collections.abc import Mapping
from contextlib import aclosing
from typing import Any, AsyncIterator, Callable

from . import events
from .approvals import DECISIONS
from .engine import Engine
from .execution import Execution
from .handlers import DEFAULT_TOOL_TIMEOUT, check_timeout
from .interpreters import INTERPRETER_NAMES, Interpreter, TestingInterpreter, interpreter_by_name
from .policy import PolicyResolver
from .specs import AgentSpec, ReferenceSpec, RuntimeSpec, TestingConfig, ToolSpec
from .state import Decision
from .tool_context import MAPPING_ATTRIBUTES, RESERVED_KEYS
from .validation import check_providers, validate_runtime_spec

LIVE_INTERPRETERS = ("anthropic", "openai")


def _check_testing(testing: Any, interpreter: Any) -> TestingInterpreter | None:
    """The published rules and messages for ``testing=``."""
    if testing is None:
        return None
    if interpreter not in (None, "noop"):
        shown = interpreter if isinstance(interpreter, str) else type(interpreter).__name__
        raise ValueError(
            f"create_runtime accepts either testing or a non-default interpreter, not both (interpreter={shown!r})"
        )
    if not isinstance(testing, Mapping):
        raise TypeError(f"testing must be a mapping like {{'mock_response': '...'}}, got {type(testing).__name__}")
    unknown = sorted(set(testing) - {"mock_response"})
    if unknown:
        raise ValueError(f"unsupported testing config keys: {unknown}; expected ['mock_response']")
    if "mock_response" not in testing:
        raise ValueError("testing config requires 'mock_response'")
    if not isinstance(testing["mock_response"], str):
        raise TypeError(f"testing['mock_response'] must be a string, got {type(testing['mock_response']).__name__}")
    return TestingInterpreter(testing["mock_response"])


def _pick_interpreter(interpreter: Any, spec: RuntimeSpec) -> Interpreter:
    if interpreter is None:
        return interpreter_by_name("noop")
    if isinstance(interpreter, Interpreter):
        return interpreter
    if isinstance(interpreter, str):
        if interpreter in LIVE_INTERPRETERS:
            check_providers(spec)
        return interpreter_by_name(interpreter, spec.providers)
    raise TypeError(
        f"interpreter must be one of {', '.join(INTERPRETER_NAMES)} or an Interpreter, got {interpreter!r}"
    )


#: service names the tool context keeps for itself (the published harness's three, and ours)
RESERVED_SERVICE_NAMES = frozenset({"tool_use_id", "services", "references"}) | RESERVED_KEYS


def _check_services(services: Any) -> dict[str, Any]:
    if services is None:
        return {}
    if not isinstance(services, Mapping):
        raise TypeError("services must be a mapping from service name to Python object")
    for name in services:
        if not isinstance(name, str) or not name:
            raise TypeError("services keys must be non-empty strings")
        if name in RESERVED_SERVICE_NAMES:
            raise ValueError(f"services key '{name}' is reserved by the runtime tool context")
        if name in MAPPING_ATTRIBUTES:
            raise ValueError(
                f"services key '{name}' is reserved by the runtime tool context: ctx.{name} is one of "
                f"its mapping methods ({', '.join(sorted(MAPPING_ATTRIBUTES))})"
            )
    return dict(services)


def _bound_tools(spec: RuntimeSpec, extra: Any) -> list[ToolSpec]:
    """``tool_bindings`` given here, then the spec's, then each agent's, one per binding key."""
    if extra is not None and not isinstance(extra, (list, tuple)):
        raise TypeError(f"tool_bindings must be a list of ToolSpec, got {type(extra).__name__}")
    tools: dict[str, ToolSpec] = {}
    for tool in [*(extra or ()), *spec.tool_bindings, *(t for agent in spec.agents for t in agent.tools)]:
        if not isinstance(tool, ToolSpec):
            raise TypeError(f"tool_bindings must hold ToolSpec values (see define_tool), got {tool!r}")
        tools.setdefault(tool.key, tool)
    return list(tools.values())


def _with_bound_handlers(spec: RuntimeSpec, bindings: list[ToolSpec]) -> RuntimeSpec:
    """Agents' tools without a handler take the handler bound under the same key;
    a tool still without one is refused, as the published harness does."""
    by_key = {tool.key: tool for tool in bindings if tool.handler is not None}
    agents = []
    for agent in spec.agents:
        tools = []
        for tool in agent.tools:
            if tool.handler is None:
                bound = by_key.get(tool.key)
                if bound is None:
                    raise ValueError(f"tool binding '{tool.key}' for agent '{agent.name}' has no Python handler")
                tool = tool.bind(bound.handler)  # type: ignore[arg-type]
            tools.append(tool)
        agents.append(agent if tools == list(agent.tools) else agent.model_copy(update={"tools": tuple(tools)}))
    return spec if agents == spec.agents else spec.model_copy(update={"agents": agents})


def create_runtime(
    spec: RuntimeSpec | Mapping[str, Any],
    *,
    tool_bindings: list[ToolSpec] | None = None,
    services: Mapping[str, Any] | None = None,
    approval_predicates: Mapping[str, Callable[..., Any]] | None = None,
    action_dispatcher: Callable[..., Any] | None = None,
    event_hooks: list[Callable[..., Any]] | None = None,
    data_environment: Any = None,
    target_database_url: str | None = None,
    testing: TestingConfig | None = None,
    interpreter: str | Interpreter | None = "noop",
    tool_timeout: float | None = DEFAULT_TOOL_TIMEOUT,
) -> "Runtime":
    """Build a runtime; every option is checked here, before anything runs.

    ``spec`` is a :class:`RuntimeSpec` or its mapping. ``tool_bindings`` adds
    tools with handlers (an agent's tool without a handler takes the one bound
    under its binding key); ``approval_predicates`` maps dynamic approval ids
    to predicates ``(args, ctx) -> bool`` — an id the spec uses that resolves
    to nothing is a ``ValueError`` here. ``event_hooks`` are called with each
    event as it is streamed (sync or async; a hook that raises ends the
    stream with an ``error`` event).

    ``interpreter`` is ``"noop"`` (default), ``"scripted"``, ``"anthropic"`` or
    ``"openai"`` (live: every step calls that provider's API, with the spec's
    settings for it; see ``agentspec_runtime.live``), or an
    :class:`Interpreter` instance. ``testing`` selects the testing interpreter
    and cannot be combined with another interpreter.
    ``tool_timeout`` (an extension) is how many seconds a tool call may run
    unless its tool says otherwise (``define_tool(..., timeout=)``), and
    likewise an approval predicate and the action dispatcher; None: no limit.
    ``data_environment`` and ``target_database_url`` are the published
    signature's; data environments need its native engine, so both must be None.
    """
    for name, value in (("data_environment", data_environment), ("target_database_url", target_database_url)):
        if value is not None:
            raise ValueError(
                f"create_runtime({name}=...) configures the published harness's data environment (catalog and"
                " target database), which needs its native engine; agentspec_runtime has none: leave it None"
            )
    if not isinstance(spec, RuntimeSpec) and isinstance(spec, Mapping):  # a RuntimeSpec is never a Mapping
        spec = RuntimeSpec.model_validate(dict(spec))
    if not isinstance(spec, RuntimeSpec):
        raise TypeError(f"create_runtime needs a RuntimeSpec (see define_runtime), got {type(spec).__name__}")
    bindings = _bound_tools(spec, tool_bindings)
    if approval_predicates is not None:
        if not isinstance(approval_predicates, Mapping):
            raise TypeError("approval_predicates must be a mapping of predicate id to callable")
        for name, predicate in approval_predicates.items():
            if not callable(predicate):
                raise TypeError(f"approval predicate {name!r} must be callable (args, ctx) -> bool, got {predicate!r}")
    policies = PolicyResolver(spec, approval_predicates, bindings)
    spec = _with_bound_handlers(spec, bindings)
    validate_runtime_spec(spec)
    chosen = _check_testing(testing, interpreter) or _pick_interpreter(interpreter, spec)
    services = _check_services(services)
    if action_dispatcher is not None and not callable(action_dispatcher):
        raise TypeError(f"action_dispatcher must be callable (actions, context), got {action_dispatcher!r}")
    hooks = list(event_hooks or ())
    for hook in hooks:
        if not callable(hook):
            raise TypeError(f"event_hooks must hold callables (event) -> None, got {hook!r}")
    tool_timeout = check_timeout(tool_timeout, "tool_timeout")
    return Runtime(spec, chosen, services, action_dispatcher, policies, tool_timeout, hooks)


class Runtime:
    """A running harness for one spec. Create it with :func:`create_runtime`."""

    def __init__(
        self,
        spec: RuntimeSpec,
        interpreter: Interpreter,
        services: dict[str, Any],
        dispatcher: Callable[..., Any] | None,
        policies: PolicyResolver,
        tool_timeout: float | None = DEFAULT_TOOL_TIMEOUT,
        event_hooks: list[Callable[..., Any]] | None = None,
    ) -> None:
        self.spec = spec
        self._event_hooks = list(event_hooks or ())
        self._engine = Engine(spec, interpreter, services, dispatcher, policies, tool_timeout)
        self._thread_ids = itertools.count(1)
        self._trace_book: Any = None  # an evals.traces.TraceBook once an eval run records a trace

    @property
    def interpreter(self) -> str:
        return self._engine.interpreter.name

    @property
    def interpreter_instance(self) -> Interpreter:
        """The :class:`Interpreter` itself (``interpreter`` is its name), e.g. to ask it one step."""
        return self._engine.interpreter

    @property
    def resource_id(self) -> str:
        """The tenant this runtime serves (``define_eval_request`` binds requests to it)."""
        return self.spec.tenant.resource_id

    # -- streams ---------------------------------------------------------------

    def query(
        self, prompt: str, thread_id: str | None = None, resume: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Run the coordinator on ``prompt``; returns an async iterator of events.

        ``resume`` is the published engine's token for continuing an interrupted
        run; this runtime issues none, so any value but ``None`` is refused.
        """
        if resume is not None:
            raise ValueError(
                "resume tokens continue an interrupted run of the native harness engine; this runtime issues none"
                " (pass resume=None; an approval pauses the stream until respond_to_approval instead)"
            )
        coordinator = self.spec.coordinator
        if coordinator is None:
            raise ValueError("query runs the coordinator, and this runtime has none; use run_specialist(specialist, ...)")
        return self._stream(coordinator, prompt, thread_id)

    def run_specialist(
        self, specialist: str, prompt: str, thread_id: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Run one agent (of any role) on ``prompt``; returns an async iterator of events."""
        return self._stream(self.spec.agent(specialist), prompt, thread_id)

    def _stream(self, agent: AgentSpec, prompt: str, thread_id: str | None) -> AsyncIterator[dict[str, Any]]:
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
        if thread_id is not None and not isinstance(thread_id, str):
            raise TypeError(f"thread_id must be a str, got {type(thread_id).__name__}")
        stream = self._events(agent, prompt, thread_id or f"thread-{next(self._thread_ids)}")
        return self._hooked(stream) if self._event_hooks else stream

    async def _hooked(self, stream: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        """Show each event to the ``event_hooks`` before the consumer gets it."""
        async with aclosing(stream) as events_:  # type: ignore[type-var]
            async for event in events_:
                try:
                    for hook in self._event_hooks:
                        answer = hook(event)
                        if inspect.isawaitable(answer):
                            await answer
                except Exception as exc:  # a hook bug ends the stream with an event, not a traceback
                    yield events.error(f"event hook raised {type(exc).__name__}: {exc}", "event_hook_error")
                    return
                yield event

    def _events(self, agent: AgentSpec, prompt: str, thread_id: str) -> AsyncIterator[dict[str, Any]]:
        # the entry agent's run is the whole stream, finish, summaries and errors included (Execution.run_agent)
        return Execution(self._engine, thread_id).run_agent(agent, prompt, f"entry-{agent.name}", routed=False)

    # -- evals -------------------------------------------------------------------

    async def run_eval(self, eval_request: Any) -> dict[str, Any]:
        """Run an eval (``EvalRequest``, its mapping or its JSON) and return the raw artifact dict.

        Validate it with ``EvalArtifact.model_validate``. A request that does not
        fit this runtime (unknown agent, conflicting preset) raises ``ValueError``.
        """
        from .evals import runner as eval_runner  # on first use: see _EVAL_NAMES in __init__

        return await eval_runner.run(self, eval_runner.prepare(self, eval_request))

    def stream_eval(self, eval_request: Any) -> AsyncIterator[dict[str, Any]]:
        """Run an eval, yielding progress envelopes ``{runId, sequence, type, data}``.

        The request is checked now (``ValueError`` at the call); the run starts
        when iteration does, and stops when the consumer stops iterating.
        """
        from .evals import runner as eval_runner  # on first use: see _EVAL_NAMES in __init__

        return eval_runner.stream(self, eval_runner.prepare(self, eval_request))

    @property
    def _traces(self) -> Any:
        """The traces eval runs recorded (made on first use, so the eval surface loads only with evals)."""
        if self._trace_book is None:
            from .evals.traces import TraceBook  # on first use: see _EVAL_NAMES in __init__

            self._trace_book = TraceBook()
        return self._trace_book

    def get_trace(self, trace_id: str) -> dict[str, Any] | None:
        """One trace an eval run recorded (its id is in each sample's ``trace``), or ``None``."""
        return None if self._trace_book is None else self._trace_book.get(trace_id)

    def list_traces(
        self, eval_run_id: str | None = None, test_case_id: str | None = None, thread_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The recorded traces matching every filter given, in trace-id order."""
        if self._trace_book is None:
            return []
        return self._trace_book.list(eval_run_id=eval_run_id, test_case_id=test_case_id, thread_id=thread_id)

    # -- approvals -------------------------------------------------------------

    async def respond_to_approval(
        self, approval_id: str, outcome: str, feedback: str | None = None, partial: Any = None
    ) -> None:
        """Decide a pending approval (``outcome``: approve, reject or revise); the paused stream resumes with it."""
        if outcome not in DECISIONS:
            raise ValueError(f"outcome must be one of {', '.join(DECISIONS)}, got {outcome!r}")
        if feedback is not None and not isinstance(feedback, str):
            raise TypeError(f"feedback must be a str or None, got {type(feedback).__name__}")
        self._engine.approvals.decide(approval_id, Decision(outcome, feedback, partial))

    def pending_approvals(self, thread_id: str | None = None) -> list[dict[str, str]]:
        """Approvals waiting for a decision (optionally of one thread), oldest first."""
        return self._engine.approvals.waiting(thread_id)

    # -- references and state ---------------------------------------------------

    async def create_reference(
        self,
        reference: ReferenceSpec | str,
        value: Any,
        glimpse: Any = None,
        *,
        thread_id: str | None = None,
    ) -> dict[str, Any]:
        """Store ``value`` (validated against its reference kind) and return ``{kind, id, glimpse}``.

        The glimpse is ``glimpse`` if given, else the spec's ``glimpse(value)``
        callback's answer, else ``{}``. Without ``thread_id`` (an extension) the
        reference is tenant-wide; plan actions name it in ``references: [{kind, id}]``
        and the dispatcher receives its payload.
        """
        return self._engine.references.create(reference, value, glimpse, thread_id=thread_id)

    async def resolve_reference(self, reference: Any) -> Any:
        """The full payload a reference ``{kind, id}`` points to (a copy)."""
        return copy.deepcopy(self._engine.references.find(reference, everywhere=True).payload)

    async def reference_glimpse(self, reference: Any) -> Any:
        """The glimpse stored with a reference, without resolving its payload."""
        return copy.deepcopy(self._engine.references.find(reference, everywhere=True).glimpse)

    def snapshot(self, thread_id: str) -> dict[str, Any]:
        """A JSON-friendly view of one thread's state: plans, references, pending approvals, history."""
        state = self._engine.store.peek(self.spec.tenant.resource_id, thread_id)
        return {
            "plans": {
                plan_id: {"specName": plan.spec_name, "status": plan.status, "body": plan.body}
                for plan_id, plan in state.plans.items()
            },
            "references": [{"kind": ref.kind, "id": ref.id} for ref in state.references.values()],
            "pendingApprovals": [p["id"] for p in self.pending_approvals(thread_id)],
            "history": {agent: list(turns) for agent, turns in state.history.items()},
        }
