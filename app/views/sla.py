"""The SLA dashboard of 4.3 and its CSV export, for managers and МО РЭЦ (and admins).

A regional manager sees their region only, whatever ``?region=`` says (``app.access`` narrows
every query); central staff may pick a region. The period (``?from=&to=``, ДД.ММ.ГГГГ) defaults
to the last 90 days ending today by the app's clock.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..access import scope
from ..dates import fmt_date
from ..deadlines import sla
from ..tabular import Figure, csv_download
from ..workflow.runtime import runtime

bp = Blueprint("sla", __name__)
_REGION = re.compile(r"[0-9A-Za-z]{1,8}")


@bp.app_context_processor
def sla_link():
    return {"may_see_sla": lambda: sla.may_see(current_user)}


@bp.app_template_filter("decimal")
def decimal(value: float | None, digits: int = 1) -> str:
    """A number the Russian way: decimal comma, "—" when there is none."""
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


@bp.before_request
@login_required
def viewers_only():
    if not sla.may_see(current_user):
        abort(403)


def _fixed_region() -> str | None:
    """The region a regional manager is bound to; None for central staff."""
    return (scope(current_user) or {}).get("region")


def _filters():
    """(period, region, error): a bad date falls back to the default period and says why."""
    now = runtime().clock.now()
    try:
        period, error = sla.parse_period(request.args.get("from"), request.args.get("to"), now), None
    except sla.PeriodError as exc:
        period, error = sla.default_period(now), str(exc)
    region = _fixed_region() or (request.args.get("region") or "").strip() or None
    if region and not _REGION.fullmatch(region):
        region, error = None, "Регион указывается кодом, например 77"
    return period, region, error


@bp.get("/sla")
def index():
    period, region, error = _filters()
    report = sla.report(current_user, period, region)
    fixed = _fixed_region()
    return render_template("sla/index.html", report=report, error=error, fixed_region=fixed,
                           regions=[] if fixed else sla.regions(current_user),
                           form={"from": fmt_date(period.start), "to": fmt_date(period.end), "region": region or ""})


COLUMNS = ["Регион", "Шаг", "Задача", "Период с", "Период по", "Выполнено шагов", "Выполнено в срок",
           "Доля в срок, %", "Открытых нарушений сейчас", "Закрыто нарушений за период",
           "Средняя просрочка, раб. дн.", "Средняя длительность, раб. дн.", "Нормативный срок, раб. дн."]


@bp.get("/sla.csv")
def export():
    period, region, error = _filters()
    if error:
        abort(400)  # a file must not quietly cover another period than asked
    report = sla.report(current_user, period, region)
    rows = [[f.region or "—", f.step or "—", f.task_name or "", fmt_date(period.start), fmt_date(period.end),
             f.completed, f.on_time, Figure(decimal(f.on_time_share)), f.open_breaches, f.closed_breaches,
             Figure(decimal(f.avg_late_days)), Figure(decimal(f.avg_duration_days)),
             "—" if f.normative is None else f.normative] for f in report.rows]
    # Decimal commas, as Excel in the Russian locale reads numbers.
    return csv_download(COLUMNS, rows,
                        f"sla_{period.start:%Y%m%d}_{period.end:%Y%m%d}{'_' + region if region else ''}.csv")
