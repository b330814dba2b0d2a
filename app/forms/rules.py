"""Cross-field rules of a form: an ``x-rules`` list declared beside the fields it compares.

JSON Schema checks each value on its own (a date that exists, a number from 1 to 12) and, with
``if``/``then``, which fields an answer makes required; it cannot compare two fields, or a date
with today. So any object of a form — the form itself, an object field, or the ``items`` of a
table (one row) — may carry ``x-rules``: each rule names a ``field`` of that object, what it
must be, and the Russian ``message`` shown on that field when it is not::

    {"rule": "after", "field": "agreement_end", "other": "agreement_date",
     "message": "Срок действия Соглашения должен быть позже даты Соглашения"}

A table's rules hold for every row, with the row's fields, and are reported on the cell
(``roadmap_steps.2.start``). A rule is tried only when its values are there and well formed: a
missing or malformed value is the schema's to report (required, format), so each field gets one
message. "Today" is the Moscow date of the injected clock, so tests and simulations move it.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Container, Iterator

from ..calendar import MOSCOW

__all__ = ["KINDS", "RuleProblem", "RulesNeedToday", "check_rules", "clock_today", "rule_errors"]

_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CYRILLIC_RE = re.compile(r"[А-Яа-яЁё]")
RULE_KEYS = frozenset({"rule", "field", "other", "message"})


@dataclass(frozen=True)
class Kind:
    values: str  # "date" or "number": what both sides must be
    holds: Callable[[Any, Any], bool]  # (the field's value, the other side) -> the rule is kept
    other: bool  # compared with another field (True) or with today (False)


KINDS = {
    "before": Kind("date", operator.lt, True),
    "after": Kind("date", operator.gt, True),
    "not-before": Kind("date", operator.ge, True),
    "not-after": Kind("date", operator.le, True),
    "not-in-future": Kind("date", operator.le, False),
    "not-in-past": Kind("date", operator.ge, False),
    "less": Kind("number", operator.lt, True),
    "greater": Kind("number", operator.gt, True),
    "not-less": Kind("number", operator.ge, True),
    "not-greater": Kind("number", operator.le, True),
}


class RulesNeedToday(RuntimeError):
    """A rule compares a date with today, and neither a date nor an app with its clock was given."""

    def __init__(self) -> None:
        super().__init__("a form rule compares a date with today: pass today= to validate, "
                         "or validate inside the app, whose clock says what today is")


def clock_today() -> date:
    """Today in Moscow by the app's injected clock."""
    from flask import current_app, has_app_context
    if not has_app_context() or "vitrina" not in current_app.extensions:
        raise RulesNeedToday()
    from ..workflow.runtime import runtime  # the forms package is below the workflow one
    return runtime().clock.now().astimezone(MOSCOW).date()


# --- evaluation ---------------------------------------------------------------------------


