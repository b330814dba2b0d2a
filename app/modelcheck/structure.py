"""The usual modelling checks, on the XML as written: flows that point nowhere, starts and
ends, elements no path reaches, and ids the engine reserves for itself.

SpiffWorkflow parses lazily from the start event, so it silently ignores much of this; a
process owner should hear about it before deploying, not when an application gets stuck.
"""
from __future__ import annotations

from collections import defaultdict

from .breaks import MissingRefs, children, report_breaks, reached_statuses
from .findings import NS, Findings, local, problem

RESERVED_IDS = {"Start", "End", "Root"}  # the engine names its own task specs so


def check_structure(file: str, root, out: Findings) -> None:
    for process in root.iterfind("bpmn:process", NS):
        _check_container(file, process, out, top=True, reached=reached_statuses(process))


def _check_container(file: str, container, out: Findings, top: bool, reached: set) -> None:
    nodes, flows = children(container)
    by_id = {n.get("id"): n for n in nodes}
    flow_ids = {f.get("id") for f in flows}
    for node in nodes:
        if node.get("id") in RESERVED_IDS:
            out.error("reserved-id", file, node, f"идентификатор «{node.get('id')}» занят движком: "
                      "переименуйте элемент (например, start_application)")
        if local(node) == "subProcess":
            _check_container(file, node, out, top=False, reached=reached)

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
    missing_refs = {}
    for node in nodes:
        for which, actual in (("outgoing", outgoing), ("incoming", incoming)):
            if (found := _check_declared_refs(file, node, which, actual[node.get("id")], flow_ids, out)) is not None:
                missing_refs[(node.get("id"), which)] = found
        if node.get("attachedToRef") is not None and node.get("attachedToRef") not in by_id:
            out.error("dangling-boundary", file, node, f"граничное событие прикреплено к несуществующему "
                      f"элементу «{node.get('attachedToRef')}»: прикрепите его к задаче")

    _check_starts(file, container, nodes, out, top)
    # A list entry naming a deleted flow is folded into the problem of that missing flow, if any.
    report_breaks(file, container, nodes, flows, missing_refs, reached, out)
    out.items.extend(m.problem for m in missing_refs.values())


def _check_declared_refs(file, node, which, actual, flow_ids, out) -> MissingRefs | None:
    declared = [(e.text or "").strip() for e in node.iterfind(f"bpmn:{which}", NS)]
    if not declared:
        return None  # the lists are optional in BPMN; the flows' own refs are what counts
    word = "исходящих" if which == "outgoing" else "входящих"
    if unknown := [d for d in declared if d not in flow_ids]:
        return MissingRefs(problem("dangling-flow", file, node, f"в списке {word} потоков ({which}) есть "
                                   f"несуществующие потоки: {', '.join(unknown)}; удалите их или пересохраните "
                                   "модель в моделлере"), tuple(unknown))
    if sorted(declared) != sorted(actual):
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
