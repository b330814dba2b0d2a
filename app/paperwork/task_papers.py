"""What the task pages of steps 11, 14 and 15 add to their forms: values known in advance and a
button that turns what is typed into the document to sign.

The document is made from the values on the page (kept as a draft, so nothing typed is lost):
they must be valid except for the signed scan, which only exists after signing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..forms.schema import FieldError, validate
from ..models import SalesReport
from . import act, centres, layout, sales_report
from ..applications import casefile
from ..statuses import CaseKind

ACTIONS = {"paper_docx": "docx", "paper_pdf": "pdf"}


@dataclass(frozen=True)
class Offer:
    title: str  # the document's name on the buttons
    pdf: bool  # whether a PDF can be made here (LibreOffice installed)


TITLES = {act.FORM: "Акт о публикации", sales_report.FORM: "Отчёт о продажах"}


def offer(form: str | None) -> Offer | None:
    return Offer(TITLES[form], layout.converter() is not None) if form in TITLES else None


def prefill(form: str | None, instance) -> dict:
    if form == act.FORM:
        return _act_prefill(instance)
    if form == sales_report.FORM:
        previous = db.session.scalars(select(SalesReport).where(SalesReport.instance_id == instance.id)
                                      .order_by(SalesReport.period_end.desc(), SalesReport.id.desc()).limit(1)).first()
        done_act = casefile.latest(instance.id, CaseKind.ACT)
        rows = [{"product": x.product, "tnved": x.tnved, "marketplace": x.marketplace, "link": x.link}
                for x in previous.lines] if previous else None
        return sales_report.prefill(rows, done_act.data.get("act_goods") if done_act else None)
    return {}


def _act_prefill(instance) -> dict:
    entries = {kind: casefile.latest(instance.id, kind)
               for kind in (CaseKind.AGREEMENT, CaseKind.QUESTIONNAIRE, CaseKind.ROADMAP_EXECUTION)}
    data = {kind: entry.data if entry else None for kind, entry in entries.items()}
    return act.prefill(instance, data[CaseKind.AGREEMENT], data[CaseKind.QUESTIONNAIRE],
                       data[CaseKind.ROADMAP_EXECUTION])


def parties(instance) -> dict:
    """Who signs a sales report, as act-like values: the parties of the signed Act over what the
    case file knew before it; the ЦПЭ as its reference names it now (its head may have changed
    since the Act was signed)."""
    done = casefile.latest(instance.id, CaseKind.ACT)
    signed = {k: v for k, v in (done.data if done else {}).items() if k.startswith("act_") and v not in (None, "")}
    return {**_act_prefill(instance), **signed, **centres.reference_values(instance.region)}


def problems(schema: dict, data: dict) -> list[FieldError]:
    """The form's problems that stand in the way of the document: all but the missing scans."""
    files = {k for k, p in schema.get("properties", {}).items() if p.get("x-widget") == "file"}
    relaxed = {**schema, "required": [k for k in schema.get("required", []) if k not in files]}
    return validate(relaxed, data)


def render(form: str, instance, data: dict) -> bytes:
    if form == act.FORM:
        return act.render(data, centres.centre_of(instance.region))
    return sales_report.render(sales_report.from_values(instance.company_name, data), parties(instance))


def file_name(form: str, instance, extension: str) -> str:
    stem = "akt_o_publikacii" if form == act.FORM else "otchet_o_prodazhah"
    return f"{stem}_{instance.id}.{extension}"
