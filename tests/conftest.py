"""Suite-wide settings: deterministic property tests, isolated caches."""

from pathlib import Path

import pytest
from hypothesis import settings

# tests/data holds spec files for the tests to read, many deliberately wrong: with the
# agentspec pytest plugin installed, `pytest tests` would otherwise collect them as scenarios.
collect_ignore = ["data"]

# The same examples on every run and machine, and no per-example time limit:
# a property test fails in CI only for a real counterexample, never by luck or load.
settings.register_profile("agentspec", derandomize=True, deadline=None)
settings.load_profile("agentspec")


@pytest.fixture(autouse=True)
def isolated_compile_cache(tmp_path_factory, monkeypatch) -> Path:
    """Compile records and black results (agentspec.cache) go to a fresh
    directory per test, never to ~/.cache: no test sees another's compiles."""
    directory = tmp_path_factory.mktemp("compile-cache")
    monkeypatch.setenv("AGENTSPEC_CACHE_DIR", str(directory))
    monkeypatch.delenv("AGENTSPEC_NO_CACHE", raising=False)
    return directory
