"""A tiny flight-booking back end used by specs/travel.agentspec and specs/common.agentspec."""
