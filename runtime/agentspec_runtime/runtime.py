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

import itertools
from collections.abc import Mapping
from contextlib import aclosing
from typing import Any, AsyncIterator, Callable

from . import events
from .approvals import DECISIONS
from .engine import Engine
from .errors import StreamError
from .evals import runner as eval_runner
from .execution import Execution
from .handlers import DEFAULT_TOOL_TIMEOUT, check_timeout
from .jsonable import NotJSONError, jsonable
from .interpreters import INTERPRETER_NAMES, Interpreter, TestingInterpreter, interpreter_by_name
from .policy import PolicyResolver
from .specs import AgentSpec, ReferenceSpec, RuntimeSpec
from .state import Decision, StoredReference
from .tool_context import MAPPING_ATTRIBUTES, RESERVED_KEYS
from .validation import validate_runtime_spec


def _check_testing(testing: Any, interpreter: Any) -> TestingInterpreter | None:
    if testing is None:
        return None
    if not isinstance(testing, Mapping):
        raise TypeError(f"testing must be a mapping like {{'mock_response': '...'}}, got {type(testing).__name__}")
    unknown = sorted(key for key in testing if key != "mock_response")
    if unknown:
        raise ValueError(f"testing has unknown key(s) {unknown}; the only key is 'mock_response'")
    if "mock_response" not in testing:
        raise ValueError("testing needs a 'mock_response' key, e.g. testing={'mock_response': 'hello'}")
    response = testing["mock_response"]
    if not isinstance(response, str):
        raise TypeError(f"testing['mock_response'] must be a str, got {type(response).__name__}")
    if interpreter not in (None, "noop"):
        shown = interpreter if isinstance(interpreter, str) else type(interpreter).__name__
        raise ValueError(
            f"testing= and interpreter={shown!r} cannot be combined: testing= selects the testing "
            "interpreter; pass one or the other"
        )
    return TestingInterpreter(response)


def _pick_interpreter(interpreter: Any, spec: RuntimeSpec) -> Interpreter:
    if interpreter is None:
        return interpreter_by_name("noop")
    if isinstance(interpreter, Interpreter):
        return interpreter
    if isinstance(interpreter, str):
        return interpreter_by_name(interpreter, spec.providers)
    raise TypeError(
        f"interpreter must be one of {', '.join(INTERPRETER_NAMES)} or an Interpreter, got {interpreter!r}"
    )


