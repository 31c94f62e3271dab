"""The starter project ``agentspec init`` writes: a spec, an app module with one
handler, a unit test of the handler, and the pyproject settings that make the
app importable for ``agentspec check`` and for pytest.

Paths are relative to the project directory. The spec's scenario and the unit
test both pass as written (tests/test_init.py runs check, compile and pytest on
a fresh project).
"""

from __future__ import annotations

SPEC = "specs/desk.agentspec"
APP_PACKAGE = "desk_app"

FILES: dict[str, str] = {
    SPEC: '''\
# desk.agentspec: a help desk routes order questions to a specialist, who looks
# the order up with a real handler (desk_app/tools.py) before answering.
# The language: https://github.com/agentspec/agentspec/blob/main/docs/language.md

tenant desk version "v1"

provider anthropic {
  api_key_env "ANTHROPIC_API_KEY"  # only live runs need it; the scenarios below run scripted
}

tool lookup_order(order_id: str) {
  description "Find an order's status by its id"
  approval never  # reading an order needs no human
  handler "desk_app.tools:lookup_order"
}

coordinator front_desk {
  model "claude-sonnet-4-6"
  prompt "Route every question about an order to the orders specialist."
  routes [orders]
}

specialist orders {
  model "claude-haiku-4-5"
  prompt "Look the order up before you say anything about it."
  tools [lookup_order]
}

scenario "An order's status is looked up before it is reported" {
  input "Where is my order A-1?"
  via front_desk
  run {
    call orders {
      lookup_order(order_id: "A-1")
    }
  }
  expect {
    tool_call lookup_order(order_id: "A-1") times 1
    output contains "shipped"
    no_error
  }
}

scenario "An unknown order is not guessed at" {
  input "Where is my order Z-9?"
  agent orders
  run {
    lookup_order(order_id: "Z-9")
  }
  expect {
    tool_call lookup_order(order_id: "Z-9")
    output not_contains "shipped"
  }
}
''',
    f"{APP_PACKAGE}/__init__.py": '''\
"""The application the specs in specs/ describe and test."""
''',
    f"{APP_PACKAGE}/tools.py": '''\
"""Tool handlers: ``async def handler(args, ctx)``, as the harness calls them."""

from __future__ import annotations

from typing import Any

ORDERS = {"A-1": "shipped", "A-2": "packing"}


async def lookup_order(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """The status of one order; ``unknown`` for an id we have never seen."""
    order_id = args["order_id"]
    return {"order_id": order_id, "status": ORDERS.get(order_id, "unknown")}
''',
    f"tests/test_{APP_PACKAGE}.py": '''\
"""The handler on its own, without the harness."""

import asyncio

from desk_app.tools import lookup_order


def test_a_known_order_has_its_status() -> None:
    assert asyncio.run(lookup_order({"order_id": "A-1"}, None)) == {"order_id": "A-1", "status": "shipped"}


def test_an_unknown_order_is_unknown() -> None:
    assert asyncio.run(lookup_order({"order_id": "Z-9"}, None))["status"] == "unknown"
''',
}

#: What ``init`` adds to pyproject.toml (a new one gets both tables; an existing one
#: gets each table it does not have yet).
AGENTSPEC_TABLE = '''\
[tool.agentspec]
# where `agentspec check` looks up the specs' "package.module:attribute" paths
pythonpath = ["."]
'''
PYTEST_TABLE = '''\
[tool.pytest.ini_options]
# the app is importable from the project root; generated/ is what `agentspec compile` writes
pythonpath = ["."]
testpaths = ["tests", "generated"]
'''

NEXT_STEPS = """\
next:
  agentspec check specs
  agentspec compile specs -o generated
  python -m pytest
or run the specs directly, nothing compiled:
  python -m pytest specs
"""
