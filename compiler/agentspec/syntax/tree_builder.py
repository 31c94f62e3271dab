"""Lark's concrete tree → syntax-tree nodes, one builder method per grammar rule.

Every node gets the span of what it was parsed from, and so do its named parts
(``Ident``) and literal values. Problems only the values show (an invalid
escape, a regular expression ``re`` rejects, a setting given twice) become
diagnostics here; everything else about meaning is the checker's.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from dataclasses import dataclass
from typing import Any

from lark import Token, Tree

from agentspec.diagnostics import Diagnostic, error, span_at
from agentspec.syntax import nodes, strings
from agentspec.syntax.errors import span_of
from agentspec.syntax.grammar import VALUE_TERMINALS

DURATION_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def _values(children: list) -> list:
    """Children without keyword and punctuation tokens."""
    return [c for c in children if not (isinstance(c, Token) and c.type not in VALUE_TERMINALS)]


def _words(children: list) -> list[str]:
    """The keyword tokens among the children, in order."""
    return [
        str(c)
        for c in children
        if isinstance(c, Token) and c.type not in VALUE_TERMINALS and _KEYWORD_RE.fullmatch(str(c))
    ]


_KEYWORD_RE = re.compile(r"[A-Za-z_]+")


def _ident(token: Token) -> nodes.Ident:
    return nodes.Ident(name=str(token), span=span_of(token))


@dataclass
class _Value:
    """A literal value with the span it was written at, and the values it is made of."""

    data: Any
    span: nodes.Span
    items: list[_Value] | None = None  # a list's
    entries: dict[str, tuple[nodes.Span, _Value]] | None = None  # an object's: key -> (key span, value)

    def parts(self) -> nodes.LiteralParts:
        """Where it and each of its parts were written, as the syntax tree keeps it."""
        return nodes.LiteralParts(
            span=self.span,
            items=[item.parts() for item in self.items or ()],
            entries={
                key: nodes.LiteralEntry(key=key_span, value=value.parts())
                for key, (key_span, value) in (self.entries or {}).items()
            },
        )


@dataclass
class _Setting:
    """One statement inside a block, before the block assembles its node."""

    key: str
    value: Any
    span: nodes.Span
    value_span: nodes.Span | None = None  # a one-value setting's value


def _setting_value(found: dict[str, _Setting], key: str, default: Any = None) -> Any:
    """The value of setting ``key`` if the block gives it; absent settings take the AST's default."""
    return found[key].value if key in found else default


class _Where:
    """Where a rule's text lies, from its first token's start to its last token's end:
    what Lark's ``propagate_positions`` would put in the tree's ``meta``."""

    __slots__ = ("line", "column", "start_pos", "end_line", "end_column", "end_pos")

    def __init__(self, first: Any, last: Any) -> None:
        self.line, self.column, self.start_pos = first.line, first.column, first.start_pos
        self.end_line, self.end_column, self.end_pos = last.end_line, last.end_column, last.end_pos


