"""A spec's topology as a graph: agents by role, tools, plans, the dispatcher, services.

``topology(program, path)`` reads what the checker resolved for ``path`` (its
scope, ``agentspec.symbols``: the file's and its imports' declarations, each
name once) and returns plain data — nodes in groups, and edges — that
``agentspec graph`` renders as Mermaid or Graphviz DOT. Only names the scope
resolves become edges, so a spec with errors yields a partial graph, never an
exception; the command refuses such specs before it gets here anyway.

Everything is sorted by kind and name, so the same spec gives the same graph
whatever the declaration order or the machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agentspec.loader import Program
from agentspec.symbols import scope_for

#: Node groups in the order they are drawn, with their titles.
GROUPS: tuple[tuple[str, str], ...] = (
    ("coordinator", "coordinators"),
    ("planner", "planners"),
    ("executor", "executors"),
    ("specialist", "specialists"),
    ("tool", "tools"),
    ("plan", "plans"),
    ("runtime", "runtime"),
)


@dataclass(frozen=True)
class Node:
    id: str  # unique, a safe identifier in Mermaid and DOT: kind prefix + spec name
    group: str  # one of GROUPS
    shape: str  # agent | tool | gated_tool | plan | dispatcher | service | policy
    lines: tuple[str, ...]  # the label, line by line: the name first


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str  # "routes", "stores", "executes", "actions", or "" for an agent's tool


@dataclass
class Topology:
    title: str  # the spec file
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def in_group(self, group: str) -> list[Node]:
        return [node for node in self.nodes if node.group == group]


def _tool_policy(tool) -> str | None:
    approval = tool.approval
    if approval is None:
        return None
    if approval.mode == "when" and approval.predicate is not None:
        return f"approval when {approval.predicate.path}"
    return f"approval {approval.mode}"


def _rules(rules) -> str:
    return ", ".join(f"{rule.subject} {rule.mode}" for rule in sorted(rules, key=lambda r: r.subject))


def topology(program: Program, path: str) -> Topology:
    """The graph of what ``path`` and its imports declare."""
    scope = scope_for(program, path)
    graph = Topology(title=path)

    for name, symbol in sorted(scope.agents.items()):
        agent = symbol.decl
        lines = [name, agent.role]
        if agent.model:
            lines.append(agent.model)
        if agent.approval:
            lines.append(f"approval: {_rules(agent.approval)}")
        graph.nodes.append(Node(f"agent_{name}", agent.role, "agent", tuple(lines)))

    for name, symbol in sorted(scope.tools.items()):
        policy = _tool_policy(symbol.decl)
        gated = policy is not None and policy != "approval never"
        lines = (name, policy) if policy else (name,)
        graph.nodes.append(Node(f"tool_{name}", "tool", "gated_tool" if gated else "tool", lines))

    for name, symbol in sorted(scope.plans.items()):
        actions = sorted(action.name.name for action in symbol.decl.actions)
        lines = (name, "actions: " + ", ".join(actions)) if actions else (name,)
        graph.nodes.append(Node(f"plan_{name}", "plan", "plan", lines))

    visible = program.visible(path)
    dispatchers = [decl for spec in visible for decl in spec.declarations if decl.kind == "dispatcher"]
    if dispatchers:
        graph.nodes.append(Node("dispatcher", "runtime", "dispatcher", ("dispatcher", dispatchers[0].target.path)))
    for name, symbol in sorted(scope.services.items()):
        graph.nodes.append(Node(f"service_{name}", "runtime", "service", (f"service {name}", symbol.decl.factory.path)))
    floors = [rule for spec in visible for decl in spec.declarations if decl.kind == "approval" for rule in decl.rules]
    if floors:
        graph.nodes.append(Node("approval_floor", "runtime", "policy", ("approval floor", _rules(floors))))

    for name, symbol in sorted(scope.agents.items()):
        agent = symbol.decl
        for route in sorted({r.name for r in agent.routes}):
            if route in scope.agents:
                graph.edges.append(Edge(f"agent_{name}", f"agent_{route}", "routes"))
        for tool in sorted({t.name for t in agent.tools}):
            if tool in scope.tools:
                graph.edges.append(Edge(f"agent_{name}", f"tool_{tool}", ""))
        if agent.plan is not None and agent.plan.name in scope.plans:
            verb = {"planner": "stores", "executor": "executes"}.get(agent.role, "plan")
            graph.edges.append(Edge(f"agent_{name}", f"plan_{agent.plan.name}", verb))
    if dispatchers:
        for name in sorted(scope.plans):
            graph.edges.append(Edge(f"plan_{name}", "dispatcher", "actions"))
    return graph
