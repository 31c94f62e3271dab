"""The authoring API: spec models and the ``define_*`` helpers that build them.

Everything here is a pydantic v2 model, so a spec can be inspected, copied and
serialised; ``model_dump(by_alias=True, mode="json")`` gives the harness's
camelCase wire shape. Python-only parts (tool handlers, approval predicates,
pydantic models used as schemas) are excluded from that shape, or shown as the
string ``"dynamic"`` where a policy would otherwise be a function.

The helpers check what can be checked where the mistake is made (a bad schema
in ``define_tool``); whole-runtime rules (routes, providers, duplicates) are
checked by ``define_runtime`` via :func:`agentspec_runtime.validation.validate_runtime_spec`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable, Literal, TypedDict, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer
from pydantic.alias_generators import to_camel

from .handlers import check_timeout
from .schema import Schema

Role = Literal["coordinator", "planner", "executor", "specialist"]
ROLES: tuple[str, ...] = ("coordinator", "planner", "executor", "specialist")

#: "default" (inherit), "never", "always", a predicate ``(args, ctx) -> bool``,
#: or the name of a predicate registered in ``ApprovalPolicies.predicates``.
PolicyValue = Union[str, Callable[..., Any]]

BUILTIN_TOOLS = ("call_agent", "storePlan", "executePlan")


class _SpecModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        arbitrary_types_allowed=True,
        extra="forbid",
    )


def _policy_wire(value: PolicyValue) -> str:
    return value if isinstance(value, str) else "dynamic"


class TenantIdentity(_SpecModel):
    """Who the runtime serves; all state is keyed by ``resource_id`` and thread."""

    resource_id: str = Field(min_length=1)
    version: str = Field(min_length=1)


class ModelSpec(_SpecModel):
    """A model id plus, optionally, the provider that serves it (else inferred)."""

    id: str = Field(min_length=1)
    provider: str | None = None

    def __init__(self, id: str | None = None, provider: str | None = None, /, **data: Any) -> None:
        if id is not None:
            data["id"] = id
        if provider is not None:
            data["provider"] = provider
        super().__init__(**data)


class ProviderSpec(_SpecModel):
    """A model provider declared to the runtime (keys are never shown in reprs or dumps).

    ``base_url``, ``timeout`` (seconds per request) and ``retries`` (for rate
    limits and server errors) are used by the live interpreters; unset, they
    fall back to the SDK's environment variable and the runtime's defaults.
    """

    name: str = Field(min_length=1)
    api_key: str | None = Field(default=None, repr=False, exclude=True)
    api_key_env: str | None = None
    base_url: str | None = None
    timeout: float | None = Field(default=None, gt=0)
    retries: int | None = Field(default=None, ge=0, le=10)


class ApprovalRule(_SpecModel):
    """Separate approval policies for an agent's plans and its tools."""

    plans: PolicyValue = "default"
    tools: PolicyValue = "default"

    @field_serializer("plans", "tools")
    def _wire(self, value: PolicyValue) -> str:
        return _policy_wire(value)


#: An agent's approval: "default" | "always" | "never" (both plans and tools) or an ApprovalRule.
AgentApproval = Union[str, ApprovalRule]


class ToolSpec(_SpecModel):
    """A tool an agent may call. Calling the spec calls its handler."""

    name: str = Field(min_length=1)
    description: str = ""
    input_schema: dict[str, Any]
    approval: PolicyValue = "default"
    handler: Callable[..., Any] | None = Field(default=None, exclude=True, repr=False)
    input_model: type[BaseModel] | None = Field(default=None, exclude=True, repr=False)
    # extension: seconds a call may run (None: the runtime's default); not part of the wire shape
    timeout: float | None = Field(default=None, exclude=True)

    @field_serializer("approval")
    def _wire(self, value: PolicyValue) -> str:
        return _policy_wire(value)

    @property
    def schema_(self) -> Schema:
        return Schema(self.input_schema, self.input_model)

    def __call__(self, args: Any, ctx: Any) -> Any:
        if self.handler is None:
            raise TypeError(f"tool {self.name!r} has no handler")
        return self.handler(args, ctx)


class ToolkitSpec(_SpecModel):
    """A named group of tools that several agents can share."""

    name: str = Field(min_length=1)
    tools: list[ToolSpec] = Field(default_factory=list)
    description: str = ""


class PlanSpec(_SpecModel):
    """A plan kind: the JSON schema of a plan body (whose ``actions`` are dispatched)."""

    name: str = Field(min_length=1)
    body_schema: dict[str, Any]
    body_model: type[BaseModel] | None = Field(default=None, exclude=True, repr=False)

    @property
    def schema_(self) -> Schema:
        return Schema(self.body_schema, self.body_model)


