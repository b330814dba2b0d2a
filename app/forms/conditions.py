"""Conditional questions: a field asked only when another answer of its object is a given one.

A property may carry ``x-show-if``: the ``field`` of the same object it depends on and the
``value`` that field must have (or ``in``, a list of values, any of which will do)::

    "shelf_life_months": {"type": "integer", "x-show-if": {"field": "shelf_life_9m", "value": false}, …}

The page shows the question only while the condition holds. Listed in the object's
``required``, the question is required only then: ``compile_conditions`` turns the declaration
into the standard ``allOf``/``if``/``then`` when the form loads, so the page, the API (whose
``form_schema`` a client system renders) and validation read one rule and report the missing
answer on the same field. An answer to a question whose condition does not hold is not part of
what is filed (``asked_only``): it stays in the draft, in case the user turns back.
"""
from __future__ import annotations

from typing import Any, Iterator

from jsonschema import Draft202012Validator

from .rules import RuleProblem

__all__ = ["asked_only", "compile_conditions", "condition_holds", "condition_problems", "required_when_shown"]

KEY = "x-show-if"
CONDITION_KEYS = frozenset({"field", "value", "in"})


def _objects(node: Any) -> Iterator[dict]:
    """Every object of a form: the form, its object fields, the rows of its tables."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get("properties"), dict):
        yield node
        for prop in node["properties"].values():
            yield from _objects(prop)
    if isinstance(node.get("items"), dict):
        yield from _objects(node["items"])


def _expected(condition: dict) -> list:
    return list(condition["in"]) if isinstance(condition.get("in"), list) else [condition.get("value")]


def compile_conditions(schema: dict) -> dict:
    """``schema`` with each required conditional question required only under its condition
    (changed in place and returned; a second pass changes nothing)."""
    for node in _objects(schema):
        required = node.get("required")
        if not isinstance(required, list):
            continue
        for name, prop in node["properties"].items():
            condition = prop.get(KEY) if isinstance(prop, dict) else None
            if not isinstance(condition, dict) or name not in required or not isinstance(condition.get("field"), str):
                continue
            required.remove(name)
            other = condition["field"]
            test = {"const": _expected(condition)[0]} if "in" not in condition else {"enum": _expected(condition)}
            node.setdefault("allOf", []).append(
                {"if": {"properties": {other: test}, "required": [other]}, "then": {"required": [name]}})
    return schema


def required_when_shown(node: dict) -> set[str]:
    """The conditional questions of an object that are required while shown."""
    props = node.get("properties") or {}
    named = {name for sub in node.get("allOf") or [] if isinstance(sub, dict)
             for name in ((sub.get("then") or {}).get("required") or [])}
    return {name for name in named if isinstance(props.get(name), dict) and KEY in props[name]}


def condition_holds(condition: dict, answers: dict) -> bool:
    return answers.get(condition.get("field")) in _expected(condition)


def asked_only(schema: dict, data: Any) -> Any:
    """``data`` without the answers to questions whose condition does not hold, at any depth."""
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [asked_only(schema["items"], row) for row in data]
    if not isinstance(data, dict) or not isinstance(schema.get("properties"), dict):
        return data
    props = schema["properties"]
    result = {}
    for key, value in data.items():
        prop = props.get(key)
        condition = prop.get(KEY) if isinstance(prop, dict) else None
        if isinstance(condition, dict) and not condition_holds(condition, data):
            continue
        result[key] = asked_only(prop, value) if isinstance(prop, dict) else value
    return result


# --- checking the declarations (vitrina check) ----------------------------------------------


def condition_problems(schema: Any, where: str = "") -> list[RuleProblem]:
    """Every problem of the ``x-show-if`` declarations of a form."""
    problems: list[RuleProblem] = []
    _check_node(schema, where, problems)
    return problems


def _check_node(node: Any, where: str, problems: list[RuleProblem]) -> None:
    if not isinstance(node, dict):
        return
    prefix = f"{where}." if where else ""
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    for name, prop in props.items():
        if isinstance(prop, dict) and KEY in prop:
            _check_condition(name, prop[KEY], props, f"{prefix}properties.{name}.{KEY}", problems)
        _check_node(prop, f"{prefix}properties.{name}", problems)
    if isinstance(node.get("items"), dict):
        _check_node(node["items"], f"{prefix}items", problems)


def _check_condition(name: str, condition: Any, props: dict, where: str, problems: list[RuleProblem]) -> None:
    def problem(text: str) -> None:
        problems.append(RuleProblem(where, f"«{KEY}» {name}", text))

    if not isinstance(condition, dict):
        return problem("условие — объект с field и value (или in, списком значений)")
    if extra := sorted(set(condition) - CONDITION_KEYS):
        problem(f"неизвестные ключи {', '.join(extra)}; условие состоит из field и value (или in)")
    if ("value" in condition) == ("in" in condition):
        problem("укажите либо value (одно значение), либо in (список значений)")
    elif "in" in condition and (not isinstance(condition["in"], list) or not condition["in"]):
        problem("in должен быть непустым списком значений")
    other = condition.get("field")
    if not isinstance(other, str) or not other:
        return problem("укажите field: имя поля того же набора полей, от ответа на которое зависит вопрос")
    if other == name:
        return problem("вопрос не может зависеть от самого себя")
    if other not in props:
        return problem(f"поля «{other}» (field) нет среди полей {', '.join(props)}")
    controller = props[other]
    if not isinstance(controller, dict):
        return
    if KEY in controller:
        problem(f"поле «{other}» само показывается по условию: укажите вопрос, который задаётся всегда")
    if controller.get("type") in ("array", "object"):
        return problem(f"поле «{other}» — список или набор полей: условие сравнивает одно значение")
    if "value" in condition or isinstance(condition.get("in"), list):
        checker = Draft202012Validator({k: v for k, v in controller.items() if not k.startswith("x-")})
        for value in _expected(condition):
            if not checker.is_valid(value):
                allowed = controller.get("enum")
                hint = f": допустимы {', '.join(map(repr, allowed))}" if isinstance(allowed, list) else ""
                problem(f"значение {value!r} поле «{other}» принять не может{hint}")
