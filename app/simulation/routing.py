"""Where a case goes next on the compiled graph (the fast path).

The event loop asks a router what a case does after it starts, after a task is done, after a
client wait runs out. It answers with effects: tasks that become ready, outcomes, intermediate
timers to wait for, messages thrown. The check mode answers the same questions from the real
engine (check.py), so both share the loop, the resources, the calendar and the statistics.
"""
from __future__ import annotations

from bisect import bisect_left

TASK, OUTCOME, TIMER, MESSAGE = 0, 1, 2, 3


class Case:
    __slots__ = ("id", "region", "arrival", "end", "outcome", "tokens", "joins", "state", "known")

    def __init__(self, case_id: int, region: str, arrival: float):
        self.id, self.region, self.arrival = case_id, region, arrival
        self.end = None
        self.outcome = None
        self.tokens = 1
        self.joins = None
        self.state = None  # the engine's state bytes in check mode
        self.known = None


class GraphRouter:
    def __init__(self, scenario, rng):
        self.nodes = scenario.model.nodes
        self.branches = scenario.branches
        self.timers = {k: v for k, v in scenario.params["timers"].items()}
        self.random = rng.random
        self.samplers = {}

    def bind_timers(self, samplers: dict) -> None:
        self.samplers = samplers

    def pick(self, gateway_id: str) -> tuple[str, str]:
        """(flow id, target) of a branch drawn with the parameters' probabilities."""
        cum = self.branches[gateway_id]
        i = bisect_left(cum, (self.random() * cum[-1][0],))
        entry = cum[min(i, len(cum) - 1)]
        return entry[1], entry[2]

    def start(self, case, t):
        return self._walk(case, self.nodes[self._start_id()].next)

    def _start_id(self):
        for node in self.nodes.values():
            if node.kind == "start":
                return node.id

    def complete(self, case, task, flow, t):
        """The task is done; `flow` is the branch drawn for the gateway right after it (or None)."""
        if flow is not None:
            return self._walk(case, [flow[1]])
        return self._walk(case, task.plan.node.next)

    def timeout(self, case, task, t):
        return self._walk(case, [task.plan.node.wait.target])

    def resume(self, case, node_id, t):
        return self._walk(case, self.nodes[node_id].next)

    def _walk(self, case, targets):
        effects = []
        nodes = self.nodes
        stack = list(targets)
        case.tokens += len(stack) - 1
        while stack:
            node = nodes[stack.pop()]
            kind = node.kind
            if kind == "task":
                effects.append((TASK, node.id, None, None))
            elif kind == "xor":
                stack.append(self.pick(node.id)[1])
            elif kind == "end":
                case.tokens -= 1
                if node.message:
                    effects.append((MESSAGE, node.message))
                if node.outcome:
                    effects.append((OUTCOME, node.outcome))
                elif case.tokens == 0:
                    effects.append((OUTCOME, "ended"))
            elif kind == "timer":
                sampler = self.samplers.get(node.id)
                if sampler is None:  # no delay given: the branch is not followed further
                    case.tokens -= 1
                    if case.tokens == 0:
                        effects.append((OUTCOME, "ended"))
                else:
                    effects.append((TIMER, node.id, sampler()))
            else:
                if kind == "and" and node.joins > 1:
                    joins = case.joins = case.joins or {}
                    seen = joins.get(node.id, 0) + 1
                    case.tokens -= 1
                    if seen < node.joins:
                        joins[node.id] = seen
                        continue
                    joins[node.id] = 0
                    case.tokens += 1
                case.tokens += len(node.next) - 1
                stack.extend(node.next)
        return effects
