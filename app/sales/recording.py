"""Recording a filed sales report (a form of kind ``sales_report``, steps 14 and 15) in the sales
tables, and the ЦПЭ's acceptance of it (kind ``sales_acceptance``, 3.8(13)), called by the step's
reactions in the same transaction as its save, from what was submitted (the engine's data after
the step may come from another branch of the process when a timer there fired in the same step).
So a report is in the tables exactly when its completion is stored, once (``task_id`` is unique),
and its state moves exactly when the acceptance is stored.

A report whose form names an acceptance (``"x-accepted-by": "sales_acceptance"``) is recorded
«submitted» and counts in the sums only once accepted; a returned one stays as filed, «returned»,
and its correction is recorded as a report of its own. The form is the deployed version's, so an
application started on a model without the acceptance step keeps counting its reports on filing.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import SalesLine, SalesReport
from ..statuses import CaseKind, SalesReportState

log = logging.getLogger(__name__)

# the acceptance's decision -> the report's state
DECISIONS = {"approve": SalesReportState.ACCEPTED, "remarks": SalesReportState.RETURNED}


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


def record_sales_acceptance(instance, completion, now: datetime) -> SalesReport | None:
    """The ЦПЭ's decision on the application's report awaiting it (the cycle files one at a time)."""
    if completion.kind != CaseKind.SALES_ACCEPTANCE:
        return None
    state = DECISIONS.get(completion.data.get("decision"))
    report = db.session.scalars(select(SalesReport).where(
        SalesReport.instance_id == instance.id, SalesReport.state == SalesReportState.SUBMITTED)
        .order_by(SalesReport.id.desc()).limit(1)).first()
    if state is None or report is None:
        log.warning("acceptance of task %s (application %s) has no report awaiting it or no decision: "
                    "nothing recorded", completion.task.task_id, instance.id)
        return None
    comment = completion.data.get("comment")
    report.state = state.value
    report.reviewed_by, report.reviewed_at = completion.actor, now
    report.review_comment = comment.strip() if isinstance(comment, str) and comment.strip() else None
    return report


def _record(instance, completion, now: datetime) -> SalesReport | None:
    task_id, data = completion.task.task_id, completion.data
    if db.session.scalar(select(SalesReport.id).where(SalesReport.task_id == task_id)) is not None:
        return None
    person = data.get("responsible") if isinstance(data.get("responsible"), dict) else {}
    scan = str(data.get("report_scan") or "")
    awaits = completion.schema.get("x-accepted-by") == CaseKind.SALES_ACCEPTANCE
    report = SalesReport(
        instance_id=instance.id, task_id=task_id, step=completion.task.step, region=instance.region,
        company_name=instance.company_name, company_inn=instance.company_inn,
        period_end=date.fromisoformat(data["period_end"]), responsible_name=person.get("name"),
        responsible_phone=person.get("phone"), responsible_email=person.get("email"),
        scan_document_id=int(scan) if scan.isdigit() else None,
        submitted_by=completion.actor, submitted_at=now,
        state=(SalesReportState.SUBMITTED if awaits else SalesReportState.ACCEPTED).value)
    report.lines = [SalesLine(position=i, product=row["product"], tnved=row["tnved"],
                              marketplace=row["marketplace"].strip(), link=row["link"].strip(),
                              transactions_total=int(row["transactions_total"]),
                              value_last_month=_money(row["value_last_month"]), value_total=_money(row["value_total"]))
                    for i, row in enumerate(data.get("sales") or [], 1)]
    db.session.add(report)
    return report


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
