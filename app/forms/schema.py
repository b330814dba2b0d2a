"""Task forms: JSON Schema documents in `forms/<name>.json` and their validation.

A form is a draft 2020-12 JSON Schema of an object with `x-` layout hints (see
`check_schema` for the conventions). Its property names become process
variables, so `validate` reports problems per field, as dotted paths the UI can
put next to its inputs, with Russian messages the user can act on.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from ..statuses import CaseKind
from .conditions import compile_conditions, condition_problems
from .on_behalf import as_filed, declaration_problems
from .rules import RuleProblem, check_rules, clock_today, rule_errors
from .text import text_problems, with_length_limits

__all__ = [
    "DECISIONS",
    "FORMATS",
    "WIDGETS",
    "FieldError",
    "FormError",
    "FormFileInvalid",
    "FormNotFound",
    "check_schema",
    "condition_problems",
    "clear_cache",
    "examples_of",
    "list_forms",
    "load_form",
    "rule_problems",
    "validate",
]

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

WIDGETS = frozenset(
    {"text", "textarea", "radio", "select", "checkbox", "checkboxes", "date", "number", "file", "table"}
)
DECISIONS = ("approve", "remarks", "reject")
# x-opens-with: reopen the latest filed version always, or only while it was returned with remarks.
OPENS_WITH = ("latest", "returned")
# x-accepted-by: the kinds of decision something filed waits for (the sales register reads it).
ACCEPTING_KINDS = (CaseKind.SALES_ACCEPTANCE.value,)

# Form names end up in file paths; anything else could escape FORMS_DIR.
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SNAKE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class FormError(Exception):
    """Base class for problems with form files."""


class FormNotFound(FormError, LookupError):
    def __init__(self, name: str, path: Path) -> None:
        super().__init__(f"form {name!r} not found: {path}")
        self.name = name
        self.path = path


class FormFileInvalid(FormError, ValueError):
    """The form file exists but is not a JSON object."""


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path: "act_goods.0.tnved"; "" is the form as a whole
    message: str  # Russian, shown to the user


# --- custom formats ---------------------------------------------------------


class _BadFormat(ValueError):
    """Raised by a format check; its text is the Russian message for the user."""


_DIGITS_RE = re.compile(r"^[0-9]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OKVED_RE = re.compile(r"^\d{2}(\.\d(\d(\.\d{1,2})?)?)?$")
_PHONE_SEPARATORS_RE = re.compile(r"[\s()\-]")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def _check_inn(value: str) -> None:
    if not _DIGITS_RE.match(value):
        raise _BadFormat("Неверный ИНН: допускаются только цифры")
    if len(value) not in (10, 12):
        raise _BadFormat("Неверный ИНН: ожидается 10 цифр для организации или 12 для ИП")
    try:
        stdnum_inn.validate(value)
    except stdnum_errors.InvalidChecksum:
        raise _BadFormat("Неверный ИНН: контрольная сумма не сходится") from None
    except stdnum_errors.ValidationError:
        raise _BadFormat("Неверный ИНН") from None


def _ogrnip_check_digit(number: str) -> int:
    # python-stdnum compares the digit with the bare remainder mod 13, so it
    # rejects real ОГРНИП whose remainder is 10..12; the rule takes its last digit.
    return int(number[:14]) % 13 % 10


def _check_ogrn(value: str) -> None:
    if not _DIGITS_RE.match(value):
        raise _BadFormat("Неверный ОГРН: допускаются только цифры")
    if len(value) == 13:
        try:
            stdnum_ogrn.validate(value)
        except stdnum_errors.InvalidChecksum:
            raise _BadFormat("Неверный ОГРН: контрольная сумма не сходится") from None
        except stdnum_errors.ValidationError:
            raise _BadFormat("Неверный ОГРН") from None
    elif len(value) == 15:
        if value[0] not in "34":
            raise _BadFormat("Неверный ОГРНИП: номер должен начинаться с цифры 3")
        if int(value[14]) != _ogrnip_check_digit(value):
            raise _BadFormat("Неверный ОГРНИП: контрольная сумма не сходится")
    else:
        raise _BadFormat("Неверный ОГРН: ожидается 13 цифр (ОГРН) или 15 цифр (ОГРНИП)")


def _check_phone(value: str) -> None:
    digits = _PHONE_SEPARATORS_RE.sub("", value)
    if digits.startswith("+"):
        digits = digits[1:]
    if not _DIGITS_RE.match(digits) or not 10 <= len(digits) <= 15:
        raise _BadFormat("Неверный номер телефона: ожидается, например, +7 912 345-67-89")


def _check_email(value: str) -> None:
    if not _EMAIL_RE.match(value):
        raise _BadFormat("Неверный адрес электронной почты")


def _check_tnved(value: str) -> None:
    if not _DIGITS_RE.match(value) or len(value) not in (2, 4, 6, 10):
        raise _BadFormat("Неверный код ТН ВЭД: ожидается 10 цифр (для группы — 2, 4 или 6)")


def _check_okved(value: str) -> None:
    if not _OKVED_RE.match(value):
        raise _BadFormat("Неверный код ОКВЭД: ожидается вид 00, 00.0, 00.00, 00.00.0 или 00.00.00")


def _check_date(value: str) -> None:
    # date.fromisoformat alone would also take "20240131" and week dates.
    if not _DATE_RE.match(value):
        raise _BadFormat("Неверный формат даты, ожидается ДД.ММ.ГГГГ")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _BadFormat("Такой даты не существует") from None


def _check_uri(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise _BadFormat("Неверная ссылка: ожидается адрес вида https://…")


_FORMAT_CHECKS = {
    "inn": _check_inn,
    "ogrn": _check_ogrn,
    "phone": _check_phone,
    "email": _check_email,
    "tnved": _check_tnved,
    "okved": _check_okved,
    "date": _check_date,
    "uri": _check_uri,
}
FORMATS = frozenset(_FORMAT_CHECKS)


def _make_format_checker() -> FormatChecker:
    # Start empty: jsonschema's own checks depend on optional packages (uri
    # passes silently without rfc3987), so a form would validate differently
    # from one install to another.
    checker = FormatChecker(formats=())
    for name, check in _FORMAT_CHECKS.items():

        def run(instance: object, check=check) -> bool:
            if isinstance(instance, str):  # other types are the "type" keyword's job
                check(instance)
            return True

        checker.checks(name, raises=_BadFormat)(run)
    return checker


_FORMAT_CHECKER = _make_format_checker()


# --- loading ----------------------------------------------------------------


def _forms_dir(forms_dir: str | Path | None) -> Path:
    return Path(forms_dir).resolve() if forms_dir is not None else FORMS_DIR


@lru_cache(maxsize=None)
def _load(name: str, forms_dir: Path) -> dict:
    if not _NAME_RE.match(name):
        raise FormNotFound(name, forms_dir / f"{name}.json")
    path = forms_dir / f"{name}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormNotFound(name, path) from None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormFileInvalid(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(schema, dict):
        raise FormFileInvalid(f"{path}: the top level must be a JSON object")
    return with_length_limits(compile_conditions(_with_field_lists(_with_includes(schema, path, forms_dir), path,
                                                                   forms_dir)))


def _with_includes(schema: dict, path: Path, forms_dir: Path) -> dict:
    """Merge the forms named by ``x-include`` into this one.

    One task may fill two documents of the regulation at once (step 1: the questionnaire of
    Appendix 1 and the scoring of Appendix 2), while each stays its own file that REC edits
    on its own. Included fields, required names, sections and rules (``allOf``, ``x-rules``)
    join this form's, and each example is completed by the included form's first one; a field
    defined twice is an error, not a silent override.
    """
    includes = schema.pop("x-include", None)
    if not includes:
        return schema
    merged = copy.deepcopy(schema)
    props = merged.setdefault("properties", {})
    if "x-layout" not in merged:  # the form's own fields stay in view once sections are added
        merged["x-layout"] = [{"title": None, "fields": list(props)}]
    for name in includes:
        if name == path.stem:
            raise FormFileInvalid(f"{path}: x-include names the form itself")
        part = copy.deepcopy(_load(name, forms_dir))
        if clash := sorted(set(props) & set(part.get("properties", {}))):
            raise FormFileInvalid(f"{path}: fields {', '.join(clash)} are also in the included form {name!r}")
        props.update(part.get("properties", {}))
        merged["required"] = [*merged.get("required", []), *part.get("required", [])]
        for key in ("x-layout", "allOf", "x-rules"):
            if part.get(key):
                merged[key] = [*merged.get(key, []), *part[key]]
        theirs = part.get("examples") or [None]
        if isinstance(theirs[0], dict) and isinstance(merged.get("examples"), list):
            merged["examples"] = [{**theirs[0], **ours} if isinstance(ours, dict) else ours
                                  for ours in merged["examples"]]
    return merged


def _with_field_lists(schema: dict, path: Path, forms_dir: Path) -> dict:
    """Give every ``"x-fields-of": "<form>"`` field the fields of that form as its list.

    A remark about a field of the questionnaire names the field: its value is one of the named
    form's top-level field names (its includes joined), offered by their titles. The list is
    the form's as this version deployed it, so the page, the API (``enum``) and validation agree
    without a line of Python per form.
    """
    def walk(node):
        if isinstance(node, dict):
            name = node.get("x-fields-of")
            if isinstance(name, str):
                if name == path.stem:
                    raise FormFileInvalid(f"{path}: x-fields-of names the form itself")
                fields = [(key, prop) for key, prop in _load(name, forms_dir).get("properties", {}).items()
                          if isinstance(prop, dict) and not prop.get("x-version-note")]
                node["enum"] = [key for key, _ in fields]
                node["x-enum-titles"] = [prop.get("title") or key for key, prop in fields]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema.get("properties"))
    return schema


def load_form(name: str, forms_dir: str | Path | None = None) -> dict:
    """The schema of form `name`; a copy, so callers may change it freely."""
    return copy.deepcopy(_load(name, _forms_dir(forms_dir)))


def read_form(name: str, forms_dir: str | Path | None = None) -> dict:
    """The schema of form `name` as loaded once, shared: for reading only (a completion's checks
    and its case-file entry read it on every step, where a copy would cost more than the check)."""
    return _load(name, _forms_dir(forms_dir))


def examples_of(name: str, forms_dir: str | Path | None = None) -> list:
    """The form's ``examples`` (sample answers), copied without copying the whole form."""
    examples = _load(name, _forms_dir(forms_dir)).get("examples")
    return copy.deepcopy(examples) if isinstance(examples, list) else []


