"""Accreditation of an operator by МО РЭЦ against the nine requirements of Appendix 3.

The checklist holds one assessment per requirement (met or not, a comment, files as evidence);
the decision moves the operator's status along ``TRANSITIONS``. Accreditation needs all nine
met, a refusal or suspension needs a reason, and every mark, file and decision goes to the
operator's audit trail with who and when.
"""
from __future__ import annotations

from sqlalchemy import select

from ..applications.documents import UploadRejected, store_file
from ..extensions import db
from ..models import Operator, OperatorEvidence, OperatorRequirement
from ..plain_text import MAX_TEXT_LENGTH, refusal
from ..statuses import OperatorStatus as S
from ..workflow.runtime import runtime
from .errors import OperatorError, TransitionRefused
from .registry import log_event
from .requirements import REQUIREMENTS, requirement

EVIDENCE_SPEC = {"x-accept": [".pdf", ".jpg", ".png"], "x-max-size-mb": 20}

# decision -> (statuses it may be taken from, the status it leads to, its Russian name)
TRANSITIONS = {
    "review": ({S.APPLIED, S.REFUSED, S.SUSPENDED}, S.REVIEW, "Начать проверку"),
    "accredit": ({S.REVIEW, S.SUSPENDED}, S.ACCREDITED, "Аккредитовать"),
    "refuse": ({S.APPLIED, S.REVIEW}, S.REFUSED, "Отказать в аккредитации"),
    "suspend": ({S.ACCREDITED}, S.SUSPENDED, "Приостановить аккредитацию"),
}
NEEDS_REASON = {"refuse", "suspend"}
# An accredited operator's checklist is the ground of the decision: suspend it to reassess.
CHECKLIST_FROZEN = {S.ACCREDITED}


def checklist(operator: Operator) -> list[dict]:
    """Each requirement with its current assessment (None when not assessed yet) and its files."""
    marks = {m.number: m for m in db.session.scalars(
        select(OperatorRequirement).where(OperatorRequirement.operator_id == operator.id))}
    files: dict[int, list[OperatorEvidence]] = {}
    for evidence in db.session.scalars(select(OperatorEvidence).where(OperatorEvidence.operator_id == operator.id)
                                       .order_by(OperatorEvidence.uploaded_at, OperatorEvidence.id)):
        files.setdefault(evidence.number, []).append(evidence)
    return [{"requirement": r, "mark": marks.get(r.number), "files": files.get(r.number, [])}
            for r in REQUIREMENTS]


def unmet(operator: Operator) -> list[int]:
    """Numbers of the requirements not (yet) assessed as met."""
    return [item["requirement"].number for item in checklist(operator)
            if item["mark"] is None or not item["mark"].met]


def mark_requirement(operator: Operator, number: int, met: bool | None, comment: str | None, *,
                     actor: str) -> OperatorRequirement:
    item = _requirement(number)
    _check_editable(operator)
    if met is None:
        raise OperatorError(f"met_{number}", f"Результат проверки требования № {number}: отметьте, выполнено ли оно")
    comment = (comment or "").strip() or None
    if not met and not comment:
        raise OperatorError(f"comment_{number}", f"Комментарий к требованию № {number}: укажите, почему оно не выполнено")
    if reason := refusal(comment, multiline=True, limit=MAX_TEXT_LENGTH):
        raise OperatorError(f"comment_{number}", f"Комментарий: {reason}")
    now = runtime().clock.now()
    mark = db.session.scalar(select(OperatorRequirement).where(OperatorRequirement.operator_id == operator.id,
                                                               OperatorRequirement.number == number))
    if mark is None:
        mark = OperatorRequirement(operator_id=operator.id, number=item.number)
        db.session.add(mark)
    mark.met, mark.comment, mark.checked_by, mark.checked_at = met, comment, actor, now
    log_event(operator, actor, "requirement", details={"number": number, "met": met, "comment": comment})
    db.session.commit()
    return mark


def add_evidence(operator: Operator, number: int, upload, *, actor: str) -> OperatorEvidence:
    _requirement(number)
    _check_editable(operator)
    if upload is None or not upload.filename:
        raise OperatorError(f"file_{number}", f"Файл-подтверждение к требованию № {number}: выберите файл")
    try:
        stored = store_file(upload, folder=f"uploads/operators/{operator.id}", spec=EVIDENCE_SPEC)
    except UploadRejected as exc:
        raise OperatorError(f"file_{number}", str(exc)) from None
    evidence = OperatorEvidence(operator_id=operator.id, number=number, original_name=stored.original_name,
                                content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                path=stored.path, uploaded_by=actor, uploaded_at=runtime().clock.now())
    db.session.add(evidence)
    log_event(operator, actor, "evidence", details={"number": number, "file": stored.original_name,
                                                    "sha256": stored.sha256})
    db.session.commit()
    return evidence


def decide(operator: Operator, decision: str, reason: str | None, *, actor: str) -> Operator:
    """Take ``decision`` (a key of TRANSITIONS); TransitionRefused when it does not fit."""
    if decision not in TRANSITIONS:
        raise OperatorError("decision", "Решение: выберите одно из решений")
    sources, target, title = TRANSITIONS[decision]
    if operator.status not in sources:
        raise TransitionRefused("decision", f"«{title}» невозможно в статусе «{operator.status}»")
    reason = (reason or "").strip() or None
    if decision in NEEDS_REASON and not reason:
        raise OperatorError("reason", "Причина: укажите её, она будет видна в реестре")
    if refused := refusal(reason, multiline=True, limit=MAX_TEXT_LENGTH):
        raise OperatorError("reason", f"Причина: {refused}")
    if decision == "accredit" and (missing := unmet(operator)):
        raise TransitionRefused("decision", "Аккредитация возможна, только когда выполнены все девять требований; "
                                "не выполнены или не проверены: " + ", ".join(map(str, missing)))
    previous = operator.status
    operator.status, operator.status_reason = target, reason
    operator.status_at, operator.status_by = runtime().clock.now(), actor
    log_event(operator, actor, "decision", status_from=previous, status_to=target,
              details={"decision": decision, "reason": reason})
    db.session.commit()
    return operator


def decisions_for(operator: Operator) -> list[tuple[str, str]]:
    """The decisions open in the operator's current status: (key, Russian name)."""
    return [(key, title) for key, (sources, _, title) in TRANSITIONS.items() if operator.status in sources]


def _requirement(number: int):
    item = requirement(number)
    if item is None:
        raise OperatorError("number", f"Нет требования № {number}: в Приложении 3 их девять")
    return item


def _check_editable(operator: Operator) -> None:
    if operator.status in CHECKLIST_FROZEN:
        raise TransitionRefused("checklist", "Оператор аккредитован: чтобы изменить проверку требований, "
                                "сначала приостановите аккредитацию")