def rule_errors(schema: Any, data: Any, resolve: Callable[[Any], Any], today: Callable[[], date],
                invalid: Container[str] = (), path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, message) for each rule ``data`` breaks; ``resolve`` follows a ``$ref``,
    ``today`` is asked only when a rule needs it. A rule on a field of ``invalid`` (the paths
    the schema already refused: a negative sum, a date that does not exist) is not tried."""
    node = resolve(schema)
    node = node if isinstance(node, dict) else {}
    if isinstance(data, dict):
        for rule in _rules_of(node):
            here, other = _join(path, rule["field"]), _join(path, str(rule.get("other")))
            if here not in invalid and other not in invalid and _broken(rule, data, today):
                yield here, rule["message"]
        props = node.get("properties") or {}
        for key, value in data.items():
            if key in props:
                yield from rule_errors(props[key], value, resolve, today, invalid, _join(path, key))
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for index, row in enumerate(data):
            yield from rule_errors(node["items"], row, resolve, today, invalid, _join(path, str(index)))


def _rules_of(node: dict) -> list[dict]:
    rules = node.get("x-rules")
    # a malformed list is check_rules' to report; here it is simply not applied
    return [r for r in rules if isinstance(r, dict) and r.get("rule") in KINDS
            and isinstance(r.get("field"), str) and isinstance(r.get("message"), str)] \
        if isinstance(rules, list) else []


def _broken(rule: dict, data: dict, today: Callable[[], date]) -> bool:
    kind = KINDS[rule["rule"]]
    value = _value(kind.values, data.get(rule["field"]))
    if value is None:
        return False
    other = _value(kind.values, data.get(rule.get("other"))) if kind.other else today()
    return other is not None and not kind.holds(value, other)


def _value(kind: str, raw: Any) -> date | float | None:
    if kind == "date":
        if isinstance(raw, str) and _ISO_DATE_RE.match(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                return None
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- checking the declarations (vitrina check, the modeller) ------------------------------


@dataclass(frozen=True)
class RuleProblem:
    where: str  # "x-rules.0", or "properties.roadmap_steps.items.x-rules.1" for a table's rule
    rule: str  # the rule as a reader names it: «after» agreement_end
    problem: str  # Russian, what to fix

    def __str__(self) -> str:
        return f"{self.where} ({self.rule}): {self.problem}"


def check_rules(schema: Any, resolve: Callable[[Any], Any] | None = None) -> list[RuleProblem]:
    """Every problem of the ``x-rules`` declared anywhere in a form schema."""
    resolve = resolve or (lambda node: node)
    problems: list[RuleProblem] = []
    _check_node(schema, "", resolve, problems)
    return problems


def _check_node(node: Any, where: str, resolve, problems: list[RuleProblem]) -> None:
    node = resolve(node)
    if not isinstance(node, dict):
        return
    prefix = f"{where}." if where else ""
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    if "x-rules" in node:
        if not props:
            problems.append(RuleProblem(f"{prefix}x-rules", "x-rules", "правила ставятся только у набора полей: "
                                        "у самой формы, у поля-объекта или у строки таблицы (items)"))
        elif not isinstance(node["x-rules"], list):
            problems.append(RuleProblem(f"{prefix}x-rules", "x-rules", "x-rules должен быть списком правил"))
        else:
            for index, rule in enumerate(node["x-rules"]):
                _check_rule(rule, f"{prefix}x-rules.{index}", props, resolve, problems)
    for name, prop in props.items():
        _check_node(prop, f"{prefix}properties.{name}", resolve, problems)
    if isinstance(node.get("items"), dict):
        _check_node(node["items"], f"{prefix}items", resolve, problems)


def _check_rule(rule: Any, where: str, props: dict, resolve, problems: list[RuleProblem]) -> None:
    if not isinstance(rule, dict):
        problems.append(RuleProblem(where, "?", "правило должно быть объектом с rule, field и message"))
        return
    name = rule.get("rule")
    named = f"«{name}» {rule.get('field')}"

    def problem(text: str) -> None:
        problems.append(RuleProblem(where, named, text))

    if extra := sorted(set(rule) - RULE_KEYS):
        problem(f"неизвестные ключи {', '.join(extra)}; правило состоит из {', '.join(sorted(RULE_KEYS))}")
    kind = KINDS.get(name)
    if kind is None:
        problem(f"неизвестный вид правила «{name}»; известны: {', '.join(KINDS)}")
    message = rule.get("message")
    if not isinstance(message, str) or not _CYRILLIC_RE.search(message):
        problem("нужно сообщение (message) по-русски: его увидит пользователь у поля")
    names = [("field", rule.get("field"))]
    if kind is not None and kind.other:
        names.append(("other", rule.get("other")))
    elif kind is not None and "other" in rule:
        problem(f"правило «{name}» сравнивает дату с сегодняшним днём: other не нужен")
    for key, field in names:
        if not isinstance(field, str) or not field:
            problem(f"укажите {key}: имя поля" + (" того же набора полей" if key == "other" else ""))
        elif field not in props:
            problem(f"поля «{field}» ({key}) нет среди полей {', '.join(props)}")
        elif kind is not None and not _is(kind.values, resolve(props[field])):
            compared, what = ("даты", "дата (format: date)") if kind.values == "date" else \
                ("числа", "число (type: integer или number)")
            problem(f"правило «{name}» сравнивает {compared}, а поле «{field}» ({key}) — не {what}")


def _is(values: str, prop: Any) -> bool:
    if not isinstance(prop, dict):
        return False
    if values == "date":
        return prop.get("format") == "date"
    kinds = prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")]
    return bool(kinds) and all(k in ("integer", "number") for k in kinds)
