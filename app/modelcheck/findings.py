"""The one way a rule reports: a ModelProblem with its rule code, severity and a Russian text
that says what is wrong and what to do."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..engine.errors import ModelProblem, Severity

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "spiffworkflow": SPIFF}


def local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@dataclass
class Findings:
    """Problems of one bundle, in the order the rules found them."""

    items: list[ModelProblem] = field(default_factory=list)

    def error(self, rule: str, file: str, element, reason: str, consequences=()) -> None:
        self.items.append(problem(rule, file, element, reason, Severity.ERROR, consequences))

    def warning(self, rule: str, file: str, element, reason: str) -> None:
        self.items.append(problem(rule, file, element, reason, Severity.WARNING))


def problem(rule: str, file: str, element, reason: str, severity: Severity = Severity.ERROR,
            consequences=()) -> ModelProblem:
    """``element`` is an lxml element, an object with id/name, an id string or None."""
    if element is None or isinstance(element, str):
        element_id, name = element, None
    elif hasattr(element, "get") and hasattr(element, "tag"):
        element_id, name = element.get("id"), element.get("name")
    else:
        element_id, name = element.id, getattr(element, "name", None)
    return ModelProblem(file, element_id, reason, name or None, rule, severity, tuple(consequences))
