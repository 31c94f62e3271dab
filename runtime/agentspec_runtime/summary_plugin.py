"""pytest plugin (entry point ``pytest11``): save event logs, and sum up live runs.

* ``--agentspec-event-log DIR`` saves every scenario's runs as event logs
  (the same as ``AGENTSPEC_EVENT_LOG=DIR``; see ``eventlog``), for
  ``agentspec record --from``.
* In a live run (a live interpreter selected), or whenever
  ``--agentspec-summary PATH`` / ``AGENTSPEC_SUMMARY`` asks for it, the
  terminal summary shows per scenario the pass rate, tokens, estimated cost
  and latency p50/p95 (``live_summary``), and the same figures are written as
  JSON to PATH (default ``agentspec-live-summary.json``). Scripted runs use no
  model, so they print nothing unless asked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import eventlog, live_summary

LIVE_INTERPRETERS = ("anthropic", "openai")


def _live() -> bool:
    try:
        from .live.selection import is_live  # the live interpreters' own notion, when installed
    except ImportError:
        return os.environ.get("AGENTSPEC_INTERPRETER", "").strip().lower() in LIVE_INTERPRETERS
    return is_live()


def pytest_addoption(parser) -> None:
    group = parser.getgroup("agentspec", "agentspec")
    group.addoption(
        "--agentspec-event-log", metavar="DIR", default=None,
        help="save each scenario's runs as JSON-lines event logs in DIR (for `agentspec record --from`)",
    )
    group.addoption(
        "--agentspec-summary", metavar="PATH", default=None,
        help=f"write the live-run summary (pass rate, tokens, cost, latency) as JSON to PATH "
        f"(default in live runs: {live_summary.DEFAULT_SUMMARY_PATH})",
    )


def _summary_path(config) -> str | None:
    return config.getoption("agentspec_summary") or os.environ.get(live_summary.SUMMARY_ENV) or None


# (pytest itself is not imported here: it pulls in pygments, which the runtime must not need)


def pytest_configure(config) -> None:
    directory = config.getoption("agentspec_event_log")
    if directory:
        os.environ[eventlog.ENV_VAR] = str(Path(directory).resolve())
    live_summary.start()  # cheap; whether the summary is wanted is known once every plugin is configured


def _wanted(config) -> bool:
    return _live() or bool(_summary_path(config))


def pytest_collection_finish(session) -> None:
    # every option and conftest is known now: a session that will show no summary (a scripted run
    # that did not ask for one) keeps no results, instead of every scenario's events until the end
    if not _wanted(session.config):
        live_summary.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _wanted(config):
        return
    figures = live_summary.collected()
    if not figures:
        return
    terminalreporter.section("agentspec live summary")
    try:
        prices = live_summary.load_prices()
    except live_summary.PriceTableError as exc:
        terminalreporter.write_line(f"error: {exc}; using the default prices")
        prices = dict(live_summary.DEFAULT_PRICES)
    data = live_summary.summary(figures, prices)
    for line in live_summary.render(data):
        terminalreporter.write_line(line)
    path = Path(_summary_path(config) or live_summary.DEFAULT_SUMMARY_PATH)
    try:
        eventlog.write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        terminalreporter.write_line(f"error: cannot write {path}: {exc.strerror or exc}")
    else:
        terminalreporter.write_line(f"summary written to {path}")
