"""Recording a filed sales report (a form of kind ``sales_report``, steps 14 and 15) in the sales
tables, called by the step's reactions in the same transaction as its save, from what was
submitted (the engine's data after the step may come from another branch of the process when a
timer there fired in the same step). So a report is in the tables exactly when its completion is
stored, once (``task_id`` is unique).
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import SalesLine, SalesReport
from ..statuses import CaseKind

log = logging.getLogger(__name__)


def record_sales_report(instance, completion, now: datetime) -> SalesReport | None:
    if completion.kind != CaseKind.SALES_REPORT:
        return None
    try:
        return _record(instance, completion, now)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        # Only data completed without the form's checks (an old shell) can get here; the step
        # itself must still be stored, so the report is left out and said so in the log.
        log.warning("sales report of task %s (application %s) is incomplete: not recorded",
                    completion.task.task_id, instance.id)
        return None


def _record(instance, completion, now: datetime) -> SalesReport | None:
    task_id, data = completion.task.task_id, completion.data
    if db.session.scalar(select(SalesReport.id).where(SalesReport.task_id == task_id)) is not None:
        return None
    person = data.get("responsible") if isinstance(data.get("responsible"), dict) else {}
    scan = str(data.get("report_scan") or "")
    report = SalesReport(
        instance_id=instance.id, task_id=task_id, step=completion.task.step, region=instance.region,
        company_name=instance.company_name, company_inn=instance.company_inn,
        period_end=date.fromisoformat(data["period_end"]), responsible_name=person.get("name"),
        responsible_phone=person.get("phone"), responsible_email=person.get("email"),
        scan_document_id=int(scan) if scan.isdigit() else None,
        submitted_by=completion.actor, submitted_at=now)
    report.lines = [SalesLine(position=i, product=row["product"], tnved=row["tnved"],
                              marketplace=row["marketplace"].strip(), link=row["link"].strip(),
                              transactions_total=int(row["transactions_total"]),
                              value_last_month=_money(row["value_last_month"]), value_total=_money(row["value_total"]))
                    for i, row in enumerate(data.get("sales") or [], 1)]
    db.session.add(report)
    return report


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
