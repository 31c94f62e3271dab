"""Provider faults, injected by the local fakes: each ends the run with a clear ``error`` event.

The message names the provider, the HTTP status and the request id (the fake
numbers its requests ``req_fake_0001``, ``-0002``, …), and says how many
attempts were made; retried faults show up as extra requests at the fake.
Nothing hangs: every run is bounded (``live_support.drain``), and the timings
are printed by ``bench/live_faults.py``, not asserted here.
"""

from __future__ import annotations

import pytest

from fake_providers import Fault, FakeProvider, Replies, Turn, always, unused_port
from live_support import KEY, drain, live_runtime, of_type

WIRES = ["anthropic", "openai"]


def error_of(events: list[dict]) -> dict:
    assert events[-1]["type"] == "error", events[-1]
    assert "Traceback" not in events[-1]["error"]["message"]
    return events[-1]["error"]


@pytest.mark.parametrize("wire", WIRES)
def test_rate_limits_are_retried_until_the_call_succeeds(wire: str) -> None:
    replies = Replies(Fault(status=429, message="slow down"), Fault(status=529 if wire == "anthropic" else 503), Turn(text="fine"))
    with FakeProvider(wire, replies) as fake:
        events = drain(live_runtime(wire, fake, retries=2), "hi", agent="clerk")
    assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
    assert fake.statuses[:2] in ([429, 529], [429, 503]) and fake.statuses[2] == 200


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("status", [429, 500])
def test_a_fault_that_never_ends_fails_after_the_retries_naming_status_and_request_id(wire: str, status: int) -> None:
    with FakeProvider(wire, always(Fault(status=status, message="still failing"))) as fake:
        events = drain(live_runtime(wire, fake, retries=2), "hi", agent="clerk")
    error = error_of(events)
    assert fake.statuses == [status] * 3
    assert error["code"] == "provider_error"
    kind = "rate_limit_error" if status == 429 else "api_error"
    assert error["message"] == (
        f"{wire} API, HTTP {status}, request id req_fake_0003: {kind}: still failing (after 3 attempts)"
    )


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    "status, message",
    [(400, "prompt refused"), (401, "invalid x-api-key"), (403, "not allowed"), (404, "model: claude-nope not found")],
    ids=["refused", "bad-key", "forbidden", "unknown-model"],
)
def test_a_request_the_provider_refuses_is_not_retried(wire: str, status: int, message: str) -> None:
    with FakeProvider(wire, always(Fault(status=status, message=message))) as fake:
        events = drain(live_runtime(wire, fake, retries=3), "hi", agent="clerk")
    error = error_of(events)
    assert fake.statuses == [status]
    assert f"HTTP {status}, request id req_fake_0001" in error["message"]
    assert message in error["message"] and "(after 1 attempt)" in error["message"]


@pytest.mark.parametrize("wire", WIRES)
def test_a_response_slower_than_the_timeout_is_retried_then_fails(wire: str) -> None:
    with FakeProvider(wire, always(Fault(delay=2.0, then=Turn(text="too late")))) as fake:
        events = drain(live_runtime(wire, fake, timeout=0.2, retries=1), "hi", agent="clerk")
    error = error_of(events)
    assert error["code"] == "provider_timeout"
    assert error["message"] == f"{wire} API, request id unknown: no answer within 0.2 s (after 2 attempts)"


@pytest.mark.parametrize("wire", WIRES)
def test_a_stream_cut_after_text_was_streamed_fails_without_a_retry(wire: str) -> None:
    cut = Fault(cut_after=4, then=Turn(text="a long answer that will not finish"))
    with FakeProvider(wire, always(cut)) as fake:
        events = drain(live_runtime(wire, fake, retries=2), "hi", agent="clerk")
    error = error_of(events)
    assert error["code"] == "provider_stream_cut"
    assert of_type(events, "text"), "some text was streamed before the cut"
    assert len(fake.requests) == 1  # what was streamed cannot be taken back, so no retry
    assert error["message"].startswith(f"{wire} API, request id ")


@pytest.mark.parametrize("wire", WIRES)
def test_a_stream_cut_before_any_text_is_retried(wire: str) -> None:
    replies = Replies(Fault(cut_after=1, then=Turn(text="first try")), Turn(text="second try"))
    with FakeProvider(wire, replies) as fake:
        events = drain(live_runtime(wire, fake, retries=2), "hi", agent="clerk")
    assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
    assert "".join(e["text"] for e in of_type(events, "text")) == "second try"
    assert len(fake.requests) == 2


@pytest.mark.parametrize("wire", WIRES)
def test_a_refused_connection_fails_after_the_retries(wire: str) -> None:
    class Nowhere:
        base_url = f"http://127.0.0.1:{unused_port()}" + ("/v1" if wire == "openai" else "")

    events = drain(live_runtime(wire, Nowhere(), retries=1), "hi", agent="clerk")
    error = error_of(events)
    assert error["code"] == "provider_unreachable"
    assert error["message"].startswith(f"{wire} API, request id unknown: cannot connect: ")
    assert error["message"].endswith("(after 2 attempts)")


@pytest.mark.parametrize("wire", WIRES)
def test_a_missing_key_names_the_variable_to_set(wire: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentspec_runtime import create_runtime
    from agentspec_runtime.live import live_interpreter
    from live_support import shop

    monkeypatch.delenv("SHOP_KEY", raising=False)
    spec = shop(wire, api_key=None, api_key_env="SHOP_KEY")
    with FakeProvider(wire, always(Turn(text="unused"))) as fake:
        runtime = create_runtime(spec, interpreter=live_interpreter(wire))
        events = drain(runtime, "hi", agent="clerk")
    assert error_of(events) == {
        "message": f"provider {wire!r}: no API key: environment variable SHOP_KEY is not set",
        "code": "provider_config",
    }
    assert fake.requests == []


@pytest.mark.parametrize("wire", WIRES)
def test_a_routed_agents_failure_is_its_callers_tool_error_and_the_stream_goes_on(wire: str) -> None:
    def responder(request):
        if request.system.startswith("Route"):
            if not request.tool_results:
                from fake_providers import ToolUse

                return Turn(tool_calls=(ToolUse("call_agent", {"agent": "clerk", "prompt": "Stock?"}),))
            return Turn(text="The clerk is unavailable.")
        return Fault(status=500, message="clerk model down")

    with FakeProvider(wire, responder) as fake:
        events = drain(live_runtime(wire, fake, retries=0), "Stock?")
    result = of_type(events, "tool-invocation")[-1]["result"]
    assert result["code"] == "provider_error"
    assert "HTTP 500" in result["error"] and "clerk model down" in result["error"]
    assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
    assert KEY not in repr(events)