def list_forms(forms_dir: str | Path | None = None) -> list[str]:
    return sorted(p.stem for p in _forms_dir(forms_dir).glob("*.json") if _NAME_RE.match(p.stem))


def clear_cache() -> None:
    """Forget loaded forms, e.g. after a deploy replaced the files."""
    _load.cache_clear()
    _validator_for_form.cache_clear()


# --- validation ---------------------------------------------------------------


@lru_cache(maxsize=None)
def _validator_for_form(name: str, forms_dir: Path, on_behalf: bool = False) -> Draft202012Validator:
    return Draft202012Validator(as_filed(_load(name, forms_dir), on_behalf), format_checker=_FORMAT_CHECKER)


def _without_blanks(value: Any) -> Any:
    # HTML forms post empty inputs as "", which must read as "not filled in":
    # a blank required field is missing, a blank optional date is no error.
    # List items stay in place so row numbers in error paths match the table.
    if isinstance(value, dict):
        return {
            k: _without_blanks(v)
            for k, v in value.items()
            if v is not None and not (isinstance(v, str) and not v.strip())
        }
    if isinstance(value, list):
        return [_without_blanks(v) for v in value]
    return value


def validate(name_or_schema: str | dict, data: Any, forms_dir: str | Path | None = None, *,
             today: date | None = None, on_behalf: bool = False) -> list[FieldError]:
    """Problems of `data` against a form (by name) or a schema, its ``x-rules`` included; [] when
    valid. A rule about today reads ``today``, else the app's clock (``rules.clock_today``). A form
    by name is the form as filed on someone's behalf or not (``on_behalf.as_filed``)."""
    if isinstance(name_or_schema, str):
        validator = _validator_for_form(name_or_schema, _forms_dir(forms_dir), on_behalf)
    else:
        schema = with_length_limits(compile_conditions(copy.deepcopy(name_or_schema)))
        validator = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    root = validator.schema
    data = _without_blanks(data)
    # One message per field, the first jsonschema reports: a UI shows one
    # line under an input, and "out of list" already says "not above 5".
    found: dict[str, FieldError] = {}
    for error in validator.iter_errors(data):
        for field_error in _translate(error, root):
            found.setdefault(field_error.field, field_error)
    resolve = lambda node: _resolve(node, root)  # noqa: E731
    for field, message in text_problems(root, data, resolve):
        found.setdefault(field, FieldError(field, message))
    for field, message in rule_errors(root, data, resolve, (lambda: today) if today is not None else clock_today,
                                      found):
        found.setdefault(field, FieldError(field, message))
    return sorted(found.values(), key=lambda fe: _form_order(fe.field, root))


