"""The HTTP transport the SDK clients share.

Each model call builds its SDK client inside the running event loop (the
runtime may be driven by a new loop per run, and an HTTP client belongs to the
loop that made it). Building a TLS context costs ~0.1 s — more than a call to
a local fake takes — so one context is made per process and every client's
transport is built on it.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any


@functools.cache
def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def http_client(sdk: Any) -> Any:
    """The SDK's own default async httpx client, on the shared TLS context."""
    return sdk.DefaultAsyncHttpxClient(verify=tls_context())
