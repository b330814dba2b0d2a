"""ОПС РЭЦ's register of delivered services (step 13) with filters and CSV/XLSX exports.

Filters: ``?from=&to=`` (ДД.ММ.ГГГГ, the day the client confirmed the service; either may be
left out) and ``?region=`` for central staff. A bad filter is shown on the page next to its
field; an export with a bad filter answers 400 rather than a file covering something else.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..sales import services as accounting
from ..access import scope
from ..regions import NAMES
from ..dates import fmt_date
from ..tabular import XLSX_TYPE, download
from .guards import restrict_to

bp = Blueprint("accounting", __name__)
restrict_to(bp, *accounting.VIEWER_ROLES)


@bp.app_context_processor
def accounting_link():
    return {"may_see_accounting": lambda: accounting.may_see(current_user)}


def _filters() -> tuple[date | None, date | None, str | None, dict[str, str]]:
    errors: dict[str, str] = {}
    start = _date("from", "Дата «с»", errors)
    end = _date("to", "Дата «по»", errors)
    if start and end and start > end:
        errors["from"] = "Дата «с» позже даты «по»"
    region = _fixed_region() or (request.args.get("region") or "").strip() or None
    if region and region not in NAMES:
        errors["region"] = "Регион: выберите регион из списка"
        region = None
    return start, end, region, errors


def _fixed_region() -> str | None:
    """The region of a regional viewer, who sees no other."""
    return (scope(current_user) or {}).get("region")


def _date(name: str, label: str, errors: dict[str, str]) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        errors[name] = f"{label}: укажите дату в формате ДД.ММ.ГГГГ, например 01.10.2025"
        return None


@bp.get("/accounting")
def index():
    start, end, region, errors = _filters()
    rows = [] if errors else accounting.register(current_user, start, end, region)
    return render_template("accounting/index.html", rows=rows, errors=errors, columns=accounting.COLUMNS,
                           form={"from": request.args.get("from", ""), "to": request.args.get("to", ""),
                                 "region": region or ""}, query=request.query_string.decode(),
                           region_fixed=_fixed_region()), \
        422 if errors else 200


@bp.get("/accounting.<any(csv, xlsx):extension>")
def export(extension: str):
    start, end, region, errors = _filters()
    if errors:
        abort(400)
    rows = accounting.register(current_user, start, end, region)
    name = "reestr_uslug" + (f"_{start:%Y%m%d}" if start else "") + (f"_{end:%Y%m%d}" if end else "") + \
        (f"_{region}" if region else "") + f".{extension}"
    if extension == "csv":
        return download(accounting.to_csv(rows), "text/csv; charset=utf-8", name)
    return download(accounting.to_xlsx(rows), XLSX_TYPE, name)


@bp.app_template_filter("register_cell")
def register_cell(value, kind: str) -> str:
    if value is None:
        return "—"
    return fmt_date(value) if kind == "date" else str(value)