def _form_order(field: str, root: Any) -> list[tuple[int, int]]:
    # Errors in the order the user sees the fields: schema order, row by row.
    key = []
    node = _resolve(root, root) if isinstance(root, dict) else {}
    for part in field.split(".") if field else []:
        node = node if isinstance(node, dict) else {}
        if part.isdigit():
            key.append((0, int(part)))
            node = _resolve(node.get("items", {}), root)
        else:
            names = list(node.get("properties", {}))
            key.append((1, names.index(part) if part in names else len(names)))
            node = _resolve(node.get("properties", {}).get(part, {}), root)
    return key


def _dotted(path) -> str:
    return ".".join(str(p) for p in path)


def _resolve(schema: Any, root: dict) -> Any:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
        node: Any = root
        for part in schema["$ref"][2:].split("/"):
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
        return node
    return schema


def _property_schema(root: dict, path: list) -> dict:
    """The schema of the field at `path` in the form's own layout, {} if unknown."""
    node: Any = _resolve(root, root)
    for part in path:
        if not isinstance(node, dict):
            return {}
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
        node = _resolve(node, root)
    return node if isinstance(node, dict) else {}


def _custom_message(keyword: str, *schemas: Any) -> str | None:
    for schema in schemas:
        if isinstance(schema, dict):
            messages = schema.get("x-messages")
            if isinstance(messages, dict) and isinstance(messages.get(keyword), str):
                return messages[keyword]
    return None


