"""The deployed BPMN compiled into a light graph the event loop walks.

The simulation has no model of its own: it reads the same files the engine runs (through the
engine package's lxml catalogue), so a process owner who changes ``deadline(2)`` to
``deadline(3)`` changes the simulation. Nodes keep only what the loop needs: the role of a
task's lane, its deadlines in working days, its client wait, the branches of a gateway with
the decision value each one tests, and the outcome of an end event.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


from ..engine.catalog import ProcessCatalog, read_catalog
from ..engine.xmlfile import read_xml
from ..roles import role_of_lane
from ..statuses import ApplicationStatus, ServiceStatus, TimerKind

DEADLINE = re.compile(r"^\s*deadline\(\s*(\w+)\s*\)\s*$")
CLIENT_WAIT = re.compile(r"""^\s*client_wait\(\s*["'](\w+)["']\s*(?:,\s*[^)]*)?\)\s*$""")
DECISION = re.compile(r"""^\s*decision\s*==\s*["'](\w+)["']\s*$""")

# Outcomes of a case, by the status its end event sets.
OUTCOMES = {
    ApplicationStatus.REFUSED_CPE.value: "refused_cpe",
    ApplicationStatus.REFUSED_CLIENT.value: "refused_client",
    ApplicationStatus.DONE.value: "completed",
    ServiceStatus.RECORDED.value: "completed",
}
OUTCOME_LABELS = {"completed": "Услуга оказана", "refused_cpe": "Отказ ЦПЭ",
                  "refused_client": "Отказ Клиента", "ended": "Процесс завершён"}


class ModelNotSimulable(ValueError):
    """The model has an element the simulation cannot follow; the message names it."""


@dataclass
class Wait:
    """An interrupting client wait on a task: after `days` working days the case leaves by `target`."""
    element_id: str
    kind: str
    target: str


@dataclass
class Node:
    id: str
    kind: str  # start | task | xor | and | end | timer | pass
    name: str
    lane: str | None = None
    role: str | None = None
    step: str | None = None
    form: str | None = None
    next: list[str] = field(default_factory=list)  # target node ids
    # tasks
    normative: int | str | None = None  # working days, or a variable the parameters must give
    indicative: int | str | None = None
    wait: Wait | None = None
    timer_ids: dict[str, str] = field(default_factory=dict)  # deadline kind -> boundary timer id
    # gateways: (flow id, target, decision value or None), and the default flow's id
    branches: list[tuple[str, str, str | None]] = field(default_factory=list)
    default: str | None = None
    joins: int = 1
    # end events
    outcome: str | None = None
    message: str | None = None


@dataclass
class SimModel:
    process_id: str
    name: str
    start: str
    nodes: dict[str, Node]
    notes: list[str] = field(default_factory=list)  # what the compile left out, in Russian

    def tasks(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == "task"]

    def decision_of(self, gateway_id: str, flow_id: str) -> str | None:
        gateway = self.nodes[gateway_id]
        for fid, _target, value in gateway.branches:
            if fid == flow_id:
                return value
        return None


def _days(expression: str) -> int | str | None:
    match = DEADLINE.match(expression)
    if not match:
        return None
    value = match.group(1)
    return int(value) if value.isdigit() else value


def compile_catalog(catalog: ProcessCatalog) -> SimModel:
    nodes: dict[str, Node] = {}
    notes: list[str] = []
    flows = catalog.flows
    start = None
    for e in catalog.elements.values():
        if e.type == "boundaryEvent":
            continue
        nxt = [flows[f].target for f in e.outgoing]
        node = Node(e.id, "pass", e.name or e.id, e.lane, step=e.properties.get("step"), next=nxt)
        if e.type == "startEvent":
            node.kind = "start"
            if start is None or not e.message:
                start = e.id
        elif e.is_human:
            node.kind = "task"
            role = role_of_lane(e.lane)
            if role is None:
                raise ModelNotSimulable(f"задача {e.id} «{e.name}»: дорожка «{e.lane}» не является ролью")
            node.role = role.value
            node.form = e.properties.get("form")
        elif e.type == "exclusiveGateway":
            node.kind = "xor"
            node.default = e.default_flow
            for fid in e.outgoing:
                flow = flows[fid]
                value = None
                if flow.condition:
                    match = DECISION.match(flow.condition)
                    value = match.group(1) if match else None
                node.branches.append((fid, flow.target, value))
        elif e.type == "parallelGateway":
            node.kind = "and"
            node.joins = max(1, len(e.incoming))
        elif e.type == "endEvent":
            node.kind = "end"
            node.message = e.message
            node.outcome = (OUTCOMES.get(e.properties.get("service_status") or "")
                            or OUTCOMES.get(e.properties.get("application_status") or ""))
        elif e.type == "intermediateCatchEvent" and e.timer:
            node.kind = "timer"
        elif e.type in ("scriptTask", "businessRuleTask", "intermediateThrowEvent", "sendTask", "serviceTask"):
            # Automatic steps take no time here: their effect on the flow is the branch probabilities.
            node.kind = "pass"
        else:
            raise ModelNotSimulable(f"элемент {e.id} ({e.type}) не поддерживается симуляцией")
        nodes[e.id] = node
    for e in catalog.elements.values():
        if e.type != "boundaryEvent" or not e.timer or e.attached_to not in nodes:
            continue
        task, kind = nodes[e.attached_to], e.properties.get("deadline_kind")
        expression = e.timer[1]
        if kind in (TimerKind.NORMATIVE, TimerKind.INDICATIVE) and not e.cancel_activity:
            days = _days(expression)
            if days is None:
                notes.append(f"«{task.name}»: срок «{expression}» не в виде deadline(n) — не учитывается")
            setattr(task, kind, days)
            task.timer_ids[kind] = e.id
        elif e.cancel_activity and (match := CLIENT_WAIT.match(expression)):
            task.wait = Wait(e.id, match.group(1), flows[e.outgoing[0]].target)
        else:
            notes.append(f"«{task.name}»: таймер «{e.name or expression}» не моделируется")
    if start is None:
        raise ModelNotSimulable(f"у процесса {catalog.process_id} нет начального события")
    return SimModel(catalog.process_id, catalog.name or catalog.process_id, start, nodes, notes)


def compile_files(files: dict[str, bytes], process_id: str) -> SimModel:
    """Compile one process of a bundle (file name -> BPMN bytes), as deployed."""
    for name, content in sorted(files.items()):
        if not name.endswith(".bpmn"):
            continue
        for catalog in read_catalog(read_xml(content), name):
            if catalog.process_id == process_id:
                return compile_catalog(catalog)
    raise ModelNotSimulable(f"процесс «{process_id}» не найден в модели")


def read_folder(folder: str | Path) -> dict[str, bytes]:
    """The model files of a folder, as a deployment reads them (BPMN and their DMN tables)."""
    from ..workflow.deployments import MODEL_SUFFIXES
    folder = Path(folder)
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in MODEL_SUFFIXES}
    if not any(name.endswith(".bpmn") for name in files):
        raise ModelNotSimulable(f"в папке {folder} нет файлов .bpmn")
    return files
