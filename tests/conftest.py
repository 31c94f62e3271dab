"""Suite-wide test isolation."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_compile_cache(tmp_path_factory, monkeypatch) -> Path:
    """Compile records and black results (agentspec.manifest) go to a fresh
    directory per test, never to ~/.cache: no test sees another's compiles."""
    directory = tmp_path_factory.mktemp("compile-cache")
    monkeypatch.setenv("AGENTSPEC_CACHE_DIR", str(directory))
    monkeypatch.delenv("AGENTSPEC_NO_CACHE", raising=False)
    return directory
