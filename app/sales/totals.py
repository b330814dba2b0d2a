"""Sales figures summed per application, region and marketplace, for whoever may see them.

How the figures of several reports add up (Appendix 6 reports each product's figures "since
placement" and "for the last calendar month"):

- only reports the ЦПЭ accepted count (3.8(13)): one awaiting acceptance or returned for
  correction is not a result yet (``SalesReportState``);
- a product is one page on one marketplace: (application, marketplace, link);
- the figures since placement (number of sales, value sold) are cumulative, so each product
  counts with its LATEST report only (by report date, then by filing order) — adding up the
  reports would count the early sales again in every later report;
- the value of the last calendar month is a fresh figure in each report, so those are SUMMED
  over the reports; a later report for the same report date replaces the earlier one (a
  correction), it does not add to it. With monthly reports this is the value sold in the
  reported months; with longer periods it covers only the last month of each period, which is
  what Appendix 6 asks for.

Groups then add their products up. Everything is narrowed by ``app.access`` first, so a ЦПЭ
user's sums cover their region only.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..access import visible_instances
from ..extensions import db
from ..models import ProcessInstance, SalesLine, SalesReport
from ..roles import Role
from ..statuses import SalesReportState

VIEWER_ROLES = frozenset({Role.MO_REC, Role.CPE, Role.MANAGER, Role.ANALYST, Role.ADMIN})
GROUPINGS = {"application": "Заявка", "region": "Регион", "marketplace": "Площадка"}


def may_see(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & VIEWER_ROLES)


@dataclass
class Product:
    instance_id: int
    region: str | None
    company_name: str | None
    product: str
    tnved: str
    marketplace: str
    link: str
    transactions_total: int
    value_total: Decimal
    value_months: Decimal
    last_period_end: date
    reports: int


@dataclass
class Group:
    key: str
    label: str
    products: int = 0
    transactions_total: int = 0
    value_total: Decimal = Decimal(0)
    value_months: Decimal = Decimal(0)
    applications: set = field(default_factory=set)


def products(user, region: str | None = None) -> list[Product]:
    """Each product's figures as the module docstring says, oldest application first."""
    query = (select(SalesLine, SalesReport).join(SalesReport, SalesLine.report_id == SalesReport.id)
             .join(ProcessInstance, ProcessInstance.id == SalesReport.instance_id)
             .where(SalesReport.state == SalesReportState.ACCEPTED)
             .order_by(SalesReport.period_end, SalesReport.id, SalesLine.position))
    query = visible_instances(query, user)
    if region:
        query = query.where(SalesReport.region == region)
    latest: dict[tuple, tuple[SalesLine, SalesReport]] = {}
    monthly: dict[tuple, dict[date, Decimal]] = defaultdict(dict)
    counted: dict[tuple, set[int]] = defaultdict(set)
    for line, report in db.session.execute(query):
        key = (report.instance_id, line.marketplace.strip().casefold(), line.link.strip())
        latest[key] = (line, report)  # ordered by report date: the last one wins
        monthly[key][report.period_end] = Decimal(line.value_last_month)
        counted[key].add(report.id)
    result = [Product(report.instance_id, report.region, report.company_name, line.product, line.tnved,
                      line.marketplace, line.link, line.transactions_total, Decimal(line.value_total),
                      sum(monthly[key].values(), Decimal(0)), report.period_end, len(counted[key]))
              for key, (line, report) in latest.items()]
    return sorted(result, key=lambda p: (p.instance_id, p.marketplace, p.product))


def summed(items: list[Product], by: str) -> list[Group]:
    """The products added up per application, region or marketplace."""
    groups: dict[str, Group] = {}
    for p in items:
        key, label = _group_of(p, by)
        group = groups.setdefault(key, Group(key, label))
        group.products += 1
        group.transactions_total += p.transactions_total
        group.value_total += p.value_total
        group.value_months += p.value_months
        group.applications.add(p.instance_id)
    return sorted(groups.values(), key=lambda g: (g.label.casefold(), g.key))


def _group_of(p: Product, by: str) -> tuple[str, str]:
    if by == "application":
        return str(p.instance_id), f"№ {p.instance_id} — {p.company_name or '—'}"
    if by == "region":
        return p.region or "—", p.region or "—"
    if by == "marketplace":
        # Names are typed by hand: "Tmall Global" and "tmall global " are one marketplace.
        return " ".join(p.marketplace.split()).casefold(), " ".join(p.marketplace.split())
    raise ValueError(f"unknown grouping {by!r}")