_TYPE_NAMES = {
    "string": "текст",
    "integer": "целое число",
    "number": "число",
    "boolean": "да или нет",
    "array": "список",
    "object": "набор полей",
    "null": "пустое значение",
}


def _translate(error: ValidationError, root: dict) -> list[FieldError]:
    path = list(error.absolute_path)
    keyword = error.validator
    value = error.validator_value

    if keyword == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        result = []
        for missing in value:
            if missing in instance:
                continue
            prop = _property_schema(root, path + [missing])
            message = _custom_message("required", prop, error.schema) or "Обязательное поле"
            result.append(FieldError(_dotted(path + [missing]), message))
        return result

    prop = _property_schema(root, path)
    message = _custom_message(keyword, error.schema, prop)
    if message is None:
        if keyword == "format" and isinstance(error.cause, _BadFormat):
            message = str(error.cause)
        else:
            message = _default_message(keyword, value, prop)
    return [FieldError(_dotted(path), message)]


def _default_message(keyword: str, value: Any, prop: dict) -> str:
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        if types == ["integer"]:
            return "Введите целое число"
        return "Неверный тип значения: ожидается " + " или ".join(_TYPE_NAMES.get(t, t) for t in types)
    if keyword == "const":
        return "Необходимо отметить этот пункт" if value is True else "Недопустимое значение"
    if keyword == "enum":
        return "Выберите значение из списка"
    if keyword == "minItems":
        if prop.get("x-widget") == "checkboxes":
            return "Выберите хотя бы один вариант" if value == 1 else f"Выберите не меньше {value} вариантов"
        return "Добавьте хотя бы одну строку" if value == 1 else f"Добавьте не меньше {value} строк"
    if keyword == "maxItems":
        return f"Не больше {value} элементов"
    if keyword == "uniqueItems":
        return "Значения не должны повторяться"
    if keyword == "minLength":
        return "Обязательное поле" if value == 1 else f"Не короче {value} символов"
    if keyword == "maxLength":
        return f"Не длиннее {value} символов"
    if keyword == "minimum":
        return f"Значение должно быть не меньше {value}"
    if keyword == "maximum":
        return f"Значение должно быть не больше {value}"
    if keyword == "exclusiveMinimum":
        return f"Значение должно быть больше {value}"
    if keyword == "exclusiveMaximum":
        return f"Значение должно быть меньше {value}"
    if keyword == "multipleOf":
        return f"Значение должно быть кратно {value}"
    if keyword == "format":
        return "Неверный формат"
    if keyword == "pattern":
        return "Неверный формат"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return "Форма содержит лишние поля"
    return "Неверное значение"


