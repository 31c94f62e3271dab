"""The API key never leaves: not in events, traces, failure reports, reprs, dumps, logs or saved event logs.

The runs use a distinctive key (``live_support.KEY``) and a fake that *echoes
it back* in its error message, the worst case; each test first checks that
the key really was sent (the fake saw it in the request headers), so a test
cannot pass because the key was never used. The pytest output of a live run
of generated tests is checked in tests/test_live_specs.py.
"""

from __future__ import annotations

import logging

import pytest

from agentgate import Scenario
from agentspec_runtime.testing.bridge import RuntimeAdapter, events_to_trace
from agentspec_runtime.live.settings import resolve_settings
from agentspec_runtime.testing.runner import failure_report, run_scenario
from fake_providers import Fault, FakeProvider, Replies, ToolUse, Turn
from live_support import KEY, drain, live_runtime, shop

WIRES = ["anthropic", "openai"]


def sent_key(fake: FakeProvider) -> bool:
    headers = [{k.lower(): v for k, v in entry.request.headers.items()} for entry in fake.requests]
    return bool(headers) and all(KEY in (h.get("x-api-key", "") + h.get("authorization", "")) for h in headers)


@pytest.mark.parametrize("wire", WIRES)
def test_the_key_is_in_no_event_trace_report_repr_or_log(wire: str, caplog: pytest.LogCaptureFixture, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AGENTSPEC_EVENT_LOG", str(tmp_path))
    caplog.set_level(logging.DEBUG)  # every logger: the SDKs', httpx's, ours
    echo = Fault(status=401, message=f"invalid x-api-key {KEY}")
    replies = Replies(
        Turn(text="looking", tool_calls=(ToolUse("lookup", {"sku": KEY[:6]}),)),
        Turn(text="done"),
        echo,  # the second run
        echo,  # the scenario's run
    )
    with FakeProvider(wire, replies) as fake:
        runtime = live_runtime(wire, fake, retries=0)
        good = drain(runtime, "first", agent="clerk")
        bad = drain(runtime, "second", agent="clerk")
        scenario = Scenario("leak check", input="third")
        scenario.expect_no_error()
        adapter = RuntimeAdapter(lambda: live_runtime(wire, fake, retries=0), agent="clerk")
        result = run_scenario(scenario, adapter)
        assert sent_key(fake)

    assert [e["type"] for e in good[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
    assert bad[-1]["error"]["message"].endswith("authentication_error: invalid x-api-key *** (after 1 attempt)")
    assert not result.passed
    trace = events_to_trace(good + bad, input="first")
    settings = resolve_settings(wire, runtime.spec.providers[wire])
    outputs = {
        "events": repr(good + bad),
        "trace": trace.model_dump_json() if hasattr(trace, "model_dump_json") else repr(trace),
        "failure report": failure_report(result, "here:1"),
        "result": repr(result),
        "runtime": repr(runtime) + repr(runtime.__dict__),
        "interpreter": repr(runtime.interpreter_instance) + repr(vars(runtime.interpreter_instance)),
        "spec": repr(runtime.spec) + runtime.spec.model_dump_json(by_alias=True),
        "provider": repr(runtime.spec.providers[wire]) + str(runtime.spec.providers[wire].model_dump()),
        "settings": repr(settings) + str(settings),
        "logs": caplog.text + repr([r.args for r in caplog.records]),
        "event logs": "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file()),
    }
    assert "invalid x-api-key ***" in outputs["failure report"]
    assert caplog.records, "nothing was logged: the log check would be vacuous"
    leaks = [where for where, text in outputs.items() if KEY in text]
    assert leaks == []


def test_a_key_from_the_environment_is_hidden_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_KEY", KEY)
    spec = shop("anthropic", api_key=None, api_key_env="SHOP_KEY")
    settings = resolve_settings("anthropic", spec.providers["anthropic"])
    assert settings.api_key.reveal() == KEY
    assert KEY not in repr(settings) + str(settings.api_key) + f"{settings.api_key}"
    assert settings.redact(f"echo {KEY}!") == "echo ***!"
