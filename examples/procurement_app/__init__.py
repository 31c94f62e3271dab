"""A tiny purchasing back end used by specs/procurement.agentspec."""
