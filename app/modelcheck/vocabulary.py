"""The words and names Vitrina relies on: lanes that are roles, statuses of the vocabulary,
forms that exist and are valid JSON Schema with sound ``x-rules`` and a valid example, known
deadline kinds."""
from __future__ import annotations

from pathlib import Path

from ..engine import STATUS_LINES, ProcessCatalog
from ..forms.schema import FormError, check_schema, condition_problems, load_form, rule_problems, validate
from ..tasks.fields import reserved_fields, undeclared_fields
from ..notifications.rules import NotifyInvalid, parse_notify
from ..roles import LANE_ROLES, lane_names, role_of_lane
from ..tasks.rights import NEVER_STAND_INS
from ..statuses import NoticeAudience, TimerKind, vocabulary
from .findings import Findings
from .samples import SAMPLE_MOMENT

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
            _check_stand_ins(file, element, out)
            form = element.properties.get("form")
            if form and forms_dir is not None:
                _check_form(file, element, form, forms_dir, out)
        elif element.properties.get("on_behalf"):
            out.error("on-behalf-not-a-task", file, element,
                      "свойство on_behalf (кто может выполнить задачу от имени роли дорожки) бывает только у "
                      "пользовательской задачи: уберите его")
        if element.properties.get("notify") is not None:
            _check_notify(file, element, out)
        kind = element.properties.get("deadline_kind")
        if element.timer and kind is not None and kind not in DEADLINE_KINDS:
            out.error("deadline-kind-unknown", file, element,
                      f"deadline_kind «{kind}» неизвестен: укажите {', '.join(DEADLINE_KINDS)}")


def _check_notify(file, element, out: Findings) -> None:
    try:
        rules = parse_notify(element.properties["notify"], human=element.is_human)
    except NotifyInvalid as exc:
        out.error("notify-invalid", file, element, f"свойство notify «{element.properties['notify']}»: {exc}")
        return
    if any(r.audience == NoticeAudience.PERFORMERS for r in rules) and role_of_lane(element.lane) is None:
        out.error("notify-invalid", file, element, "notify называет performers, но элемент не лежит в дорожке "
                  "(lane) роли: некому сообщать; перенесите элемент в дорожку или назовите client или sender")


def _check_stand_ins(file, element, out: Findings) -> None:
    """``on_behalf`` names lanes that are roles, other than the task's own, and no client (who
    acts for its own company only)."""
    own = role_of_lane(element.lane)
    for name in lane_names(element.properties.get("on_behalf")):
        role = role_of_lane(name)
        if role is None:
            out.error("on-behalf-not-a-role", file, element,
                      f"on_behalf называет «{name}», а это не роль: перечислите через «;» дорожки "
                      f"{', '.join(n for n, r in LANE_ROLES.items() if r not in NEVER_STAND_INS)}")
        elif role in NEVER_STAND_INS or role == own:
            why = "Клиент действует только от своей компании" if role in NEVER_STAND_INS else \
                "это роль самой дорожки задачи"
            out.error("on-behalf-not-a-role", file, element,
                      f"on_behalf называет «{name}»: {why}; уберите её из on_behalf")


def _check_form(file, element, form: str, forms_dir: Path, out: Findings) -> None:
    if not (Path(forms_dir) / f"{form}.json").is_file():
        out.error("form-missing", file, element, f"формы «{form}» нет: добавьте forms/{form}.json "
                  "или исправьте свойство form задачи")
        return
    try:
        schema = load_form(form, forms_dir)
        problems = check_schema(schema, rules=False)
    except FormError as exc:
        schema, problems = {}, [str(exc)]
    if problems:
        out.error("form-invalid", file, element, f"форма forms/{form}.json не годится как JSON Schema формы: "
                  f"{'; '.join(problems[:3])}; исправьте файл формы")
    else:
        rules = rule_problems(schema)
        for rule in rules:
            out.error("form-rule-invalid", file, element, f"форма forms/{form}.json, правило {rule.where} "
                      f"({rule.rule}): {rule.problem}; исправьте правило в x-rules")
        conditions = condition_problems(schema)
        for condition in conditions:
            out.error("form-condition-invalid", file, element, f"форма forms/{form}.json, условие {condition.where} "
                      f"({condition.rule}): {condition.problem}; исправьте условие x-show-if")
        if not rules and not conditions:
            _check_examples(file, element, form, schema, out)
    if reserved := reserved_fields(schema):
        out.error("form-reserved-field", file, element,
                  f"форма forms/{form}.json объявляет поля {', '.join(f'«{r}»' for r in reserved)}, которые задаёт "
                  "только Витрина при подаче заявки (или с подчёркивания): переименуйте поля")


def _check_examples(file, element, form: str, schema: dict, out: Findings) -> None:
    # The scenarios and the model check answer the task with the example: a wrong one fails there.
    for index, example in enumerate(schema.get("examples") or []):
        wrong = validate(schema, example, today=SAMPLE_MOMENT.date()) + undeclared_fields(schema, example)
        if wrong:
            listed = "; ".join(f"{e.field or 'форма'}: {e.message}" for e in wrong[:3])
            out.error("form-example-invalid", file, element, f"пример examples.{index} формы forms/{form}.json "
                      f"не проходит проверку самой формы ({listed}); исправьте пример")
