"""What every check needs: where it is (file, scope, source) and where to report.

``Reporter`` collects diagnostics for the whole run and drops exact repeats (a
named script is checked once per place it is called from, and the same
argument error must not be reported for each). ``FileContext`` bundles one
file's scope and source with the reporting helpers. Where a caret goes comes
from the syntax tree's spans (every part a diagnostic may point at has one);
``keyword_span`` narrows a setting's span to the keyword it starts with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agentspec.syntax import nodes
from agentspec.diagnostics import Diagnostic, Fix, Related, did_you_mean_fix, error, span_at, warning
from agentspec.loader import Program
from agentspec.symbols import Scope, Symbol


@dataclass
class Reporter:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _seen: set[tuple] = field(default_factory=set)

    def add(self, diagnostic: Diagnostic) -> None:
        key = (diagnostic.code, diagnostic.path, diagnostic.span.start, diagnostic.span.end, diagnostic.message)
        if key not in self._seen:
            self._seen.add(key)
            self.diagnostics.append(diagnostic)


@dataclass
class FileContext:
    program: Program
    path: str
    scope: Scope
    reporter: Reporter
    scopes: dict[str, Scope]  # every file's scope, shared across contexts

    @property
    def source(self) -> str:
        return self.program.sources.get(self.path, "")

    # -- reporting ---------------------------------------------------------------

    def error(
        self,
        code: str,
        message: str,
        span: nodes.Span,
        hint: str | None = None,
        fixes: list[Fix] | None = None,
        related: list[Related] | None = None,
    ) -> None:
        self.reporter.add(error(code, message, self.path, span, hint, fixes, related))

    def warning(
        self,
        code: str,
        message: str,
        span: nodes.Span,
        hint: str | None = None,
        fixes: list[Fix] | None = None,
        related: list[Related] | None = None,
    ) -> None:
        self.reporter.add(warning(code, message, self.path, span, hint, fixes, related))

    def at(self, path: str) -> FileContext:
        """The context of another file (a script declared in an imported file)."""
        if path == self.path:
            return self
        return FileContext(self.program, path, self.scopes[path], self.reporter, self.scopes)

    # -- names ---------------------------------------------------------------------

    def lookup(self, kind: str, name: str) -> Symbol | None:
        return self.scope.lookup(kind, name)

    def unknown(self, code: str, what: str, ident: nodes.Ident, candidates, hint: str | None = None) -> None:
        """``unknown tool `x` `` with a did-you-mean hint (and its fix) over ``candidates``."""
        close, fixes = self.suggest(ident.span, ident.name, candidates)
        self.error(code, f"unknown {what} `{ident.name}`", ident.span, close or hint, fixes)

    def suggest(self, span: nodes.Span, name: str, candidates) -> tuple[str | None, list[Fix]]:
        """A did-you-mean hint for ``name`` written at ``span``, and the fix that writes the
        suggestion there (as a string when the name is written as one: ``"reordr"``)."""
        quoted = self.source[span.start : span.end].startswith('"')
        return did_you_mean_fix(self.path, span, name, candidates, quoted)

    def declared_here(self, symbol: Symbol) -> Related:
        """A related location: where ``symbol`` is declared."""
        return Related(message=f"`{symbol.name}` is declared here", path=symbol.path, span=symbol.span)

    def where(self, path: str, span: nodes.Span) -> str:
        """A location for a message: ``line 3`` in this file, else ``common.agentspec:3``."""
        return f"line {span.line}" if path == self.path else f"{path}:{span.line}"

    # -- spans ---------------------------------------------------------------------

    def keyword_span(self, span: nodes.Span, keyword: str) -> nodes.Span:
        """The keyword a setting starts with (``routes`` of ``routes [a, b]``)."""
        return span_at(self.source, span.start, len(keyword))


def role_phrase(agent: nodes.AgentDecl) -> str:
    article = "an" if agent.role[0] in "aeiou" else "a"
    return f"{article} {agent.role}"
