"""Operators (Appendix 3): the registry, accreditation by МО РЭЦ, the list the ЦПЭ picks from in
step 6, and which operator each application's agreement names.

Importing the package registers the ``accredited_operators`` option list for task forms.
"""
from __future__ import annotations

from ..forms.render import OptionSource, register_options
from ..statuses import OperatorStatus
from .errors import OperatorError, TransitionRefused
from .registry import accredited


def _options() -> list[tuple[str, str]]:
    # The title is also what the task data keeps as the operator's name (x-options-title).
    return [(str(o.id), o.name) for o in accredited()]


def _refusal(value: str) -> str:
    from ..extensions import db
    from ..models import Operator
    operator = db.session.get(Operator, int(value)) if value.isdigit() else None
    if operator is None:
        return "Такого Оператора нет в реестре: выберите Оператора из перечня аккредитованных"
    return (f"Оператор {operator.name} не аккредитован (статус «{operator.status}»): "
            "выберите Оператора из текущего перечня аккредитованных")


register_options("accredited_operators", OptionSource(_options, _refusal))

__all__ = ["OperatorError", "OperatorStatus", "TransitionRefused", "accredited"]
