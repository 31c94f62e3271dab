"""The authoring API: spec models and the ``define_*`` helpers that build them.

The models and helpers have the published harness's names, signatures,
defaults and wire shapes (``model_dump(by_alias=True, mode="json")`` gives its
camelCase spec). Python-only parts — tool handlers, approval callables,
reference glimpse callbacks, the plan and tools attached to an agent — are
excluded from that shape, as they are there.

Approval rules are stored in their wire form: ``{"kind": "never"}``,
``{"kind": "always"}`` or ``{"kind": "dynamic", "value": predicate_id}``; a
dynamic id is resolved when the runtime is created (a tool's own callable, or
``create_runtime(approval_predicates=...)``).

Mistakes are refused where they are made: a bad schema or approval in
``define_tool``, a coordinator without routes in ``AgentSpec``, duplicate
agents and unknown routes in ``RuntimeSpec`` (pydantic ``ValidationError``, a
``ValueError``). Rules that need the whole runtime and its options (tool names,
predicates, providers for live interpreters) are checked by ``create_runtime``.

Extensions, kept compatible: ``define_tool(timeout=...)``; a ``ToolSpec``
called with ``(args, ctx)`` calls its handler; an agent ``approval`` given as
one string applies to both plans and tools; ``providers`` values are
:class:`ProviderSpec` (what the live interpreters read), built from the
published ``{"apiKeyEnv": ...}`` mappings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable, Literal, TypedDict

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

from .handlers import check_timeout
from .prompt_tools import with_prompt_tools
from .prompts import LayeredPrompt
from .schema import Schema, is_pydantic_model, normalize_schema

Role = Literal["coordinator", "planner", "executor", "specialist"]
ROLES: tuple[str, ...] = ("coordinator", "planner", "executor", "specialist")
_DEFAULT_STATEFUL = {"coordinator": True, "planner": True, "executor": False, "specialist": False}

PlanStatus = Literal["draft", "approved", "executing", "executed", "failed"]
PLAN_STATUSES: tuple[str, ...] = ("draft", "approved", "executing", "executed", "failed")

BUILTIN_TOOLS = ("call_agent", "storePlan", "getPlan", "executePlan", "resolveRef", "glimpseRef")


class _SpecModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        arbitrary_types_allowed=True,
        extra="forbid",
    )


# ---------------------------------------------------------------------------
# approval rules
# ---------------------------------------------------------------------------

_RULE_ERROR = "approval rule must be 'never', 'always', or {'kind': 'dynamic'}"


def approval_rule(value: Any) -> dict[str, Any]:
    """An approval rule in its wire form; ``ValueError`` for anything else."""
    if isinstance(value, str):
        if value in ("never", "always"):
            return {"kind": value}
        raise ValueError(f"{_RULE_ERROR}, got {value!r}")
    if isinstance(value, Mapping):
        kind = value.get("kind")
        if kind in ("never", "always"):
            return {"kind": kind}
        if kind == "dynamic":
            predicate = value.get("value")
            if not isinstance(predicate, str) or not predicate:
                raise ValueError("dynamic approval rule requires a non-empty value")
            return {"kind": "dynamic", "value": predicate}
    raise ValueError(f"{_RULE_ERROR}, got {value!r}")


class ApprovalPolicies(_SpecModel):
    """The runtime's approval floor: plans ``always`` and tools ``never`` unless set."""

    plans: dict[str, Any] = Field(default_factory=lambda: {"kind": "always"})
    tools: dict[str, Any] = Field(default_factory=lambda: {"kind": "never"})

    @field_validator("plans", "tools", mode="before")
    @classmethod
    def _rule(cls, value: Any) -> dict[str, Any]:
        return approval_rule(value)


