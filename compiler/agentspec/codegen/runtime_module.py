"""A spec file's runtime definitions as the IR's ``RuntimeModule`` (``pytest_module``
builds its ``TestModule``; ``imports`` keeps track of what each imports).

The IR assumes the program has no errors (``commands`` runs the checker
first); anything the checker should have rejected raises ``CodegenError``.
"""

from __future__ import annotations

from typing import Any

from agentspec.syntax import nodes
from agentspec import spectypes
from agentspec.codegen import CodegenError
from agentspec.codegen.imports import Imports, used_names
from agentspec.codegen.ir import Definition, RuntimeModule
from agentspec.codegen.lowering import declarations, where
from agentspec.codegen.names import Namespace, constant
from agentspec.codegen.pyexpr import Call, DictOf, Expr, ListOf, Name, call
from agentspec.loader import Program
from agentspec.symbols import scope_for

#: Names bound by the runtime module's template itself, and build_runtime's
#: parameters (a module-level name equal to a parameter would be shadowed).
RUNTIME_LOCALS = (
    "TENANT",
    "RUNTIME_SPEC",
    "build_runtime",
    "spec",
    "handlers",
    "interpreter",
    "testing",
    "services",
    "action_dispatcher",
)

ROLE_HELPERS = {
    "coordinator": "define_coordinator",
    "planner": "define_planner",
    "executor": "define_executor",
    "specialist": "define_specialist",
}


def build_runtime_module(program: Program, path: str, module: str, harness: str) -> RuntimeModule | None:
    """The runtime definitions of ``path``, or None if it can see no agent (nothing to run)."""
    scope = scope_for(program, path)
    agents = declarations(program, path, scope, "agent")
    if not agents:
        return None
    namespace = Namespace(RUNTIME_LOCALS)
    imports = Imports(namespace, harness)

    tenants = declarations(program, path, scope, "tenant")
    if not tenants:
        raise CodegenError(f"{path}: no tenant")
    tenant_file, tenant = tenants[0]
    tenant_def = Definition(
        "TENANT", call("define_tenant", tenant.name, tenant.version or "v1"), where(tenant_file, tenant.span)
    )

    tool_names: dict[str, str] = {}
    tools: list[Definition] = []
    for file, decl in declarations(program, path, scope, "tool"):
        var = namespace.claim(constant(decl.name.name, "tool"), constant(decl.name.name, "tool") + "_TOOL")
        tool_names[decl.name.name] = var
        tools.append(Definition(var, _tool(decl, imports), where(file, decl.span)))

    plan_names: dict[str, str] = {}
    plans: list[Definition] = []
    for file, decl in declarations(program, path, scope, "plan"):
        var = namespace.claim(constant(decl.name.name, "plan"), constant(decl.name.name, "plan") + "_PLAN")
        plan_names[decl.name.name] = var
        plans.append(
            Definition(var, call("define_plan", decl.name.name, spectypes.plan_schema(decl)), where(file, decl.span))
        )

    references: list[Definition] = []
    for file, decl in declarations(program, path, scope, "reference"):
        var = namespace.claim(
            constant(decl.name.name, "reference"), constant(decl.name.name, "reference") + "_REFERENCE"
        )
        ttl = decl.ttl_ms
        value = call(
            "define_reference",
            decl.name.name,
            spectypes.reference_schema(decl),
            ttl_ms=int(ttl) if ttl is not None else None,
        )
        references.append(Definition(var, value, where(file, decl.span)))

    floor: dict[str, str] = {}
    for _, decl in declarations(program, path, scope, "approval"):
        floor.update({rule.subject: rule.mode for rule in decl.rules if rule.mode != "default"})
    tools_floor = _tools_floor(floor, [decl for _, decl in agents])
    unruled = {decl.name.name for _, decl in declarations(program, path, scope, "tool") if decl.approval is None}

    agent_defs: list[Definition] = []
    for file, decl in agents:
        var = namespace.claim(constant(decl.name.name, "agent"), constant(decl.name.name, "agent") + "_AGENT")
        agent_defs.append(
            Definition(var, _agent(decl, tool_names, plan_names, tools_floor, unruled), where(file, decl.span))
        )

    providers: dict[str, Any] = {}
    for _, decl in declarations(program, path, scope, "provider"):
        config: dict[str, Any] = {}
        if decl.api_key is not None:
            config["apiKey"] = decl.api_key
        if decl.api_key_env is not None:
            config["apiKeyEnv"] = decl.api_key_env
        if decl.base_url is not None:
            config["baseUrl"] = decl.base_url
        if decl.timeout_ms is not None:
            config["timeout"] = decl.timeout_ms / 1000
        if decl.retries is not None:
            config["retries"] = decl.retries
        providers[decl.name.name] = config

    runtime_spec = call(
        "define_runtime",
        tenant=Name("TENANT"),
        agents=ListOf(tuple(Name(d.name) for d in agent_defs)),
        providers=providers or None,
        plans=ListOf(tuple(Name(d.name) for d in plans)) if plans else None,
        references=ListOf(tuple(Name(d.name) for d in references)) if references else None,
        approval_policies=floor or None,
    )

    services = declarations(program, path, scope, "service")
    services_expr = (
        DictOf(tuple((decl.name.name, Call(imports.user(decl.factory))) for _, decl in services)) if services else None
    )
    dispatchers = declarations(program, path, scope, "dispatcher")
    dispatcher = imports.user(dispatchers[0][1].target) if dispatchers else None

    exprs: list[Any] = [tenant_def.value, runtime_spec, services_expr, dispatcher]
    exprs += [d.value for d in tools + plans + references + agent_defs]
    used = used_names(exprs) | {
        # what the build_runtime template itself uses
        "Any", "Callable", "Mapping", "Runtime", "TestingConfig", "create_runtime", "override_handlers",
    }
    return RuntimeModule(
        spec_path=path,
        module=module,
        imports=imports.lines(used, frozenset()),
        tenant=tenant_def,
        tools=tools,
        plans=plans,
        references=references,
        agents=agent_defs,
        runtime_spec=runtime_spec,
        services=services_expr,
        dispatcher=dispatcher,
    )


