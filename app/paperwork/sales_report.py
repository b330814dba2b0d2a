"""The sales report (Appendix 6), steps 14 and 15: from report values to a DOCX for signing.

One renderer serves the form being filled (plain dicts as the form posts them) and a recorded
report (``app.models.SalesReport``): both become ``Report`` first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import act, layout

FORM = "sales_report"
HEADERS = ["№", "Наименование компании", "Наименование товара", "Код ТН ВЭД", "Наименование площадки",
           "Ссылка на страницу с размещенным товаром", "Количество транзакций (продаж) с момента размещения",
           "Общая стоимость реализованных товаров за последний календарный месяц",
           "Общая стоимость реализованных товаров с момента размещения товаров"]
WIDTHS_CM = [0.9, 3.0, 3.4, 2.1, 2.4, 4.2, 2.6, 2.8, 2.8]
# The signature blocks of Appendix 6, each with the party of the act-like values it names.
SIGNING = (("от Оператора", "operator"), ("от Компании", "company"), ("от ЦПЭ", "cpe"))


@dataclass
class Line:
    product: str
    tnved: str
    marketplace: str
    link: str
    transactions_total: int | None
    value_last_month: Decimal | float | None
    value_total: Decimal | float | None


@dataclass
class Report:
    company_name: str | None
    period_end: date | None
    responsible: dict
    lines: list[Line] = field(default_factory=list)


def from_values(company_name: str | None, values: dict) -> Report:
    rows = [r for r in values.get("sales") or [] if isinstance(r, dict)]
    return Report(company_name, layout.parse_date(values.get("period_end")),
                  values.get("responsible") if isinstance(values.get("responsible"), dict) else {},
                  [Line(str(r.get("product") or ""), str(r.get("tnved") or ""), str(r.get("marketplace") or ""),
                        str(r.get("link") or ""), r.get("transactions_total"), r.get("value_last_month"),
                        r.get("value_total")) for r in rows])


def from_record(report) -> Report:
    return Report(report.company_name, report.period_end,
                  {"name": report.responsible_name, "phone": report.responsible_phone,
                   "email": report.responsible_email},
                  [Line(x.product, x.tnved, x.marketplace, x.link, x.transactions_total, x.value_last_month,
                        x.value_total) for x in report.lines])


def prefill(previous: list[dict] | None, act_goods: list[dict] | None) -> dict:
    """The products of a new report: those of the previous report, else the goods of the Act,
    with their figures left blank (they are this period's to enter)."""
    if previous:
        rows = [{k: r.get(k) for k in ("product", "tnved", "marketplace", "link")} for r in previous]
    else:
        rows = [{"product": g.get("name"), "tnved": g.get("tnved"), "marketplace": g.get("marketplace"),
                 "link": g.get("link")} for g in act_goods or [] if isinstance(g, dict)]
    return {"sales": rows} if rows else {}


def render(report: Report, parties: dict | None = None) -> bytes:
    """``parties``: who signs, as act-like values (``act_cpe_name``, ``act_cpe_person``…); the
    blocks are left blank without them."""
    doc = layout.new_document(landscape=True)
    layout.heading(doc, "Отчет о результатах размещения товаров на площадке")
    if report.period_end:
        layout.paragraph(doc, f"по состоянию на {report.period_end:%d.%m.%Y}", justify=False)
    layout.grid(doc, HEADERS, [
        [str(i), report.company_name or "", x.product, x.tnved, x.marketplace, x.link,
         "" if x.transactions_total is None else str(x.transactions_total),
         money(x.value_last_month), money(x.value_total)] for i, x in enumerate(report.lines, 1)], WIDTHS_CM)
    person = report.responsible or {}
    contacts = ", ".join(str(person[k]) for k in ("name", "phone", "email") if person.get(k))
    layout.paragraph(doc, f"Ответственное за заполнение лицо (ФИО, контактный телефон, e-mail): "
                          f"{contacts or layout.BLANK}")
    parties = parties or {}
    layout.signatures(doc, [(label, act.signature(parties, who)) for label, who in SIGNING],
                      [act.party_name(parties, who) for _, who in SIGNING])
    return layout.as_bytes(doc)


def money(value) -> str:
    """Roubles the Russian way: spaces between thousands, a decimal comma, kopecks when there are any."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return str(value)
    text = f"{number:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return text[:-3] if text.endswith(",00") else text
