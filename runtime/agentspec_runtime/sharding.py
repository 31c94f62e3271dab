"""``--agentspec-shard I/N``: which tests one of N CI machines runs.

A test belongs to shard ``1 + sha256(node id) mod N``. The node id alone
decides, so the choice is the same on every machine, Python and run order,
an item stays on its shard when others are added or removed, the N shards
are disjoint and together hold every test. (Python's ``hash()`` is salted
per process, so it would not do.)
"""

from __future__ import annotations

import hashlib
import re

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)``; ``ValueError`` with a message for anything else."""
    match = _SHARD.fullmatch(text)
    if match is None:
        raise ValueError(f"--agentspec-shard takes I/N (such as 2/4), not {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ValueError(f"--agentspec-shard {text}: I must be between 1 and N")
    return index, count


def shard_of(node_id: str, count: int) -> int:
    """The shard (1..count) the test with ``node_id`` belongs to."""
    digest = hashlib.sha256(node_id.encode("utf-8", "surrogatepass")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count
