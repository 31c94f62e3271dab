"""Pygments lexer for .agentspec files.

Registered through the ``pygments.lexers`` entry point in pyproject.toml, so
``pygmentize -l agentspec``, MkDocs and Sphinx highlight specs once the package
is installed.  It mirrors editors/vscode/syntaxes/agentspec.tmLanguage.json rule
for rule (see docs/editors.md for the scope/token table); the keyword lists here
must cover every keyword of grammar/agentspec.lark, which
tests/test_highlight_keywords.py enforces.

Why a hand-written RegexLexer rather than reusing the Lark parser: highlighting
must work on broken, half-typed specs and never raise, and it must not make
Pygments depend on the compiler.  Keywords are reserved only where they start a
statement (the parser lexes by context), so, like the grammar, the rules that
introduce a name accept any identifier there: ``planner planner { ... }``.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["AgentspecLexer"]

#: A string escape the language accepts (``agentspec.syntax.strings.decode``), as one
#: token: \" \\ \/ \n \t \r \0 \b \f; \uXXXX that is not half of a surrogate pair;
#: a surrogate pair \uD83D\uDE00; \u{X...} (1-6 hex digits) up to 10FFFF, surrogates
#: excluded. The TextMate grammar has the same two patterns; both are checked
#: against ``decode`` by tests/test_highlight_escapes.py.
VALID_ESCAPE = (
    r'\\(?:["\\/ntr0bf]'
    r"|u[dD][89abAB][0-9A-Fa-f]{2}\\u[dD][c-fC-F][0-9A-Fa-f]{2}"
    r"|u(?![dD][89a-fA-F])[0-9A-Fa-f]{4}"
    r"|u\{(?=[0-9A-Fa-f]{1,6}\})0*(?:10[0-9A-Fa-f]{4}|[1-9A-Fa-f][0-9A-Fa-f]{4}"
    r"|(?![dD][89a-fA-F][0-9A-Fa-f]{2}\})[1-9A-Fa-f][0-9A-Fa-f]{0,3})?\})"
)
#: Any other escape, as ``decode`` delimits it (so \u{110000} is one invalid token).
INVALID_ESCAPE = r"\\(?:u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|.)"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_WS = r"(\s+)"

#: keywords that declare something (``Keyword.Declaration``)
DECLARATION_KEYWORDS = (
    "tenant", "provider", "service", "tool", "plan", "action", "reference", "dispatcher",
    "coordinator", "planner", "executor", "specialist", "script", "scenario", "suite",
)
#: ``Keyword.Namespace``
NAMESPACE_KEYWORDS = ("import",)
#: value literals (``Keyword.Constant``)
CONSTANT_KEYWORDS = ("true", "false", "null")
#: everything else the grammar quotes (``Keyword``)
OTHER_KEYWORDS = (
    # scripts and scenario flow
    "run", "call", "say", "expect", "on",
    # tool, agent, provider and approval settings
    "version", "api_key", "api_key_env", "base_url", "retries", "description", "approval", "handler", "returns",
    "fails", "never", "always", "when", "default", "plans", "tools", "ttl", "model", "prompt",
    "routes", "stateful",
    # scenario settings
    "input", "via", "agent", "timeout", "max_steps", "max_llm_calls", "mock_response", "given",
    "approve", "reject", "revise", "partial", "then",
    # expectations
    "tool_call", "no_tool_call", "tool_order", "state", "within", "no_error", "output",
    "contains", "not_contains", "matches", "max_duration", "max_tokens", "no_side_effects",
    "allowed", "mutating", "no_repetition", "max_rate", "milestone", "weight", "judge", "using",
    "policy", "on_tool_failure", "dispatched", "none", "status", "before", "after", "times",
    "min_times", "max_times", "order", "output_contains", "forbidden_tools", "required_tools",
    "forbidden_outputs", "approved", "rejected", "revised", "no_approval", "for",
    "error", "code", "requested",
    # suite
    "runs", "min_pass_rate", "scenario_timeout",
    # score blocks
    "score", "trajectory", "actions", "response", "response_threshold", "response_weight",
    "threshold", "pass_at", "aggregate", "ignore", "sub_agents", "required", "ignore_case", "equals",
)

#: keywords whose operand is a tool name
_TOOL_REF_KEYWORDS = ("given", "no_tool_call", "tool_call", "before", "after", "on_tool_failure", "tool")
#: keywords whose operand is a list of tool names
_TOOL_LIST_KEYWORDS = ("tools", "tool_order", "allowed", "mutating", "forbidden_tools", "required_tools", "ignore")
_AGENT_ROLES = ("coordinator", "planner", "executor", "specialist")


def _alt(keywords: tuple[str, ...]) -> str:
    return "(" + "|".join(sorted(keywords, key=lambda w: (-len(w), w))) + ")"


class AgentspecLexer(RegexLexer):
    """Lexer for agentspec, the declarative language for multi-agent behaviour tests."""

    name = "agentspec"
    aliases = ["agentspec"]
    filenames = ["*.agentspec"]
    mimetypes = ["text/x-agentspec"]
    version_added = ""

    tokens = {
        "root": [
            include("space"),
            include("literals"),
            # declarations that introduce a name
            (rf"\b(tool)(\s+)({_NAME})(\s*)(\()",
             bygroups(Keyword.Declaration, Whitespace, Name.Function, Whitespace, Punctuation),
             "parameters"),
            (rf"\b(plan|reference)(\s+)({_NAME})(\s*)(\{{)",
             bygroups(Keyword.Declaration, Whitespace, Name.Class, Whitespace, Punctuation),
             "fields"),
            (rf"\b{_alt(_AGENT_ROLES)}{_WS}({_NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"\b(plan){_WS}({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"\b(script){_WS}({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (rf"\b(tenant){_WS}({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Namespace)),
            (rf"\b(provider|service){_WS}({_NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Constant)),
            # keywords whose operand names a tool, agent, script, state key or status
            (rf"\b(call){_WS}({_NAME})(?:{_WS}({_NAME}))?",
             bygroups(Keyword, Whitespace, Name.Class, Whitespace, Name.Function)),
            (rf"\b(run){_WS}({_NAME})", bygroups(Keyword, Whitespace, Name.Function)),
            (rf"\b(via|agent){_WS}({_NAME})", bygroups(Keyword, Whitespace, Name.Class)),
            (r"\b(approval)(\s+)(plan)\b", bygroups(Keyword, Whitespace, Keyword.Declaration)),
            (rf"\b(approval){_WS}(?!(?:never|always|when)\b)({_NAME})\b(?!\s*\()",
             bygroups(Keyword, Whitespace, Name.Function)),
            (rf"\b{_alt(_TOOL_REF_KEYWORDS)}{_WS}({_NAME})\b(?!\s*\()",
             bygroups(Keyword, Whitespace, Name.Function)),
            (rf"\b(state){_WS}({_NAME})\b", bygroups(Keyword, Whitespace, Name.Attribute)),
            (rf"\b(status){_WS}({_NAME})\b", bygroups(Keyword, Whitespace, Name.Constant)),
            # lists of names
            (r"\b(routes)(\s*)(\[)", bygroups(Keyword, Whitespace, Punctuation), "agent-list"),
            (rf"\b{_alt(_TOOL_LIST_KEYWORDS)}(\s*)(\[)",
             bygroups(Keyword, Whitespace, Punctuation), "tool-list"),
            # a scripted tool call, or the arguments of tool_call
            (rf"\b({_NAME})(\s*)(\()", bygroups(Name.Function, Whitespace, Punctuation), "arguments"),
            (r"\(", Punctuation, "arguments"),
            # object keys (identifiers that look like keywords are keys here)
            (rf"\b({_NAME})(\s*)(:)", bygroups(Name.Attribute, Whitespace, Punctuation)),
            include("keywords"),
            (r"==|=|\?", Operator),
            (r"\{", Punctuation, "block"),
            (r"\[", Punctuation, "list"),
            (r"[,:]", Punctuation),
            (_NAME, Name),
        ],
        "space": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
        ],
        "literals": [
            (r'"""', String.Double, "triple-string"),
            (r'"', String.Double, "string"),
            (r"/(?:[^/\\\n]|\\.)+/[imsx]*", String.Regex),
            (r"(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?:ms|s|m|h)(?![A-Za-z0-9_])", Number.Duration),
            (r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)(?![A-Za-z0-9_])",
             Number.Float),
            (r"(?<![A-Za-z0-9_.])-?\d+(?![A-Za-z0-9_])", Number.Integer),
        ],
        "keywords": [
            (words(NAMESPACE_KEYWORDS, prefix=r"\b", suffix=r"\b"), Keyword.Namespace),
            (words(DECLARATION_KEYWORDS, prefix=r"\b", suffix=r"\b"), Keyword.Declaration),
            (words(CONSTANT_KEYWORDS, prefix=r"\b", suffix=r"\b"), Keyword.Constant),
            (words(OTHER_KEYWORDS, prefix=r"\b", suffix=r"\b"), Keyword),
        ],
        "string": [
            (r'"', String.Double, "#pop"),
            (VALID_ESCAPE, String.Escape),
            (INVALID_ESCAPE, Error),
            (r'[^"\\\n]+', String.Double),
            (r"\n", Error, "#pop"),  # unterminated string: flag it, resume on the next line
        ],
        "triple-string": [
            (r'"""', String.Double, "#pop"),
            (VALID_ESCAPE, String.Escape),
            (INVALID_ESCAPE, Error),
            (r'[^"\\]+', String.Double),
            (r'"', String.Double),
        ],
        "block": [
            (r"\}", Punctuation, "#pop"),
            include("root"),
        ],
        "list": [
            (r"\]", Punctuation, "#pop"),
            include("root"),
        ],
        "arguments": [
            (r"\)", Punctuation, "#pop"),
            include("space"),
            (rf"\b({_NAME})(\s*)(:)", bygroups(Name.Variable, Whitespace, Punctuation)),
            include("root"),
        ],
        "parameters": [
            (r"\)", Punctuation, "#pop"),
            include("space"),
            (rf"\b({_NAME})(\s*)(:)", bygroups(Name.Variable, Whitespace, Punctuation)),
            include("types"),
        ],
        "fields": [
            (r"\}", Punctuation, "#pop"),
            include("space"),
            (rf"\b(action)(\s+)({_NAME})(\s*)(\{{)",
             bygroups(Keyword.Declaration, Whitespace, Name.Class, Whitespace, Punctuation),
             "fields"),
            (r"\bttl\b", Keyword),
            (rf"\b({_NAME})(\s*)(:)", bygroups(Name.Attribute, Whitespace, Punctuation)),
            include("types"),
        ],
        "types": [
            include("space"),
            include("literals"),
            (r"\{", Punctuation, "block"),
            (words(CONSTANT_KEYWORDS, prefix=r"\b", suffix=r"\b"), Keyword.Constant),
            (r"=|\?", Operator),
            (r"[\[\],]", Punctuation),
            (_NAME, Keyword.Type),
        ],
        "agent-list": [
            (r"\]", Punctuation, "#pop"),
            include("space"),
            (r",", Punctuation),
            (_NAME, Name.Class),
        ],
        "tool-list": [
            (r"\]", Punctuation, "#pop"),
            include("space"),
            (r",", Punctuation),
            (_NAME, Name.Function),
        ],
    }