class ApprovalPolicyPatch(_SpecModel):
    """One agent's override of the floor; a channel left ``None`` inherits it."""

    plans: dict[str, Any] | None = None
    tools: dict[str, Any] | None = None

    @field_validator("plans", "tools", mode="before")
    @classmethod
    def _rule(cls, value: Any) -> dict[str, Any] | None:
        return None if value is None else approval_rule(value)

    @model_serializer(mode="wrap")
    def _without_unset(self, handler: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


class ApprovalOverrides(_SpecModel):
    """Overrides by agent (``agents``) and by agent and tool (``tools[agent][tool]``)."""

    agents: dict[str, ApprovalPolicyPatch] = Field(default_factory=dict)
    tools: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)

    @field_validator("tools", mode="before")
    @classmethod
    def _tool_rules(cls, value: Any) -> dict[str, dict[str, dict[str, Any]]]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise TypeError("approval override tools must be a mapping")
        result: dict[str, dict[str, dict[str, Any]]] = {}
        for agent, rules in value.items():
            if not isinstance(agent, str) or not agent:
                raise ValueError("approval override agent names must be non-empty strings")
            if not isinstance(rules, Mapping):
                raise TypeError("approval override tool entries must be mappings")
            result[agent] = {}
            for tool, rule in rules.items():
                if not isinstance(tool, str) or not tool:
                    raise ValueError("approval override tool names must be non-empty strings")
                result[agent][tool] = approval_rule(rule)
        return result


# ---------------------------------------------------------------------------
# tenant, models, providers
# ---------------------------------------------------------------------------


class TenantIdentity(_SpecModel):
    """Who the runtime serves; all state is keyed by ``resource_id`` and thread."""

    model_config = ConfigDict(frozen=True)

    resource_id: str = Field(min_length=1)
    version: str = Field(min_length=1)


