"""The process diagram as inline SVG from the model's own BPMN DI, tasks coloured by breach share.

bpmn-js needs a browser and its scripts; a report file has to stand alone, so shapes and edges
are drawn here from the coordinates the modeller saved (bpmndi), which is all the colouring needs.
"""
from __future__ import annotations

from html import escape

from lxml import etree

from ..engine.xmlfile import read_xml
from .charts import fmt

DI = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI", "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def colour(share: float | None) -> str:
    """White (no breaches) through amber to red (every task late); grey when there is no deadline."""
    if share is None:
        return "#f4f4f4"
    share = max(0.0, min(1.0, share))
    if share < 0.5:
        g = 255 - int(share * 2 * 60)
        return f"#ff{g:02x}{int(255 - share * 2 * 200):02x}"
    return f"#ff{int(195 - (share - 0.5) * 2 * 150):02x}37"


def _metrics(figure: dict | None) -> str:
    if not figure or (figure.get("share") is None and figure.get("wait") is None):
        return "не выполнялся" if not figure else "нет срока"
    share = "нет срока" if figure.get("share") is None else f"нарушено {fmt(figure['share'] * 100, 1)}\u00a0%"
    if figure.get("client") is not None:
        wait = f" · ответ через {fmt(figure['client'], 1)}\u00a0дн."
    else:
        wait = "" if figure.get("wait") is None else f" · ждёт {fmt(figure['wait'], 1)}\u00a0дн."
    return share + wait


def render(files: dict[str, bytes], process_id: str, figures: dict[str, dict]) -> str:
    """``figures``: task id → {"share": normative breach share or None, "wait": mean days in queue}."""
    for content in files.values():
        root = read_xml(content)
        if root.find(f"bpmn:process[@id='{process_id}']", DI) is None:
            continue
        kinds = {e.get("id"): etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        names = {e.get("id"): e.get("name") or "" for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        shapes, edges = [], []
        for shape in root.iterfind(".//bpmndi:BPMNShape", DI):
            b = shape.find("dc:Bounds", DI)
            if b is not None:
                shapes.append((shape.get("bpmnElement"), *(float(b.get(k)) for k in ("x", "y", "width", "height"))))
        for edge in root.iterfind(".//bpmndi:BPMNEdge", DI):
            edges.append([(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", DI)])
        if not shapes:
            return "<p>В модели нет координат схемы (BPMN DI).</p>"
        x0 = min(s[1] for s in shapes) - 10
        y0 = min(s[2] for s in shapes) - 10
        x1 = max(s[1] + s[3] for s in shapes) + 10
        y1 = max(s[2] + s[4] for s in shapes) + 10
        # Readable at 0.85 of the modeller's size: the strip spans the page and scrolls sideways.
        out = [f'<div class="diagram-wrap"><svg class="diagram" width="{(x1 - x0) * 0.85:.0f}" '
               f'height="{(y1 - y0) * 0.85:.0f}" viewBox="{x0:.0f} {y0:.0f} {x1 - x0:.0f} {y1 - y0:.0f}" role="img" '
               f'aria-label="Схема процесса: доля нарушений нормативного срока и ожидание на каждом шаге">']
        for element, x, y, w, h in shapes:  # lanes and pools first, underneath
            if kinds.get(element) == "lane":
                out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="#bbb"/>'
                           f'<text x="{x + 6}" y="{y + 22}" class="lane">{escape(names.get(element, ""))}</text>')
        for points in edges:
            out.append('<polyline points="' + " ".join(f"{x},{y}" for x, y in points) +
                       '" fill="none" stroke="#888" marker-end="url(#arrow)"/>')
        for element, x, y, w, h in shapes:
            kind = kinds.get(element, "")
            if kind in ("lane", "participant"):
                continue
            if kind.endswith("Task") or kind == "task":
                figure = figures.get(element)
                tip = _metrics(figure) if element in figures else "автоматический шаг"
                out.append(f'<g><title>{escape(names.get(element, ""))}: {tip}</title>'
                           f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" '
                           f'fill="{colour((figure or {}).get("share"))}" stroke="#333"/>'
                           f'<foreignObject x="{x + 3}" y="{y + 3}" width="{w - 6}" height="{h - 6}">'
                           f'<div xmlns="http://www.w3.org/1999/xhtml" class="label">{escape(names.get(element, ""))}'
                           f'<b>{escape(tip)}</b></div></foreignObject></g>')
            elif kind.endswith("Gateway"):
                cx, cy = x + w / 2, y + h / 2
                out.append(f'<polygon points="{cx},{y} {x + w},{cy} {cx},{y + h} {x},{cy}" fill="#fff" stroke="#333"/>')
            elif kind.endswith("Event"):
                thick = 3 if kind == "endEvent" else 1
                out.append(f'<circle cx="{x + w / 2}" cy="{y + h / 2}" r="{w / 2}" fill="#fff" stroke="#333" '
                           f'stroke-width="{thick}"/>')
        out.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
                   'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs></svg></div>')
        return "".join(out)
    return "<p>Схема процесса не найдена.</p>"
