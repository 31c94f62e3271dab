"""Quick fixes the checker attaches to its diagnostics, as edits of the source.

Each builds the one edit a hint describes ("add `cancel_booking` to the
`tools` of `booker`", "remove one of them"), computed from the syntax tree's
spans, so an editor can apply it without reading the hint's prose. The edits
keep the formatter's layout (``tools [a, b]``, one setting per line, two
spaces in).
"""

from __future__ import annotations

from agentspec.diagnostics import Fix, TextEdit, insert_fix, span_at
from agentspec.loader import Program
from agentspec.symbols import Symbol
from agentspec.syntax import nodes

INDENT = "  "


def add_to_list(program: Program, agent: Symbol, key: str, name: str) -> Fix:
    """Add ``name`` to the ``key`` list (``tools``, ``routes``) of ``agent``, writing the list if it has none."""
    source = program.sources.get(agent.path, "")
    decl = agent.decl
    title = f"Add `{name}` to the `{key}` of `{agent.name}`"
    listed: list[nodes.Ident] = getattr(decl, key)
    setting = decl.settings.get(key)
    if setting is not None:
        if listed:
            return insert_fix(title, agent.path, source, listed[-1].span.end, f", {name}")
        bracket = source.rfind("]", setting.start, setting.end)
        return insert_fix(title, agent.path, source, bracket, name)
    return add_setting(title, agent.path, source, decl.span, f"{key} [{name}]")


def add_setting(title: str, path: str, source: str, block: nodes.Span, setting: str) -> Fix:
    """Add the line ``setting`` at the end of the block spanning ``block`` (a declaration's ``{ }``)."""
    close = block.end - 1  # the block's `}`
    line_start = source.rfind("\n", 0, close) + 1
    if not source[line_start:close].strip():  # `}` on a line of its own: a new line above it
        return insert_fix(title, path, source, line_start, f"{INDENT}{setting}\n")
    space = "" if source[close - 1 : close].isspace() else " "
    return insert_fix(title, path, source, close, f"{space}{setting} ")


def remove_from_list(path: str, source: str, previous: nodes.Ident, duplicate: nodes.Ident) -> Fix:
    """Remove ``duplicate`` (and the comma before it) from a ``[...]`` list."""
    start, end = previous.span.end, duplicate.span.end
    edit = TextEdit(path=path, span=span_at(source, start, end - start), new_text="")
    return Fix(title=f"Remove the second `{duplicate.name}`", edits=[edit])


def declare_provider(path: str, source: str, before: int, provider: str, env: str) -> Fix:
    """Declare ``provider`` (its key read from ``env``) above the declaration starting at ``before``."""
    text = f'provider {provider} {{\n{INDENT}api_key_env "{env}"\n}}\n\n'
    return insert_fix(f"Declare provider `{provider}`", path, source, before, text)
