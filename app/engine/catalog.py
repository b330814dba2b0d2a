"""A plain reading of a process: its elements, lanes, properties, timers and flows.

SpiffWorkflow parses lazily from the start event and keeps what it needs to run; Vitrina also
needs the whole model as data (every expression to check, every step with its lane, form and
deadlines, for the task list, the validator and the simulator), so it reads the XML itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway",
}
HUMAN_TASKS = {"userTask", "manualTask", "task"}


@dataclass
class ElementInfo:
    id: str
    type: str
    name: str | None
    lane: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    documentation: str | None = None
    attached_to: str | None = None
    cancel_activity: bool = True
    timer: tuple[str, str] | None = None  # (timeDate | timeDuration | timeCycle, expression)
    message: str | None = None
    definitions: list[str] = field(default_factory=list)  # event definitions: timer, message, error…
    script: str | None = None
    pre_script: str | None = None
    post_script: str | None = None
    default_flow: str | None = None
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)

    @property
    def is_human(self) -> bool:
        return self.type in HUMAN_TASKS

    def sources(self):
        """(what, source, mode) for every piece of Python the element carries."""
        if self.timer:
            yield f"timer expression «{self.timer[1]}»", self.timer[1], "eval"
        for what, script in (("script", self.script), ("preScript", self.pre_script),
                             ("postScript", self.post_script)):
            if script:
                yield what, script, "exec"


@dataclass
class FlowInfo:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None

    def sources(self):
        if self.condition:
            yield f"condition «{self.condition}»", self.condition, "eval"


@dataclass
class ProcessCatalog:
    process_id: str
    name: str | None
    file: str
    executable: bool
    elements: dict[str, ElementInfo] = field(default_factory=dict)
    flows: dict[str, FlowInfo] = field(default_factory=dict)
    lanes: list[str] = field(default_factory=list)
    start_messages: set[str] = field(default_factory=set)

    def human_tasks(self) -> list[ElementInfo]:
        return [e for e in self.elements.values() if e.is_human]

    def boundary_timers(self, activity_id: str) -> list[ElementInfo]:
        return [e for e in self.elements.values() if e.attached_to == activity_id and e.timer]

    def only_signals(self, timer_id: str) -> bool:
        """Whether firing this timer changes nothing in the flow: a non-interrupting boundary
        timer whose every path ends at once in a plain end event. Such a deadline can be
        recorded from the timer table without running the engine; the engine catches up the
        next time the instance moves."""
        timer = self.elements.get(timer_id)
        if timer is None or timer.type != "boundaryEvent" or timer.cancel_activity or not timer.outgoing:
            return False
        for flow_id in timer.outgoing:
            target = self.elements.get(self.flows[flow_id].target)
            if target is None or target.type != "endEvent" or target.definitions or target.properties.get(
                    "application_status") or target.properties.get("service_status"):
                return False
        return True


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def read_catalog(tree, file_name: str) -> list[ProcessCatalog]:
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    messages = {m.get("id"): m.get("name") or m.get("id") for m in root.iterfind("bpmn:message", NS)}
    catalogs = []
    for process in root.iterfind("bpmn:process", NS):
        catalog = ProcessCatalog(process.get("id"), process.get("name"), file_name,
                                 process.get("isExecutable", "false") == "true")
        lane_of = {}
        for lane in process.iterfind(".//bpmn:lane", NS):
            catalog.lanes.append((lane.get("name") or "").strip())
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                lane_of[(ref.text or "").strip()] = (lane.get("name") or "").strip()
        for element in process.iter():
            kind = _local(element)
            if kind == "sequenceFlow":
                flow = FlowInfo(element.get("id"), element.get("sourceRef"), element.get("targetRef"),
                                element.get("name"), _text(element, "bpmn:conditionExpression"))
                catalog.flows[flow.id] = flow
            elif kind in FLOW_NODES:
                info = _element_info(element, kind, lane_of, messages)
                catalog.elements[info.id] = info
                if kind == "startEvent" and info.message:
                    catalog.start_messages.add(info.message)
        for flow in catalog.flows.values():
            if flow.source in catalog.elements:
                catalog.elements[flow.source].outgoing.append(flow.id)
            if flow.target in catalog.elements:
                catalog.elements[flow.target].incoming.append(flow.id)
        catalogs.append(catalog)
    return catalogs


def _element_info(element, kind, lane_of, messages) -> ElementInfo:
    info = ElementInfo(element.get("id"), kind, element.get("name"), lane_of.get(element.get("id")))
    for prop in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        info.properties[prop.get("name")] = prop.get("value")
    info.documentation = _text(element, "bpmn:documentation")
    info.attached_to = element.get("attachedToRef")
    info.cancel_activity = element.get("cancelActivity", "true") != "false"
    info.default_flow = element.get("default")
    info.script = _text(element, "bpmn:script")
    info.pre_script = _text(element, "bpmn:extensionElements/spiffworkflow:preScript")
    info.post_script = _text(element, "bpmn:extensionElements/spiffworkflow:postScript")
    info.definitions = [_local(child) for child in element if _local(child).endswith("EventDefinition")]
    timer = element.find("bpmn:timerEventDefinition", NS)
    if timer is not None:
        for which in ("timeDate", "timeDuration", "timeCycle"):
            expression = _text(timer, f"bpmn:{which}")
            if expression:
                info.timer = (which, expression)
    message = element.find("bpmn:messageEventDefinition", NS)
    if message is not None:
        info.message = messages.get(message.get("messageRef"), message.get("messageRef"))
    return info
