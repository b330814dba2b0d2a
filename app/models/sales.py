"""Sales reports of the monitoring cycle (steps 14, 15; Appendix 6): one row per report filed,
one row per product line of it.

The region, company and marketplace are copied onto the rows so the sums page groups and
isolates by plain columns; a report is recorded once per completed task (unique ``task_id``).
``state`` is the ЦПЭ's acceptance (3.8(13), ``SalesReportState``): a returned report stays in
the register as filed, its correction is a report of its own, and only accepted ones are summed.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..statuses import SalesReportState
from .types import UTCDateTime


class SalesReport(db.Model):
    __tablename__ = "sales_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    step: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(8), index=True)
    company_name: Mapped[str | None] = mapped_column(String(500))
    company_inn: Mapped[str | None] = mapped_column(String(12))
    period_end: Mapped[date] = mapped_column(Date)
    responsible_name: Mapped[str | None] = mapped_column(String(300))
    responsible_phone: Mapped[str | None] = mapped_column(String(40))
    responsible_email: Mapped[str | None] = mapped_column(String(254))
    scan_document_id: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[str] = mapped_column(String(254))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A row written without an acceptance to wait for (a form without x-accepted-by, reports
    # recorded before it existed) counts as accepted.
    state: Mapped[str] = mapped_column(String(16), index=True, default=SalesReportState.ACCEPTED.value,
                                       server_default=SalesReportState.ACCEPTED.value)
    reviewed_by: Mapped[str | None] = mapped_column(String(254))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(Text)

    @property
    def state_label(self) -> str:
        return SalesReportState(self.state).label

    lines: Mapped[list["SalesLine"]] = relationship(back_populates="report", order_by="SalesLine.position",
                                                    cascade="all, delete-orphan")


class SalesLine(db.Model):
    __tablename__ = "sales_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("sales_reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(500))
    tnved: Mapped[str] = mapped_column(String(10))
    marketplace: Mapped[str] = mapped_column(String(200), index=True)
    link: Mapped[str] = mapped_column(String(2000))
    transactions_total: Mapped[int] = mapped_column(Integer)
    # Money in roubles with kopecks: Numeric keeps sums exact on both databases.
    value_last_month: Mapped[float] = mapped_column(Numeric(18, 2))
    value_total: Mapped[float] = mapped_column(Numeric(18, 2))

    report: Mapped[SalesReport] = relationship(back_populates="lines")
