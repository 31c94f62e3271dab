"""A tiny inventory back end used by specs/inventory.agentspec."""
