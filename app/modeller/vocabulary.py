"""What the properties panel offers to pick: the forms of forms/*.json, the status words of
app/statuses.py per process and status line, and the deadline kinds (bpmn/README.md)."""
from __future__ import annotations

import json
from pathlib import Path

from ..statuses import DEFAULT_VOCABULARY, TimerKind, VOCABULARY

DEADLINE_KINDS = [(kind.value, kind.label) for kind in TimerKind]
STATUS_LINES = {"application_status": "Статус заявки", "service_status": "Статус услуги"}


def forms(folder: Path) -> list[dict]:
    """Each form's name (the file stem the model names) and its title, by name."""
    result = []
    for path in sorted(folder.glob("*.json")):
        try:
            title = json.loads(path.read_text("utf-8")).get("title") or ""
        except (OSError, ValueError, AttributeError):
            title = "(файл формы не читается)"
        result.append({"name": path.stem, "title": title})
    return result


def statuses() -> dict:
    """{process id or "*": {line: [word, …]}}; "*" is what any other process may use."""
    result: dict[str, dict[str, list[str]]] = {
        "*": {line: [w.value for w in enum] for line, enum in DEFAULT_VOCABULARY.items()}}
    for (process_id, line), enum in VOCABULARY.items():
        result.setdefault(process_id, {})[line] = [w.value for w in enum]
    return result


def panel_vocabulary(forms_folder: Path) -> dict:
    return {"forms": forms(forms_folder), "statuses": statuses(), "status_lines": STATUS_LINES,
            "deadline_kinds": [{"value": v, "label": label} for v, label in DEADLINE_KINDS]}