def _tool(decl: nodes.ToolDecl, imports: Imports) -> Expr:
    approval: Any = None
    if decl.approval is not None:
        if decl.approval.mode == "when":
            if decl.approval.predicate is None:
                raise CodegenError(f"tool {decl.name.name}: `approval when` without a predicate")
            approval = imports.user(decl.approval.predicate)
        else:
            approval = decl.approval.mode
    if decl.handler is not None:
        handler: Expr = imports.user(decl.handler)
    elif decl.fails is not None:
        handler = call("fails", decl.fails)
    elif decl.has_returns:
        handler = call("returns", decl.returns)
    else:
        handler = call(
            "fails",
            f"tool {decl.name.name!r} has no implementation in the spec; "
            "give it a handler, a returns fixture, or a scenario `given`",
        )
    definition = call(
        "define_tool",
        decl.name.name,
        spectypes.params_schema(decl.params),
        approval=approval,
        description=decl.description,
        timeout=None if decl.timeout_ms is None else decl.timeout_ms / 1000,
    )
    return Call(definition, (handler,))


def _tools_floor(floor: dict[str, str], agents: list[nodes.AgentDecl]) -> str:
    """The runtime's floor for tools, as the harness's ``define_runtime`` computes it:
    the unit's ``approval { }`` if it has one, else the coordinator's ``approval``."""
    if floor:
        return floor.get("tools", "never")
    for agent in agents:
        if agent.role == "coordinator":
            rules = {rule.subject: rule.mode for rule in agent.approval or ()}
            if rules.get("tools", "default") != "default":
                return rules["tools"]
    return "never"


def _agent(
    decl: nodes.AgentDecl, tools: dict[str, str], plans: dict[str, str], tools_floor: str, unruled: set[str]
) -> Expr:
    if decl.model is None:
        raise CodegenError(f"agent {decl.name.name}: no model")
    model: Any = decl.model
    if decl.provider is not None:
        model = call("ModelSpec", id=decl.model, provider=decl.provider.name)
    approval = None
    rules = {rule.subject: rule.mode for rule in decl.approval or ()}
    if decl.approval is not None:
        approval = rules
    # In the harness a tool's own rule (default "never") beats its agent's and the
    # floor's: a tool the spec gives no `approval` inherits them through tool_approvals.
    inherited = rules.get("tools", "default")
    if inherited == "default":
        inherited = tools_floor
    tool_approvals = {t.name: inherited for t in decl.tools if t.name in unruled} if inherited != "never" else None
    try:
        tool_list = ListOf(tuple(Name(tools[t.name]) for t in decl.tools)) if decl.tools else None
        plan = Name(plans[decl.plan.name]) if decl.plan is not None else None
    except KeyError as exc:
        raise CodegenError(f"agent {decl.name.name}: unknown name {exc}") from None
    return call(
        ROLE_HELPERS[decl.role],
        decl.name.name,
        model=model,
        prompt=decl.prompt,
        routes=[r.name for r in decl.routes] if decl.routes else None,
        tools=tool_list,
        plan=plan,
        approval=approval,
        tool_approvals=tool_approvals or None,
        stateful=decl.stateful,
    )