def create_runtime(
    spec: RuntimeSpec,
    *,
    testing: Any = None,
    interpreter: str | Interpreter | None = None,
    services: Mapping[str, Any] | None = None,
    action_dispatcher: Callable[..., Any] | None = None,
    tool_timeout: float | None = DEFAULT_TOOL_TIMEOUT,
) -> "Runtime":
    """Build a runtime; every option is checked here, before anything runs.

    ``interpreter`` is ``"noop"`` (default), ``"scripted"``, ``"anthropic"`` or
    ``"openai"`` (live: every step calls that provider's API, with the spec's
    settings for it; see ``agentspec_runtime.live``), or an
    :class:`Interpreter` instance. ``testing`` selects the testing interpreter
    and cannot be combined with another interpreter.
    ``tool_timeout`` (an extension) is how many seconds a tool call may run
    unless its tool says otherwise (``define_tool(..., timeout=)``); None: no limit.
    """
    if not isinstance(spec, RuntimeSpec):
        raise TypeError(f"create_runtime needs a RuntimeSpec (see define_runtime), got {type(spec).__name__}")
    validate_runtime_spec(spec)
    chosen = _check_testing(testing, interpreter) or _pick_interpreter(interpreter, spec)
    if services is None:
        services = {}
    if not isinstance(services, Mapping):
        raise TypeError(f"services must be a mapping of name to service, got {type(services).__name__}")
    clashes = sorted(set(services) & RESERVED_KEYS)
    if clashes:
        raise ValueError(f"service name(s) {clashes} clash with tool-context keys {sorted(RESERVED_KEYS)}")
    shadowed = sorted(set(services) & MAPPING_ATTRIBUTES)
    if shadowed:
        raise ValueError(
            f"service name(s) {shadowed} would be hidden by the tool context's mapping methods "
            f"({', '.join(sorted(MAPPING_ATTRIBUTES))}); ctx.NAME could not reach them"
        )
    if action_dispatcher is not None and not callable(action_dispatcher):
        raise TypeError(f"action_dispatcher must be callable (actions, context), got {action_dispatcher!r}")
    tool_timeout = check_timeout(tool_timeout, "tool_timeout")
    return Runtime(spec, chosen, dict(services), action_dispatcher, PolicyResolver(spec), tool_timeout)


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
    ) -> None:
        self.spec = spec
        self._engine = Engine(spec, interpreter, services, dispatcher, policies, tool_timeout)
        self._thread_ids = itertools.count(1)
        self._reference_ids: dict[str, itertools.count[int]] = {}

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

    def query(self, prompt: str, *, thread_id: str | None = None) -> AsyncIterator[dict[str, Any]]:
        """Run the coordinator on ``prompt``; returns an async iterator of events."""
        coordinator = self.spec.coordinator
        if coordinator is None:
            raise ValueError("query runs the coordinator, and this runtime has none; use run_specialist(name, ...)")
        return self._stream(coordinator, prompt, thread_id)

    def run_specialist(self, name: str, prompt: str, *, thread_id: str | None = None) -> AsyncIterator[dict[str, Any]]:
        """Run one agent (of any role) on ``prompt``; returns an async iterator of events."""
        return self._stream(self.spec.agent(name), prompt, thread_id)

    def _stream(self, agent: AgentSpec, prompt: str, thread_id: str | None) -> AsyncIterator[dict[str, Any]]:
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
        if thread_id is not None and not isinstance(thread_id, str):
            raise TypeError(f"thread_id must be a str, got {type(thread_id).__name__}")
        return self._events(agent, prompt, thread_id or f"thread-{next(self._thread_ids)}")

    async def _events(self, agent: AgentSpec, prompt: str, thread_id: str) -> AsyncIterator[dict[str, Any]]:
        # the order follows the published runtime-events reference (events.py, docs/runtime.md "Fidelity"):
        # tool-agent call … tool-agent result, finish, then the summaries; or … error, and nothing after it
        execution = Execution(self._engine, thread_id)
        summaries = self._engine.interpreter.emits_summary
        try:
            try:
                async with aclosing(execution.run_agent(agent, prompt, f"entry-{agent.name}", routed=False)) as stream:
                    async for event in stream:
                        yield event
            except StreamError as exc:
                failure = events.error(exc.message, exc.code)
            except Exception as exc:  # a bug must end the stream with an event, not a traceback
                failure = events.error(f"internal error: {type(exc).__name__}: {exc}", "internal_error")
            else:
                failure = None
        finally:
            execution.release_all()
        if failure is not None:
            if summaries:  # what the run cost so far; before the error, after which nothing may follow
                yield events.cost_summary(execution.cost_summary())
                yield events.latency_summary(execution.latency_summary())
            yield failure
            return
        yield events.finish("stop", execution.usage.as_event())
        if summaries:
            yield events.cost_summary(execution.cost_summary())
            yield events.latency_summary(execution.latency_summary())

    # -- evals -------------------------------------------------------------------

    async def run_eval(self, request: Any) -> dict[str, Any]:
        """Run an eval (``EvalRequest`` or its mapping) and return the raw artifact dict.

        Validate it with ``EvalArtifact.model_validate``. A request that does not
        fit this runtime (unknown agent, conflicting preset) raises ``ValueError``.
        """
        return await eval_runner.run(self, eval_runner.prepare(self, request))

    def stream_eval(self, request: Any) -> AsyncIterator[dict[str, Any]]:
        """Run an eval, yielding progress envelopes ``{runId, sequence, type, data}``.

        The request is checked now (``ValueError`` at the call); the run starts
        when iteration does, and stops when the consumer stops iterating.
        """
        return eval_runner.stream(self, eval_runner.prepare(self, request))

    # -- approvals -------------------------------------------------------------

    async def respond_to_approval(
        self, approval_id: str, decision: str, feedback: str | None = None, partial: Any = None
    ) -> None:
        """Decide a pending approval; the paused stream resumes with that decision."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
        if feedback is not None and not isinstance(feedback, str):
            raise TypeError(f"feedback must be a str or None, got {type(feedback).__name__}")
        self._engine.approvals.decide(approval_id, Decision(decision, feedback, partial))

    def pending_approvals(self, thread_id: str | None = None) -> list[dict[str, str]]:
        """Approvals waiting for a decision (optionally of one thread), oldest first."""
        return self._engine.approvals.waiting(thread_id)

    # -- references and state ---------------------------------------------------

    async def create_reference(
        self, spec: ReferenceSpec | str, payload: Any, *, thread_id: str | None = None
    ) -> dict[str, str]:
        """Store a reference payload (validated against its kind) and return ``{kind, id}``.

        Without ``thread_id`` the reference is tenant-wide; plan actions name it
        in ``references: [{kind, id}]`` and the dispatcher receives its payload.
        """
        kind = spec if isinstance(spec, str) else spec.kind
        declared = self.spec.reference(kind)
        if declared is None:
            known = ", ".join(r.kind for r in self.spec.references) or "none"
            raise ValueError(f"unknown reference kind {kind!r} (declared: {known})")
        try:
            payload = jsonable(payload)
        except NotJSONError as exc:
            raise ValueError(f"reference {kind!r} payload is not JSON: {exc}") from None
        _, errors = declared.schema_.validate(payload)
        if errors:
            raise ValueError(f"payload does not match reference {kind!r}: {'; '.join(errors)}")
        counter = self._reference_ids.setdefault(kind, itertools.count(1))
        ref_id = f"{kind}-{next(counter)}"
        state = self._engine.store.thread(self.spec.tenant.resource_id, thread_id)
        state.references[(kind, ref_id)] = StoredReference(kind, ref_id, payload, ttl_ms=declared.ttl_ms)
        return {"kind": kind, "id": ref_id}

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