class ReferenceSpec(_SpecModel):
    """A reference kind: payloads created with ``Runtime.create_reference`` and
    resolved for the dispatcher when a plan action names them."""

    kind: str = Field(min_length=1)
    payload_schema: dict[str, Any]
    payload_model: type[BaseModel] | None = Field(default=None, exclude=True, repr=False)
    ttl_ms: int | None = Field(default=None, ge=0)

    @property
    def schema_(self) -> Schema:
        return Schema(self.payload_schema, self.payload_model)


class ApprovalPolicies(_SpecModel):
    """Runtime-wide approval rules.

    ``plans`` and ``tools`` are the floor (defaults: plans always, tools never).
    A floor field left unset falls back to the coordinator's ``approval``.
    ``agents`` overrides per agent; ``predicates`` registers named predicates
    that tools and agents may refer to by name.
    """

    plans: PolicyValue = "always"
    tools: PolicyValue = "never"
    agents: dict[str, AgentApproval] = Field(default_factory=dict)
    predicates: dict[str, Callable[..., Any]] = Field(default_factory=dict)

    @field_serializer("plans", "tools")
    def _wire(self, value: PolicyValue) -> str:
        return _policy_wire(value)

    @field_serializer("agents")
    def _wire_agents(self, value: dict[str, AgentApproval]) -> dict[str, Any]:
        return {
            name: rule if isinstance(rule, str) else rule.model_dump(by_alias=True, mode="json")
            for name, rule in value.items()
        }

    @field_serializer("predicates")
    def _wire_predicates(self, value: dict[str, Callable[..., Any]]) -> list[str]:
        return sorted(value)


class AgentSpec(_SpecModel):
    """One agent: its role, model, prompt, what it can route to and call."""

    name: str = Field(min_length=1)
    role: Role
    model: Union[str, ModelSpec]
    system_prompt: str = ""
    routes: list[str] = Field(default_factory=list)
    tools: list[ToolSpec] = Field(default_factory=list)
    toolkits: list[ToolkitSpec] = Field(default_factory=list)
    approval: AgentApproval = "default"
    stateful: bool = True
    plan: str | None = None
    # the PlanSpec given to define_planner/define_executor: define_runtime adds it to
    # the runtime's plans when not listed there, as the published harness does
    _plan_spec: "PlanSpec | None" = PrivateAttr(default=None)

    @field_serializer("approval")
    def _wire(self, value: AgentApproval) -> Any:
        return value if isinstance(value, str) else value.model_dump(by_alias=True, mode="json")

    @property
    def model_id(self) -> str:
        return self.model if isinstance(self.model, str) else self.model.id

    def all_tools(self) -> list[ToolSpec]:
        """The agent's own tools followed by those of its toolkits."""
        tools = list(self.tools)
        for toolkit in self.toolkits:
            tools.extend(toolkit.tools)
        return tools


class RuntimeSpec(_SpecModel):
    """Everything ``create_runtime`` needs: build it with :func:`define_runtime`."""

    tenant: TenantIdentity
    agents: list[AgentSpec]
    providers: dict[str, ProviderSpec] = Field(default_factory=dict)
    plans: list[PlanSpec] = Field(default_factory=list)
    references: list[ReferenceSpec] = Field(default_factory=list)
    approval_policies: ApprovalPolicies | None = None

    def agent(self, name: str) -> AgentSpec:
        for agent in self.agents:
            if agent.name == name:
                return agent
        known = ", ".join(a.name for a in self.agents) or "none"
        raise ValueError(f"no agent named {name!r} (agents: {known})")

    def plan(self, name: str) -> PlanSpec | None:
        return next((p for p in self.plans if p.name == name), None)

    def reference(self, kind: str) -> ReferenceSpec | None:
        return next((r for r in self.references if r.kind == kind), None)

    @property
    def coordinator(self) -> AgentSpec | None:
        return next((a for a in self.agents if a.role == "coordinator"), None)


class TestingConfig(TypedDict):
    """``create_runtime(testing=...)``: the text the testing interpreter answers with."""

    mock_response: str


TestingConfig.__test__ = False  # type: ignore[attr-defined]  # not a pytest test class


# ---------------------------------------------------------------------------
# define_* helpers
# ---------------------------------------------------------------------------


def define_tenant(resource_id: str | Mapping[str, Any], version: str | None = None) -> TenantIdentity:
    """``define_tenant("acme", "v1")`` or ``define_tenant({"resourceId": "acme", "version": "v1"})``."""
    if isinstance(resource_id, Mapping):
        if version is not None:
            raise TypeError("define_tenant: pass either a mapping or (resource_id, version), not both")
        return TenantIdentity.model_validate(dict(resource_id))
    if version is None:
        raise TypeError("define_tenant: a version is required, e.g. define_tenant('acme', 'v1')")
    return TenantIdentity(resource_id=resource_id, version=version)


