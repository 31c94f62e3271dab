"""Arguments against parameters, and literal objects against declared fields.

Used for scripted tool calls (every argument checked, required ones must be
there), for ``tool_call`` expectations and ``revise ... partial`` (only the
arguments given are checked), and for the bodies of ``storePlan`` and the
actions of ``dispatched`` (checked against the plan and its actions).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agentspec.syntax import nodes
from agentspec import spectypes
from agentspec.checker.file_context import FileContext
from agentspec.checker.values import locate
from agentspec.diagnostics import Fix, Related


def _unknown_hint(
    ctx: FileContext, span: nodes.Span, name: str, known: Iterable[str], listing: str, none_known: str | None
) -> tuple[str | None, list[Fix]]:
    """A did-you-mean for a misspelt ``name`` written at ``span`` (with its fix); failing that,
    every known name after ``listing`` (the user learns what is allowed), or ``none_known``
    when there are none."""
    known = list(known)
    if not known:
        return none_known, []
    hint, fixes = ctx.suggest(span, name, known)
    return hint or listing + ", ".join(f"`{k}`" for k in known), fixes


def signature(name: str, params: list[nodes.Param]) -> str:
    """``search_flights(origin: str, date: str? = null)``, as a hint shows it."""
    parts = []
    for p in params:
        part = f"{p.name.name}: {spectypes.spelling(p.type)}"
        if p.has_default:
            part += " = " + _literal(p.default)
        parts.append(part)
    return f"{name}({', '.join(parts)})"


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def check_args(
    ctx: FileContext,
    tool: nodes.Ident,
    params: list[nodes.Param],
    args: list[nodes.Arg],
    partial: bool = False,
) -> dict[str, nodes.Arg]:
    """Report duplicate, unknown, mistyped and (unless ``partial``) missing arguments.

    Returns the well-formed arguments by name.
    """
    by_name = {p.name.name: p for p in params}
    tool_symbol = ctx.lookup("tool", tool.name)  # None for the built-in tools
    good: dict[str, nodes.Arg] = {}
    seen: dict[str, nodes.Arg] = {}
    suggested: set[str] = set()
    for arg in args:
        name = arg.name.name
        if name in seen:
            ctx.error(
                "E206",
                f"argument `{name}` is given twice",
                arg.name.span,
                (
                    f"the first is on line {seen[name].name.span.line}"
                    if seen[name].name.span.line != arg.name.span.line
                    else None
                ),
                related=[Related(message=f"the first `{name}`", path=ctx.path, span=seen[name].name.span)],
            )
            continue
        seen[name] = arg
        param = by_name.get(name)
        if param is None:
            close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
            suggested.update(close)  # a misspelt argument: do not also call the real one missing
            hint, fixes = _unknown_hint(
                ctx, arg.name.span, name, by_name, f"`{tool.name}` takes ", f"`{tool.name}` takes no arguments"
            )
            related = [ctx.declared_here(tool_symbol)] if tool_symbol is not None else []
            ctx.error("E204", f"`{tool.name}` has no argument `{name}`", arg.name.span, hint, fixes, related)
            continue
        reason = spectypes.check_value(arg.value, param.type)
        if reason:
            ctx.error("E205", f"argument `{name}` of `{tool.name}`: {reason}", arg.value_span)
            continue
        good[name] = arg
    if not partial:
        missing = [
            p.name.name
            for p in params
            if spectypes.is_required(p) and p.name.name not in seen and p.name.name not in suggested
        ]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            plural = "s" if len(missing) > 1 else ""
            ctx.error(
                "E203",
                f"`{tool.name}` is missing required argument{plural} {listed}",
                tool.span,
                signature(tool.name, params),
                related=[ctx.declared_here(tool_symbol)] if tool_symbol is not None else None,
            )
    return good


# ---- objects against fields (plan bodies, dispatched actions) ---------------------------


@dataclass
class ObjectCheck:
    """Where a literal object sits in the source, so problems can be pointed at."""

    ctx: FileContext
    code: str
    parts: nodes.LiteralParts  # where the value and each of its parts were written
    label: str  # "plan body", "dispatched action"

    def at(self, path: list[Any], key: bool = False) -> nodes.Span:
        return locate(self.parts, path, key)

    def error(
        self,
        message: str,
        path: list[Any],
        key: bool = False,
        hint: str | None = None,
        code: str | None = None,
        fixes: list[Fix] | None = None,
    ) -> None:
        self.ctx.error(code or self.code, message, self.at(path, key), hint, fixes)

    def where(self, path: list[Any]) -> str:
        text = self.label
        for step in path:
            text += f"[{step}]" if isinstance(step, int) else f".{step}"
        return text


def check_object(
    check: ObjectCheck,
    value: Any,
    path: list[Any],
    fields: list[nodes.Field_],
    owner: str,
    extra: tuple[str, ...] = (),
    complete: bool = True,
) -> None:
    """``value`` (at ``path``) has exactly ``fields`` (plus the ``extra`` keys, checked by the caller)."""
    if not isinstance(value, dict):
        check.error(
            f"{check.where(path)} must be an object with the fields of {owner}, got {spectypes.describe_value(value)}",
            path,
        )
        return
    by_name = {f.name.name: f for f in fields}
    for key, item in value.items():
        if key in extra:
            continue
        field = by_name.get(key)
        if field is None:
            names = [*by_name, *extra]
            hint, fixes = _unknown_hint(check.ctx, check.at([*path, key], key=True), key, names, f"{owner} has ", None)
            check.error(
                f"{check.where(path)}: {owner} has no field `{key}`", [*path, key], key=True, hint=hint, fixes=fixes
            )
            continue
        reason = spectypes.check_value(item, field.type)
        if reason:
            check.error(f"{check.where([*path, key])}: {reason}", [*path, key])
    if complete:
        missing = [f.name.name for f in fields if not f.type.optional and f.name.name not in value]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            check.error(f"{check.where(path)} is missing {listed} ({owner})", path)


def check_plan_body(ctx: FileContext, plan: nodes.PlanDecl, body: nodes.Arg) -> None:
    """A ``storePlan`` body: the plan's fields plus ``actions: [{kind: "<action>", ...}]``."""
    check = ObjectCheck(ctx, "E207", body.value_parts or nodes.LiteralParts(span=body.value_span), "body")
    owner = f"plan `{plan.name.name}`"
    value = body.value
    check_object(check, value, [], plan.fields, owner, extra=(spectypes.PLAN_ACTIONS_KEY,))
    if not isinstance(value, dict):
        return
    if spectypes.PLAN_ACTIONS_KEY not in value:
        check.error(
            f"body is missing `actions` ({owner})",
            [],
            hint="write `actions: []` for a plan with nothing to do",
        )
        return
    actions = value[spectypes.PLAN_ACTIONS_KEY]
    if not isinstance(actions, list):
        check.error(f"body.actions must be a list of actions, got {spectypes.describe_value(actions)}", ["actions"])
        return
    by_kind = {a.name.name: a for a in plan.actions}
    for index, action in enumerate(actions):
        path = ["actions", index]
        if not isinstance(action, dict) or not isinstance(action.get("kind"), str):
            check.error(
                f"{check.where(path)} must be an object with `kind` naming an action of {owner}",
                path,
                hint=(
                    f'e.g. {{ kind: "{plan.actions[0].name.name}", ... }}'
                    if plan.actions
                    else f"{owner} declares no actions"
                ),
            )
            continue
        declared = by_kind.get(action["kind"])
        if declared is None:
            hint, fixes = _unknown_hint(
                check.ctx,
                check.at([*path, "kind"]),
                action["kind"],
                by_kind,
                "its actions: ",
                f"plan `{plan.name.name}` declares no actions",
            )
            check.error(f"{owner} has no action `{action['kind']}`", [*path, "kind"], hint=hint, code="E107", fixes=fixes)
            continue
        check_object(
            check, action, path, declared.fields, f"action `{declared.name.name}`", extra=("kind", "references")
        )
        if "references" in action:
            check_reference_links(check, action["references"], [*path, "references"])


