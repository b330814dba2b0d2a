"""How the simulation's pages and report name the model's things: steps by number and name,
gateways by name and the step before them, decisions and deadline kinds in words, numbers the
Russian way."""
from __future__ import annotations

from .model import Node, SimModel

KIND_WORDS = {"normative": "нормативный срок", "indicative": "индикативный срок"}
DECISION_WORDS = {"remarks": "замечания", "reject": "отказ"}


def number_text(value: float | None, digits: int = 2) -> str:
    if value is None:
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") or "0"


def step_title(node: Node) -> str:
    return f"Шаг {node.step}. {node.name}" if node.step else node.name


def gateway_title(model: SimModel, gateway: Node) -> str:
    before = [n for n in model.nodes.values() if n.kind == "task" and gateway.id in n.next]
    return f"{gateway.name} (после: {step_title(before[0])})" if before else gateway.name