def _check_policy(value: Any, where: str) -> None:
    if not (isinstance(value, str) and value) and not callable(value):
        raise TypeError(
            f"{where}: approval must be 'never', 'always', 'default', a predicate name "
            f"or a callable (args, ctx) -> bool, got {value!r}"
        )


def _agent_approval(value: Any, where: str) -> AgentApproval:
    if isinstance(value, ApprovalRule):
        return value
    if isinstance(value, Mapping):
        return ApprovalRule.model_validate(dict(value))
    if value not in ("default", "always", "never"):
        raise ValueError(
            f"{where}: an agent's approval is 'default', 'always', 'never' or "
            f"{{'plans': ..., 'tools': ...}}, got {value!r}"
        )
    return value


def define_tool(
    name: str,
    input_schema: Any,
    approval: PolicyValue = "default",
    *,
    description: str = "",
    timeout: float | None = None,
) -> Callable[[Callable[..., Any]], ToolSpec]:
    """Decorate ``async def handler(args, ctx)`` to make it a tool.

    ``input_schema`` is a JSON schema, a pydantic model or a type map
    (see :func:`agentspec_runtime.schema.normalize_schema`); it must describe an
    object. ``approval`` is ``"never"``, ``"always"``, a predicate
    ``(args, ctx) -> bool`` or the name of a registered predicate; the default
    ``"default"`` inherits the agent's and then the runtime's policy.
    ``timeout`` (an extension) is how many seconds a call may run before it
    ends as an error tool result; None means the runtime's ``tool_timeout``.
    """
    where = f"tool {name!r}"
    timeout = check_timeout(timeout, f"{where}: timeout")
    schema = Schema.of(input_schema, where=f"{where} input_schema")
    declared = schema.json_schema.get("type")
    if declared not in (None, "object"):
        raise ValueError(f"{where}: input_schema must describe an object, not {declared!r}")
    _check_policy(approval, where)

    def decorate(handler: Callable[..., Any]) -> ToolSpec:
        if not callable(handler):
            raise TypeError(f"{where}: define_tool(...) decorates a function (args, ctx), got {handler!r}")
        return ToolSpec(
            name=name,
            description=description or (handler.__doc__ or "").strip(),
            input_schema=schema.json_schema,
            approval=approval,
            handler=handler,
            input_model=schema.model,
            timeout=timeout,
        )

    return decorate


def define_toolkit(name: str, tools: Iterable[ToolSpec], *, description: str = "") -> ToolkitSpec:
    return ToolkitSpec(name=name, tools=list(tools), description=description)


def define_plan(name: str, schema: Any) -> PlanSpec:
    """A plan kind whose bodies are validated against ``schema`` (JSON schema or pydantic model)."""
    compiled = Schema.of(schema, where=f"plan {name!r} schema")
    return PlanSpec(name=name, body_schema=compiled.json_schema, body_model=compiled.model)


def define_reference(kind: str, payload_model: Any, ttl_ms: int | None = None) -> ReferenceSpec:
    """A reference kind; ``payload_model`` is a pydantic model (or JSON schema / type map)."""
    compiled = Schema.of(payload_model, where=f"reference {kind!r} payload_model")
    return ReferenceSpec(kind=kind, payload_schema=compiled.json_schema, payload_model=compiled.model, ttl_ms=ttl_ms)


def define_provider(
    name: str,
    *,
    api_key: str | None = None,
    api_key_env: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
) -> ProviderSpec:
    return ProviderSpec(
        name=name, api_key=api_key, api_key_env=api_key_env, base_url=base_url, timeout=timeout, retries=retries
    )


def _model(model: str | ModelSpec | Mapping[str, Any]) -> str | ModelSpec:
    if isinstance(model, Mapping):
        return ModelSpec.model_validate(dict(model))
    return model


def _define_agent(
    role: str,
    name: str,
    *,
    model: str | ModelSpec,
    prompt: str = "",
    routes: Iterable[str] = (),
    tools: Iterable[ToolSpec] = (),
    toolkits: Iterable[ToolkitSpec] = (),
    approval: Any = "default",
    stateful: bool = True,
    plan: PlanSpec | str | None = None,
) -> AgentSpec:
    where = f"{role} {name!r}"
    agent = AgentSpec(
        name=name,
        role=role,
        model=_model(model),
        system_prompt=prompt,
        routes=[r.name if isinstance(r, AgentSpec) else r for r in routes],
        tools=list(tools),
        toolkits=list(toolkits),
        approval=_agent_approval(approval, where),
        stateful=stateful,
        plan=plan.name if isinstance(plan, PlanSpec) else plan,
    )
    agent._plan_spec = plan if isinstance(plan, PlanSpec) else None
    return agent


