"""The fields of a region's settings: their Russian labels, limits and checks.

One table of fields serves the page (labels, hints), the validation (each error names its field)
and the history (old → new under the field's label).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

WAIT_MIN, WAIT_MAX = 1, 90
# The client waits by the engine's kind (``client_wait(kind, region)`` in the model).
WAIT_FIELDS = {"remarks": "wait_remarks", "originals": "wait_originals",
               "consultation_offer": "wait_consultation_offer"}
INTAKE_CHOICES = {"": None, "required": True, "not_required": False}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    limit: int = 200
    required: bool = False
    kind: str = "text"  # text | area | digits | wait | intake
    digits: tuple[int, ...] = ()  # allowed lengths of a digits field
    hint: str | None = None


FIELDS = (
    Field("full_name", "Полное наименование ЦПЭ", 500, True, hint="Как сторона называется в акте"),
    Field("short_name", "Краткое наименование ЦПЭ", 200, True),
    Field("address", "Почтовый адрес", 2000, kind="area"),
    Field("head_position", "Должность подписанта", hint="В именительном падеже: «директор»"),
    Field("head_name", "ФИО подписанта",
          hint="Полностью, в именительном падеже: «Соколова Анна Викторовна» — в акте будет «в лице "
               "директора Соколовой Анны Викторовны, действующей…»"),
    Field("basis", "Подписант действует на основании",
          hint="В родительном падеже, как в акте после «действующего на основании»: «устава»"),
    Field("inn", "ИНН ЦПЭ", kind="digits", digits=(10,)),
    Field("kpp", "КПП ЦПЭ", 9, hint="9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры"),
    Field("ogrn", "ОГРН ЦПЭ", kind="digits", digits=(13,)),
    Field("bank_name", "Банк", 300),
    Field("bank_bik", "БИК банка", kind="digits", digits=(9,)),
    Field("bank_account", "Расчётный счёт", kind="digits", digits=(20,)),
    Field("bank_corr_account", "Корреспондентский счёт", kind="digits", digits=(20,)),
    Field("wait_remarks", "Ожидание доработки Заявки Клиентом (2.3), раб. дн.", kind="wait"),
    Field("wait_originals", "Ожидание оригиналов документов (4.1), раб. дн.", kind="wait"),
    Field("wait_consultation_offer", "Ожидание ответа на предложение консультации, раб. дн.", kind="wait"),
    Field("waits_act", "Региональный акт, устанавливающий сроки ожидания", 500,
          hint="Наименование, номер и дата, например «Приказ Минэкономразвития области от 01.12.2026 № 15»"),
    Field("intake_windows_required", "Приём заявок только в окна приёма", kind="intake"),
)
BY_NAME = {f.name: f for f in FIELDS}
_KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


class SettingsInvalid(ValueError):
    """Values that cannot be kept: a Russian message per field, each naming its field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def clean(values) -> dict:
    """The typed values of a posted form; SettingsInvalid with every bad field."""
    cleaned, errors = {}, {}
    for field in FIELDS:
        raw = " ".join(str(values.get(field.name) or "").split())
        try:
            cleaned[field.name] = _value(field, raw)
        except ValueError as exc:
            errors[field.name] = f"{field.label}: {exc}"
    if errors:
        raise SettingsInvalid(errors)
    return cleaned


def _value(field: Field, raw: str):
    if field.kind == "intake":
        if raw not in INTAKE_CHOICES:
            raise ValueError("выберите один из вариантов")
        return INTAKE_CHOICES[raw]
    if not raw:
        if field.required:
            raise ValueError("обязательное поле")
        return None
    if field.kind == "wait":
        if not re.fullmatch(r"\d+", raw) or not WAIT_MIN <= int(raw) <= WAIT_MAX:
            raise ValueError(f"укажите целое число рабочих дней от {WAIT_MIN} до {WAIT_MAX}")
        return int(raw)
    if field.kind == "digits":
        if not raw.isdigit() or len(raw) not in field.digits:
            raise ValueError(f"ожидается {' или '.join(map(str, field.digits))} цифр")
    if len(raw) > field.limit:
        raise ValueError(f"не больше {field.limit} символов")
    _CHECKS.get(field.name, lambda _: None)(raw)
    return raw


def _check_head_name(raw: str) -> None:
    if len(raw.split()) < 2:
        raise ValueError("укажите фамилию, имя и отчество полностью, например «Соколова Анна Викторовна»")


def _check_kpp(raw: str) -> None:
    if not _KPP_RE.match(raw):
        raise ValueError("ожидается 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры")


def _stdnum(module):
    def check(raw: str) -> None:
        try:
            module.validate(raw)
        except stdnum_errors.InvalidChecksum:
            raise ValueError("контрольная сумма не сходится") from None
        except stdnum_errors.ValidationError:
            raise ValueError("неверный номер") from None
    return check


_CHECKS = {"head_name": _check_head_name, "kpp": _check_kpp, "inn": _stdnum(stdnum_inn),
           "ogrn": _stdnum(stdnum_ogrn)}


def as_text(value) -> str | None:
    """A value as the history keeps it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def form_value(field: Field, value) -> str:
    """A stored value as the form shows it."""
    if field.kind == "intake":
        return {v: k for k, v in INTAKE_CHOICES.items()}[value]
    return "" if value is None else str(value)
