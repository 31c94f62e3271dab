"""Checks of one declaration at a time: tools, plans, references, services, agents.

Each function looks at a single declaration in the scope of its file: types
are known, names resolve, settings suit the agent's role, a model's provider
is declared. Relations between declarations across a compiled unit
(duplicates, one tenant) live in ``unit.py``; scripts in ``scripts.py``.
"""

from __future__ import annotations

import keyword
import re

from agentspec.syntax import nodes
from agentspec.syntax.strings import literal
from agentspec import spectypes
from agentspec.checker.file_context import FileContext, role_phrase
from agentspec.checker.fixes import add_setting, declare_provider, remove_from_list
from agentspec.diagnostics import Related
from agentspec.checker.shared_rules import positive_duration
from agentspec.symbols import BUILTIN_TOOLS, RESERVED_TOOL_NAMES

IMPORT_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")

_OPENAI_REASONING = re.compile(r"o\d")


def infer_provider(model: str) -> str | None:
    """The provider a model id implies (the runtime's rule): claude-* → anthropic; gpt-*, o1, o3… → openai."""
    if model.startswith("claude-"):
        return "anthropic"
    if model.startswith("gpt-") or _OPENAI_REASONING.match(model):
        return "openai"
    return None


PROVIDER_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}


def check_import_path(ctx: FileContext, target: nodes.ImportPath | None, what: str) -> None:
    if target is None:
        return
    if not IMPORT_PATH.fullmatch(target.path):
        ctx.error(
            "E209",
            f'{what} "{target.path}" is not an import path',
            target.span,
            'write "package.module:attribute", e.g. "travel_app.tools:book_flight"',
        )
        return
    reserved = [part for part in re.split(r"[.:]", target.path) if keyword.iskeyword(part)]
    if reserved:
        # `import pkg.class` is a Python syntax error, so generated code could never import it.
        ctx.error(
            "E209",
            f'{what} "{target.path}" is not an import path: `{reserved[0]}` is a Python keyword',
            target.span,
            "Python cannot import a module or attribute named after a keyword; rename it",
        )


def check_type(ctx: FileContext, type_ref: nodes.TypeRef) -> bool:
    """Report an unknown or malformed type; True if the type is fine."""
    problem = spectypes.type_problem(type_ref)
    if problem is None:
        return True
    part, reason = problem
    ctx.error("E201", reason, part.span, spectypes.TYPE_HINT)
    return False


def check_member_names(ctx: FileContext, members: list, what: str, owner: str, reserved: tuple[str, ...] = ()) -> None:
    """Params, fields or actions: no name twice, and none of the ``reserved`` names."""
    seen: dict[str, nodes.Ident] = {}
    for member in members:
        name = member.name
        if name.name in reserved:
            ctx.error("E302", f"`{name.name}` is reserved in {owner}", name.span, _RESERVED_HINT[name.name])
        elif name.name in seen:
            ctx.error(
                "E302",
                f"{what} `{name.name}` is declared twice in {owner}",
                name.span,
                (
                    f"the first is on line {seen[name.name].span.line}"
                    if seen[name.name].span.line != name.span.line
                    else None
                ),
                related=[Related(message=f"the first `{name.name}`", path=ctx.path, span=seen[name.name].span)],
            )
        seen.setdefault(name.name, name)


_RESERVED_HINT = {
    spectypes.PLAN_ACTIONS_KEY: "a plan body's `actions` list holds its actions; declare them with `action NAME { ... }`",
    spectypes.ACTION_KIND_KEY: 'every action carries `kind: "<action name>"`; rename this field',
    spectypes.ACTION_REFERENCES_KEY: "an action names references with `references: [{ kind, id }]`; rename this field",
}


def check_fields(ctx: FileContext, fields: list[nodes.Field_], owner: str, reserved: tuple[str, ...] = ()) -> None:
    check_member_names(ctx, fields, "field", owner, reserved)
    for field in fields:
        check_type(ctx, field.type)


# ---- tools ------------------------------------------------------------------------


