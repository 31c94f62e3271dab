"""Import paths (``"package.module:attribute"``) resolved without running user code.

A spec names user code as ``"package.module:attribute"``. ``agentspec check``
finds each module on the project's Python path (``agentspec.pythonpath``) by
looking at files, the way Python's path finder would, and reads the module's
source with ``ast`` for the names it defines at top level. Nothing is
imported: importing a module, or even asking ``importlib`` to find a
submodule, runs the packages' ``__init__`` code, and user code may do
anything on import.

What cannot be known from the source is accepted, never reported: a compiled
or built-in module, a module with a ``__getattr__``, a star import, or one
that writes ``globals()``; and only the first part of a dotted attribute is
looked up (``Class`` of ``"m:Class.method"``).

The checker's E110 (``checker.user_code``) reports what does not resolve;
the pytest plugin's cached spec units look the same paths up again before
they trust an earlier check, without loading the checker.
"""

from __future__ import annotations

import ast
import importlib.machinery
import sys
from dataclasses import dataclass, field
from pathlib import Path

from agentspec.diagnostics import closest


_SOURCE = tuple(importlib.machinery.SOURCE_SUFFIXES)
_OPAQUE = tuple(importlib.machinery.EXTENSION_SUFFIXES) + tuple(importlib.machinery.BYTECODE_SUFFIXES)


@dataclass
class Module:
    """A module found on the path: its source file (None if it has none to read) and, for a package, its folders."""

    name: str
    source: Path | None
    folders: list[Path] = field(default_factory=list)
    opaque: bool = False  # compiled, built in: what it defines is not known


@dataclass
class Missing:
    """The part of a module name that was not found, and what is there instead."""

    part: str
    parent: str  # the package searched ("" at the top level)
    near: list[str]  # modules next to where it should be


def find_module(name: str, search: list[Path]) -> Module | Missing:
    """Locate ``name`` (``a.b.c``) on ``search`` without importing anything."""
    if name in sys.builtin_module_names:
        return Module(name, None, opaque=True)
    folders = search
    found: Module | None = None
    parts = name.split(".")
    for depth, part in enumerate(parts):
        found = _find_in(".".join(parts[: depth + 1]), part, folders)
        if found is None:
            return Missing(part, ".".join(parts[:depth]), _modules_in(folders))
        if found.opaque or depth == len(parts) - 1:
            return found
        if not found.folders:  # a plain module has no submodules
            return Missing(parts[depth + 1], found.name, [])
        folders = found.folders
    assert found is not None
    return found


def _find_in(qualified: str, part: str, folders: list[Path]) -> Module | None:
    """One step of the path finder: a package or module wins, folders without
    ``__init__`` on every entry together make a namespace package."""
    namespace: list[Path] = []
    for folder in folders:
        package = folder / part
        if package.is_dir():
            for suffix in _SOURCE:
                init = package / f"__init__{suffix}"
                if init.is_file():
                    return Module(qualified, init, [package])
        for suffix in _SOURCE:
            if (folder / f"{part}{suffix}").is_file():
                return Module(qualified, folder / f"{part}{suffix}")
        for suffix in _OPAQUE:
            if (folder / f"{part}{suffix}").is_file() or (package.is_dir() and (package / f"__init__{suffix}").is_file()):
                return Module(qualified, None, opaque=True)
        if package.is_dir():
            namespace.append(package)
    return Module(qualified, None, namespace) if namespace else None


def _modules_in(folders: list[Path]) -> list[str]:
    """Names importable from ``folders`` (for a did-you-mean)."""
    names: set[str] = set()
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir() and entry.name.isidentifier():
                names.add(entry.name)
            elif entry.suffix in _SOURCE and entry.stem.isidentifier():
                names.add(entry.stem)
    return sorted(names)


@dataclass
class Names:
    """What a module's source defines at top level; ``dynamic`` when that cannot be known."""

    defined: set[str]
    dynamic: bool
    problem: str | None = None  # the source did not parse


def top_level_names(source: Path) -> Names:
    try:
        tree = ast.parse(source.read_bytes(), filename=str(source))
    except SyntaxError as exc:
        return Names(set(), False, f"{exc.msg} ({source}:{exc.lineno})")
    except (OSError, ValueError) as exc:
        return Names(set(), True, None) if isinstance(exc, OSError) else Names(set(), False, str(exc))
    defined: set[str] = set()
    dynamic = False
    for node in _module_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
            dynamic |= node.name == "__getattr__"
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    dynamic = True
                else:
                    defined.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.Name,)) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "exec", "setattr"):
            dynamic = True
    for node in ast.walk(tree):  # `global x` in a function defines a module name when it runs
        if isinstance(node, ast.Global):
            defined.update(node.names)
    return Names(defined, dynamic)


def _module_level(body: list[ast.stmt]):
    """Every node executed at module level: statements, their nested blocks and
    expressions, but not function or class bodies (only their names)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack += [*node.decorator_list] if not isinstance(node, ast.Lambda) else []
            continue
        if isinstance(node, ast.AnnAssign) and node.value is None:
            continue  # `x: int` alone binds nothing
        stack += reversed(list(ast.iter_child_nodes(node)))


def check_import_target(path: str, search: list[Path]) -> tuple[str, str | None, str | None] | None:
    """Why ``"module:attribute"`` does not resolve on ``search`` (message, hint, and the
    path with the misspelt part corrected when one is close), or None if it does."""
    module_name, _, attribute = path.partition(":")
    found = find_module(module_name, search)
    if isinstance(found, Missing):
        where = f"in package `{found.parent}`" if found.parent else "on the project's Python path"
        close = closest(found.part, found.near)
        hint = f"did you mean `{close}`?" if close else None
        if hint is None and not found.parent:
            hint = 'make it importable: add its folder to `pythonpath` under `[tool.agentspec]` in pyproject.toml, or pass --pythonpath'
        prefix = f"{found.parent}." if found.parent else ""
        rest = module_name[len(prefix) + len(found.part) :]
        corrected = f"{prefix}{close}{rest}" + (f":{attribute}" if attribute else "") if close else None
        return f"module `{module_name}` not found: no `{found.part}` {where}", hint, corrected
    if found.opaque:
        return None
    first = attribute.split(".")[0]
    submodules = _modules_in(found.folders)
    if first in submodules:  # `from package import submodule` imports it
        return None
    if found.source is None:  # a namespace package defines nothing but its submodules
        message = f"`{first}` is not defined in namespace package `{module_name}`"
        return (message, *_attribute_suggestion(module_name, attribute, submodules))
    names = top_level_names(found.source)
    if names.problem is not None:
        return f"module `{module_name}` cannot be read: {names.problem}", "fix the module; the generated tests could not import it", None
    if names.dynamic or first in names.defined:
        return None
    public = [n for n in names.defined | set(submodules) if not n.startswith("__")]
    message = f"`{first}` is not defined in module `{module_name}` ({found.source.name})"
    return (message, *_attribute_suggestion(module_name, attribute, public))


def _attribute_suggestion(module_name: str, attribute: str, names: list[str]) -> tuple[str | None, str | None]:
    """The did-you-mean for the attribute's first part, and the path with it corrected."""
    first, dot, rest = attribute.partition(".")
    close = closest(first, names)
    if close is None:
        return None, None
    return f"did you mean `{close}`?", f"{module_name}:{close}{dot}{rest}"
