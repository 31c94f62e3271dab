"""Python's cycle collector paused while a large graph of objects that all live on is built.

A parse, or unpickling a stored spec unit, allocates tens of thousands of
objects (tokens, trees, nodes, lowered IR) that survive; with the collector
on, every 700 allocations start a collection that walks them again, and the
older generations (everything loaded before) now and then with them. Paused,
they are walked once, by the first collection after. Reference counting
still frees everything else as usual.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside, as it was before afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