class ModelSpec(_SpecModel):
    """A model id plus, optionally, the provider that serves it (else inferred).

    A plain model id string is accepted wherever a ``ModelSpec`` is expected.
    ``ModelSpec("id", "provider")`` (positional) is an extension.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    provider: str | None = None

    def __init__(self, id: str | None = None, provider: str | None = None, /, **data: Any) -> None:
        if id is not None:
            data["id"] = id
        if provider is not None:
            data["provider"] = provider
        super().__init__(**data)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class ProviderSpec(_SpecModel):
    """A model provider's settings (keys are never shown in reprs or dumps).

    ``define_runtime(providers={"anthropic": {"apiKeyEnv": "ANTHROPIC_API_KEY"}})``
    builds one per entry. ``base_url``, ``timeout`` (seconds per request) and
    ``retries`` (for rate limits and server errors) are used by the live
    interpreters; unset, they fall back to the SDK's environment variable and
    the runtime's defaults.
    """

    name: str = Field(min_length=1)
    api_key: str | None = Field(default=None, repr=False, exclude=True)
    api_key_env: str | None = None
    base_url: str | None = None
    timeout: float | None = Field(default=None, gt=0)
    retries: int | None = Field(default=None, ge=0, le=10)

    @model_serializer(mode="wrap")
    def _wire(self, handler: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        # the provider's settings as they were given: its name is the mapping's key
        return {key: value for key, value in handler(self).items() if value is not None and key != "name"}


def provider_specs(providers: Any) -> dict[str, ProviderSpec]:
    """``{name: mapping | ProviderSpec | None}`` (or a list of names) → ``{name: ProviderSpec}``."""
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
                result[name] = ProviderSpec.model_validate({**config, "name": name})
            else:
                raise TypeError(f"provider {name!r}: expected a mapping, ProviderSpec or None, got {config!r}")
        return result
    for item in providers:
        spec = item if isinstance(item, ProviderSpec) else ProviderSpec(name=item)
        result[spec.name] = spec
    return result


# ---------------------------------------------------------------------------
# tools, plans, references, toolkits
# ---------------------------------------------------------------------------


def _tool_approval(approval: Any, name: Any, binding_id: Any) -> dict[str, Any]:
    if callable(approval):
        if not isinstance(name, str) or not name:
            raise ValueError("approval callable requires a non-empty tool name")
        return {"kind": "dynamic", "value": binding_id if binding_id is not None else f"{name}_approval"}
    try:
        return approval_rule(approval)
    except ValueError:
        raise ValueError(
            f"approval must be 'never', 'always', or a callable dynamic policy, got {approval!r}"
        ) from None


class ToolSpec(_SpecModel):
    """A tool: its wire description plus, optionally, its Python handler.

    Calling the spec with a handler binds it (``@define_tool(...)`` decorates);
    calling it with ``(args, ctx)`` calls the bound handler.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    input_schema: dict[str, Any]
    approval: dict[str, Any] = Field(default_factory=lambda: {"kind": "never"})
    output_schema: dict[str, Any] | None = None
    binding_id: str | None = None
    handler: Callable[..., Any] | None = Field(default=None, exclude=True, repr=False)
    approval_handler: Callable[..., Any] | None = Field(default=None, exclude=True, repr=False)
    # extensions, not part of the wire shape: the pydantic model given as input
    # schema (values are validated by it) and seconds a call may run
    input_model: type[BaseModel] | None = Field(default=None, exclude=True, repr=False)
    timeout: float | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _normalize(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        data = dict(value)
        approval = data.get("approval", "never")
        name = data.get("name")
        binding_id = data.get("binding_id", data.get("bindingId"))
        if callable(approval) and data.get("approval_handler", data.get("approvalHandler")) is None:
            data["approval_handler"] = approval
        data["approval"] = _tool_approval(approval, name, binding_id)
        key = "input_schema" if "input_schema" in data else "inputSchema"
        raw = data.get(key)
        if is_pydantic_model(raw) and data.get("input_model", data.get("inputModel")) is None:
            data["input_model"] = raw
        if raw is not None:
            data[key] = _schema(raw, f"tool {name!r} input_schema")
        for key in ("output_schema", "outputSchema"):
            if data.get(key) is not None:
                data[key] = _schema(data[key], f"tool {name!r} output_schema")
        return data

    @property
    def validator(self) -> Schema:
        """The input schema, compiled for validating arguments."""
        return Schema(self.input_schema, self.input_model)

    @property
    def key(self) -> str:
        """How the runtime registers the tool's handler: its binding id, else its name."""
        return self.binding_id or self.name

    def bind(self, handler: Callable[..., Any]) -> "ToolSpec":
        """A copy of this spec with ``handler`` attached."""
        if not callable(handler):
            raise TypeError(f"tool {self.name!r}: a handler is a function (args, ctx), got {handler!r}")
        return self.model_copy(update={"handler": handler})

    def __call__(self, *args: Any) -> Any:
        if len(args) == 1:
            return self.bind(args[0])
        if self.handler is None:
            raise TypeError(f"tool {self.name!r} has no handler")
        return self.handler(*args)


def _schema(value: Any, where: str) -> dict[str, Any]:
    return normalize_schema(value, where=where)


class PlanDisplayAlias(_SpecModel):
    """A display name for one of the fixed plan statuses."""

    model_config = ConfigDict(frozen=True)

    status: PlanStatus
    alias: str


def _display_status(status: Any) -> None:
    if status not in PLAN_STATUSES:
        raise ValueError(
            f"unsupported plan display status `{status}`; expected one of {sorted(PLAN_STATUSES)}"
        )


def _with_normalized_schema(value: Any, what: str) -> Any:
    """A plan's or reference's fields with ``schema`` as a JSON schema: a pydantic
    model given as the schema is kept as ``schema_model`` too (bodies are validated by it)."""
    if not isinstance(value, Mapping):
        return value
    data = dict(value)
    key = "schema" if "schema" in data else "schema_"
    raw = data.get(key)
    if is_pydantic_model(raw) and data.get("schema_model", data.get("schemaModel")) is None:
        data["schema_model"] = raw
    if raw is not None:
        data[key] = normalize_schema(raw, where=f"{what} {data.get('name')!r} schema")
    return data


class PlanSpec(_SpecModel):
    """A plan kind: the JSON schema of a plan body (whose ``actions`` are dispatched)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    schema_: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    display_aliases: list[PlanDisplayAlias] = Field(default_factory=list)
    # extension, not on the wire: the pydantic model given as schema (bodies are validated by it)
    schema_model: type[BaseModel] | None = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _normalize(cls, value: Any) -> Any:
        return _with_normalized_schema(value, "plan")

    @field_validator("display_aliases", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, Mapping):
            items = []
            for status, alias in value.items():
                _display_status(status)
                items.append({"status": status, "alias": alias})
            return items
        result = []
        for item in value:
            if not isinstance(item, PlanDisplayAlias):
                _display_status(item.get("status") if isinstance(item, Mapping) else None)
            result.append(item)
        return result

    @property
    def validator(self) -> Schema:
        """The body schema, compiled for validating plan bodies."""
        return Schema(self.schema_, self.schema_model)


class ReferenceSpec(_SpecModel):
    """A reference kind: payloads stored with ``Runtime.create_reference`` and
    resolved for the dispatcher when a plan action names them. ``glimpse`` is a
    Python-only callback that derives the stored summary from a payload."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    schema_: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    ttl_ms: int | None = Field(default=None, ge=0)
    glimpse: Callable[[Any], Any] | None = Field(default=None, exclude=True, repr=False)
    schema_model: type[BaseModel] | None = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _normalize(cls, value: Any) -> Any:
        return _with_normalized_schema(value, "reference")

    @property
    def kind(self) -> str:
        """The kind references of this spec carry (its name)."""
        return self.name

    @property
    def validator(self) -> Schema:
        """The payload schema, compiled for validating payloads."""
        return Schema(self.schema_, self.schema_model)


class ToolkitSpec(_SpecModel):
    """A built-in toolkit, by id (``agents``, ``plans``, ``references``, ...)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    config: Any | None = None


class StorageFactorySpec(_SpecModel):
    """A host-provided store factory (kept on the spec; this runtime stores in memory)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    config: Any | None = None


class StorageFactories(_SpecModel):
    """Store factories for the runtime's KV state, plans and memory."""

    model_config = ConfigDict(frozen=True)

    kv: StorageFactorySpec | None = None
    plans: StorageFactorySpec | None = None
    memory: StorageFactorySpec | None = None


# ---------------------------------------------------------------------------
# agents and the runtime spec
# ---------------------------------------------------------------------------


class AgentSpec(_SpecModel):
    """One agent: its role, model, prompt, and what it can route to and call."""

    name: str = Field(min_length=1)
    role: Role
    stateful: bool
    model: ModelSpec
    system_prompt: str
    routes: list[str] = Field(default_factory=list)
    toolkits: list[str] = Field(default_factory=list)
    max_turns: int | None = Field(default=None, ge=1)
    plan: PlanSpec | None = Field(default=None, exclude=True)
    tools: tuple[ToolSpec, ...] = Field(default_factory=tuple, exclude=True)
    approval_policies: ApprovalPolicyPatch | None = Field(default=None, exclude=True)
    tool_approval_policies: dict[str, dict[str, Any]] = Field(default_factory=dict, exclude=True)
    prompt_cache_key: str | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _stateful_by_role(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        data = dict(value)
        role = data.get("role")
        if data.get("stateful") is None and role in _DEFAULT_STATEFUL:
            data["stateful"] = _DEFAULT_STATEFUL[role]
        return data

    @model_validator(mode="after")
    def _role_contract(self) -> "AgentSpec":
        if self.role == "coordinator" and not self.routes:
            raise ValueError("coordinator agents require at least one route")
        return self

    @model_serializer(mode="wrap")
    def _wire(self, handler: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        data = handler(self)
        if self.max_turns is None:
            data.pop("maxTurns", None)
            data.pop("max_turns", None)
        return data

    @property
    def model_id(self) -> str:
        return self.model.id

    @property
    def plan_name(self) -> str | None:
        return None if self.plan is None else self.plan.name

    def all_tools(self) -> list[ToolSpec]:
        """The tools bound to the agent (built-ins are added by the runtime)."""
        return list(self.tools)


class RuntimeSpec(_SpecModel):
    """Everything ``create_runtime`` needs: build it with :func:`define_runtime`.

    Built directly, it still refuses duplicate agents, more than one
    coordinator, unknown, duplicate or self routes, and approval overrides
    naming unknown agents (``ValidationError``).
    """

    tenant: TenantIdentity
    agents: list[AgentSpec] = Field(default_factory=list)
    references: list[ReferenceSpec] = Field(default_factory=list)
    plans: list[PlanSpec] = Field(default_factory=list)
    toolkits: list[ToolkitSpec] = Field(default_factory=list)
    approval_policies: ApprovalPolicies = Field(default_factory=ApprovalPolicies)
    approval_overrides: ApprovalOverrides = Field(default_factory=ApprovalOverrides)
    storage_factories: StorageFactories = Field(default_factory=StorageFactories)
    providers: dict[str, ProviderSpec] = Field(default_factory=dict)
    tool_bindings: tuple[ToolSpec, ...] = Field(default_factory=tuple, exclude=True)

    @field_validator("providers", mode="before")
    @classmethod
    def _providers(cls, value: Any) -> dict[str, ProviderSpec]:
        return provider_specs(value)

    @model_serializer(mode="wrap")
    def _wire(self, handler: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        data = handler(self)
        key = "approvalOverrides" if "approvalOverrides" in data else "approval_overrides"
        if data.get(key) == {"agents": {}, "tools": {}}:
            data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _agents_and_routes(self) -> "RuntimeSpec":
        self.check_agents()
        return self

    def check_agents(self) -> None:
        """Raise ``ValueError`` for duplicate agents, several coordinators, bad
        routes or overrides naming unknown agents (run on construction, and again
        by ``create_runtime`` for a spec copied with ``model_copy``)."""
        names: set[str] = set()
        for agent in self.agents:
            if agent.name in names:
                raise ValueError(f"duplicate agent name '{agent.name}'")
            names.add(agent.name)
        if sum(agent.role == "coordinator" for agent in self.agents) > 1:
            raise ValueError("multiple coordinator agents are not supported")
        for agent in self.agents:
            seen: set[str] = set()
            for route in agent.routes:
                if route == agent.name:
                    raise ValueError(f"agent '{agent.name}' cannot route to itself")
                if route in seen:
                    raise ValueError(f"agent '{agent.name}' declares duplicate route '{route}'")
                seen.add(route)
                if route not in names:
                    raise ValueError(f"agent '{agent.name}' declares unknown route target '{route}'")
        unknown = (set(self.approval_overrides.agents) | set(self.approval_overrides.tools)) - names
        if unknown:
            raise ValueError(f"approval_overrides references unknown agent(s): {sorted(unknown)}")

    def agent(self, name: str) -> AgentSpec:
        for agent in self.agents:
            if agent.name == name:
                return agent
        known = ", ".join(a.name for a in self.agents) or "none"
        raise ValueError(f"no agent named {name!r} (agents: {known})")

    def plan(self, name: str) -> PlanSpec | None:
        return next((p for p in self.plans if p.name == name), None)

    def reference(self, name: str) -> ReferenceSpec | None:
        return next((r for r in self.references if r.name == name), None)

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


def define_tenant(
    tenant: str | Mapping[str, Any] | TenantIdentity | None = None,
    /,
    version: str | None = None,
    *,
    resource_id: str | None = None,
    **kwargs: Any,
) -> TenantIdentity:
    """``define_tenant("acme", "v1")``, a mapping, a ``TenantIdentity`` or keywords;
    keywords override what the first argument says."""
    if tenant is None:
        data: dict[str, Any] = {}
    elif isinstance(tenant, TenantIdentity):
        data = tenant.model_dump(by_alias=True, mode="json")
    elif isinstance(tenant, Mapping):
        data = dict(tenant)
    else:
        data = {"resourceId": tenant}
    if resource_id is not None:
        data.pop("resource_id", None)
        data["resourceId"] = resource_id
    if version is not None:
        data["version"] = version
    data.update(kwargs)
    if "resource_id" in data:
        data["resourceId"] = data.pop("resource_id")
    return TenantIdentity.model_validate(data)


def define_tool(
    name: str,
    input_schema: Any,
    description: str = "",
    approval: str | Mapping[str, Any] | Callable[..., Any] = "never",
    output_schema: Any | None = None,
    binding_id: str | None = None,
    *,
    timeout: float | None = None,
) -> ToolSpec:
    """A tool spec; use it as is, bind a handler with ``.bind(fn)``, or decorate:
    ``@define_tool("search", {"query": str})``.

    ``input_schema`` is a JSON schema, a pydantic model, a type map or a type
    pydantic can describe; it must describe an object. ``approval`` is
    ``"never"`` (default), ``"always"``, ``{"kind": "dynamic", "value": id}``
    or a callable ``(args, ctx) -> bool`` (a dynamic rule with id
    ``binding_id`` or ``"<name>_approval"``). ``timeout`` (an extension) is
    how many seconds a call's handler, and its approval predicate, may each
    run before the call ends as an error tool result; None means the
    runtime's ``tool_timeout``.
    """
    spec = ToolSpec(
        name=name,
        description=description,
        input_schema=input_schema,
        approval=approval,
        output_schema=output_schema,
        binding_id=binding_id,
        timeout=check_timeout(timeout, f"tool {name!r}: timeout"),
    )
    declared = spec.input_schema.get("type")
    if declared not in (None, "object"):
        raise ValueError(f"tool {name!r}: input_schema must describe an object, not {declared!r}")
    return spec


def define_plan(
    name: str,
    schema: Any,
    display_aliases: Mapping[str, str] | Iterable[PlanDisplayAlias | Mapping[str, str]] = (),
) -> PlanSpec:
    """A plan kind whose bodies are validated against ``schema``; ``display_aliases``
    names statuses for display (``{"draft": "Pending approval"}``)."""
    return PlanSpec(name=name, schema=schema, display_aliases=display_aliases)


def define_reference(
    name: str,
    schema: Any,
    ttl_ms: int | None = None,
    glimpse: Callable[[Any], Any] | None = None,
) -> ReferenceSpec:
    """A reference kind; ``glimpse(value)`` (Python only) derives the summary stored with each reference."""
    return ReferenceSpec(name=name, schema=schema, ttl_ms=ttl_ms, glimpse=glimpse)


def define_provider(
    name: str,
    *,
    api_key: str | None = None,
    api_key_env: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
) -> ProviderSpec:
    """A provider's settings (an extension; a mapping in ``providers`` does the same)."""
    return ProviderSpec(
        name=name, api_key=api_key, api_key_env=api_key_env, base_url=base_url, timeout=timeout, retries=retries
    )


ModelInput = str | ModelSpec | Mapping[str, Any]


def _prompt(prompt: Any) -> tuple[str, str | None]:
    if isinstance(prompt, LayeredPrompt):
        return prompt.text, prompt.cache_key
    if isinstance(prompt, str):
        return prompt, None
    raise TypeError("prompt must be a string or LayeredPrompt")


def _approval_patch(approval: Any) -> ApprovalPolicyPatch | None:
    """An agent's ``approval``: a patch, a mapping whose ``"default"`` channels
    inherit, or (an extension) one string for both channels."""
    if approval is None or approval == "default":
        return None
    if isinstance(approval, ApprovalPolicyPatch):
        return approval
    if isinstance(approval, str):
        return ApprovalPolicyPatch(plans=approval, tools=approval)
    data = {key: value for key, value in dict(approval).items() if value != "default"}
    return ApprovalPolicyPatch.model_validate(data)


def _tool_approvals(approvals: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for name, rule in (approvals or {}).items():
        if not isinstance(name, str) or not name:
            raise ValueError("tool_approvals keys must be non-empty tool names")
        result[name] = approval_rule(rule)
    return result


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _define_agent(
    role: str,
    name: str,
    *,
    model: ModelInput,
    prompt: Any,
    routes: Iterable[Any] = (),
    tools: Iterable[ToolSpec] = (),
    stateful: bool | None = None,
    max_turns: int | None = None,
    approval: Any = None,
    tool_approvals: Mapping[str, Any] | None = None,
    toolkits: Iterable[str] | None = None,
    plan: PlanSpec | Mapping[str, Any] | None = None,
) -> AgentSpec:
    text, cache_key = _prompt(prompt)
    if plan is not None and not isinstance(plan, PlanSpec):
        plan = PlanSpec.model_validate(plan)
    return AgentSpec(
        name=name,
        role=role,
        stateful=stateful,
        model=model,
        system_prompt=text,
        routes=[r.name if isinstance(r, AgentSpec) else r for r in routes],
        toolkits=_unique(toolkits or ()),
        max_turns=max_turns,
        plan=plan,
        tools=tuple(tools),
        approval_policies=_approval_patch(approval),
        tool_approval_policies=_tool_approvals(tool_approvals),
        prompt_cache_key=cache_key,
    )


def define_coordinator(
    name: str,
    *,
    model: ModelInput,
    prompt: str | LayeredPrompt = "",
    routes: Iterable[str] = (),
    tools: Iterable[ToolSpec] = (),
    stateful: bool | None = None,
    max_turns: int | None = None,
    approval: ApprovalPolicyPatch | Mapping[str, Any] | None = None,
    tool_approvals: Mapping[str, Any] | None = None,
    toolkits: Iterable[str] | None = None,
) -> AgentSpec:
    """The entry agent of ``Runtime.query``; hands work to its ``routes`` (at least one).

    Its ``approval`` becomes the runtime's approval floor unless
    ``define_runtime(approval_policies=...)`` sets the floor explicitly.
    """
    routes = list(routes)
    if not routes:
        raise ValueError("define_coordinator requires at least one route")
    return _define_agent(
        "coordinator", name, model=model, prompt=prompt, routes=routes, tools=tools, stateful=stateful,
        max_turns=max_turns, approval=approval, tool_approvals=tool_approvals, toolkits=toolkits,
    )


def define_planner(
    name: str,
    *,
    model: ModelInput,
    prompt: str | LayeredPrompt = "",
    plan: PlanSpec | Mapping[str, Any],
    tools: Iterable[ToolSpec] = (),
    stateful: bool | None = None,
    max_turns: int | None = None,
    approval: ApprovalPolicyPatch | Mapping[str, Any] | None = None,
    tool_approvals: Mapping[str, Any] | None = None,
    toolkits: Iterable[str] | None = None,
) -> AgentSpec:
    """An agent that stores plans of kind ``plan`` (added to the runtime's plans by ``define_runtime``)."""
    return _define_agent(
        "planner", name, model=model, prompt=prompt, plan=plan, tools=tools, stateful=stateful,
        max_turns=max_turns, approval=approval, tool_approvals=tool_approvals, toolkits=toolkits,
    )


def define_executor(
    name: str,
    *,
    model: ModelInput,
    prompt: str | LayeredPrompt = "",
    plan: PlanSpec | Mapping[str, Any],
    tools: Iterable[ToolSpec] = (),
    stateful: bool | None = None,
    max_turns: int | None = None,
    approval: ApprovalPolicyPatch | Mapping[str, Any] | None = None,
    tool_approvals: Mapping[str, Any] | None = None,
    toolkits: Iterable[str] | None = None,
) -> AgentSpec:
    """An agent that executes approved plans of kind ``plan`` with the built-in ``executePlan``."""
    return _define_agent(
        "executor", name, model=model, prompt=prompt, plan=plan, tools=tools, stateful=stateful,
        max_turns=max_turns, approval=approval, tool_approvals=tool_approvals, toolkits=toolkits,
    )


def define_specialist(
    name: str,
    *,
    model: ModelInput,
    prompt: str | LayeredPrompt = "",
    tools: Iterable[ToolSpec] = (),
    stateful: bool | None = None,
    max_turns: int | None = None,
    approval: ApprovalPolicyPatch | Mapping[str, Any] | None = None,
    tool_approvals: Mapping[str, Any] | None = None,
    toolkits: Iterable[str] | None = None,
) -> AgentSpec:
    """An agent with its own tools, run directly or routed to by a coordinator."""
    return _define_agent(
        "specialist", name, model=model, prompt=prompt, tools=tools, stateful=stateful,
        max_turns=max_turns, approval=approval, tool_approvals=tool_approvals, toolkits=toolkits,
    )


def _listed(values: Iterable[Any] | None, model: type[BaseModel]) -> list[Any]:
    return [value if isinstance(value, model) else model.model_validate(value) for value in values or ()]


def _floor_from_coordinator(agents: list[AgentSpec]) -> ApprovalPolicies:
    patches = [a.approval_policies for a in agents if a.role == "coordinator" and a.approval_policies is not None]
    if len(patches) > 1:
        raise _runtime_error("only one coordinator can provide approval_policies; pass approval_policies explicitly")
    if not patches:
        return ApprovalPolicies()
    patch = patches[0]
    floor = ApprovalPolicies()
    return ApprovalPolicies(plans=patch.plans or floor.plans, tools=patch.tools or floor.tools)


def _overrides_from_agents(agents: list[AgentSpec], *, with_coordinator: bool) -> ApprovalOverrides:
    """Each agent's ``approval`` (the coordinator's only when it is not the floor)
    and, per agent, its tools' own rules overridden by its ``tool_approvals``."""
    patches: dict[str, ApprovalPolicyPatch] = {}
    tools: dict[str, dict[str, dict[str, Any]]] = {}
    for agent in agents:
        if agent.approval_policies is not None and (with_coordinator or agent.role != "coordinator"):
            patches[agent.name] = agent.approval_policies
        rules = {tool.key: tool.approval for tool in agent.tools}
        rules.update(agent.tool_approval_policies)
        if rules:
            tools[agent.name] = rules
    return ApprovalOverrides(agents=patches, tools=tools)


def _runtime_error(message: str) -> Exception:
    """A ``ValidationError`` on ``approval_policies``, as the published harness raises it."""
    from pydantic import ValidationError

    return ValidationError.from_exception_data(
        "RuntimeSpec",
        [{"type": "value_error", "loc": ("approval_policies",), "input": None, "ctx": {"error": ValueError(message)}}],
    )


def define_runtime(
    tenant: TenantIdentity | Mapping[str, Any],
    *,
    agents: Iterable[AgentSpec | Mapping[str, Any]] | None = None,
    references: Iterable[ReferenceSpec | Mapping[str, Any]] | None = None,
    plans: Iterable[PlanSpec | Mapping[str, Any]] | None = None,
    toolkits: Iterable[ToolkitSpec | Mapping[str, Any]] | None = None,
    approval_policies: ApprovalPolicies | Mapping[str, Any] | None = None,
    approval_overrides: ApprovalOverrides | Mapping[str, Any] | None = None,
    storage_factories: StorageFactories | Mapping[str, Any] | None = None,
    providers: Mapping[str, Any] | None = None,
    tool_bindings: Iterable[ToolSpec] | None = None,
) -> RuntimeSpec:
    """Assemble a runtime spec.

    Plans, toolkit ids and tools declared on agents join the runtime's
    ``plans``, ``toolkits`` and ``tool_bindings`` when not listed there, and
    each agent's built-in and bound tools are listed in its prompt's ``# Tools``
    table (:mod:`agentspec_runtime.prompt_tools`).
    Without ``approval_policies`` the floor is the coordinator's ``approval``
    over the defaults (plans ``always``, tools ``never``); without
    ``approval_overrides`` they are collected from the agents' ``approval``,
    their tools' rules and their ``tool_approvals``. ``providers`` is
    ``{name: {"apiKeyEnv": ...}}`` (snake_case keys and ``ProviderSpec``
    values work too). Raises ``ValidationError`` (a ``ValueError``) for
    duplicate agents, several coordinators, bad routes, overrides naming
    unknown agents, and two coordinators that both give an ``approval``.
    """
    agent_specs = _listed(agents, AgentSpec)
    floor = approval_policies if approval_policies is not None else _floor_from_coordinator(agent_specs)
    if approval_overrides is None:
        overrides = _overrides_from_agents(agent_specs, with_coordinator=approval_policies is not None)
    elif isinstance(approval_overrides, ApprovalOverrides):
        overrides = approval_overrides
    else:
        overrides = ApprovalOverrides.model_validate(dict(approval_overrides))
    known = {agent.name for agent in agent_specs}
    unknown = (set(overrides.agents) | set(overrides.tools)) - known
    if unknown:
        raise _runtime_error(f"approval_overrides references unknown agent(s): {sorted(unknown)}")

    toolkit_specs = _listed(toolkits, ToolkitSpec)
    for agent in agent_specs:
        for toolkit_id in agent.toolkits:
            if all(t.id != toolkit_id for t in toolkit_specs):
                toolkit_specs.append(ToolkitSpec(id=toolkit_id))
    plan_specs = _listed(plans, PlanSpec)
    for agent in agent_specs:
        if agent.plan is not None and all(p.name != agent.plan.name for p in plan_specs):
            plan_specs.append(agent.plan)
    bindings = list(tool_bindings or ())
    for agent in agent_specs:
        for tool in agent.tools:
            if all(b.key != tool.key for b in bindings):
                bindings.append(tool)

    return RuntimeSpec(
        tenant=tenant if isinstance(tenant, TenantIdentity) else define_tenant(tenant),
        agents=[with_prompt_tools(agent, toolkit_specs) for agent in agent_specs],
        references=_listed(references, ReferenceSpec),
        plans=plan_specs,
        toolkits=toolkit_specs,
        approval_policies=floor,
        approval_overrides=overrides,
        storage_factories=storage_factories if storage_factories is not None else StorageFactories(),
        providers=provider_specs(providers),
        tool_bindings=tuple(bindings),
    )
