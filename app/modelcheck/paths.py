"""Where the paths of one process (or subprocess) break, and what breaks only because of that.

A missing flow shows up as a long list of symptoms: everything before it cannot reach an end,
everything after it is reached by no path. The causes are found on the graph itself:

- of the elements that cannot reach an end, the causes are the *sink* components of that part of
  the graph: an element with no way onward (a dead end) or a cycle with no exit edge (a trap);
  everything else there cannot end only because its paths run into one of them;
- of the elements no path reaches, the causes are the *source* components: an element with no
  incoming flow (or a cycle nothing enters); the rest is reached only through them.

A "cycle" is therefore only ever a strongly connected component without an exit, never a dead end.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import StrEnum


class CauseKind(StrEnum):
    DEAD_END = "dead-end"          # no way onward: no outgoing flow
    TRAP = "trap"                  # a cycle with no exit edge
    NO_INCOMING = "no-incoming"    # no flow leads to it
    ISOLATED = "isolated"          # no flow at all
    UNENTERED = "unentered"        # a cycle nothing outside it leads into


@dataclass
class Cause:
    kind: CauseKind
    members: list[str]                                   # in document order; the first is the anchor
    consequences: list[str] = field(default_factory=list)  # node ids, document order


@dataclass
class FlowGraph:
    """``order``: node ids in document order; ``nexts``: sequence flows between known nodes;
    ``attached``: host -> its boundary events; ``interrupting``: boundary events that end their
    host (a way out of it), as opposed to those that run beside it."""

    order: list[str]
    nexts: dict[str, list[str]]
    attached: dict[str, list[str]]
    interrupting: set[str]

    def forward(self, node: str) -> list[str]:
        """Where a token may go next: the flows and every boundary event of the node."""
        return self.nexts.get(node, []) + self.attached.get(node, [])

    def exits(self, node: str) -> list[str]:
        """Ways out of the node: its flows and its interrupting boundary events."""
        return self.nexts.get(node, []) + [b for b in self.attached.get(node, []) if b in self.interrupting]

    def reversed(self, step) -> dict[str, list[str]]:
        back = defaultdict(list)
        for node in self.order:
            for following in step(node):
                back[following].append(node)
        return back


def walk(roots, step) -> set[str]:
    seen, queue = set(roots), deque(roots)
    while queue:
        for following in step(queue.popleft()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def stuck_causes(graph: FlowGraph, stuck: set[str]) -> list[Cause]:
    """Causes among ``stuck`` (reached elements with no path to an end): its sink components."""
    inside = _within(stuck, graph.exits)
    back = graph.reversed(inside)
    causes = []
    for component in _components(graph, stuck, inside):
        members = set(component)
        if any(n not in members for node in component for n in inside(node)):
            continue  # it runs into another component: a consequence, not a cause
        kind = CauseKind.TRAP if _is_cycle(component, inside) else CauseKind.DEAD_END
        causes.append(_cause(graph, kind, members, walk(component, lambda n: back[n])))
    return _ordered(graph, causes)


def unreached_causes(graph: FlowGraph, unreached: set[str]) -> list[Cause]:
    """Causes among ``unreached``: its source components."""
    inside = _within(unreached, graph.forward)
    back = graph.reversed(inside)
    all_back = graph.reversed(graph.forward)
    causes = []
    for component in _components(graph, unreached, inside):
        members = set(component)
        if any(p not in members for node in component for p in back[node]):
            continue  # something else unreached leads into it
        if _is_cycle(component, inside):
            kind = CauseKind.UNENTERED
        elif not graph.forward(component[0]) and not all_back[component[0]]:
            kind = CauseKind.ISOLATED
        else:
            kind = CauseKind.NO_INCOMING
        causes.append(_cause(graph, kind, members, walk(component, inside)))
    return _ordered(graph, causes)


def _within(nodes: set[str], step):
    """``step`` restricted to the subgraph of ``nodes``."""
    return lambda node: [n for n in step(node) if n in nodes] if node in nodes else []


def _cause(graph, kind, members: set[str], affected: set[str]) -> Cause:
    return Cause(kind, [n for n in graph.order if n in members],
                 [n for n in graph.order if n in affected and n not in members])


def _ordered(graph, causes: list[Cause]) -> list[Cause]:
    position = {n: i for i, n in enumerate(graph.order)}
    return sorted(causes, key=lambda c: position[c.members[0]])


def _is_cycle(component: list[str], step) -> bool:
    return len(component) > 1 or component[0] in step(component[0])


def _components(graph: FlowGraph, nodes: set[str], step) -> list[list[str]]:
    """Strongly connected components of ``nodes`` under ``step`` (Tarjan, without recursion: a
    long process must not hit the interpreter's recursion limit)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in (n for n in graph.order if n in nodes):
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start), on_stack.add(start)
        work = [(start, iter(step(start)))]
        while work:
            node, following = work[-1]
            for successor in following:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor), on_stack.add(successor)
                    work.append((successor, iter(step(successor))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    found.append(component)
    return found
