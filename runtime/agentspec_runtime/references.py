"""References a runtime stores: creating, resolving and glimpsing them.

One :class:`ReferenceBook` per runtime (on its engine) numbers the references
(``<kind>-1``, ``-2``, …), validates payloads against their kind and keeps each
one's glimpse. Three doors lead to it, with the published harness's shapes:

* ``Runtime.create_reference`` / ``resolve_reference`` / ``reference_glimpse``
  (host code; sees every reference);
* ``ctx.references.create`` / ``resolve`` / ``glimpse`` in a tool handler
  (:class:`ReferenceClient`; creates tenant-wide, as the published registry is
  tenant-scoped; sees the tool's thread's references and the tenant-wide ones);
* the ``resolveRef`` and ``glimpseRef`` built-in tools (``reference_tools.py``).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from typing import Any

from .jsonable import NotJSONError, jsonable
from .specs import ReferenceSpec, RuntimeSpec
from .state import StateStore, StoredReference


class ReferenceBook:
    """Every reference one runtime has created (see the module docstring)."""

    def __init__(self, spec: RuntimeSpec, store: StateStore) -> None:
        self._spec = spec
        self._store = store
        self._ids: dict[str, itertools.count[int]] = {}
        #: each reference's scope: the thread it lives in (None: tenant-wide)
        self._scopes: dict[tuple[str, str], str | None] = {}

    @property
    def _resource_id(self) -> str:
        return self._spec.tenant.resource_id

    def create(
        self,
        reference: ReferenceSpec | str,
        value: Any,
        glimpse: Any = None,
        *,
        thread_id: str | None = None,
    ) -> dict[str, Any]:
        """Store ``value`` (validated against its kind); return ``{kind, id, glimpse}``.

        The glimpse is ``glimpse`` if given, else the spec's ``glimpse(value)``
        callback's answer, else ``{}``.
        """
        kind = reference if isinstance(reference, str) else getattr(reference, "name", None)
        if not isinstance(kind, str):
            raise TypeError(f"a reference kind is a ReferenceSpec or its name, got {reference!r}")
        declared = self._spec.reference(kind)
        if declared is None:
            known = ", ".join(r.name for r in self._spec.references) or "none"
            raise ValueError(f"unknown reference kind {kind!r} (declared: {known})")
        if glimpse is None and declared.glimpse is not None:
            glimpse = declared.glimpse(value)
        try:
            payload = jsonable(value)
            glimpse = jsonable({} if glimpse is None else glimpse)
        except NotJSONError as exc:
            raise ValueError(f"reference {kind!r} payload or glimpse is not JSON: {exc}") from None
        _, errors = declared.validator.validate(payload)
        if errors:
            raise ValueError(f"payload does not match reference {kind!r}: {'; '.join(errors)}")
        ref_id = f"{kind}-{next(self._ids.setdefault(kind, itertools.count(1)))}"
        stored = StoredReference(kind, ref_id, payload, ttl_ms=declared.ttl_ms, glimpse=glimpse)
        self._store.thread(self._resource_id, thread_id).references[(kind, ref_id)] = stored
        self._scopes[(kind, ref_id)] = thread_id
        return {"kind": kind, "id": ref_id, "glimpse": copy.deepcopy(glimpse)}

    def find(
        self,
        reference: Any,
        *,
        from_thread: str | None = None,
        everywhere: bool = False,
    ) -> StoredReference:
        """The live reference ``{kind, id}`` names: any one if ``everywhere``, else one
        ``from_thread`` sees (its own, then the tenant-wide ones). Raises ``TypeError`` for a
        malformed reference, ``ValueError`` for an unknown or expired one."""
        if not (
            isinstance(reference, Mapping)
            and isinstance(reference.get("kind"), str)
            and isinstance(reference.get("id"), str)
        ):
            raise TypeError(
                f"a reference is a mapping {{'kind': ..., 'id': ...}} (as create_reference returns), got {reference!r}"
            )
        kind, ref_id = reference["kind"], reference["id"]
        stored: StoredReference | None
        if not everywhere:
            stored = self._store.find_reference(self._resource_id, from_thread, kind, ref_id)
        elif (kind, ref_id) in self._scopes:
            stored = self._store.peek(self._resource_id, self._scopes[kind, ref_id]).references.get((kind, ref_id))
        else:
            stored = None
        if stored is None:
            raise ValueError(f"unknown reference {kind}/{ref_id}")
        if stored.expired():
            raise ValueError(f"reference {kind}/{ref_id} expired (ttl {stored.ttl_ms} ms)")
        return stored


class ReferenceClient:
    """``ctx.references`` in a tool handler: the published ``create`` / ``resolve`` / ``glimpse``."""

    __slots__ = ("_book", "_thread_id")

    def __init__(self, book: ReferenceBook, thread_id: str) -> None:
        self._book = book
        self._thread_id = thread_id

    async def create(self, reference: ReferenceSpec | str, value: Any, glimpse: Any = None) -> dict[str, Any]:
        """Store ``value`` tenant-wide; return ``{kind, id, glimpse}`` (as ``Runtime.create_reference``)."""
        return self._book.create(reference, value, glimpse)

    async def resolve(self, reference: Any) -> Any:
        """The full payload of ``{kind, id}`` (a copy)."""
        return copy.deepcopy(self._book.find(reference, from_thread=self._thread_id).payload)

    async def glimpse(self, reference: Any) -> Any:
        """The glimpse stored with ``{kind, id}`` (a copy), without its payload."""
        return copy.deepcopy(self._book.find(reference, from_thread=self._thread_id).glimpse)

    def __repr__(self) -> str:
        return f"ReferenceClient(thread_id={self._thread_id!r})"
