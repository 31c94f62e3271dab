"""The authoring API: define_* helpers, their wire shapes, and where mistakes are refused.

Signatures, defaults, wire shapes and error types follow the published
harness (flowai-harness 0.1.0a1); docs/runtime.md lists what is covered.
"""

from __future__ import annotations

import asyncio
import inspect
import typing
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from agentspec_runtime import (
    AgentSpec,
    ApprovalOverrides,
    ApprovalPolicies,
    ApprovalPolicyPatch,
    ModelSpec,
    PlanDisplayAlias,
    RuntimeSpec,
    StorageFactories,
    TenantIdentity,
    TestingConfig,
    ToolkitSpec,
    ToolSpec,
    create_runtime,
    define_coordinator,
    define_executor,
    define_plan,
    define_planner,
    define_reference,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
    infer_provider,
    layered_prompt,
)

TENANT = define_tenant("acme", "v1")
PLAN = define_plan("P", {"actions": list})


def tool(name: str, **options: Any) -> ToolSpec:
    @define_tool(name, {"value": str}, **options)
    async def handler(args: dict[str, Any], ctx: Any) -> Any:
        return args

    return handler


# -- tenant and model ------------------------------------------------------------------


def test_define_tenant_from_arguments_a_mapping_or_keywords() -> None:
    assert define_tenant("acme", "v1") == TenantIdentity(resource_id="acme", version="v1")
    assert define_tenant({"resourceId": "acme", "version": "v1"}) == define_tenant("acme", "v1")
    assert define_tenant(resource_id="acme", version="v1") == define_tenant("acme", "v1")
    assert define_tenant("acme", "v1").model_dump(by_alias=True, mode="json") == {"resourceId": "acme", "version": "v1"}


def test_define_tenant_keywords_override_the_mapping() -> None:
    tenant = define_tenant({"resourceId": "old", "version": "v1"}, resource_id="acme")
    assert (tenant.resource_id, tenant.version) == ("acme", "v1")
    assert define_tenant(define_tenant("acme", "v1"), version="v2").version == "v2"


def test_define_tenant_without_a_version_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="version"):
        define_tenant("acme")


def test_model_spec_from_a_string_or_positional_id_and_provider() -> None:
    assert ModelSpec("llama-3", "local") == ModelSpec(id="llama-3", provider="local")
    assert ModelSpec.model_validate("gpt-4o") == ModelSpec(id="gpt-4o")
    assert define_specialist("a", model="gpt-4o").model == ModelSpec(id="gpt-4o")


# -- agents ---------------------------------------------------------------------------


def test_role_helpers_have_the_published_signatures() -> None:
    shared = ["name", "model", "prompt", "tools", "stateful", "max_turns", "approval", "tool_approvals", "toolkits"]
    expected = {
        define_coordinator: ["name", "model", "prompt", "routes", *shared[3:]],
        define_planner: ["name", "model", "prompt", "plan", *shared[3:]],
        define_executor: ["name", "model", "prompt", "plan", *shared[3:]],
        define_specialist: shared,
    }
    for helper, names in expected.items():
        assert list(inspect.signature(helper).parameters) == names, helper.__name__
        with pytest.raises(TypeError):
            helper("agent", prompt="x", plan=PLAN) if "plan" in names else helper("agent", prompt="x")


def test_stateful_defaults_by_role_and_can_be_overridden() -> None:
    assert define_coordinator("c", model="gpt-4o", routes=["s"]).stateful is True
    assert define_planner("p", model="gpt-4o", plan=PLAN).stateful is True
    assert define_executor("e", model="gpt-4o", plan=PLAN).stateful is False
    assert define_specialist("s", model="gpt-4o").stateful is False
    assert define_specialist("s", model="gpt-4o", stateful=True).stateful is True


def test_agent_wire_shape_leaves_out_python_only_parts() -> None:
    echo = tool("echo", description="Echo")
    agent = define_executor(
        "exec", model=ModelSpec("claude-sonnet-4-6", "anthropic"), prompt="Hi", plan=PLAN, tools=[echo],
        approval={"plans": "never"}, tool_approvals={"echo": "always"},
    )
    assert agent.model_dump(by_alias=True, mode="json") == {
        "name": "exec",
        "role": "executor",
        "stateful": False,
        "model": {"id": "claude-sonnet-4-6", "provider": "anthropic"},
        "systemPrompt": "Hi",
        "routes": [],
        "toolkits": [],
    }
    assert agent.plan is PLAN and agent.tools == (echo,)
    assert agent.approval_policies == ApprovalPolicyPatch(plans="never")
    assert agent.tool_approval_policies == {"echo": {"kind": "always"}}