def define_coordinator(
    name: str,
    *,
    model: str | ModelSpec,
    prompt: str = "",
    routes: Iterable[str | AgentSpec] = (),
    tools: Iterable[ToolSpec] = (),
    toolkits: Iterable[ToolkitSpec] = (),
    approval: Any = "default",
    stateful: bool = True,
) -> AgentSpec:
    """The entry agent of ``Runtime.query``; routes work to other agents via ``call_agent``.

    Its ``approval`` becomes the runtime's approval floor unless
    ``define_runtime(approval_policies=...)`` sets the floor explicitly.
    """
    return _define_agent(
        "coordinator", name, model=model, prompt=prompt, routes=routes, tools=tools,
        toolkits=toolkits, approval=approval, stateful=stateful,
    )


def define_planner(
    name: str,
    *,
    model: str | ModelSpec,
    prompt: str = "",
    plan: PlanSpec | str | None = None,
    tools: Iterable[ToolSpec] = (),
    toolkits: Iterable[ToolkitSpec] = (),
    approval: Any = "default",
    stateful: bool = True,
) -> AgentSpec:
    """An agent that stores plans with the built-in ``storePlan`` tool."""
    return _define_agent(
        "planner", name, model=model, prompt=prompt, plan=plan, tools=tools,
        toolkits=toolkits, approval=approval, stateful=stateful,
    )


def define_executor(
    name: str,
    *,
    model: str | ModelSpec,
    prompt: str = "",
    plan: PlanSpec | str | None = None,
    tools: Iterable[ToolSpec] = (),
    toolkits: Iterable[ToolkitSpec] = (),
    approval: Any = "default",
    stateful: bool = True,
) -> AgentSpec:
    """An agent that executes stored plans with the built-in ``executePlan`` tool."""
    return _define_agent(
        "executor", name, model=model, prompt=prompt, plan=plan, tools=tools,
        toolkits=toolkits, approval=approval, stateful=stateful,
    )


def define_specialist(
    name: str,
    *,
    model: str | ModelSpec,
    prompt: str = "",
    tools: Iterable[ToolSpec] = (),
    toolkits: Iterable[ToolkitSpec] = (),
    approval: Any = "default",
    stateful: bool = True,
) -> AgentSpec:
    """An agent with its own tools, run directly or routed to by a coordinator."""
    return _define_agent(
        "specialist", name, model=model, prompt=prompt, tools=tools,
        toolkits=toolkits, approval=approval, stateful=stateful,
    )


def _providers(providers: Any) -> dict[str, ProviderSpec]:
    if providers is None:
        return {}
    result: dict[str, ProviderSpec] = {}
    if isinstance(providers, Mapping):
        for name, config in providers.items():
            if isinstance(config, ProviderSpec):
                result[name] = config
            elif config is None:
                result[name] = ProviderSpec(name=name)
            elif isinstance(config, Mapping):
                result[name] = ProviderSpec.model_validate({"name": name, **config})
            else:
                raise TypeError(f"provider {name!r}: expected a mapping, ProviderSpec or None, got {config!r}")
        return result
    for item in providers:
        spec = item if isinstance(item, ProviderSpec) else ProviderSpec(name=item)
        result[spec.name] = spec
    return result


def define_runtime(
    *,
    tenant: TenantIdentity | Mapping[str, Any],
    agents: Iterable[AgentSpec],
    providers: Any = None,
    plans: Iterable[PlanSpec] = (),
    references: Iterable[ReferenceSpec] = (),
    approval_policies: ApprovalPolicies | Mapping[str, Any] | None = None,
) -> RuntimeSpec:
    """Assemble and check a runtime spec.

    ``providers`` is a mapping ``{name: config}`` or a list of names /
    ``ProviderSpec``. Raises ``ValueError`` for duplicate agents or tools,
    routes to unknown agents, models without a declared provider, and the other
    rules in :func:`agentspec_runtime.validation.validate_runtime_spec`.
    """
    from .validation import validate_runtime_spec

    if isinstance(approval_policies, Mapping):
        approval_policies = ApprovalPolicies.model_validate(dict(approval_policies))
    agents = list(agents)
    plans = list(plans)
    for agent in agents:  # plans attached to agents join the runtime's plans
        attached = agent._plan_spec
        if attached is not None and all(p.name != attached.name for p in plans):
            plans.append(attached)
    spec = RuntimeSpec(
        tenant=tenant if isinstance(tenant, TenantIdentity) else define_tenant(tenant),
        agents=agents,
        providers=_providers(providers),
        plans=plans,
        references=list(references),
        approval_policies=approval_policies,
    )
    validate_runtime_spec(spec)
    return spec
