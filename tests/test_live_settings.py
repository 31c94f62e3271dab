"""Choosing and configuring a live interpreter: provider settings, live mode, the SDK extras."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agentspec_runtime import create_runtime
from agentspec_runtime.live import selection
from agentspec_runtime.live.settings import DEFAULT_RETRIES, DEFAULT_TIMEOUT, ProviderConfigError, resolve_settings
from codegen_support import imported
from live_support import KEY, shop
from test_codegen_output import compile_here

SPEC = """\
tenant acme version "v1"
provider anthropic {
  api_key_env "ACME_KEY"
  base_url "http://127.0.0.1:8123"
  timeout 2.5s
  retries 4
}
specialist clerk { model "claude-haiku-4-5" prompt "Count." }
scenario "s" { input "hi" agent clerk expect { no_error } }
"""


def test_provider_settings_in_a_spec_reach_the_live_interpreter(tmp_path: Path) -> None:
    (tmp_path / "p.agentspec").write_text(SPEC, encoding="utf-8")
    out = compile_here(tmp_path, "p.agentspec")
    with imported(out, "p_runtime") as (module,):
        declared = module.RUNTIME_SPEC.providers["anthropic"]
    settings = resolve_settings("anthropic", declared, {"ACME_KEY": KEY, "ANTHROPIC_BASE_URL": "http://ignored"})
    assert (settings.base_url, settings.timeout, settings.retries) == ("http://127.0.0.1:8123", 2.5, 4)
    assert settings.api_key.reveal() == KEY


def test_without_settings_the_sdk_variables_and_defaults_apply() -> None:
    declared = shop("openai", api_key=None).providers["openai"]
    settings = resolve_settings("openai", declared, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert (settings.base_url, settings.timeout, settings.retries) == ("http://127.0.0.1:9/v1", DEFAULT_TIMEOUT, DEFAULT_RETRIES)
    assert resolve_settings("openai", None, {"OPENAI_API_KEY": "k"}).base_url is None
    with pytest.raises(ProviderConfigError, match="the spec's provider 'openai' has no api_key and environment variable OPENAI_API_KEY is not set"):
        resolve_settings("openai", declared, {})


def test_the_key_is_never_in_a_providers_dump_or_repr() -> None:
    declared = shop("anthropic").providers["anthropic"]
    assert declared.api_key == KEY
    assert KEY not in repr(declared) + str(declared.model_dump()) + declared.model_dump_json(by_alias=True)


def test_live_mode_comes_from_the_option_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(selection.INTERPRETER_ENV, raising=False)
    monkeypatch.delenv(selection.CONCURRENCY_ENV, raising=False)
    selection.choose()
    try:
        assert selection.live_or(interpreter="scripted") == {"interpreter": "scripted"}
        assert selection.concurrency() == selection.DEFAULT_CONCURRENCY
        monkeypatch.setenv(selection.INTERPRETER_ENV, "openai")
        monkeypatch.setenv(selection.CONCURRENCY_ENV, "7")
        assert selection.live_or(testing={"mock_response": "hi"}) == {"interpreter": "openai"}
        assert selection.concurrency() == 7
        selection.choose(interpreter="anthropic", concurrency=2)  # what the pytest options do
        assert selection.live_or() == {"interpreter": "anthropic"}
        assert selection.concurrency() == 2
        selection.choose(interpreter="scripted")
        assert selection.live_or(interpreter="scripted") == {"interpreter": "scripted"}
        monkeypatch.setenv(selection.CONCURRENCY_ENV, "0")
        selection.choose()
        with pytest.raises(ValueError, match="AGENTSPEC_CONCURRENCY='0' must be a whole number of at least 1"):
            selection.concurrency()
    finally:
        selection.choose()


def test_live_interpreters_are_chosen_by_name() -> None:
    runtime = create_runtime(shop("openai"), interpreter="openai")
    assert runtime.interpreter == "openai"
    assert KEY not in repr(runtime.interpreter_instance)


CHECK_WITHOUT_SDKS = """
import sys
sys.modules["anthropic"] = None  # as if the extra were not installed
sys.modules["openai"] = None
import agentspec_runtime
from agentspec_runtime import create_runtime, define_runtime, define_specialist, define_tenant
spec = define_runtime(tenant=define_tenant("t", "v1"), providers=["anthropic"],
                      agents=[define_specialist("s", model="claude-haiku-4-5", prompt="p")])
create_runtime(spec, interpreter="scripted")  # the runtime works
try:
    create_runtime(spec, interpreter="anthropic")
except ImportError as exc:
    print(type(exc).__name__, exc)
"""


def test_without_the_sdks_the_runtime_works_and_a_live_interpreter_names_the_extra() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK_WITHOUT_SDKS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "MissingExtra interpreter 'anthropic' needs the official 'anthropic' SDK, which is not installed; "
        "install it with: pip install 'agentspec-runtime[anthropic]'"
    )


def test_importing_the_runtime_imports_no_sdk() -> None:
    code = "import agentspec_runtime, agentspec_runtime.pytest_plugin, sys; print(sorted(m for m in ('anthropic', 'openai', 'httpx2') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr
