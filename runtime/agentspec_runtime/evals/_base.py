"""The base model every eval DTO shares: camelCase wire keys, frozen, strict.

``model_dump(by_alias=True, mode="json")`` gives the published wire shape;
Python code may use either the snake_case field names or the camelCase keys.
Unknown keys are rejected, so a misspelled field is an error, not a default.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class EvalModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="forbid",
        hide_input_in_errors=True,
    )


def wire(value: Any) -> Any:
    """A model's wire dict; anything else unchanged."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, mode="json")
    return value
