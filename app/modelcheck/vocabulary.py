"""The words and names Vitrina relies on: lanes that are roles, statuses of the vocabulary,
forms that exist and are valid JSON Schema, known deadline kinds."""
from __future__ import annotations

from pathlib import Path

from ..engine import STATUS_LINES, ProcessCatalog
from ..forms.schema import FormError, check_schema, load_form
from ..tasks.fields import reserved_fields
from ..roles import LANE_ROLES, role_of_lane
from ..statuses import TimerKind, vocabulary
from .findings import Findings

DEADLINE_KINDS = tuple(TimerKind)


def check_vocabulary(catalog: ProcessCatalog, forms_dir: Path | None, out: Findings) -> None:
    file = catalog.file
    for element in catalog.elements.values():
        for line in STATUS_LINES:
            value = element.properties.get(line)
            if value is None:
                continue
            words = [w.value for w in vocabulary(catalog.process_id, line)]
            if value not in words:
                out.error("status-not-in-vocabulary", file, element,
                          f"статус {line} «{value}» нет в словаре статусов (vocabulary) процесса "
                          f"{catalog.process_id}: допустимы {', '.join(words)}; исправьте написание "
                          "или добавьте статус в app/statuses.py")
        if element.is_human:
            if role_of_lane(element.lane) is None:
                where = f"в дорожке (lane) «{element.lane}», которая не является ролью" if element.lane \
                    else "вне дорожек (lane)"
                out.error("lane-not-a-role", file, element,
                          f"пользовательская задача лежит {where}: перенесите её в дорожку "
                          f"{', '.join(LANE_ROLES)}")
            form = element.properties.get("form")
            if form and forms_dir is not None:
                _check_form(file, element, form, forms_dir, out)
        kind = element.properties.get("deadline_kind")
        if element.timer and kind is not None and kind not in DEADLINE_KINDS:
            out.error("deadline-kind-unknown", file, element,
                      f"deadline_kind «{kind}» неизвестен: укажите {', '.join(DEADLINE_KINDS)}")


def _check_form(file, element, form: str, forms_dir: Path, out: Findings) -> None:
    if not (Path(forms_dir) / f"{form}.json").is_file():
        out.error("form-missing", file, element, f"формы «{form}» нет: добавьте forms/{form}.json "
                  "или исправьте свойство form задачи")
        return
    try:
        schema = load_form(form, forms_dir)
        problems = check_schema(schema)
    except FormError as exc:
        schema, problems = {}, [str(exc)]
    if problems:
        out.error("form-invalid", file, element, f"форма forms/{form}.json не годится как JSON Schema формы: "
                  f"{'; '.join(problems[:3])}; исправьте файл формы")
    if reserved := reserved_fields(schema):
        out.error("form-reserved-field", file, element,
                  f"форма forms/{form}.json объявляет поля {', '.join(f'«{r}»' for r in reserved)}, которые задаёт "
                  "только Витрина при подаче заявки (или с подчёркивания): переименуйте поля")
