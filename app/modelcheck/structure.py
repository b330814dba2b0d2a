"""The usual modelling checks, on the XML as written: flows that point nowhere, starts and
ends, elements no path reaches, and ids the engine reserves for itself.

SpiffWorkflow parses lazily from the start event, so it silently ignores much of this; a
process owner should hear about it before deploying, not when an application gets stuck.
"""
from __future__ import annotations

from collections import defaultdict, deque

from ..engine.catalog import FLOW_NODES
from .findings import NS, Findings, local

RESERVED_IDS = {"Start", "End", "Root"}  # the engine names its own task specs so


def check_structure(file: str, root, out: Findings) -> None:
    for process in root.iterfind("bpmn:process", NS):
        _check_container(file, process, out, top=True)


def _children(container):
    nodes = [c for c in container if local(c) in FLOW_NODES]
    flows = [c for c in container if local(c) == "sequenceFlow"]
    return nodes, flows


def _check_container(file: str, container, out: Findings, top: bool) -> None:
    nodes, flows = _children(container)
    by_id = {n.get("id"): n for n in nodes}
    flow_ids = {f.get("id") for f in flows}
    for node in nodes:
        if node.get("id") in RESERVED_IDS:
            out.error("reserved-id", file, node, f"идентификатор «{node.get('id')}» занят движком: "
                      "переименуйте элемент (например, start_application)")
        if local(node) == "subProcess":
            _check_container(file, node, out, top=False)

    outgoing, incoming = defaultdict(list), defaultdict(list)
    for flow in flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        missing = [f"{what} «{ref}»" for what, ref in (("источник", source), ("цель", target))
                   if ref not in by_id]
        if missing:
            out.error("dangling-flow", file, flow, f"поток ссылается на несуществующий элемент ({', '.join(missing)}) "
                      "в этом процессе: соедините поток с элементами на схеме или удалите его")
            continue
        outgoing[source].append(flow.get("id"))
        incoming[target].append(flow.get("id"))
    for node in nodes:
        _check_declared_refs(file, node, "outgoing", outgoing[node.get("id")], flow_ids, out)
        _check_declared_refs(file, node, "incoming", incoming[node.get("id")], flow_ids, out)
        if node.get("attachedToRef") is not None and node.get("attachedToRef") not in by_id:
            out.error("dangling-boundary", file, node, f"граничное событие прикреплено к несуществующему "
                      f"элементу «{node.get('attachedToRef')}»: прикрепите его к задаче")

    _check_starts(file, container, nodes, out, top)
    _check_paths(file, container, nodes, by_id, flows, outgoing, out)


def _check_declared_refs(file, node, which, actual, flow_ids, out) -> None:
    declared = [(e.text or "").strip() for e in node.iterfind(f"bpmn:{which}", NS)]
    if not declared:
        return  # the lists are optional in BPMN; the flows' own refs are what counts
    word = "исходящих" if which == "outgoing" else "входящих"
    if unknown := [d for d in declared if d not in flow_ids]:
        out.error("dangling-flow", file, node, f"в списке {word} потоков ({which}) есть несуществующие "
                  f"потоки: {', '.join(unknown)}; удалите их или пересохраните модель в моделлере")
    elif sorted(declared) != sorted(actual):
        out.warning("flow-refs-mismatch", file, node, f"список {word} потоков ({which}: {', '.join(declared)}) "
                    f"расходится с потоками схемы ({', '.join(actual) or 'нет'}); пересохраните модель в моделлере")


def _definitions(node) -> list[str]:
    return [local(c) for c in node if local(c).endswith("EventDefinition")]


def _check_starts(file, container, nodes, out, top: bool) -> None:
    if not top and container.get("triggeredByEvent") == "true":
        return  # an event subprocess starts on its event
    starts = [n for n in nodes if local(n) == "startEvent"]
    plain = [n for n in starts if not _definitions(n)]
    where = "процессе" if top else "подпроцессе"
    if not starts:
        out.error("no-start-event", file, container, f"в {where} нет начального события: добавьте одно "
                  "простое начальное событие (или событие по сообщению/таймеру)")
    for extra in plain[1:]:
        out.error("several-start-events", file, extra, f"в {where} несколько простых начальных событий "
                  f"({', '.join(p.get('id') for p in plain)}): оставьте одно, остальные сделайте событиями "
                  "по сообщению или таймеру")
    if not top and starts and not plain:
        out.error("no-start-event", file, container, "у подпроцесса нет простого начального события: добавьте его")


def _check_paths(file, container, nodes, by_id, flows, outgoing, out) -> None:
    nexts = defaultdict(list)
    for flow in flows:
        if flow.get("sourceRef") in by_id and flow.get("targetRef") in by_id:
            nexts[flow.get("sourceRef")].append(flow.get("targetRef"))
    attached = defaultdict(list)
    for node in nodes:
        if node.get("attachedToRef") in by_id:
            attached[node.get("attachedToRef")].append(node.get("id"))
    ends = [n.get("id") for n in nodes if local(n) == "endEvent"]
    roots = [n.get("id") for n in nodes if local(n) == "startEvent"
             or (local(n) == "subProcess" and n.get("triggeredByEvent") == "true")]
    reached = _walk(roots, lambda i: nexts[i] + attached[i])
    if nodes and not ends:
        out.error("no-end-event", file, container, "в процессе нет конечного события: каждый путь должен "
                  "заканчиваться конечным событием")
    elif roots and not reached & set(ends):
        out.error("no-end-event", file, container, "ни одно конечное событие не достижимо от начала процесса: "
                  "проведите поток к конечному событию")
    previous = defaultdict(list)
    for source, targets in nexts.items():
        for target in targets:
            previous[target].append(source)
    can_end = _walk(ends, lambda i: previous[i])
    for node in nodes:
        node_id, kind = node.get("id"), local(node)
        if kind == "subProcess" and node.get("triggeredByEvent") == "true":
            continue
        if node_id not in reached:
            out.error("unreachable", file, node, "до элемента не ведёт ни один путь от начального события: "
                      "соедините его потоком с процессом или удалите")
        elif kind != "endEvent" and not outgoing[node_id]:
            out.error("no-outgoing-flow", file, node, "у элемента нет исходящего потока, и процесс на нём "
                      "застрянет: проведите поток дальше или к конечному событию")
        elif node_id not in can_end:
            out.error("no-way-to-end", file, node, "от элемента нет пути ни к одному конечному событию "
                      "(замкнутый цикл): добавьте выход из цикла")


def _walk(roots, nexts) -> set[str]:
    seen, queue = set(roots), deque(roots)
    while queue:
        for following in nexts(queue.popleft()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen
