"""TaggedUnion, glimpse and layered_prompt: published harness helpers (issue 10), written for this runtime."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import agentspec_runtime
from agentspec_runtime import LayeredPrompt, TaggedUnion, glimpse, layered_prompt


class Reorder(BaseModel):
    kind: str = "reorder"
    sku: str


class Hold(BaseModel):
    kind: Literal["hold"]
    sku: str
    days: int = 1


def test_tagged_union_picks_the_model_by_its_tag_either_way_it_is_declared() -> None:
    adapter = TypeAdapter(TaggedUnion(Reorder, Hold))
    assert isinstance(adapter.validate_python({"kind": "reorder", "sku": "A"}), Reorder)
    held = adapter.validate_python({"kind": "hold", "sku": "B"})
    assert isinstance(held, Hold) and held.days == 1
    with pytest.raises(ValidationError, match="reorder"):
        adapter.validate_python({"kind": "sell", "sku": "C"})
    assert "discriminator" in json.dumps(adapter.json_schema())


def test_tagged_union_refuses_what_cannot_be_told_apart() -> None:
    class Other(BaseModel):
        kind: str = "reorder"

    class Untagged(BaseModel):
        sku: str

    with pytest.raises(ValueError, match="duplicate discriminator value `reorder`"):
        TaggedUnion(Reorder, Other)
    with pytest.raises(ValueError, match="missing discriminator field `kind`"):
        TaggedUnion(Reorder, Untagged)
    with pytest.raises(ValueError, match="at least two"):
        TaggedUnion(Reorder)
    with pytest.raises(TypeError, match="Pydantic BaseModel"):
        TaggedUnion(Reorder, dict)  # type: ignore[arg-type]


def test_glimpse_keeps_mappings_summarises_sequences_and_wraps_the_rest() -> None:
    assert glimpse({"count": 2, "tags": ("a", "b")}) == {"count": 2, "tags": ["a", "b"]}
    assert glimpse([1, 2, 3, 4], max_items=2) == {"count": 4, "sample": [1, 2]}
    assert glimpse(Reorder(sku="A")) == {"kind": "reorder", "sku": "A"}
    assert glimpse("text") == {"value": "text"}
    with pytest.raises(ValueError, match="non-negative"):
        glimpse([], max_items=-1)


def test_layered_prompt_renders_non_empty_layers_in_order_with_a_fingerprint() -> None:
    prompt = layered_prompt(
        identity="You plan restocks.",
        operational_rules=["Check stock first.", "Never order twice."],
        tools=[{"name": "lookup", "description": "Stock of a SKU", "approval": "never"}, "order"],
        domain_knowledge={"warehouses": ["north"], "currency": "EUR"},
    )
    assert isinstance(prompt, LayeredPrompt) and str(prompt) == prompt.text
    assert prompt.text == (
        "# Identity\nYou plan restocks.\n\n"
        "# Operational Rules\n- Check stock first.\n- Never order twice.\n\n"
        "# Tools\n| Tool | Description | Approval |\n| --- | --- | --- |\n"
        "| lookup | Stock of a SKU | never |\n| order |  |  |\n\n"
        '# Domain Knowledge\n```json\n{\n  "currency": "EUR",\n  "warehouses": [\n    "north"\n  ]\n}\n```'
    )
    assert prompt.cache_key == hashlib.sha256(prompt.text.encode()).hexdigest()
    with pytest.raises(TypeError, match="identity must be a string"):
        layered_prompt(identity=3)


def test_the_recorded_public_names_include_these_helpers() -> None:
    from pathlib import Path

    names_file = Path(__file__).parent / "data" / "flowai_harness_public_names.txt"
    lines = names_file.read_text(encoding="utf-8").splitlines()
    names = {line for line in lines if line and not line.startswith("#")}
    assert "0.1.0a1" in lines[2] and "f5feaa79" in lines[3]
    assert {"TaggedUnion", "glimpse", "layered_prompt", "LayeredPrompt"} <= names
    assert {"TaggedUnion", "glimpse", "layered_prompt", "LayeredPrompt"} <= set(agentspec_runtime.__all__)


def test_augment_prompt_tools_is_importable_by_its_published_name_and_existing_rows_win() -> None:
    from agentspec_runtime.prompts import augment_prompt_tools

    base = layered_prompt(identity="You help.", tools=[{"name": "find", "description": "Ours", "approval": "never"}])
    merged = augment_prompt_tools(base.text, [{"name": "find", "description": "Theirs"}, {"name": "add", "description": "Adds"}])

    assert isinstance(merged, LayeredPrompt)
    assert "| find | Ours | never |" in merged.text and "Theirs" not in merged.text
    assert merged.text.index("| add |") < merged.text.index("| find |")  # rows sorted by name
    assert merged.cache_key == hashlib.sha256(merged.text.encode()).hexdigest()