def check_dispatched(ctx: FileContext, expectation: nodes.ExpectDispatched, plans: list[nodes.PlanDecl]) -> None:
    """``dispatched [{kind: "reorder", payload: {...}, references: ...}]`` against the visible plans' actions."""
    if expectation.actions_parts is None:  # dispatched none
        return
    actions = expectation.actions
    check = ObjectCheck(ctx, "E211", expectation.actions_parts, "dispatched")
    by_kind: dict[str, nodes.ActionDecl] = {}
    for plan in plans:
        for action in plan.actions:
            by_kind.setdefault(action.name.name, action)
    for index, item in enumerate(actions):
        path = [index]
        if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
            check.error(
                f"dispatched[{index}] must be an object with `kind` naming a plan action",
                path,
                hint='e.g. { kind: "reorder", payload: { product_id: "SKU-1" } }',
            )
            continue
        for key in item:
            if key not in ("kind", "payload", "references"):
                hint, fixes = ctx.suggest(check.at([*path, key], key=True), key, ["kind", "payload", "references"])
                check.error(
                    f"dispatched[{index}] has an unknown key `{key}`",
                    [*path, key],
                    key=True,
                    hint=hint or "a dispatched action has `kind`, `payload` and `references`",
                    fixes=fixes,
                )
        declared = by_kind.get(item["kind"])
        if declared is None:
            hint, fixes = _unknown_hint(
                ctx, check.at([*path, "kind"]), item["kind"], by_kind, "actions: ", "no plan in scope declares actions"
            )
            check.error(f"no plan has an action `{item['kind']}`", [*path, "kind"], hint=hint, code="E107", fixes=fixes)
            continue
        payload = item.get("payload", {})
        if "payload" not in item and any(not f.type.optional for f in declared.fields):
            required = ", ".join(f"`{f.name.name}`" for f in declared.fields if not f.type.optional)
            check.error(
                f"dispatched[{index}] has no `payload`; action `{declared.name.name}` always has {required}",
                path,
                hint="the runtime compares payloads exactly: give every field the action was stored with",
            )
        elif "payload" in item:
            check_object(check, payload, [*path, "payload"], declared.fields, f"action `{declared.name.name}`")
        if "references" in item:
            check_reference_links(check, item["references"], [*path, "references"])


def check_reference_links(check: ObjectCheck, links: Any, path: list[Any]) -> None:
    """``references: [{ kind: "<reference>", id: "..." }]`` naming declared reference kinds."""
    kinds = check.ctx.scope.references
    if not isinstance(links, list):
        check.error(
            f"{check.where(path)} must be a list of {{ kind, id }}, got {spectypes.describe_value(links)}", path
        )
        return
    for index, link in enumerate(links):
        where = [*path, index]
        if not (
            isinstance(link, dict) and isinstance(link.get("kind"), str) and isinstance(link.get("id"), str)
        ) or set(link) - {"kind", "id"}:
            check.error(
                f'{check.where(where)} must be {{ kind: "<reference>", id: "..." }}',
                where,
                hint=f"e.g. {{ kind: \"{next(iter(kinds), 'Supplier')}\", id: \"s1\" }}",
            )
        elif link["kind"] not in kinds:
            hint, fixes = _unknown_hint(
                check.ctx,
                check.at([*where, "kind"]),
                link["kind"],
                kinds,
                "reference kinds: ",
                "declare it: `reference NAME { ... }`",
            )
            check.error(f"unknown reference kind `{link['kind']}`", [*where, "kind"], hint=hint, code="E108", fixes=fixes)