# --- schema conventions (for the deploy validator) ----------------------------


def check_schema(schema: Any, *, rules: bool = True) -> list[str]:
    """Problems that make `schema` unusable as a form, as "path: problem" lines.

    Covers validity as a draft 2020-12 schema and the form conventions: the
    UI and the process engine rely on them, while a JSON Schema validator
    would accept their violations silently (an unknown format, for one), and,
    unless ``rules`` is False (the model check reports them one by one), the
    ``x-rules`` (``rules.check_rules``).
    """
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    # dict.fromkeys: the meta-schema's allOf reports one problem once per vocabulary
    problems = list(dict.fromkeys(
        f"{_dotted(e.absolute_path) or '(root)'}: {e.message}"
        for e in sorted(meta.iter_errors(schema), key=lambda e: list(map(str, e.absolute_path)))
    ))
    if problems or not isinstance(schema, dict):
        return problems or ["(root): a form must be a JSON object"]

    if schema.get("$schema") != SCHEMA_URI:
        problems.append(f"$schema: must be {SCHEMA_URI}")
    if schema.get("type") != "object":
        problems.append("type: a form must be of type object")
    if not schema.get("title"):
        problems.append("title: a form needs a title")
    _check_object(schema, "", schema, problems)
    _check_layout(schema, problems)
    problems += declaration_problems(schema)
    decision = schema.get("properties", {}).get("decision")
    if isinstance(decision, dict):
        unknown = [d for d in decision.get("enum", []) if d not in DECISIONS]
        if unknown or "enum" not in decision:
            problems.append(f"properties.decision: enum must be a subset of {list(DECISIONS)}")
    for i, example in enumerate(schema.get("examples", [])):
        if not isinstance(example, dict):
            problems.append(f"examples.{i}: a sample answer is an object of the form's fields")
    _check_reopening(schema, problems)
    if rules:
        problems += [str(p) for p in rule_problems(schema)]
        problems += [str(p) for p in condition_problems(schema)]
    return problems


def _check_reopening(schema: dict, problems: list[str]) -> None:
    """``x-opens-with`` and ``x-accepted-by`` name what the pages and the sales register act on:
    a typo there would silently open a form empty or count a report unaccepted."""
    opens = schema.get("x-opens-with")
    if opens is not None and opens not in OPENS_WITH:
        problems.append(f"x-opens-with: must be one of {list(OPENS_WITH)}")
    if opens == "returned" and not schema.get("x-remarks"):
        problems.append("x-opens-with: «returned» needs x-remarks, the decisions that return the form")
    if "x-accepted-by" in schema and schema["x-accepted-by"] not in ACCEPTING_KINDS:
        problems.append(f"x-accepted-by: must be one of {list(ACCEPTING_KINDS)}")


