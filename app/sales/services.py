"""The register of delivered services (step 13, ОПС РЭЦ): the CRM side of each application whose
service the client confirmed (step 12), with CSV and XLSX exports (written by ``app.tabular``,
which keeps client text from becoming a formula).

A row joins the application (company, INN, region) with what was entered on its way: the
tripartite agreement (step 6: operator, number, dates), the client's confirmation and rating
(step 12) and the CRM record (step 13, once made). The period filter is on the day the service
was confirmed, in Moscow; everything is narrowed by ``app.access`` first.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from ..access import visible_instances
from ..calendar import MOSCOW
from ..dates import fmt_date
from ..extensions import db
from ..models import ProcessInstance
from ..paperwork.layout import parse_date
from ..applications.casefile import latest_of
from ..roles import Role
from ..statuses import CaseKind, ProcessId, ServiceStatus
from ..tabular import append_row, csv_text

VIEWER_ROLES = frozenset({Role.OPS_REC, Role.MO_REC, Role.ADMIN})
PROCESS_ID = ProcessId.MARKETPLACE_SUPPORT
AGREEMENT, CONFIRMATION, CRM = CaseKind.AGREEMENT, CaseKind.SERVICE_CONFIRMATION, CaseKind.CRM_RECORD
DELIVERED = (ServiceStatus.DONE.value, ServiceStatus.RECORDED.value)


def may_see(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & VIEWER_ROLES)


@dataclass(frozen=True)
class Row:
    application_id: int
    company_name: str | None
    company_inn: str | None
    region: str | None
    operator: str | None
    agreement_number: str | None
    agreement_date: date | None
    agreement_end: date | None
    delivered_on: date  # the client confirmed the service (step 12)
    rating: int | None
    feedback: str | None
    crm_id: str | None
    crm_recorded_on: date | None
    service_status: str | None


# (header, attribute, kind) — kind tells the exports how to write the cell.
COLUMNS = [
    ("№ заявки", "application_id", "int"), ("Компания", "company_name", "text"), ("ИНН", "company_inn", "text"),
    ("Регион", "region", "text"), ("Оператор", "operator", "text"),
    ("№ Соглашения", "agreement_number", "text"), ("Дата Соглашения", "agreement_date", "date"),
    ("Соглашение действует до", "agreement_end", "date"), ("Услуга оказана", "delivered_on", "date"),
    ("Оценка качества", "rating", "int"), ("Отзыв Клиента", "feedback", "text"),
    ("№ записи в CRM", "crm_id", "text"), ("Дата учёта в CRM", "crm_recorded_on", "date"),
    ("Статус услуги", "service_status", "text"),
]


def register(user, start: date | None = None, end: date | None = None, region: str | None = None) -> list[Row]:
    """The delivered services ``user`` may see, newest first; ``start``/``end`` bound the day of delivery."""
    query = visible_instances(select(ProcessInstance).where(
        ProcessInstance.process_id == PROCESS_ID, ProcessInstance.service_status.in_(DELIVERED)), user)
    if region:
        query = query.where(ProcessInstance.region == region)
    instances = db.session.scalars(query.order_by(ProcessInstance.id)).all()
    answers = latest_of([i.id for i in instances], [AGREEMENT, CONFIRMATION, CRM])
    rows = []
    for instance in instances:
        forms = answers.get(instance.id, {})
        confirmed = forms.get(CONFIRMATION)
        if confirmed is None:
            continue
        delivered_on = confirmed.at.astimezone(MOSCOW).date()
        if (start and delivered_on < start) or (end and delivered_on > end):
            continue
        agreement = forms[AGREEMENT].data if AGREEMENT in forms else {}
        crm = forms.get(CRM)
        rating = confirmed.data.get("rating")
        rows.append(Row(
            application_id=instance.id, company_name=instance.company_name, company_inn=instance.company_inn,
            region=instance.region, operator=agreement.get("operator_name"),
            agreement_number=agreement.get("agreement_number"),
            agreement_date=parse_date(agreement.get("agreement_date")),
            agreement_end=parse_date(agreement.get("agreement_end")), delivered_on=delivered_on,
            rating=rating if isinstance(rating, int) else None, feedback=confirmed.data.get("feedback"),
            crm_id=crm.data.get("crm_id") if crm else None,
            crm_recorded_on=(parse_date(crm.data.get("recorded_on")) or crm.at.astimezone(MOSCOW).date())
            if crm else None, service_status=instance.service_status))
    return sorted(rows, key=lambda r: (r.delivered_on, r.application_id), reverse=True)


def to_csv(rows: list[Row]) -> str:
    return csv_text([header for header, _, _ in COLUMNS],
                    ([_csv_cell(getattr(row, attr), kind) for _, attr, kind in COLUMNS] for row in rows))


def to_xlsx(rows: list[Row]) -> bytes:
    """A workbook whose dates are date cells and numbers number cells, so Excel sorts and sums them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Реестр услуг"
    append_row(sheet, [header for header, _, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, [getattr(row, attr) for _, attr, _ in COLUMNS])
    for index, (header, _, kind) in enumerate(COLUMNS, 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
        if kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_cell(value, kind: str):
    return fmt_date(value) if kind == "date" and value is not None else value
