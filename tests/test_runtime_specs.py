"""The authoring API: define_* helpers, the wire shape, and whole-runtime rules."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel

from agentspec_runtime import (
    AgentSpec,
    ApprovalPolicies,
    ModelSpec,
    TenantIdentity,
    TestingConfig,
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
    define_toolkit,
    infer_provider,
)

TENANT = define_tenant("acme", "v1")


def tool(name: str, **options: Any) -> ToolSpec:
    @define_tool(name, {"value": str}, **options)
    async def handler(args: dict[str, Any], ctx: Any) -> Any:
        return args

    return handler


# -- tenant, model, agents -------------------------------------------------------


def test_define_tenant_from_arguments_or_a_mapping() -> None:
    assert define_tenant("acme", "v1") == TenantIdentity(resource_id="acme", version="v1")
    assert define_tenant({"resourceId": "acme", "version": "v1"}) == define_tenant("acme", "v1")
    assert define_tenant("acme", "v1").model_dump(by_alias=True, mode="json") == {"resourceId": "acme", "version": "v1"}


def test_define_tenant_without_a_version_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="version is required"):
        define_tenant("acme")


def test_model_spec_takes_positional_id_and_provider() -> None:
    assert ModelSpec("llama-3", "local") == ModelSpec(id="llama-3", provider="local")


def test_agent_helpers_take_the_name_positionally_or_by_keyword() -> None:
    by_position = define_specialist("clerk", model="claude-haiku-4-5", prompt="Check.")
    by_keyword = define_specialist(name="clerk", model="claude-haiku-4-5", prompt="Check.")
    assert by_position == by_keyword
    assert by_position.role == "specialist" and by_position.system_prompt == "Check." and by_position.stateful


def test_planner_and_executor_take_a_plan_spec_or_its_name() -> None:
    plan = define_plan("P", {"actions": list})
    assert define_planner("planner", model="gpt-4o", plan=plan).plan == "P"
    assert define_executor("executor", model="gpt-4o", plan="P").plan == "P"


def test_agent_wire_shape_is_camel_case_and_hides_python_only_parts() -> None:
    echo = tool("echo", description="Echo", approval=lambda args, ctx: True)
    agent = define_coordinator(
        "front", model=ModelSpec("claude-sonnet-4-6", "anthropic"), prompt="Hi", routes=["clerk"], tools=[echo]
    )

    wire = agent.model_dump(by_alias=True, mode="json")

    assert wire == {
        "name": "front",
        "role": "coordinator",
        "model": {"id": "claude-sonnet-4-6", "provider": "anthropic"},
        "systemPrompt": "Hi",
        "routes": ["clerk"],
        "tools": [
            {
                "name": "echo",
                "description": "Echo",
                "inputSchema": {
                    "type": "object",
                    "properties": {"value": {"type": "string"}},
                    "required": ["value"],
                    "additionalProperties": False,
                },
                "approval": "dynamic",
            }
        ],
        "toolkits": [],
        "approval": "default",
        "stateful": True,
        "plan": None,
    }


def test_agent_spec_can_be_built_directly_with_snake_or_camel_names() -> None:
    direct = AgentSpec(name="a", role="specialist", model="gpt-4o", system_prompt="x")
    camel = AgentSpec.model_validate({"name": "a", "role": "specialist", "model": "gpt-4o", "systemPrompt": "x"})
    assert direct == camel


def test_an_unknown_role_is_rejected() -> None:
    with pytest.raises(ValueError, match="role"):
        AgentSpec(name="a", role="manager", model="gpt-4o")


def test_agent_approval_must_be_a_known_value() -> None:
    with pytest.raises(ValueError, match="approval"):
        define_specialist("a", model="gpt-4o", approval="sometimes")
    rule = define_specialist("a", model="gpt-4o", approval={"plans": "never", "tools": "always"}).approval
    assert (rule.plans, rule.tools) == ("never", "always")


# -- tools ---------------------------------------------------------------------------


def test_define_tool_decorates_a_handler_and_the_spec_calls_it() -> None:
    import asyncio

    @define_tool("double", {"n": int}, description="Double n")
    async def double(args: dict[str, Any], ctx: Any) -> int:
        return args["n"] * 2

    assert isinstance(double, ToolSpec)
    assert double.approval == "default"
    assert asyncio.run(double({"n": 4}, {})) == 8


def test_define_tool_takes_the_description_from_the_docstring_when_not_given() -> None:
    @define_tool("ping", {})
    async def ping(args: Any, ctx: Any) -> str:
        """Answer pong."""
        return "pong"

    assert ping.description == "Answer pong."
    assert ping.input_schema == {"type": "object", "properties": {}, "required": [], "additionalProperties": False}


def test_define_tool_rejects_a_non_object_schema_and_bad_approval() -> None:
    with pytest.raises(ValueError, match="must describe an object"):
        define_tool("t", {"type": "string"})
    with pytest.raises(TypeError, match="approval"):
        define_tool("t", {"value": str}, approval=3)  # type: ignore[arg-type]


def test_define_tool_with_a_pydantic_model_keeps_the_model() -> None:
    class Query(BaseModel):
        text: str
        limit: int = 10

    search = tool_from_model(Query)
    assert search.input_model is Query
    assert search.input_schema["properties"]["limit"]["default"] == 10


def tool_from_model(model: type[BaseModel]) -> ToolSpec:
    @define_tool("search", model)
    async def search(args: Any, ctx: Any) -> Any:
        return args.model_dump()

    return search


# -- runtime rules ---------------------------------------------------------------------


def runtime(agents: list[AgentSpec], **options: Any) -> Any:
    options.setdefault("providers", ["anthropic", "openai"])
    return define_runtime(tenant=TENANT, agents=agents, **options)


def test_infer_provider_from_model_ids() -> None:
    assert infer_provider("claude-haiku-4-5") == "anthropic"
    assert infer_provider("gpt-4o") == "openai"
    assert infer_provider("o3-mini") == "openai"
    assert infer_provider("llama-3") is None
    assert infer_provider("opus") is None


def test_a_model_whose_provider_is_not_declared_names_agent_provider_and_model() -> None:
    with pytest.raises(ValueError) as raised:
        runtime([define_specialist("clerk", model="gpt-4o")], providers=["anthropic"])
    message = str(raised.value)
    assert "'clerk'" in message and "'openai'" in message and "'gpt-4o'" in message


def test_an_explicit_provider_must_be_declared_too() -> None:
    with pytest.raises(ValueError, match="'local'"):
        runtime([define_specialist("clerk", model=ModelSpec("llama-3", "local"))])
    spec = runtime([define_specialist("clerk", model=ModelSpec("llama-3", "local"))], providers={"local": None})
    assert spec.providers["local"].name == "local"


def test_a_model_with_no_inferable_provider_asks_for_a_model_spec() -> None:
    with pytest.raises(ValueError, match="ModelSpec"):
        runtime([define_specialist("clerk", model="llama-3")])


def test_duplicate_agent_names_are_an_error() -> None:
    with pytest.raises(ValueError, match="duplicate agent name 'clerk'"):
        runtime([define_specialist("clerk", model="gpt-4o"), define_specialist("clerk", model="gpt-4o")])


def test_two_different_tools_with_one_name_are_an_error() -> None:
    with pytest.raises(ValueError, match="duplicate tool name 'echo'"):
        runtime(
            [
                define_specialist("a", model="gpt-4o", tools=[tool("echo")]),
                define_specialist("b", model="gpt-4o", tools=[tool("echo")]),
            ]
        )


def test_one_tool_shared_by_two_agents_is_fine() -> None:
    echo = tool("echo")
    spec = runtime([define_specialist("a", model="gpt-4o", tools=[echo]), define_specialist("b", model="gpt-4o", tools=[echo])])
    assert [a.name for a in spec.agents] == ["a", "b"]


def test_a_tool_listed_twice_in_one_agent_via_a_toolkit_is_an_error() -> None:
    echo = tool("echo")
    kit = define_toolkit("basics", [echo])
    with pytest.raises(ValueError, match="duplicate tool name 'echo' in agent 'a'"):
        runtime([define_specialist("a", model="gpt-4o", tools=[echo], toolkits=[kit])])


def test_a_tool_may_not_take_a_built_in_name() -> None:
    with pytest.raises(ValueError, match="reserved"):
        runtime([define_specialist("a", model="gpt-4o", tools=[tool("storePlan")])])


def test_route_targets_must_be_registered_agents() -> None:
    with pytest.raises(ValueError, match="routes to 'ghost'"):
        runtime([define_coordinator("front", model="gpt-4o", routes=["ghost"])])


def test_at_most_one_coordinator() -> None:
    with pytest.raises(ValueError, match="at most one coordinator"):
        runtime([define_coordinator("a", model="gpt-4o"), define_coordinator("b", model="gpt-4o")])


def test_an_agents_plan_must_be_declared() -> None:
    with pytest.raises(ValueError, match="plan 'P'"):
        runtime([define_planner("planner", model="gpt-4o", plan="P")])


def test_approval_policies_may_only_name_registered_agents() -> None:
    with pytest.raises(ValueError, match="'ghost'"):
        runtime([define_specialist("a", model="gpt-4o")], approval_policies={"agents": {"ghost": "always"}})


def test_runtime_spec_wire_shape() -> None:
    plan = define_plan("P", {"actions": list})
    spec = runtime(
        [define_planner("planner", model="gpt-4o", plan=plan)],
        plans=[plan],
        references=[define_reference("customer", {"name": str}, ttl_ms=1000)],
        approval_policies=ApprovalPolicies(plans="never", predicates={"big": lambda a, c: True}),
    )

    wire = spec.model_dump(by_alias=True, mode="json")

    assert wire["tenant"] == {"resourceId": "acme", "version": "v1"}
    # the API key is never dumped (it would reach logs and reports); the live settings are
    assert wire["providers"]["openai"] == {
        "name": "openai",
        "apiKeyEnv": None,
        "baseUrl": None,
        "timeout": None,
        "retries": None,
    }
    assert wire["plans"] == [
        {
            "name": "P",
            "bodySchema": {
                "type": "object",
                "properties": {"actions": {"type": "array"}},
                "required": ["actions"],
                "additionalProperties": False,
            },
        }
    ]
    assert wire["references"][0]["kind"] == "customer" and wire["references"][0]["ttlMs"] == 1000
    assert wire["approvalPolicies"] == {"plans": "never", "tools": "never", "agents": {}, "predicates": ["big"]}


def test_provider_api_keys_are_not_shown_in_reprs() -> None:
    spec = runtime([define_specialist("a", model="gpt-4o")], providers={"openai": {"api_key": "sk-secret"}})
    assert "sk-secret" not in repr(spec)


def test_create_runtime_rechecks_a_hand_built_spec() -> None:
    spec = runtime([define_specialist("a", model="gpt-4o")])
    broken = spec.model_copy(update={"agents": [*spec.agents, spec.agents[0]]})
    with pytest.raises(ValueError, match="duplicate agent"):
        create_runtime(broken)
    with pytest.raises(TypeError, match="RuntimeSpec"):
        create_runtime({"agents": []})  # type: ignore[arg-type]


def test_testing_config_is_a_typed_dict_with_one_key() -> None:
    config: TestingConfig = {"mock_response": "hi"}
    assert typing.get_type_hints(TestingConfig) == {"mock_response": str}
    spec = runtime([define_coordinator("front", model="gpt-4o")])
    assert create_runtime(spec, testing=config).interpreter == "testing"


def test_services_may_not_shadow_context_keys() -> None:
    spec = runtime([define_specialist("a", model="gpt-4o")])
    with pytest.raises(ValueError, match="tool_use_id"):
        create_runtime(spec, services={"tool_use_id": object()})
    with pytest.raises(ValueError, match=r"\['get'\] would be hidden by the tool context's mapping methods"):
        create_runtime(spec, services={"get": object()})
    with pytest.raises(TypeError, match="mapping"):
        create_runtime(spec, services=[1])  # type: ignore[arg-type]


def test_action_dispatcher_must_be_callable() -> None:
    spec = runtime([define_specialist("a", model="gpt-4o")])
    with pytest.raises(TypeError, match="callable"):
        create_runtime(spec, action_dispatcher="apply")  # type: ignore[arg-type]
