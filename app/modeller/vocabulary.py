"""What the properties panel offers, in the owners' words: the forms of forms/*.json with their
fields, the status words of app/statuses.py per process and status line, and the timer kinds —
each kind's fields (a number of working days, what the client is waited for, the report period)
and how the timer's expression and the element's name are written from them.

The panel holds no rules of its own: it matches ``pattern`` against a timer's expression to
read the fields, and fills ``expression`` and ``name`` (``{key}`` a field's value, ``{key:name}``
the ``name`` of the picked option) to write them back. ``fill`` here is the same filling, for
the tests and for anyone generating a model.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..statuses import DEFAULT_VOCABULARY, ClientWaitKind, TimerKind, VOCABULARY

STATUS_LINES = {"application_status": "Статус заявки", "service_status": "Статус услуги"}
MAX_WORKING_DAYS = 250  # about a year: a longer deadline is a typo
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")


@dataclass(frozen=True)
class TimerWords:
    """One deadline kind as the panel shows it."""

    kind: TimerKind
    title: str
    pattern: str       # a Python regular expression over the expression, a named group per field
    expression: str    # the expression written from the fields
    name: str | None   # the element's name written from the fields; None: the owner names it
    fields: list[dict]
    defaults: dict = field(default_factory=dict)  # groups kept from the expression, when it had none

    def read(self, expression: str) -> dict | None:
        found = re.fullmatch(self.pattern, expression.strip())
        return found.groupdict() if found else None

    def as_json(self) -> dict:
        # JavaScript spells a named group (?<n>…), Python (?P<n>…).
        return {"value": self.kind.value, "label": self.title, "pattern": self.pattern.replace("(?P<", "(?<"),
                "expression": self.expression, "name": self.name, "fields": self.fields, "defaults": self.defaults}


def fill(template: str, values: dict, fields: list[dict]) -> str:
    def one(found: re.Match) -> str:
        key, attribute = found.group(1), found.group(2)
        value = values[key]
        if attribute is None:
            return str(value)
        spec = next(f for f in fields if f["key"] == key)
        return next(o[attribute] for o in spec["options"] if o["value"] == value)
    return _PLACEHOLDER.sub(one, template)


# Values a number field may hold that are names of the application's data, in words; the field
# shows them as its placeholder, and a number typed in replaces them.
FROM_AGREEMENT = "как в Соглашении (шаг 6)"


def _days(label: str) -> dict:
    return {"key": "n", "type": "number", "label": label, "min": 1, "max": MAX_WORKING_DAYS,
            "named": {"report_days": FROM_AGREEMENT},
            "hint": "Срок считается в рабочих днях производственного календаря со дня после начала шага."}


def timer_words(client_waits: dict) -> list[TimerWords]:
    regional = bool(client_waits.get("regions"))
    waits = [{"value": w.value, "name": w.timeout_name,
              "label": f"{w.label[:1].upper()}{w.label[1:]} — {client_waits.get(w.value, '?')} р.д."
                       + (" (в некоторых регионах иначе)" if regional else "")} for w in ClientWaitKind]
    return [
        TimerWords(TimerKind.NORMATIVE, "Нормативный срок", r"deadline\((?P<n>\d+|\w+)\)", "deadline({n})",
                   "Нормативный срок: {n} р.д.", [_days("Нормативный срок, рабочих дней")]),
        TimerWords(TimerKind.INDICATIVE, "Индикативный срок", r"deadline\((?P<n>\d+|\w+)\)", "deadline({n})",
                   "Индикативный срок: {n} р.д.", [_days("Индикативный срок, рабочих дней")]),
        TimerWords(TimerKind.CLIENT_WAIT, "Ожидание Клиента",
                   r'client_wait\("(?P<wait>\w+)",\s*(?P<region>[^()]+)\)',
                   'client_wait("{wait}", {region})', "{wait:name}",
                   [{"key": "wait", "type": "select", "label": "Чего ждём от Клиента", "options": waits,
                     "hint": "Число рабочих дней каждого ожидания задаёт администратор в настройках Витрины."}],
                   {"region": "region"}),
        TimerWords(TimerKind.REPORT_PERIOD, "Отчётный период",
                   r"next_period\((?P<start>\w+),\s*(?P<months>\w+)\)", "next_period({start}, {months})", None,
                   [{"key": "months", "type": "number", "label": "Отчётный период, месяцев", "min": 1, "max": 12,
                     "empty": "report_period_months", "named": {"report_period_months": FROM_AGREEMENT},
                     "hint": "Пусто — период из Соглашения (шаг 6); число — один период для всех Соглашений."}],
                   {"start": "agreement_date"}),
    ]


def _field_kind(spec: dict) -> str:
    if titles := spec.get("x-enum-titles") or (spec.get("items") or {}).get("x-enum-titles"):
        return "выбор: " + " / ".join(titles)
    return {"textarea": "текст", "date": "дата", "file": "файл", "number": "число", "table": "таблица",
            "checkbox": "отметка", "checkboxes": "отметки"}.get(spec.get("x-widget"), {
        "integer": "число", "number": "число", "boolean": "отметка", "array": "список"}.get(spec.get("type"), "строка"))


def forms(folder: Path) -> list[dict]:
    """Each form's name (the file stem the model names), its title and its fields, by name."""
    result = []
    for path in sorted(folder.glob("*.json")):
        try:
            schema = json.loads(path.read_text("utf-8"))
            required = set(schema.get("required") or [])
            fields = [{"title": spec.get("title") or key, "kind": _field_kind(spec), "required": key in required}
                      for key, spec in (schema.get("properties") or {}).items() if isinstance(spec, dict)]
            result.append({"name": path.stem, "title": schema.get("title") or "", "fields": fields})
        except (OSError, ValueError, AttributeError):
            result.append({"name": path.stem, "title": "(файл формы не читается)", "fields": []})
    return result


def statuses() -> dict:
    """{process id or "*": {line: [word, …]}}; "*" is what any other process may use."""
    result: dict[str, dict[str, list[str]]] = {
        "*": {line: [w.value for w in enum] for line, enum in DEFAULT_VOCABULARY.items()}}
    for (process_id, line), enum in VOCABULARY.items():
        result.setdefault(process_id, {})[line] = [w.value for w in enum]
    return result


def panel_vocabulary(forms_folder: Path, client_waits: dict) -> dict:
    return {"forms": forms(forms_folder), "statuses": statuses(), "status_lines": STATUS_LINES,
            "deadline_kinds": [w.as_json() for w in timer_words(client_waits)]}
