"""Downloading the generated documents: the Act of publication and the sales reports.

From the task page (the values being typed, posted with the form: ``task_download``, called by
``app.views.task_form``) and from the application card (the completed Act, each recorded
report). Only who sees the application gets them (404 for anyone else). PDF needs LibreOffice on
the server; without it the pages say so and a PDF link answers 503 with the reason.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ..applications import reading as applications
from ..extensions import db
from ..models import SalesReport
from ..paperwork import act, layout, sales_report, task_papers
from ..applications import casefile
from ..statuses import CaseKind

bp = Blueprint("paperwork", __name__)
CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}


@bp.app_context_processor
def paperwork_helpers():
    return {"paperwork_of": _paperwork_of, "pdf_available": lambda: layout.converter() is not None}


def _paperwork_of(instance) -> dict:
    """What the card lists under «Документы для подписания»."""
    done = casefile.latest(instance.id, CaseKind.ACT)
    reports = db.session.scalars(select(SalesReport).where(SalesReport.instance_id == instance.id)
                                 .order_by(SalesReport.period_end, SalesReport.id)).all()
    return {"act": done, "act_date": layout.parse_date(done.data.get("act_date")) if done else None,
            "reports": reports}


def task_download(form: str, instance, data: dict, action: str):
    extension = task_papers.ACTIONS[action]
    return _send(task_papers.render(form, instance, data), task_papers.file_name(form, instance, extension),
                 extension)


@bp.get("/applications/<int:instance_id>/act.<any(docx, pdf):extension>")
@login_required
def act_document(instance_id: int, extension: str):
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    done = casefile.latest(instance.id, CaseKind.ACT) or abort(404)
    return _send(task_papers.render(act.FORM, instance, done.data), f"akt_o_publikacii_{instance.id}.{extension}", extension)


@bp.get("/sales/reports/<int:report_id>.<any(docx, pdf):extension>")
@login_required
def report_document(report_id: int, extension: str):
    report = db.session.get(SalesReport, report_id) or abort(404)
    instance = applications.visible_instance(current_user, report.instance_id) or abort(404)
    return _send(sales_report.render(sales_report.from_record(report), task_papers.parties(instance)),
                 f"otchet_o_prodazhah_{report.instance_id}_{report.period_end:%Y%m%d}.{extension}", extension)


def _send(docx: bytes, name: str, extension: str):
    if extension == "pdf":
        try:
            content = layout.to_pdf(docx)
        except layout.ConversionFailed as exc:
            return render_template("errors.html", code=503, title="PDF недоступен",
                                   text=f"{exc}. Скачайте документ в формате DOCX."), 503
    else:
        content = docx
    return Response(content, content_type=CONTENT_TYPES[extension],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
