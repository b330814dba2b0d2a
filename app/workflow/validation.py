"""Checks that go beyond what the engine needs to run: the words and names Vitrina relies on."""
from __future__ import annotations

from pathlib import Path

from ..engine import STATUS_LINES, ModelProblem, ParsedModel
from ..roles import role_of_lane
from ..statuses import vocabulary


def check_model(model: ParsedModel, forms_dir: Path | None) -> list[ModelProblem]:
    problems: list[ModelProblem] = []
    for process_id, catalog in model.catalogs.items():
        for element in catalog.elements.values():
            def problem(reason):
                problems.append(ModelProblem(catalog.file, element.id, reason, element.name))

            for line in STATUS_LINES:
                value = element.properties.get(line)
                if value is None:
                    continue
                words = vocabulary(process_id, line)
                if value not in {w.value for w in words}:
                    problem(f"{line} «{value}» is not in the status vocabulary "
                            f"({', '.join(w.value for w in words)}); fix the spelling or add it to app/statuses.py")
            if element.is_human:
                if role_of_lane(element.lane) is None:
                    problem(f"user task lies in lane «{element.lane}», which is not a role; "
                            "move it to a lane named Клиент, ЦПЭ, МО РЭЦ, ОПС РЭЦ, КБ РЭЦ or Оператор")
                form = element.properties.get("form")
                if form and forms_dir is not None and not (forms_dir / f"{form}.json").is_file():
                    problem(f"form «{form}» does not exist: add forms/{form}.json or fix the form property")
            kind = element.properties.get("deadline_kind")
            if element.timer and kind not in (None, "normative", "indicative", "client_wait", "report_period"):
                problem(f"deadline_kind «{kind}» is unknown; use normative, indicative, client_wait or report_period")
    return problems