class TreeBuilder:
    """Builds the nodes of one file: :meth:`build` walks Lark's tree bottom-up
    and calls the method named after each rule with where its text lies and
    its children (tokens as Lark gives them, subtrees already built).

    The walk is ours rather than Lark's ``Transformer`` with
    ``propagate_positions``: both cost more than the parse itself (a wrapper
    per call, positions copied onto every tree), and a rule's span only
    needs its first and last token (every token is kept in the tree).
    """

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self.diagnostics: list[Diagnostic] = []

    def build(self, tree: Tree) -> Any:
        """The nodes of ``tree``, Lark's concrete tree of the whole file."""
        return self._build(tree)[0]

    def _build(self, tree: Tree) -> tuple[Any, _Where | None]:
        children: list[Any] = []
        first = last = None
        for child in tree.children:
            if isinstance(child, Token):
                where: Any = child
                children.append(child)
            else:
                built, where = self._build(child)
                children.append(built)
            if where is not None:
                if first is None:
                    first = where
                last = where
        meta = None if first is None else _Where(first, last)
        return getattr(self, tree.data)(meta, children), meta

    # -- literals ----------------------------------------------------------------

    def _unescape(self, raw: str, token: Token, offset_in_token: int) -> str:
        value, invalid = strings.decode(raw)
        for match in invalid:
            start = token.start_pos + offset_in_token + match.start()
            self.diagnostics.append(
                error(
                    "E003",
                    f"invalid escape sequence `{match.group()}`",
                    self.path,
                    span_at(self.text, start, len(match.group())),
                    strings.hint_for(match.group()),
                )
            )
        return value

    def _string(self, token: Token) -> str:
        if token.type == "TRIPLE_STRING":
            body = str(token)[3:-3]
            lines = body.split("\n")
            if lines and not lines[0].strip():
                lines = lines[1:]
            if lines and not lines[-1].strip():
                lines = lines[:-1]
            # Dedent first, so escapes such as \n cannot disturb the indentation.
            return self._unescape(textwrap.dedent("\n".join(lines)), token, 3)
        return self._unescape(str(token)[1:-1], token, 1)

    def _literal(self, item: Any) -> _Value:
        if isinstance(item, _Value):
            return item
        token: Token = item
        kind = token.type
        if kind in ("STRING", "TRIPLE_STRING"):
            data: Any = self._string(token)
        elif kind == "INT":
            data = int(token)
        elif kind == "FLOAT":
            data = float(token)
        elif kind == "BOOL":
            data = str(token) == "true"
        elif kind == "NAME":
            data = str(token)
        else:  # pragma: no cover - the grammar admits no other value tokens
            raise ValueError(f"not a value token: {kind}")
        return _Value(data, span_of(token))

    def _duration_ms(self, token: Token) -> float:
        number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(token)).groups()
        return float(number) * DURATION_UNITS_MS[unit]  # every duration field is a float

    def null(self, meta, children):
        return _Value(None, span_of(meta))

    def list(self, meta, children):
        items = [self._literal(c) for c in _values(children)]
        return _Value([item.data for item in items], span_of(meta), items=items)

    def object(self, meta, children):
        pairs = _values(children)
        entries: dict[str, tuple[nodes.Span, _Value]] = {}
        for key, key_span, value in pairs:
            entries.setdefault(key, (key_span, value))  # a repeated key: the data keeps the last, carets the first
        return _Value({key: value.data for key, _, value in pairs}, span_of(meta), entries=entries)

    def pair(self, meta, children):
        key, value = _values(children)
        written = self._literal(key)
        return (written.data, written.span, self._literal(value))

    def name_list(self, meta, children):
        return [_ident(t) for t in _values(children)]

    def string_list(self, meta, children):
        return [self._string(t) for t in _values(children)]

    # -- blocks ------------------------------------------------------------------

    def _settings(self, items: list, owner: str, repeatable: frozenset[str] = frozenset()) -> dict[str, _Setting]:
        """Index a block's settings by keyword, reporting any given twice."""
        seen: dict[str, _Setting] = {}
        for item in items:
            if not isinstance(item, _Setting) or item.key in repeatable:
                continue
            if item.key in seen:
                first = seen[item.key].span
                self.diagnostics.append(
                    error(
                        "E005",
                        f"`{item.key}` is set twice in {owner}",
                        self.path,
                        item.span,
                        f"it was first set on line {first.line}; remove one of them",
                    )
                )
                continue
            seen[item.key] = item
        return seen

    def _setting(self, key: str, meta, value: Any, written: Any = None) -> _Setting:
        """A setting; ``written`` is the token (or literal) of a one-value setting's value."""
        value_span = written.span if isinstance(written, _Value) else span_of(written) if written is not None else None
        return _Setting(key, value, span_of(meta), value_span)

    # -- declarations ------------------------------------------------------------

    def start(self, meta, children):
        return children

    def import_decl(self, meta, children):
        (path,) = _values(children)
        return nodes.ImportDecl(path=self._string(path), path_span=span_of(path), span=span_of(meta))

    def tenant_decl(self, meta, children):
        values = _values(children)
        name = self._literal(values[0]).data
        version = self._string(values[1]) if len(values) > 1 else None
        return nodes.TenantDecl(name=name, version=version, span=span_of(meta))

    def api_key(self, meta, children):
        return self._setting("api_key", meta, self._string(_values(children)[0]), _values(children)[0])

    def api_key_env(self, meta, children):
        return self._setting("api_key_env", meta, self._string(_values(children)[0]), _values(children)[0])

    def base_url(self, meta, children):
        return self._setting("base_url", meta, self._string(_values(children)[0]), _values(children)[0])

    def provider_timeout(self, meta, children):
        return self._setting("timeout", meta, self._duration_ms(_values(children)[0]), _values(children)[0])

    def retries(self, meta, children):
        return self._setting("retries", meta, int(_values(children)[0]), _values(children)[0])

    def provider_decl(self, meta, children):
        name, *settings = _values(children)
        found = self._settings(settings, f"provider `{name}`")
        return nodes.ProviderDecl(
            name=_ident(name),
            api_key=_setting_value(found, "api_key"),
            api_key_env=_setting_value(found, "api_key_env"),
            base_url=_setting_value(found, "base_url"),
            timeout_ms=_setting_value(found, "timeout"),
            retries=_setting_value(found, "retries"),
            settings={k: s.span for k, s in found.items()},
            value_spans={k: s.value_span for k, s in found.items() if s.value_span is not None},
            span=span_of(meta),
        )

    def _import_path(self, token: Token) -> nodes.ImportPath:
        return nodes.ImportPath(path=self._string(token), span=span_of(token))

    def service_decl(self, meta, children):
        name, factory = _values(children)
        return nodes.ServiceDecl(name=_ident(name), factory=self._import_path(factory), span=span_of(meta))

    def type(self, meta, children):
        values = _values(children)
        name = values[0]
        item = next((v for v in values[1:] if isinstance(v, nodes.TypeRef)), None)
        optional = any(isinstance(v, Token) and v.type == "OPTIONAL" for v in values)
        return nodes.TypeRef(name=str(name), item=item, optional=optional, span=span_of(meta))

    def param(self, meta, children):
        values = _values(children)
        name, type_ = values[0], values[1]
        param = nodes.Param(name=_ident(name), type=type_, span=span_of(meta))
        if len(values) > 2:
            default = self._literal(values[2])
            param.has_default = True
            param.default = default.data
            param.default_span = default.span
        return param

    def params(self, meta, children):
        return _values(children)

    def tool_approval(self, meta, children):
        words = _words(children)
        values = _values(children)
        predicate = self._import_path(values[0]) if values else None
        return nodes.ToolApproval(mode=words[0], predicate=predicate, span=span_of(meta))

    def description(self, meta, children):
        return self._setting("description", meta, self._string(_values(children)[0]), _values(children)[0])

    def approval(self, meta, children):
        return self._setting("approval", meta, _values(children)[0])

    def handler(self, meta, children):
        return self._setting("handler", meta, self._import_path(_values(children)[0]), _values(children)[0])

    def returns(self, meta, children):
        return self._setting("returns", meta, self._literal(_values(children)[0]).data, _values(children)[0])

    def fails(self, meta, children):
        return self._setting("fails", meta, self._string(_values(children)[0]), _values(children)[0])

    def tool_decl(self, meta, children):
        values = _values(children)
        name = values[0]
        params = next((v for v in values[1:] if isinstance(v, list)), [])
        settings = [v for v in values[1:] if isinstance(v, _Setting)]
        found = self._settings(settings, f"tool `{name}`")
        tool = nodes.ToolDecl(
            name=_ident(name),
            params=params,
            description=_setting_value(found, "description"),
            approval=_setting_value(found, "approval"),
            handler=_setting_value(found, "handler"),
            fails=_setting_value(found, "fails"),
            timeout_ms=_setting_value(found, "timeout"),
            settings={k: s.span for k, s in found.items()},
            value_spans={k: s.value_span for k, s in found.items() if s.value_span is not None},
            span=span_of(meta),
        )
        if "returns" in found:
            tool.has_returns = True
            tool.returns = found["returns"].value
        return tool

    def field(self, meta, children):
        name, type_ = _values(children)
        return nodes.Field_(name=_ident(name), type=type_, span=span_of(meta))

    def action_decl(self, meta, children):
        name, *fields = _values(children)
        return nodes.ActionDecl(name=_ident(name), fields=fields, span=span_of(meta))

    def plan_decl(self, meta, children):
        name, *members = _values(children)
        return nodes.PlanDecl(
            name=_ident(name),
            fields=[m for m in members if isinstance(m, nodes.Field_)],
            actions=[m for m in members if isinstance(m, nodes.ActionDecl)],
            span=span_of(meta),
        )

    def ttl(self, meta, children):
        return self._setting("ttl", meta, self._duration_ms(_values(children)[0]), _values(children)[0])

    def reference_decl(self, meta, children):
        name, *members = _values(children)
        found = self._settings([m for m in members if isinstance(m, _Setting)], f"reference `{name}`")
        return nodes.ReferenceDecl(
            name=_ident(name),
            fields=[m for m in members if isinstance(m, nodes.Field_)],
            ttl_ms=_setting_value(found, "ttl"),
            ttl_span=found["ttl"].value_span if "ttl" in found else None,
            span=span_of(meta),
        )

    def dispatcher_decl(self, meta, children):
        (target,) = _values(children)
        return nodes.DispatcherDecl(target=self._import_path(target), span=span_of(meta))

    def approval_mode(self, meta, children):
        return _words(children)[0]

    def approval_rule(self, meta, children):
        subject = _words(children)[0]
        (mode,) = _values(children)
        return nodes.ApprovalRule(subject=subject, mode=mode, span=span_of(meta))

    def approval_block(self, meta, children):
        rules = _values(children)
        seen: dict[str, nodes.ApprovalRule] = {}
        for rule in rules:
            if rule.subject in seen:
                self.diagnostics.append(
                    error(
                        "E005",
                        f"`{rule.subject}` is set twice in this approval block",
                        self.path,
                        rule.span,
                        f"it was first set on line {seen[rule.subject].span.line}; remove one of them",
                    )
                )
            seen.setdefault(rule.subject, rule)
        return list(seen.values())

    def approval_decl(self, meta, children):
        (rules,) = _values(children)
        return nodes.ApprovalDecl(rules=rules, span=span_of(meta))

    def agent_role(self, meta, children):
        return _words(children)[0]

    def model(self, meta, children):
        values = _values(children)
        provider = _ident(values[1]) if len(values) > 1 else None
        return self._setting("model", meta, (self._string(values[0]), span_of(values[0]), provider))

    def prompt(self, meta, children):
        return self._setting("prompt", meta, self._string(_values(children)[0]), _values(children)[0])

    def routes(self, meta, children):
        return self._setting("routes", meta, _values(children)[0])

    def tools(self, meta, children):
        return self._setting("tools", meta, _values(children)[0])

    def plan(self, meta, children):
        return self._setting("plan", meta, _ident(_values(children)[0]), _values(children)[0])

    def agent_approval(self, meta, children):
        return self._setting("approval", meta, _values(children)[0])

    def stateful(self, meta, children):
        return self._setting("stateful", meta, str(_values(children)[0]) == "true", _values(children)[0])

    def agent_decl(self, meta, children):
        role, name, *settings = _values(children)
        found = self._settings(settings, f"{role} `{name}`")
        agent = nodes.AgentDecl(
            role=role,
            name=_ident(name),
            prompt=_setting_value(found, "prompt"),
            routes=_setting_value(found, "routes", []),
            tools=_setting_value(found, "tools", []),
            plan=_setting_value(found, "plan"),
            approval=_setting_value(found, "approval"),
            stateful=_setting_value(found, "stateful"),
            settings={k: s.span for k, s in found.items()},
            value_spans={k: s.value_span for k, s in found.items() if s.value_span is not None},
            span=span_of(meta),
        )
        if "model" in found:
            agent.model, agent.model_span, agent.provider = found["model"].value
        return agent

    # -- scripts -----------------------------------------------------------------

    def arg(self, meta, children):
        name, value = _values(children)
        literal = self._literal(value)
        return nodes.Arg(
            name=_ident(name),
            value=literal.data,
            value_span=literal.span,
            value_parts=literal.parts(),
            span=span_of(meta),
        )

    def args(self, meta, children):
        return _values(children)

    def tool_step(self, meta, children):
        values = _values(children)
        return nodes.ToolStep(tool=_ident(values[0]), args=values[1] if len(values) > 1 else [], span=span_of(meta))

    def say_step(self, meta, children):
        (text,) = _values(children)
        return nodes.SayStep(text=self._string(text), span=span_of(meta))

    def call_script(self, meta, children):
        agent, script = _values(children)
        return nodes.AgentStep(agent=_ident(agent), script=_ident(script), span=span_of(meta))

    def call_block(self, meta, children):
        agent, *steps = _values(children)
        return nodes.AgentStep(agent=_ident(agent), steps=steps, span=span_of(meta))

    def script_decl(self, meta, children):
        name, *steps = _values(children)
        return nodes.ScriptDecl(name=_ident(name), steps=steps, span=span_of(meta))

    # -- scenarios ---------------------------------------------------------------

    def input(self, meta, children):
        return self._setting("input", meta, self._string(_values(children)[0]), _values(children)[0])

    def via(self, meta, children):
        return self._setting("via", meta, _ident(_values(children)[0]), _values(children)[0])

    def entry_agent(self, meta, children):
        return self._setting("agent", meta, _ident(_values(children)[0]), _values(children)[0])

    def timeout(self, meta, children):
        return self._setting("timeout", meta, self._duration_ms(_values(children)[0]), _values(children)[0])

    def max_steps(self, meta, children):
        return self._setting("max_steps", meta, int(_values(children)[0]), _values(children)[0])

    def max_llm_calls(self, meta, children):
        return self._setting("max_llm_calls", meta, int(_values(children)[0]), _values(children)[0])

    def mock_response(self, meta, children):
        return self._setting("mock_response", meta, self._string(_values(children)[0]), _values(children)[0])

    def given_returns(self, meta, children):
        tool, value = _values(children)
        given = nodes.Given(tool=_ident(tool), has_returns=True, returns=self._literal(value).data, span=span_of(meta))
        return self._setting("given", meta, given)

    def given_fails(self, meta, children):
        tool, message = _values(children)
        given = nodes.Given(tool=_ident(tool), fails=self._string(message), span=span_of(meta))
        return self._setting("given", meta, given)

    def given_handler(self, meta, children):
        tool, handler = _values(children)
        given = nodes.Given(tool=_ident(tool), handler=self._import_path(handler), span=span_of(meta))
        return self._setting("given", meta, given)

    def scenario_service(self, meta, children):
        return self._setting("service", meta, self.service_decl(meta, children))

    def scenario_dispatcher(self, meta, children):
        (target,) = _values(children)
        return self._setting("dispatcher", meta, self._import_path(target))

    def run_block(self, meta, children):
        return self._setting("run", meta, nodes.Run(steps=_values(children), span=span_of(meta)))

    def run_script(self, meta, children):
        (name,) = _values(children)
        return self._setting("run", meta, nodes.Run(script=_ident(name), span=span_of(meta)))

    def tool_target(self, meta, children):
        return nodes.ApprovalTarget(kind="tool", tool=_ident(_values(children)[0]), span=span_of(meta))

    def plan_target(self, meta, children):
        values = _values(children)
        plan_id = self._string(values[0]) if values else None
        return nodes.ApprovalTarget(kind="plan", plan_id=plan_id, span=span_of(meta))

    def decision(self, meta, children):
        decision = nodes.Decision(outcome=_words(children)[0], span=span_of(meta))
        after_partial = False
        for child in children:
            if isinstance(child, Token) and child.type not in VALUE_TERMINALS:
                after_partial = after_partial or str(child) == "partial"
            elif after_partial:
                partial = self._literal(child)
                decision.has_partial = True
                decision.partial = partial.data
                decision.partial_parts = partial.parts()
            else:
                decision.feedback = self._string(child)
        return decision

    def on_approval(self, meta, children):
        target, *decisions = _values(children)
        return self._setting("on approval", meta, nodes.OnApproval(target=target, decisions=decisions, span=span_of(meta)))

    def expect_block(self, meta, children):
        return self._setting("expect", meta, _values(children))

    # -- scores ------------------------------------------------------------------

    def _regex(self, token: Token) -> str:
        """A ``/pattern/flags`` literal as a Python pattern; a pattern that does not compile is E004."""
        raw = str(token)
        close = raw.rindex("/")
        pattern = raw[1:close].replace("\\/", "/")
        flags = raw[close + 1 :]
        if flags:
            pattern = f"(?{flags}){pattern}"
        try:
            with warnings.catch_warnings():
                # `re` warns (FutureWarning) about `[[`, `--`, `&&` in a set, whose meaning a future Python
                # may change; that is Python's to say when the pattern is used, not noise on our stderr
                # (and `re` caches patterns, so it would say it once per process, not once per check)
                warnings.simplefilter("ignore", FutureWarning)
                re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as exc:
            # `re` reports a repeat count beyond its limit as OverflowError, and
            # parses nested groups recursively (the E009 scan skips regexes).
            reason = exc.msg if isinstance(exc, re.error) else "it is too large or nested too deeply"
            self.diagnostics.append(
                error(
                    "E004",
                    f"invalid regular expression: {reason}",
                    self.path,
                    span_of(token),
                    "patterns use Python's `re` syntax",
                )
            )
        return pattern

    def _score_options(self, options: list) -> nodes.ScoreOptions:
        found = nodes.ScoreOptions()
        for key, value, span in options:
            if key in found.settings:
                self.diagnostics.append(
                    error("E005", f"`{key}` is given twice on this line", self.path, span, "remove one of them")
                )
                continue
            found.settings[key] = span
            setattr(found, key, value)
        return found

    def score_ignore(self, meta, children):
        return ("ignore", _values(children)[0], span_of(meta))

    def score_sub_agents(self, meta, children):
        return ("sub_agents", True, span_of(meta))

    def score_weight(self, meta, children):
        return ("weight", self._literal(_values(children)[0]).data, span_of(meta))

    def score_required(self, meta, children):
        return ("required", True, span_of(meta))

    def score_ignore_case(self, meta, children):
        return ("ignore_case", True, span_of(meta))

    def score_trajectory(self, meta, children):
        mode, tools, *options = _values(children)
        node = nodes.ScoreTrajectory(mode=_ident(mode), tools=tools, options=self._score_options(options), span=span_of(meta))
        return self._setting("trajectory", meta, node)

    def action_list(self, meta, children):
        return _values(children)

    def action_item(self, meta, children):
        values = _values(children)
        kind = self._literal(values[0]).data
        payload = values[1].data if len(values) > 1 else {}
        return nodes.ScoreAction(type=kind, payload=payload, span=span_of(meta))

    def score_actions(self, meta, children):
        values = _values(children)
        names = [v for v in values if isinstance(v, Token)]
        actions = next(v for v in values if isinstance(v, list))
        options = [v for v in values if isinstance(v, tuple)]
        bucket = _ident(names[0])
        node = nodes.ScoreActions(
            bucket=bucket,
            match=_ident(names[1]) if len(names) > 1 else None,
            actions=actions,
            options=self._score_options(options),
            span=span_of(meta),
        )
        return self._setting(f"actions {bucket.name}", meta, node)

    def response_contains(self, meta, children):
        return ("contains", self._string(_values(children)[0]))

    def response_equals(self, meta, children):
        return ("equals", self._string(_values(children)[0]))

    def response_matches(self, meta, children):
        return ("matches", self._regex(_values(children)[0]))

    def score_response(self, meta, children):
        (method, text), *options = _values(children)
        node = nodes.ScoreResponse(method=method, text=text, options=self._score_options(options), span=span_of(meta))
        return self._setting("response", meta, node)

    def score_response_threshold(self, meta, children):
        return self._setting("response_threshold", meta, float(self._literal(_values(children)[0]).data), _values(children)[0])

    def score_response_weight(self, meta, children):
        return self._setting("response_weight", meta, float(self._literal(_values(children)[0]).data), _values(children)[0])

    def score_threshold(self, meta, children):
        return self._setting("threshold", meta, float(self._literal(_values(children)[0]).data), _values(children)[0])

    def score_runs(self, meta, children):
        return self._setting("runs", meta, int(_values(children)[0]), _values(children)[0])

    def score_pass_at(self, meta, children):
        return self._setting("pass_at", meta, int(_values(children)[0]), _values(children)[0])

    def score_aggregate(self, meta, children):
        return self._setting("aggregate", meta, _ident(_values(children)[0]), _values(children)[0])

    def score_block(self, meta, children):
        items = _values(children)
        found = self._settings(items, "a score block", frozenset({"response"}))
        block = nodes.ScoreBlock(
            trajectory=_setting_value(found, "trajectory"),
            actions=[s.value for k, s in found.items() if k.startswith("actions ")],
            responses=[s.value for s in items if s.key == "response"],
            response_threshold=_setting_value(found, "response_threshold"),
            response_weight=_setting_value(found, "response_weight"),
            threshold=_setting_value(found, "threshold"),
            runs=_setting_value(found, "runs"),
            pass_at=_setting_value(found, "pass_at"),
            aggregate=_setting_value(found, "aggregate"),
            settings={k: s.span for k, s in found.items()},
            value_spans={k: s.value_span for k, s in found.items() if s.value_span is not None},
            span=span_of(meta),
        )
        return self._setting("score", meta, block)

    def scenario_decl(self, meta, children):
        name, *settings = _values(children)
        repeatable = frozenset({"given", "service", "on approval", "expect"})
        found = self._settings(settings, f'scenario "{self._string(name)}"', repeatable)
        scenario = nodes.ScenarioDecl(
            name=self._string(name),
            name_span=span_of(name),
            input=_setting_value(found, "input"),
            via=_setting_value(found, "via"),
            agent=_setting_value(found, "agent"),
            timeout_ms=_setting_value(found, "timeout"),
            max_steps=_setting_value(found, "max_steps"),
            max_llm_calls=_setting_value(found, "max_llm_calls"),
            mock_response=_setting_value(found, "mock_response"),
            run=_setting_value(found, "run"),
            givens=[s.value for s in settings if s.key == "given"],
            services=[s.value for s in settings if s.key == "service"],
            dispatcher=_setting_value(found, "dispatcher"),
            runs=_setting_value(found, "runs"),
            min_pass_rate=_setting_value(found, "min_pass_rate"),
            approvals=[s.value for s in settings if s.key == "on approval"],
            expectations=[e for s in settings if s.key == "expect" for e in s.value],
            score=_setting_value(found, "score"),
            settings={k: s.span for k, s in found.items()},
            value_spans={k: s.value_span for k, s in found.items() if s.value_span is not None},
            statements=[nodes.Statement(key=s.key, span=s.span) for s in settings if isinstance(s, _Setting)],
            span=span_of(meta),
        )
        return scenario

    # -- expectations ------------------------------------------------------------

    def call_args(self, meta, children):
        values = _values(children)
        return ("args", values[0] if values else [], None)

    def tool_call_option(self, meta, children):
        (word,) = _words(children)
        (value,) = _values(children)
        return (word, _ident(value) if value.type == "NAME" else int(value), span_of(value))

    def expect_tool_call(self, meta, children):
        tool, *options = _values(children)
        node = nodes.ExpectToolCall(tool=_ident(tool), span=span_of(meta))
        counts: dict[str, nodes.Span] = {}
        for key, value, span in options:
            if key == "args":
                node.has_args = True
                node.args = value
            else:
                setattr(node, key, value)
                if isinstance(value, int):
                    counts[key] = span
        node.option_spans = counts
        return node

    def expect_no_tool_call(self, meta, children):
        return nodes.ExpectNoToolCall(tool=_ident(_values(children)[0]), span=span_of(meta))

    def expect_tool_order(self, meta, children):
        return nodes.ExpectToolOrder(tools=_values(children)[0], span=span_of(meta))

    def state_key(self, meta, children):
        (token,) = _values(children)
        return _Value(self._literal(token).data, span_of(token))

    def expect_state(self, meta, children):
        key, *rest = _values(children)
        node = nodes.ExpectState(key=key.data, key_span=key.span, span=span_of(meta))
        words = _words(children)
        if "==" in [str(c) for c in children if isinstance(c, Token)]:
            node.has_value = True
            node.value = self._literal(rest.pop(0)).data
        if "within" in words:
            node.within_steps = int(rest[0])
            node.within_span = span_of(rest[0])
        return node

    def expect_no_error(self, meta, children):
        return nodes.ExpectNoError(span=span_of(meta))

    def error_filter(self, meta, children):
        (value,) = _values(children)
        word = _words(children)[0]
        return (word, self._string(value) if word == "contains" else _ident(value), span_of(meta))

    def expect_error(self, meta, children):
        node = nodes.ExpectError(span=span_of(meta))
        for word, value, span in _values(children):
            if getattr(node, word) is not None:
                self.diagnostics.append(
                    error("E005", f"`{word}` is given twice in `error`", self.path, span, "keep one of them")
                )
                continue
            setattr(node, word, value)
        return node

    def output_test(self, meta, children):
        return _words(children)[0]

    def expect_output(self, meta, children):
        test, text = _values(children)
        return nodes.ExpectOutput(test=test, text=self._string(text), span=span_of(meta))

    def expect_output_matches(self, meta, children):
        (token,) = _values(children)
        pattern = self._regex(token)
        return nodes.ExpectOutput(test="matches", text=pattern, span=span_of(meta))

    def expect_max_steps(self, meta, children):
        (limit,) = _values(children)
        return nodes.ExpectMaxSteps(limit=int(limit), limit_span=span_of(limit), span=span_of(meta))

    def expect_max_duration(self, meta, children):
        (limit,) = _values(children)
        return nodes.ExpectMaxDuration(limit_ms=self._duration_ms(limit), limit_span=span_of(limit), span=span_of(meta))

    def expect_max_tokens(self, meta, children):
        (limit,) = _values(children)
        return nodes.ExpectMaxTokens(limit=int(limit), limit_span=span_of(limit), span=span_of(meta))

    def expect_no_side_effects(self, meta, children):
        lists = _values(children)
        return nodes.ExpectNoSideEffects(
            allowed=lists[0], mutating=lists[1] if len(lists) > 1 else None, span=span_of(meta)
        )

    def expect_no_repetition(self, meta, children):
        values = _values(children)
        if not values:
            return nodes.ExpectNoRepetition(span=span_of(meta))
        return nodes.ExpectNoRepetition(max_rate=float(values[0]), max_rate_span=span_of(values[0]), span=span_of(meta))

    def milestone_target(self, meta, children):
        word = _words(children)[0]
        (value,) = _values(children)
        if word == "tool":
            return ("tool", _ident(value))
        if word == "state":
            return ("state_key", value.data)
        return ("output_contains", self._string(value))

    def expect_milestone(self, meta, children):
        name, (key, target), *rest = _values(children)
        node = nodes.ExpectMilestone(name=self._string(name), span=span_of(meta))
        setattr(node, key, target)
        if rest:
            node.weight = float(rest[0])
            node.weight_span = span_of(rest[0])
        return node

    def expect_judge(self, meta, children):
        values = _values(children)
        judge = self._import_path(values[1]) if len(values) > 1 else None
        return nodes.ExpectJudge(criteria=self._string(values[0]), judge=judge, span=span_of(meta))

    def policy_clause(self, meta, children):
        return (_words(children)[0], _values(children)[0])

    def expect_policy(self, meta, children):
        name, *clauses = _values(children)
        node = nodes.ExpectPolicy(name=self._string(name), span=span_of(meta))
        for key, value in clauses:
            setattr(node, key, getattr(node, key) + value)
        return node

    def expect_on_tool_failure(self, meta, children):
        tool, behaviour = _values(children)
        expect = str(behaviour) if behaviour.type == "NAME" else self._string(behaviour)
        return nodes.ExpectOnToolFailure(tool=_ident(tool), expect=expect, span=span_of(meta))

    def expect_dispatched(self, meta, children):
        values = _values(children)
        if not values:  # dispatched none
            return nodes.ExpectDispatched(span=span_of(meta))
        return nodes.ExpectDispatched(actions=values[0].data, actions_parts=values[0].parts(), span=span_of(meta))

    def expect_plan_status(self, meta, children):
        plan_id, status = _values(children)
        return nodes.ExpectPlanStatus(plan_id=self._string(plan_id), status=_ident(status), span=span_of(meta))

    def approval_outcome(self, meta, children):
        return {"approved": "approve", "rejected": "reject", "revised": "revise"}[_words(children)[0]]

    def expect_approval(self, meta, children):
        target, *outcomes = _values(children)
        node = nodes.ExpectApproval(target=target, outcome=outcomes[0], span=span_of(meta))
        if len(outcomes) > 1:
            node.sequence = outcomes
        return node

    def expect_approval_requested(self, meta, children):
        target, *times = _values(children)
        node = nodes.ExpectApproval(target=target, outcome="requested", span=span_of(meta))
        if times:
            node.times, node.times_span = int(times[0]), span_of(times[0])
        return node

    def expect_no_approval(self, meta, children):
        values = _values(children)
        return nodes.ExpectNoApproval(target=values[0] if values else None, span=span_of(meta))

    # -- suite -------------------------------------------------------------------

    def runs(self, meta, children):
        return self._setting("runs", meta, int(_values(children)[0]), _values(children)[0])

    def min_pass_rate(self, meta, children):
        return self._setting("min_pass_rate", meta, float(_values(children)[0]), _values(children)[0])

    def suite_timeout(self, meta, children):
        return self._setting("timeout", meta, self._duration_ms(_values(children)[0]), _values(children)[0])

    def scenario_timeout(self, meta, children):
        return self._setting("scenario_timeout", meta, self._duration_ms(_values(children)[0]), _values(children)[0])

    def suite_decl(self, meta, children):
        found = self._settings(_values(children), "the suite")
        return nodes.SuiteDecl(
            runs=_setting_value(found, "runs"),
            min_pass_rate=_setting_value(found, "min_pass_rate"),
            timeout_ms=_setting_value(found, "timeout"),
            scenario_timeout_ms=_setting_value(found, "scenario_timeout"),
            settings={k: s.span for k, s in found.items()},
            value_spans={k: s.value_span for k, s in found.items() if s.value_span is not None},
            span=span_of(meta),
        )