def test_max_turns_is_on_the_wire_only_when_set_and_must_be_positive() -> None:
    planner = define_planner("p", model="gpt-4o", plan=PLAN, max_turns=24)
    assert planner.max_turns == 24 and planner.model_dump(by_alias=True)["maxTurns"] == 24
    assert "maxTurns" not in define_planner("p", model="gpt-4o", plan=PLAN).model_dump(by_alias=True)
    with pytest.raises(ValidationError):
        define_planner("p", model="gpt-4o", plan=PLAN, max_turns=0)


def test_a_layered_prompt_gives_text_and_cache_key() -> None:
    prompt = layered_prompt(identity="You plan.")
    planner = define_planner("p", model="gpt-4o", prompt=prompt, plan=PLAN)
    assert planner.system_prompt == prompt.text and planner.prompt_cache_key == prompt.cache_key
    with pytest.raises(TypeError, match="prompt must be a string or LayeredPrompt"):
        define_specialist("s", model="gpt-4o", prompt=3)  # type: ignore[arg-type]


def test_a_coordinator_needs_a_route_from_the_helper_and_from_agent_spec() -> None:
    with pytest.raises(ValueError, match="define_coordinator requires at least one route"):
        define_coordinator("c", model="gpt-4o")
    with pytest.raises(ValidationError, match="coordinator agents require at least one route"):
        AgentSpec(name="c", role="coordinator", model="gpt-4o", system_prompt="x")


def test_agent_spec_from_snake_or_camel_names_and_an_unknown_role_is_refused() -> None:
    direct = AgentSpec(name="a", role="specialist", model="gpt-4o", system_prompt="x")
    camel = AgentSpec.model_validate({"name": "a", "role": "specialist", "model": "gpt-4o", "systemPrompt": "x"})
    assert direct == camel and direct.stateful is False
    with pytest.raises(ValidationError, match="role"):
        AgentSpec(name="a", role="manager", model="gpt-4o", system_prompt="x")


def test_agent_approval_is_a_patch_whose_default_channels_inherit() -> None:
    assert define_specialist("a", model="gpt-4o").approval_policies is None
    patch = define_specialist("a", model="gpt-4o", approval={"plans": "default", "tools": "always"}).approval_policies
    assert patch == ApprovalPolicyPatch(tools="always")
    assert patch.model_dump(by_alias=True) == {"tools": {"kind": "always"}}
    # an extension: one string sets both channels
    assert define_specialist("a", model="gpt-4o", approval="never").approval_policies == ApprovalPolicyPatch(
        plans="never", tools="never"
    )


# -- tools ----------------------------------------------------------------------------


def test_define_tool_returns_a_spec_usable_directly_or_as_a_decorator() -> None:
    direct = define_tool("double", {"n": int}, "Double n", "always")
    assert isinstance(direct, ToolSpec) and direct.handler is None
    assert direct.model_dump(by_alias=True, mode="json") == {
        "name": "double",
        "description": "Double n",
        "inputSchema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
        "approval": {"kind": "always"},
        "outputSchema": None,
        "bindingId": None,
    }

    @define_tool("double", {"n": int})
    async def double(args: dict[str, Any], ctx: Any) -> int:
        return args["n"] * 2

    assert isinstance(double, ToolSpec) and double.approval == {"kind": "never"}
    assert asyncio.run(double({"n": 4}, {})) == 8  # an extension: the spec calls its handler
    assert direct.bind(double.handler).handler is double.handler and direct.handler is None


def test_define_tool_normalises_the_output_schema_and_keeps_the_binding_id() -> None:
    spec = define_tool("t", {"q": str}, output_schema={"hits": list[str]}, binding_id="search.v2")
    assert spec.output_schema == {
        "type": "object",
        "properties": {"hits": {"type": "array", "items": {"type": "string"}}},
        "required": ["hits"],
    }
    assert spec.key == "search.v2"


def test_define_tool_refuses_a_non_object_schema_and_unknown_approvals() -> None:
    with pytest.raises(ValueError, match="must describe an object"):
        define_tool("t", {"type": "string"})
    for approval in ("sometimes", "default", 3, {"kind": "dynamic"}):
        with pytest.raises(ValidationError, match="approval"):
            define_tool("t", {"value": str}, approval=approval)  # type: ignore[arg-type]


def test_define_tool_with_a_pydantic_model_keeps_the_model_for_validation() -> None:
    class Query(BaseModel):
        text: str
        limit: int = 10

    search = define_tool("search", Query)
    assert search.input_model is Query
    assert search.input_schema["properties"]["limit"]["default"] == 10
    assert search.validator.validate({"text": "x"})[0] == Query(text="x")


# -- plans and references ---------------------------------------------------------------