def check_tool(ctx: FileContext, tool: nodes.ToolDecl) -> None:
    name = tool.name.name
    if name in RESERVED_TOOL_NAMES:
        ctx.error("E317", f"`{name}` is a built-in tool and cannot be redefined", tool.name.span, "choose another name")
    check_member_names(ctx, tool.params, "parameter", f"tool `{name}`")
    for param in tool.params:
        if check_type(ctx, param.type) and param.has_default:
            reason = spectypes.check_value(param.default, param.type)
            if reason:
                ctx.error(
                    "E202", f"default of `{param.name.name}` does not match its type: {reason}", param.default_span
                )
    implementations = sorted(
        ((span.start, key, span) for key, span in tool.settings.items() if key in ("handler", "returns", "fails")),
        key=lambda item: item[0],
    )
    if len(implementations) > 1:
        (_, first, _), *rest = implementations
        for _, key, span in rest:
            ctx.error(
                "E307",
                f"tool `{name}` has both `{first}` and `{key}`",
                ctx.keyword_span(span, key),
                "a tool has one implementation: a `handler`, a fixture (`returns`) or a failure (`fails`); "
                "override it per scenario with `given`",
            )
    check_import_path(ctx, tool.handler, "handler")
    positive_duration(ctx, tool.timeout_ms, tool.value_spans.get("timeout"), "a tool's `timeout`")
    if tool.approval is not None:
        check_import_path(ctx, tool.approval.predicate, "approval predicate")


# ---- plans, references, services, dispatcher -----------------------------------------


def check_plan(ctx: FileContext, plan: nodes.PlanDecl) -> None:
    owner = f"plan `{plan.name.name}`"
    check_fields(ctx, plan.fields, owner, reserved=(spectypes.PLAN_ACTIONS_KEY,))
    check_member_names(ctx, plan.actions, "action", owner)
    for action in plan.actions:
        check_fields(
            ctx,
            action.fields,
            f"action `{action.name.name}`",
            reserved=(spectypes.ACTION_KIND_KEY, spectypes.ACTION_REFERENCES_KEY),
        )


def check_reference(ctx: FileContext, reference: nodes.ReferenceDecl) -> None:
    check_fields(ctx, reference.fields, f"reference `{reference.name.name}`")
    if reference.ttl_ms is not None and reference.ttl_ms <= 0:
        ctx.error("E210", "`ttl` must be longer than 0", reference.ttl_span)


#: The most retries a provider may ask for: each can wait up to 8 s, and a run has a timeout.
MAX_RETRIES = 10


def check_provider(ctx: FileContext, provider: nodes.ProviderDecl) -> None:
    """The live settings: a base URL with a scheme, a timeout above 0, retries 0..MAX_RETRIES."""
    spans = provider.value_spans
    url = provider.base_url
    if url is not None and "base_url" in spans and not url.startswith(("http://", "https://")):
        ctx.error(
            "E210",
            f"`base_url` must be an http:// or https:// URL, got {url!r}",
            spans["base_url"],
            'e.g. `base_url "https://api.anthropic.com"`',
        )
    if provider.timeout_ms is not None and provider.timeout_ms <= 0 and "timeout" in spans:
        ctx.error("E210", "`timeout` must be longer than 0", spans["timeout"], "e.g. `60s`")
    retries = provider.retries
    if retries is not None and not 0 <= retries <= MAX_RETRIES and "retries" in spans:
        ctx.error(
            "E210",
            f"`retries` must be between 0 and {MAX_RETRIES}, got {retries}",
            spans["retries"],
        )


def check_service(ctx: FileContext, service: nodes.ServiceDecl) -> None:
    check_import_path(ctx, service.factory, "service factory")


def check_dispatcher(ctx: FileContext, dispatcher: nodes.DispatcherDecl) -> None:
    check_import_path(ctx, dispatcher.target, "dispatcher")


# ---- agents -------------------------------------------------------------------------


