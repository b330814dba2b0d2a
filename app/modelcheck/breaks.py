"""Broken paths reported as causes with their consequences: one missing flow is one problem
(«У элемента «…» нет исходящего потока») with what follows from it folded under it — the
elements before it that can no longer end, the elements after it that nothing reaches, the
statuses no path sets any more. The graph work is app/modelcheck/paths.py; this module words it,
naming elements by their names (the id is only the diagram anchor of the problem).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..engine import STATUS_LINES
from ..engine.catalog import FLOW_NODES
from .findings import NS, Findings, local, problem
from .paths import Cause, CauseKind, FlowGraph, stuck_causes, unreached_causes, walk

KIND_WORDS = {"startEvent": "начальное событие", "endEvent": "конечное событие",
              "boundaryEvent": "граничное событие", "intermediateCatchEvent": "промежуточное событие",
              "intermediateThrowEvent": "промежуточное событие", "subProcess": "подпроцесс",
              "callActivity": "вызов процесса", "exclusiveGateway": "развилка", "parallelGateway": "развилка",
              "inclusiveGateway": "развилка", "eventBasedGateway": "развилка"}

STATUS_WORDS = {"application_status": "статус заявки", "service_status": "статус услуги"}


def children(container):
    nodes = [c for c in container if local(c) in FLOW_NODES]
    flows = [c for c in container if local(c) == "sequenceFlow"]
    return nodes, flows


def is_event_subprocess(node) -> bool:
    return local(node) == "subProcess" and node.get("triggeredByEvent") == "true"


def flow_graph(nodes, flows) -> tuple[FlowGraph, list[str]]:
    """The graph of a container and its roots (start events, event subprocesses)."""
    by_id = {n.get("id"): n for n in nodes}
    nexts, attached = {}, {}
    for flow in flows:
        if flow.get("sourceRef") in by_id and flow.get("targetRef") in by_id:
            nexts.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    for node in nodes:
        if node.get("attachedToRef") in by_id:
            attached.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
    interrupting = {n.get("id") for n in nodes if local(n) == "boundaryEvent" and n.get("cancelActivity") != "false"}
    roots = [n.get("id") for n in nodes if local(n) == "startEvent" or is_event_subprocess(n)]
    return FlowGraph(list(by_id), nexts, attached, interrupting), roots


def statuses(node) -> set[tuple[str, str]]:
    found = set()
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") in STATUS_LINES and prop.get("value"):
            found.add((prop.get("name"), prop.get("value")))
    return found


def reached_statuses(container) -> set[tuple[str, str]]:
    """The statuses some path from a start sets, in this container and the subprocesses it reaches."""
    nodes, flows = children(container)
    graph, roots = flow_graph(nodes, flows)
    reached = walk(roots, graph.forward)
    found = set()
    for node in nodes:
        if node.get("id") in reached:
            found |= statuses(node)
            if local(node) == "subProcess":
                found |= reached_statuses(node)
    return found


def named(node) -> str:
    name = " ".join((node.get("name") or "").split())
    return f"«{name}»" if name else f"{KIND_WORDS.get(local(node), 'задача')} без названия"


def report_breaks(file: str, container, nodes, flows, missing_refs: dict, reached: set, out: Findings) -> None:
    """The path problems of one container, causes first. ``missing_refs``: (node id, "incoming" /
    "outgoing") -> the dangling-ref problem of that list; those of a paired missing flow are folded
    into its problem and removed. ``reached``: the statuses the process still sets."""
    graph, roots = flow_graph(nodes, flows)
    words = _Words(file, {n.get("id"): n for n in nodes}, reached)
    kind = {i: local(words.by_id[i]) for i in graph.order}
    ends = [i for i in graph.order if kind[i] == "endEvent"]
    came = walk(roots, graph.forward)
    back = graph.reversed(graph.exits)
    can_end = walk(ends, lambda i: back[i])
    skipped = {i for i in graph.order if is_event_subprocess(words.by_id[i])}
    stuck = came - can_end - skipped
    dead_ends = [i for i in graph.order if i in came and i not in skipped and kind[i] != "endEvent"
                 and not graph.nexts.get(i)]
    stops = {c.members[0]: c for c in stuck_causes(graph, stuck)}
    entries = unreached_causes(graph, {i for i in graph.order if i not in came and i not in skipped})
    pairs = _pairs(dead_ends, entries, missing_refs)

    causes = []
    for node_id in dead_ends:
        entry, stop = pairs.get(node_id), stops.pop(node_id, None)
        folded = [missing_refs.pop((node_id, "outgoing"), None)]
        following = []
        if entry is not None:
            entries.remove(entry)
            folded.append(missing_refs.pop((entry.members[0], "incoming"), None))
            following = [words.missing_target(entry, node_id), *words.unreached(entry)]
        causes.append(problem("no-outgoing-flow", file, words.by_id[node_id], words.dead_end(node_id, entry),
                              consequences=[*words.stuck(stop), *following,
                                            *(f.problem for f in folded if f is not None)]))
    for stop in stops.values():
        causes.append(problem("no-way-to-end", file, words.by_id[stop.members[0]], words.trap(stop),
                              consequences=words.stuck(stop)))
    for entry in entries:
        causes.append(problem("unreachable", file, words.by_id[entry.members[0]], words.entry(entry),
                              consequences=words.unreached(entry)))

    if nodes and not ends:
        causes.append(problem("no-end-event", file, container, "в процессе нет конечного события: каждый путь "
                              "должен заканчиваться конечным событием"))
    elif roots and not came & set(ends):
        whole = problem("no-end-event", file, container, "ни одно конечное событие не достижимо от начала "
                        "процесса: проведите поток к конечному событию")
        if causes:  # the process cannot end because of the first cause
            causes[0] = replace(causes[0], consequences=(*causes[0].consequences, whole))
        else:
            causes.append(whole)
    out.items.extend(causes)


def _pairs(dead_ends: list[str], entries: list[Cause], missing_refs: dict) -> dict[str, Cause]:
    """Dead end -> the element without incoming flow at the other end of the same missing flow:
    the one whose ``incoming`` list names a flow the dead end's ``outgoing`` list names, else — a
    single dead end and a single such element — those two."""
    open_entries = [e for e in entries if e.kind == CauseKind.NO_INCOMING]
    pairs = {}
    for node_id in dead_ends:
        flows = _ref_ids(missing_refs.get((node_id, "outgoing")))
        for entry in open_entries:
            if flows & _ref_ids(missing_refs.get((entry.members[0], "incoming"))):
                pairs[node_id] = entry
                open_entries.remove(entry)
                break
    unpaired = [d for d in dead_ends if d not in pairs]
    if len(unpaired) == 1 and len(open_entries) == 1:
        pairs[unpaired[0]] = open_entries[0]
    return pairs


def _ref_ids(found) -> set[str]:
    return set(found.flows) if found is not None else set()


@dataclass(frozen=True)
class MissingRefs:
    """Entries of an ``incoming``/``outgoing`` list that name no flow: the problem saying so and
    the flow ids named."""

    problem: object
    flows: tuple[str, ...]


class _Words:
    def __init__(self, file: str, by_id: dict, reached: set):
        self.file, self.by_id, self.reached = file, by_id, reached

    def name(self, node_id: str) -> str:
        return named(self.by_id[node_id])

    def names(self, cause: Cause) -> str:
        return ", ".join(self.name(i) for i in cause.members)

    def dead_end(self, node_id: str, entry: Cause | None) -> str:
        hint = f" (вероятно, к элементу {self.name(entry.members[0])}: к нему сейчас не ведёт ни один поток)" \
            if entry is not None else ""
        return (f"У элемента {self.name(node_id)} нет исходящего потока, и заявка на нём застрянет: "
                f"проведите поток дальше{hint} или к конечному событию")

    def trap(self, stop: Cause) -> str:
        if len(stop.members) == 1:
            return (f"Единственный путь от элемента {self.names(stop)} ведёт обратно к нему же: это замкнутый цикл "
                    "без выхода, заявка из него не выйдет; добавьте выход из цикла к конечному событию")
        return (f"Элементы {self.names(stop)} образуют замкнутый цикл без выхода: ни один поток не выводит из "
                "него к конечному событию, и заявка будет ходить по кругу; добавьте выход из цикла")

    def entry(self, entry: Cause) -> str:
        if entry.kind == CauseKind.ISOLATED and local(self.by_id[entry.members[0]]) != "endEvent":
            return (f"Элемент {self.names(entry)} не соединён ни с одним потоком, и до него не ведёт ни один путь "
                    "от начального события: соедините его с процессом или удалите")
        if entry.kind == CauseKind.UNENTERED:
            return (f"До элементов {self.names(entry)} не ведёт ни один путь от начального события: они соединены "
                    "потоками только между собой; проведите к ним поток из процесса или удалите их")
        return (f"До элемента {self.names(entry)} не ведёт ни один путь от начального события: у него нет "
                "входящего потока; проведите к нему поток или удалите его")

    def stuck(self, stop: Cause | None) -> list:
        if stop is None:
            return []
        into = f"в элемент {self.names(stop)}" if stop.kind == CauseKind.DEAD_END else \
            f"в замкнутый цикл ({self.names(stop)})"
        return [problem("no-way-to-end", self.file, self.by_id[i], f"от элемента {self.name(i)} нет пути к "
                        f"конечному событию: все пути от него упираются {into}") for i in stop.consequences]

    def missing_target(self, entry: Cause, dead_end: str) -> object:
        return problem("unreachable", self.file, self.by_id[entry.members[0]],
                       f"до элемента {self.names(entry)} не ведёт ни один поток: вероятно, это и есть недостающий "
                       f"поток от элемента {self.name(dead_end)}")

    def unreached(self, entry: Cause) -> list:
        through = self.name(entry.members[0])
        found = []
        for node_id in entry.consequences:
            node = self.by_id[node_id]
            what = f"конечное событие {self.name(node_id)} недостижимо" if local(node) == "endEvent" else \
                f"до элемента {self.name(node_id)} не ведёт ни один путь от начального события"
            found.append(problem("unreachable", self.file, node, f"{what}: путь к нему идёт только через "
                                 f"элемент {through}"))
        lost: dict[tuple[str, str], list[str]] = {}
        for node_id in [*entry.members, *entry.consequences]:
            for status in sorted(statuses(self.by_id[node_id]) - self.reached):
                lost.setdefault(status, []).append(node_id)
        for (line, value), setters in lost.items():
            names = list(dict.fromkeys(self.name(i) for i in setters))
            who = f"его задаёт только элемент {names[0]}, до которого" if len(names) == 1 else \
                f"его задают только элементы {', '.join(names)}, до которых"
            found.append(problem("status-never-set", self.file, self.by_id[setters[0]],
                                 f"{STATUS_WORDS.get(line, line)} «{value}» больше не устанавливается ни на одном "
                                 f"пути: {who} не дойдёт ни одна заявка"))
        return found