def test_define_plan_wire_shape_and_display_aliases() -> None:
    plan = define_plan("P", {"actions": list}, display_aliases={"draft": "Pending approval"})
    assert plan.display_aliases == [PlanDisplayAlias(status="draft", alias="Pending approval")]
    assert plan.model_dump(by_alias=True, mode="json") == {
        "name": "P",
        "schema": {"type": "object", "properties": {"actions": {"type": "array", "items": {}}}, "required": ["actions"]},
        "displayAliases": [{"status": "draft", "alias": "Pending approval"}],
    }
    listed = define_plan("P", {"type": "object"}, display_aliases=[{"status": "failed", "alias": "Broken"}])
    assert listed.display_aliases[0].alias == "Broken"


def test_a_display_alias_for_an_unknown_status_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="unsupported plan display status `pending_approval`"):
        define_plan("P", {"type": "object"}, display_aliases={"pending_approval": "Pending"})


def test_define_reference_takes_a_name_schema_ttl_and_a_python_only_glimpse() -> None:
    reference = define_reference("customer", {"name": str}, ttl_ms=1000, glimpse=lambda value: {"n": 1})
    assert reference.name == reference.kind == "customer"
    assert reference.model_dump(by_alias=True, mode="json") == {
        "name": "customer",
        "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        "ttlMs": 1000,
    }
    assert reference.glimpse("x") == {"n": 1}
    with pytest.raises(ValidationError, match="ttl_ms"):
        define_reference(name="customer", schema={"type": "object"}, ttl_ms=-1)


# -- define_runtime and RuntimeSpec -------------------------------------------------------


def test_define_runtime_takes_the_tenant_positionally_and_collects_what_agents_declare() -> None:
    echo = tool("echo")
    planner = define_planner("planner", model="gpt-4o", plan=PLAN, tools=[echo], toolkits=["references"])
    executor = define_executor("executor", model="gpt-4o", plan=PLAN)
    front = define_coordinator("front", model="gpt-4o", routes=["planner", "executor"])

    spec = define_runtime(TENANT, agents=[front, planner, executor])

    assert spec.plans == [PLAN]
    assert spec.toolkits == [ToolkitSpec(id="references")]
    assert spec.tool_bindings == (echo,)
    assert spec.approval_overrides == ApprovalOverrides(tools={"planner": {"echo": "never"}})
    wire = spec.model_dump(by_alias=True, mode="json")
    assert "toolBindings" not in wire and wire["toolkits"] == [{"id": "references", "config": None}]


def test_listed_plans_and_bindings_are_not_duplicated() -> None:
    echo = tool("echo")
    planner = define_planner("planner", model="gpt-4o", plan=PLAN, tools=[echo])
    spec = define_runtime(TENANT, agents=[planner], plans=[PLAN], tool_bindings=[echo])
    assert spec.plans == [PLAN] and spec.tool_bindings == (echo,)


def test_runtime_spec_defaults_and_wire_shape() -> None:
    spec = define_runtime(
        TENANT,
        agents=[define_specialist("a", model="gpt-4o")],
        references=[define_reference("customer", {"name": str})],
        providers={"openai": {"apiKeyEnv": "OPENAI_API_KEY", "apiKey": "sk-secret"}},
        storage_factories={"kv": {"kind": "redis"}},
    )
    assert spec.approval_policies == ApprovalPolicies()
    assert spec.storage_factories == StorageFactories(kv={"kind": "redis"})
    assert spec.providers["openai"].api_key == "sk-secret"
    wire = spec.model_dump(by_alias=True, mode="json")
    assert wire["approvalPolicies"] == {"plans": {"kind": "always"}, "tools": {"kind": "never"}}
    assert "approvalOverrides" not in wire  # empty overrides are left out, as published
    # the API key is never dumped or shown (it would reach logs and reports)
    assert wire["providers"] == {"openai": {"apiKeyEnv": "OPENAI_API_KEY"}}
    assert "sk-secret" not in repr(spec)
    assert wire["references"][0]["name"] == "customer"


def test_providers_may_be_snake_case_mappings_provider_specs_or_names() -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")], providers={"openai": {"api_key_env": "K"}})
    assert spec.providers["openai"].api_key_env == "K"
    direct = RuntimeSpec(tenant=TENANT, providers={"anthropic": {"apiKeyEnv": "A"}})
    assert direct.providers["anthropic"].name == "anthropic"


