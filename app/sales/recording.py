"""Recording a filed sales report (form ``sales_report``, steps 14 and 15) in the sales tables.

``note_completion`` runs inside the engine step's save (``app.workflow.reactions``); the report
is written just before that transaction commits, from the completion's audit row, which holds
exactly the data submitted (the engine's data after the step may come from another branch of
the process when a timer there fired in the same step). So a report is in the tables exactly
when its completion is stored, once (``task_id`` is unique).
"""
from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent, ProcessInstance, SalesLine, SalesReport
from ..statuses import AuditAction

log = logging.getLogger(__name__)
FORM = "sales_report"
_PENDING = "vitrina_sales_pending"


def note_completion(instance, step) -> None:
    done = step.completed_task
    if done is not None and done.form == FORM:
        db.session.info.setdefault(_PENDING, []).append((instance.id, done.id, done.step))


@event.listens_for(Session, "before_commit")
def _record_pending(session: Session) -> None:
    for instance_id, task_id, step in session.info.pop(_PENDING, ()):
        record(session, instance_id, task_id, step)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def record(session: Session, instance_id: int, task_id: str, step: str | None) -> SalesReport | None:
    try:
        return _record(session, instance_id, task_id, step)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        # Only data completed without validation (the shell's --no-validate) can get here; the
        # step itself must still be stored, so the report is left out and said so in the log.
        log.warning("sales report of task %s (application %s) is incomplete: not recorded", task_id, instance_id)
        return None


def _record(session: Session, instance_id: int, task_id: str, step: str | None) -> SalesReport | None:
    if session.scalar(select(SalesReport.id).where(SalesReport.task_id == task_id)) is not None:
        return None
    completion = session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.task_id == task_id,
        AuditEvent.action == AuditAction.COMPLETED).order_by(AuditEvent.id.desc()).limit(1))
    data = (completion.details or {}).get("data") if completion is not None else None
    if not isinstance(data, dict):
        return None
    instance = session.get(ProcessInstance, instance_id)
    person = data.get("responsible") if isinstance(data.get("responsible"), dict) else {}
    scan = str(data.get("report_scan") or "")
    report = SalesReport(
        instance_id=instance_id, task_id=task_id, step=step, region=instance.region,
        company_name=instance.company_name, company_inn=instance.company_inn,
        period_end=date.fromisoformat(data["period_end"]), responsible_name=person.get("name"),
        responsible_phone=person.get("phone"), responsible_email=person.get("email"),
        scan_document_id=int(scan) if scan.isdigit() else None,
        submitted_by=completion.actor, submitted_at=completion.at)
    report.lines = [SalesLine(position=i, product=row["product"], tnved=row["tnved"],
                              marketplace=row["marketplace"].strip(), link=row["link"].strip(),
                              transactions_total=int(row["transactions_total"]),
                              value_last_month=_money(row["value_last_month"]), value_total=_money(row["value_total"]))
                    for i, row in enumerate(data.get("sales") or [], 1)]
    session.add(report)
    return report


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