def rule_problems(schema: dict) -> list[RuleProblem]:
    """The problems of the form's ``x-rules``, each naming the rule (``rules.check_rules``)."""
    return check_rules(schema, lambda node: _resolve(node, schema))


def _check_object(schema: dict, where: str, root: dict, problems: list[str]) -> None:
    props = schema.get("properties", {})
    prefix = f"{where}." if where else ""
    required = list(schema.get("required", []))
    for sub in schema.get("allOf", []):
        for branch in ("if", "then", "else"):
            if isinstance(sub.get(branch), dict):
                required += sub[branch].get("required", [])
    for name in required:
        if name not in props:
            problems.append(f"{prefix}required: {name!r} is not among the properties")
    for name, prop in props.items():
        here = f"{prefix}properties.{name}"
        if not _SNAKE_RE.match(name):
            problems.append(f"{here}: property names must be snake_case")
        prop = _resolve(prop, root)
        if not isinstance(prop, dict):
            continue
        _check_property(prop, here, root, problems)


def _check_property(prop: dict, here: str, root: dict, problems: list[str], *, label: bool = True) -> None:
    if label and not prop.get("title"):
        problems.append(f"{here}: needs a title (the label the user sees)")
    widget = prop.get("x-widget")
    if widget is not None and widget not in WIDGETS:
        problems.append(f"{here}: unknown x-widget {widget!r}")
    fmt = prop.get("format")
    if fmt is not None and fmt not in FORMATS:
        problems.append(f"{here}: unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    _check_enum_titles(prop, here, problems)
    if widget == "file" and not prop.get("x-accept"):
        problems.append(f"{here}: a file field needs x-accept")
    if widget in ("checkboxes", "table") and prop.get("type") != "array":
        problems.append(f"{here}: x-widget {widget} needs type array")
    items = _resolve(prop.get("items"), root)
    if isinstance(items, dict):
        if widget == "checkboxes":
            titles = items.get("x-enum-titles")
            if "enum" not in items:
                problems.append(f"{here}.items: checkboxes need an enum of options")
            elif not isinstance(titles, list) or len(titles) != len(items["enum"]):
                problems.append(f"{here}.items: x-enum-titles must give one title per enum value")
        elif items.get("type") == "object":
            _check_object(items, f"{here}.items", root, problems)
        else:
            # a one-column table: the column title is optional, the column is the field
            _check_property(items, f"{here}.items", root, problems, label=False)
    if prop.get("type") == "object":
        _check_object(prop, here, root, problems)


def _check_enum_titles(schema: dict, here: str, problems: list[str]) -> None:
    titles = schema.get("x-enum-titles")
    if titles is not None or ("enum" in schema and schema.get("x-widget") in ("radio", "select")):
        if not isinstance(titles, list) or len(titles) != len(schema.get("enum", [])):
            problems.append(f"{here}: x-enum-titles must give one title per enum value")


# x-sections: how a form's x-layout sections are shown; "steps": one at a time, with navigation,
# progress and autosave of the draft (a long form such as the questionnaire).
SECTION_MODES = ("steps",)


def _check_layout(schema: dict, problems: list[str]) -> None:
    layout = schema.get("x-layout")
    if "x-sections" in schema:
        if schema["x-sections"] not in SECTION_MODES:
            problems.append(f"x-sections: must be one of {list(SECTION_MODES)}")
        elif not layout:
            problems.append("x-sections: needs x-layout, the sections to show one at a time")
    if layout is None:
        return
    props = schema.get("properties", {})
    seen: list[str] = []
    for i, section in enumerate(layout if isinstance(layout, list) else []):
        if not isinstance(section, dict) or not section.get("title") or not isinstance(section.get("fields"), list):
            problems.append(f"x-layout.{i}: a section needs a title and a list of fields")
            continue
        for field in section["fields"]:
            if field not in props:
                problems.append(f"x-layout.{i}: {field!r} is not among the properties")
            elif field in seen:
                problems.append(f"x-layout.{i}: {field!r} is placed twice")
            seen.append(field)
    for name in props:
        if name not in seen:
            problems.append(f"x-layout: {name!r} is in no section")
