"""``TaggedUnion``: a pydantic discriminated union over a tag field.

Plans whose actions come in several shapes describe each shape as a model and
join them with ``TaggedUnion(A, B)``; pydantic then picks the model from the
tag (``kind`` by default) and the exported JSON schema carries a
``discriminator``. A model declares its tag either as ``Literal["a"]`` or, as a
shorthand, as a ``str`` field whose default is the tag.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field, create_model


def _literal_tags(annotation: Any) -> tuple[Any, ...]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _literal_tags(get_args(annotation)[0])
    return get_args(annotation) if origin is Literal else ()


def _tag_of(model: type[BaseModel], field_name: str) -> str:
    field = model.model_fields.get(field_name)
    if field is None:
        raise ValueError(f"{model.__name__} is missing discriminator field `{field_name}`")
    tags = _literal_tags(field.annotation)
    if tags:
        if len(tags) == 1 and isinstance(tags[0], str) and tags[0]:
            return tags[0]
        raise ValueError(f"{model.__name__}.{field_name} must be a single non-empty string Literal")
    if isinstance(field.default, str) and field.default:
        return field.default
    raise ValueError(
        f"{model.__name__}.{field_name} must be a string Literal or have a non-empty string default"
    )


def _with_literal_tag(model: type[BaseModel], field_name: str, tag: str) -> type[BaseModel]:
    """``model`` itself if its tag is already a Literal, else a subclass that makes it one."""
    if _literal_tags(model.model_fields[field_name].annotation) == (tag,):
        return model
    variant = create_model(
        model.__name__,
        __base__=model,
        __module__=model.__module__,
        **{field_name: (Literal[tag], ...)},  # type: ignore[valid-type]
    )
    variant.__qualname__ = model.__qualname__
    return variant


def TaggedUnion(*models: type[BaseModel], discriminator: str = "kind") -> Any:
    """An ``Annotated`` union of ``models`` discriminated by the ``discriminator`` field.

    Raises ``ValueError`` for fewer than two models, a model without the field
    or with a tag that is not a single non-empty string, and two models with
    the same tag; ``TypeError`` for something that is not a pydantic model.
    """
    if len(models) < 2:
        raise ValueError("TaggedUnion requires at least two Pydantic models")
    owners: dict[str, type[BaseModel]] = {}
    variants: list[type[BaseModel]] = []
    for model in models:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError("TaggedUnion variants must be Pydantic BaseModel classes")
        tag = _tag_of(model, discriminator)
        if tag in owners:
            raise ValueError(
                f"duplicate discriminator value `{tag}` for {owners[tag].__name__} and {model.__name__}"
            )
        owners[tag] = model
        variants.append(_with_literal_tag(model, discriminator, tag))
    return Annotated[functools.reduce(operator.or_, variants), Field(discriminator=discriminator)]
