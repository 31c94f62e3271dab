"""The action dispatcher contract: what it is given and what it may return.

When an approved plan executes, the runtime calls the ``action_dispatcher``
given to ``create_runtime`` exactly once::

    dispatcher(actions, {"resolved_refs": {kind: {id: payload}}})

``actions`` are the plan body's ``actions``, each normalised to
``{"kind", "payload", "references"}`` where ``payload`` is the action's fields
minus ``kind`` and ``references``. The dispatcher may be sync or async and must
return ``None`` or an *envelope*: an object (mapping or pydantic model) with
``entitiesAffected`` (int, required), ``summary`` (str, optional) and
``details`` (anything JSON, optional). Anything else is reported — never
raised — as an ``executePlan`` error naming the bad field.

The dispatcher is user code, so it runs as a tool handler does
(``handlers.call_handler``: a synchronous one in a daemon thread, an
asynchronous one as a task) within the runtime's ``tool_timeout``; one still
running then fails the plan like one that raised, and whatever it does later
is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from pydantic import BaseModel

from .handlers import HandlerTimeout, call_handler
from .jsonable import NotJSONError, jsonable

ENVELOPE_PREFIX = "action_dispatcher must return None or an object with entitiesAffected (int)"
_ENVELOPE_FIELDS = ("entitiesAffected", "summary", "details")


class DispatchError(Exception):
    """The plan cannot be dispatched, or the dispatcher failed; the message is user-facing."""


def normalize_actions(body: Any) -> list[dict[str, Any]]:
    """The plan body's actions as ``{kind, payload, references}`` dicts."""
    raw = body.get("actions", []) if isinstance(body, Mapping) else []
    if not isinstance(raw, list):
        raise DispatchError(f"plan body 'actions' must be a list, got {type(raw).__name__}")
    actions: list[dict[str, Any]] = []
    for index, action in enumerate(raw):
        if not isinstance(action, Mapping) or not isinstance(action.get("kind"), str):
            raise DispatchError(f"plan action {index} must be an object with a string 'kind', got {action!r}")
        references = action.get("references", [])
        if not isinstance(references, list) or not all(
            isinstance(ref, Mapping) and isinstance(ref.get("kind"), str) and isinstance(ref.get("id"), str)
            for ref in references
        ):
            raise DispatchError(
                f"plan action {index} ({action['kind']}): 'references' must be a list of "
                f"{{'kind': str, 'id': str}}, got {references!r}"
            )
        payload = {k: v for k, v in action.items() if k not in ("kind", "references")}
        actions.append(
            {"kind": action["kind"], "payload": payload, "references": [dict(ref) for ref in references]}
        )
    return actions


def resolve_references(
    actions: list[dict[str, Any]], lookup: Callable[[str, str], Any]
) -> dict[str, dict[str, Any]]:
    """``{kind: {id: payload}}`` for every reference the actions name.

    ``lookup(kind, id)`` returns the payload or raises :class:`DispatchError`.
    """
    resolved: dict[str, dict[str, Any]] = {}
    for action in actions:
        for ref in action["references"]:
            kind, ref_id = ref["kind"], ref["id"]
            if ref_id not in resolved.get(kind, {}):
                resolved.setdefault(kind, {})[ref_id] = lookup(kind, ref_id)
    return resolved


def validate_envelope(value: Any) -> dict[str, Any] | None:
    """Return the envelope as a JSON dict (``None`` stays ``None``) or raise :class:`DispatchError`.

    ``details`` is checked here too: the envelope becomes part of the
    ``executePlan`` result, and a value that is not JSON would otherwise turn
    that result into a generic serialisation error after the plan was already
    marked executed — hiding that the dispatcher ran.
    """
    if value is None:
        return None
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True, mode="json", exclude_none=True)
    if not isinstance(value, Mapping):
        raise DispatchError(f"{ENVELOPE_PREFIX}; got {type(value).__name__} {value!r}")
    unknown = [key for key in value if key not in _ENVELOPE_FIELDS]
    if unknown:
        raise DispatchError(
            f"{ENVELOPE_PREFIX}; unexpected field {unknown[0]!r} "
            f"(allowed: entitiesAffected, summary, details)"
        )
    if "entitiesAffected" not in value:
        raise DispatchError(f"{ENVELOPE_PREFIX}; field 'entitiesAffected' is missing")
    affected = value["entitiesAffected"]
    if not isinstance(affected, int) or isinstance(affected, bool):
        raise DispatchError(
            f"{ENVELOPE_PREFIX}; field 'entitiesAffected' must be an int, got {type(affected).__name__}"
        )
    if "summary" in value and value["summary"] is not None and not isinstance(value["summary"], str):
        raise DispatchError(
            f"{ENVELOPE_PREFIX}; field 'summary' must be a str, got {type(value['summary']).__name__}"
        )
    try:
        return jsonable(dict(value))
    except NotJSONError as exc:
        raise DispatchError(f"{ENVELOPE_PREFIX}; field 'details' must be JSON: {exc}") from None


async def call_dispatcher(
    dispatcher: Callable[..., Any], actions: list[dict[str, Any]], context: dict[str, Any], timeout: float | None
) -> dict[str, Any] | None:
    """Call a sync or async dispatcher once, within ``timeout`` seconds (None: no limit),
    and check what it returned."""
    name = getattr(dispatcher, "__name__", "action_dispatcher")
    try:
        outcome = await call_handler(dispatcher, actions, context, timeout)
    except HandlerTimeout as exc:
        raise DispatchError(f"action_dispatcher {name} did not return within {exc.seconds:g} s") from None
    except Exception as exc:  # the dispatcher's failure is the plan's failure, not the stream's
        raise DispatchError(f"action_dispatcher {name} raised {type(exc).__name__}: {exc}") from exc
    return validate_envelope(outcome)