def check_agent(ctx: FileContext, agent: nodes.AgentDecl) -> None:
    _check_model(ctx, agent)
    _check_lists(ctx, agent)
    name = agent.name.name
    if agent.routes and agent.role != "coordinator":
        span = agent.settings.get("routes", agent.span)
        ctx.error(
            "E305",
            f"`routes` is only for coordinators; `{name}` is {role_phrase(agent)}",
            ctx.keyword_span(span, "routes"),
            "make it a coordinator, or list it in a coordinator's `routes`",
        )
    if agent.role == "coordinator" and not agent.routes:
        ctx.error(
            "E325",
            f"coordinator `{name}` has no `routes`",
            agent.name.span,
            "add `routes [AGENT, ...]`: the harness requires a coordinator to route to at least one agent",
        )
    if agent.plan is not None and agent.role not in ("planner", "executor"):
        ctx.error(
            "E305",
            f"`plan` is only for planners and executors; `{name}` is {role_phrase(agent)}",
            ctx.keyword_span(agent.settings.get("plan", agent.span), "plan"),
        )
    if agent.role in ("planner", "executor") and agent.plan is None:
        plans = sorted(ctx.scope.plans)
        ctx.error(
            "E306",
            f"{agent.role} `{name}` has no `plan`",
            agent.name.span,
            f"add `plan {plans[0]}`" if len(plans) == 1 else "add `plan NAME` naming the plan it works on",
            [add_setting(f"Add `plan {plans[0]}`", ctx.path, ctx.source, agent.span, f"plan {plans[0]}")]
            if len(plans) == 1
            else None,
        )
    if agent.plan is not None and ctx.lookup("plan", agent.plan.name) is None:
        ctx.unknown("E103", "plan", agent.plan, ctx.scope.plans)


def _check_model(ctx: FileContext, agent: nodes.AgentDecl) -> None:
    name = agent.name.name
    if agent.model is None:
        ctx.error(
            "E304", f"{agent.role} `{name}` has no `model`", agent.name.span, 'add e.g. `model "claude-sonnet-4-6"`'
        )
        return
    span = agent.model_span or agent.span
    if not agent.model:  # the runtime refuses an empty model id when the generated module is imported
        ctx.error("E304", f"{agent.role} `{name}` has an empty `model`", span, 'name the model, e.g. `model "claude-sonnet-4-6"`')
        return
    if agent.provider is not None:
        if ctx.lookup("provider", agent.provider.name) is None:
            declared = sorted(ctx.scope.providers)
            hint = None if declared else f'declare it: `provider {agent.provider.name} {{ api_key_env "..." }}`'
            ctx.unknown("E105", "provider", agent.provider, declared, hint)
        return
    provider = infer_provider(agent.model)
    if provider is None:
        ctx.error(
            "E303",
            f'cannot tell the provider of model "{agent.model}" used by `{name}`',
            span,
            f"name it: `model {literal(agent.model)} provider NAME`",  # escaped as the spec must write it
        )
    elif ctx.lookup("provider", provider) is None:
        ctx.error(
            "E303",
            f'`{name}` uses model "{agent.model}" from provider `{provider}`, which is not declared',
            span,
            f'declare it: `provider {provider} {{ api_key_env "{PROVIDER_ENV[provider]}" }}`',
            [declare_provider(ctx.path, ctx.source, agent.span.start, provider, PROVIDER_ENV[provider])],
        )


def _check_lists(ctx: FileContext, agent: nodes.AgentDecl) -> None:
    for key, names, kind in (("routes", agent.routes, "agent"), ("tools", agent.tools, "tool")):
        seen: dict[str, nodes.Ident] = {}
        for i, ident in enumerate(names):
            if ident.name in seen:
                first = seen[ident.name]
                ctx.error(
                    "E319",
                    f"`{ident.name}` is listed twice in `{key}` of `{agent.name.name}`",
                    ident.span,
                    "remove one of them",
                    [remove_from_list(ctx.path, ctx.source, names[i - 1], ident)],
                    [Related(message=f"`{first.name}` is first listed here", path=ctx.path, span=first.span)],
                )
                continue
            seen[ident.name] = ident
            if kind == "tool" and ident.name in BUILTIN_TOOLS:
                ctx.error(
                    "E317",
                    f"`{ident.name}` is built in and is not listed in `tools`",
                    ident.span,
                    _BUILTIN_HINT[ident.name],
                )
            elif ctx.lookup(kind, ident.name) is None:
                ctx.unknown("E101" if kind == "tool" else "E102", kind, ident, ctx.scope.of_kind(kind))
            elif kind == "agent" and ident.name == agent.name.name:
                ctx.error(
                    "E310", f"`{ident.name}` routes to itself", ident.span, "a coordinator routes to other agents"
                )


_BUILTIN_HINT = {
    "storePlan": "every planner has `storePlan`; remove it from the list",
    "executePlan": "every executor has `executePlan`; remove it from the list",
    "call_agent": "a coordinator calls the agents in its `routes`; remove it from the list",
}
