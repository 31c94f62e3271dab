"""How wide a line of generated code is, counted as black counts it.

black measures a line in terminal columns: an East Asian wide or fullwidth
character takes two, everything else one. This module answers the same
without importing black (the compiler does not depend on it; a test compares
the two over every character that can appear unescaped in the output).

Where Unicode's East Asian Width property is not the whole story:

* combining marks (categories Mn, Mc, Me) and the emoji skin-tone modifiers
  U+1F3FB..U+1F3FF attach to the character before them: one column, even
  where the property says wide;
* Unicode 16 made the trigram, digram, hexagram and Tai Xuan Jing symbols
  wide; older Unicode databases (Python 3.11's is 14.0) still say neutral.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_NOT_WIDE = ((0x1F3FB, 0x1F3FF),)
_WIDE_SINCE_UNICODE_16 = (
    (0x2630, 0x2637),
    (0x268A, 0x268F),
    (0x4DC0, 0x4DFF),
    (0x1D300, 0x1D356),
    (0x1D360, 0x1D376),
)


def str_width(text: str) -> int:
    """Columns ``text`` takes on one line."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    code = ord(ch)
    if code < 0x1100:  # nothing below the Hangul Jamo is wide
        return 1
    if any(low <= code <= high for low, high in _WIDE_SINCE_UNICODE_16):
        return 2
    if any(low <= code <= high for low, high in _NOT_WIDE) or unicodedata.category(ch) in ("Mn", "Mc", "Me"):
        return 1
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
