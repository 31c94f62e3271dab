"""agentspec_runtime — a pure-Python agent harness (placeholder; see issue 2)."""
