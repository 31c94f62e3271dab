"""Where a live interpreter sends its requests: one provider's resolved settings.

Resolved from the spec's provider declaration (``provider anthropic { ... }`` /
``define_provider``) and the environment, in this order:

* API key — the declaration's literal ``api_key``, else the environment
  variable its ``api_key_env`` names, else the provider's standard variable
  (``ANTHROPIC_API_KEY`` / ``OPENAI_API_KEY``);
* base URL — the declaration's ``base_url``, else the SDK's standard variable
  (``ANTHROPIC_BASE_URL`` / ``OPENAI_BASE_URL``), else the SDK's default;
* timeout (seconds per request) and retries — the declaration's, else
  :data:`DEFAULT_TIMEOUT` / :data:`DEFAULT_RETRIES`.

The key is held in :class:`Secret`, whose ``repr``/``str`` never show it, so
printing settings, an interpreter or a runtime cannot leak it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

#: Seconds one request may take (for a stream: between two chunks) before it is retried.
DEFAULT_TIMEOUT = 60.0
#: How often a rate-limited (429), overloaded or failed (5xx) request is retried.
DEFAULT_RETRIES = 2

KEY_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
BASE_URL_ENV = {"anthropic": "ANTHROPIC_BASE_URL", "openai": "OPENAI_BASE_URL"}


class Secret:
    """A string that never shows itself in reprs, logs or messages."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the secret replaced by ``***``."""
        return text.replace(self._value, "***") if self._value else text

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class ProviderConfigError(Exception):
    """The provider cannot be called as configured (no key, bad setting)."""


@dataclass(frozen=True)
class ProviderSettings:
    provider: str
    api_key: Secret
    base_url: str | None
    timeout: float
    retries: int

    def redact(self, text: str) -> str:
        return self.api_key.redact(text)


def resolve_settings(
    provider: str, declared: Any = None, environ: Mapping[str, str] | None = None
) -> ProviderSettings:
    """Settings for ``provider`` from its declaration (a ``ProviderSpec`` or ``None``) and the environment.

    Raises :class:`ProviderConfigError` naming what to set when there is no key.
    """
    env = os.environ if environ is None else environ
    literal = getattr(declared, "api_key", None)
    key_env = getattr(declared, "api_key_env", None) or KEY_ENV[provider]
    key = literal or env.get(key_env) or ""
    if not key:
        where = (
            f"environment variable {key_env} is not set"
            if getattr(declared, "api_key_env", None)
            else f"the spec's provider {provider!r} has no api_key and environment variable {key_env} is not set"
        )
        raise ProviderConfigError(f"provider {provider!r}: no API key: {where}")
    base_url = getattr(declared, "base_url", None) or env.get(BASE_URL_ENV[provider]) or None
    timeout = getattr(declared, "timeout", None)
    retries = getattr(declared, "retries", None)
    return ProviderSettings(
        provider=provider,
        api_key=Secret(key),
        base_url=base_url,
        timeout=DEFAULT_TIMEOUT if timeout is None else float(timeout),
        retries=DEFAULT_RETRIES if retries is None else int(retries),
    )