def test_runtime_spec_built_directly_refuses_duplicate_agents_and_unknown_routes() -> None:
    with pytest.raises(ValidationError, match="duplicate agent name 'clerk'"):
        RuntimeSpec(tenant=TENANT, agents=[define_specialist("clerk", model="gpt-4o")] * 2)
    with pytest.raises(ValidationError, match="unknown route target 'ghost'"):
        RuntimeSpec(tenant=TENANT, agents=[define_coordinator("front", model="gpt-4o", routes=["ghost"])])
    with pytest.raises(ValidationError, match="cannot route to itself"):
        RuntimeSpec(tenant=TENANT, agents=[define_coordinator("front", model="gpt-4o", routes=["front"])])
    a, b = define_coordinator("a", model="gpt-4o", routes=["c"]), define_coordinator("b", model="gpt-4o", routes=["c"])
    with pytest.raises(ValidationError, match="multiple coordinator agents are not supported"):
        RuntimeSpec(tenant=TENANT, agents=[a, b, define_specialist("c", model="gpt-4o")])


def test_create_runtime_rechecks_a_copied_spec() -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")])
    broken = spec.model_copy(update={"agents": [*spec.agents, spec.agents[0]]})
    with pytest.raises(ValueError, match="duplicate agent"):
        create_runtime(broken)


def test_create_runtime_takes_a_mapping_and_validates_it() -> None:
    wire = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")]).model_dump(by_alias=True)
    assert create_runtime(wire).spec.agents[0].name == "a"
    with pytest.raises(ValidationError, match="tenant"):
        create_runtime({"agents": []})
    with pytest.raises(TypeError, match="RuntimeSpec"):
        create_runtime([])  # type: ignore[arg-type]


# -- tool rules checked by create_runtime ---------------------------------------------------


def test_two_different_tools_with_one_name_are_an_error() -> None:
    a = define_specialist("a", model="gpt-4o", tools=[tool("echo")])
    b = define_specialist("b", model="gpt-4o", tools=[tool("echo")])
    with pytest.raises(ValueError, match="duplicate tool name 'echo'"):
        create_runtime(define_runtime(TENANT, agents=[a, b]))


def test_one_tool_shared_by_two_agents_is_fine() -> None:
    echo = tool("echo")
    spec = define_runtime(TENANT, agents=[define_specialist(n, model="gpt-4o", tools=[echo]) for n in "ab"])
    assert create_runtime(spec).spec.tool_bindings == (echo,)


def test_a_tool_may_not_take_a_built_in_name() -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o", tools=[tool("storePlan")])])
    with pytest.raises(ValueError, match="reserved"):
        create_runtime(spec)


def test_an_agents_tool_without_a_handler_takes_the_bound_one_or_is_refused() -> None:
    bare = define_tool("echo", {"value": str})
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o", tools=[bare])])
    with pytest.raises(ValueError, match="tool binding 'echo' for agent 'a' has no Python handler"):
        create_runtime(spec)

    async def echo(args: Any, ctx: Any) -> Any:
        return args

    runtime = create_runtime(spec, tool_bindings=[bare.bind(echo)])
    assert runtime.spec.agent("a").tools[0].handler is echo


# -- models and providers -------------------------------------------------------------------


def test_infer_provider_from_model_ids() -> None:
    assert infer_provider("claude-haiku-4-5") == "anthropic"
    assert infer_provider("gpt-4o") == "openai"
    assert infer_provider("o3-mini") == "openai"
    assert infer_provider("llama-3") is None


def test_undeclared_providers_are_fine_until_a_live_interpreter_needs_them() -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("clerk", model="gpt-4o")], providers={"anthropic": {}})
    assert create_runtime(spec, interpreter="scripted").interpreter == "scripted"
    with pytest.raises(ValueError) as raised:
        create_runtime(spec, interpreter="anthropic")
    message = str(raised.value)
    assert "'clerk'" in message and "'openai'" in message and "'gpt-4o'" in message


# -- create_runtime options --------------------------------------------------------------


def test_testing_config_is_a_typed_dict_with_one_key() -> None:
    config: TestingConfig = {"mock_response": "hi"}
    assert typing.get_type_hints(TestingConfig) == {"mock_response": str}
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")])
    assert create_runtime(spec, testing=config).interpreter == "testing"


@pytest.mark.parametrize("name", ["tool_use_id", "services", "references", "agent", "get"])
def test_reserved_service_names_are_refused_saying_reserved(name: str) -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")])
    with pytest.raises(ValueError, match=f"services key '{name}' is reserved"):
        create_runtime(spec, services={name: object()})


def test_services_must_be_a_mapping_with_string_keys() -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")])
    with pytest.raises(TypeError, match="mapping"):
        create_runtime(spec, services=[1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty strings"):
        create_runtime(spec, services={1: object()})  # type: ignore[dict-item]


def test_action_dispatcher_and_event_hooks_must_be_callable() -> None:
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")])
    with pytest.raises(TypeError, match="callable"):
        create_runtime(spec, action_dispatcher="apply")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="event_hooks"):
        create_runtime(spec, event_hooks=["print"])  # type: ignore[list-item]
