"""Diagram coordinates: every element a modeller shows needs a BPMNShape, every flow a BPMNEdge.

A model without any diagram still runs (it was written by hand), so that is a warning; a
diagram that leaves elements out is an error, since the modeller and the application card
would silently not show them.
"""
from __future__ import annotations

from ..engine.catalog import FLOW_NODES
from .findings import NS, Findings, local

SHAPED = FLOW_NODES | {"lane", "participant"}
EDGED = {"sequenceFlow", "messageFlow"}


def check_diagram(file: str, root, out: Findings) -> None:
    diagrams = root.findall("bpmndi:BPMNDiagram", NS)
    if not diagrams:
        out.warning("diagram-missing", file, None, "в файле нет схемы (BPMNDiagram): элементы не видны в моделлере "
                    "и на карточке заявки; откройте файл в моделлере и сохраните его со схемой")
        return
    shapes, edges = set(), set()
    for diagram in diagrams:
        for shape in diagram.iter(f"{{{NS['bpmndi']}}}BPMNShape"):
            if shape.find("dc:Bounds", NS) is not None:
                shapes.add(shape.get("bpmnElement"))
        for edge in diagram.iter(f"{{{NS['bpmndi']}}}BPMNEdge"):
            if len(edge.findall("di:waypoint", NS)) >= 2:
                edges.add(edge.get("bpmnElement"))
    for element in root.iter():
        kind = local(element)
        element_id = element.get("id") if kind else None
        if not element_id:
            continue
        if kind in SHAPED and element_id not in shapes:
            out.error("diagram-missing-shape", file, element, "у элемента нет координат на схеме (BPMNShape с "
                      "dc:Bounds): разместите его на схеме в моделлере")
        elif kind in EDGED and element_id not in edges:
            out.error("diagram-missing-edge", file, element, "у потока нет линии на схеме (BPMNEdge с двумя "
                      "и более точками): проведите его в моделлере")
