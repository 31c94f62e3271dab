"""What every entry of the construct table has: how it is written, what it means, an example.

``spellings`` say how the construct is written: lower-case words are
keywords, UPPER-CASE words are placeholders explained in ``arguments``. The
language server's hover and completion details are made from these fields
only, so every construct reads the same in the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Construct:
    kind: str
    spellings: tuple[str, ...]
    arguments: dict[str, str]
    summary: str
    example: str

    @property
    def keyword(self) -> str:
        """The word the construct starts with."""
        return self.spellings[0].split()[0]

    @property
    def lead(self) -> str:
        """The keywords before its first placeholder or bracket (``on approval`` of ``on approval TARGET: ...``)."""
        words = []
        for word in self.spellings[0].split():
            if not re.fullmatch(r"[a-z_]+", word):
                break
            words.append(word)
        return " ".join(words)

    @property
    def keywords(self) -> frozenset[str]:
        """Every keyword of its spellings (words outside quotes and regexes that are not placeholders)."""
        bare = re.sub(r'"[^"]*"|/[^/]*/', " ", " ".join(self.spellings))
        return frozenset(w for w in re.findall(r"[A-Za-z_]+", bare) if not w.isupper())

    def hover(self) -> str:
        """Markdown for the language server: the spellings, what it means, its arguments."""
        parts = ["```agentspec\n" + "\n".join(self.spellings) + "\n```", self.summary]
        if self.arguments:
            parts.append("\n".join(f"- `{name}`: {what}" for name, what in self.arguments.items()))
        return "\n\n".join(parts)
