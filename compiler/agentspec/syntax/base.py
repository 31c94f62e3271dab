"""What every syntax node is (``Node``) and where it came from (``Span``).

Apart from the rest of the tree so that what needs only positions —
diagnostics above all, and the compiler's cached results, which hold them —
can be loaded without defining the hundred-odd node classes of ``nodes``
(about 20 ms of a process start). ``nodes`` re-exports both.
"""

from __future__ import annotations

from dataclasses import dataclass


class Node:
    """Every node: a dataclass of keyword-only fields (``@dataclass(kw_only=True)``).

    Plain dataclasses rather than validating models: the tree builder is the
    only producer and builds each node from values of the right type, and a
    parse builds tens of thousands of them (validation, and a model's class
    set-up on import, cost more than the parse itself).
    """


@dataclass(kw_only=True)
class Span(Node):
    """Where a node came from. Lines and columns are 1-based (as editors show
    them); ``start``/``end`` are 0-based character offsets, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end
