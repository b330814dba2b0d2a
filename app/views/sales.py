"""Sales figures for МО РЭЦ and the ЦПЭ: per application, region, marketplace and product, and
their CSV export (how reports add up: ``app.sales.totals``).

A ЦПЭ user sees their region only, whatever ``?region=`` says (``app.access`` narrows the query);
central staff may pick a region.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..access import scope
from ..paperwork.sales_report import money
from ..sales import totals
from ..tabular import Figure, csv_download
from .guards import restrict_to

bp = Blueprint("sales", __name__)
restrict_to(bp, *totals.VIEWER_ROLES)
_REGION = re.compile(r"[0-9A-Za-z]{1,8}")
EXPORTS = (*totals.GROUPINGS, "product")


@bp.app_context_processor
def sales_link():
    return {"may_see_sales": lambda: totals.may_see(current_user)}


def _region() -> tuple[str | None, str | None, str | None]:
    """(region to show, the region the user is bound to, error)."""
    fixed = (scope(current_user) or {}).get("region")
    region = fixed or (request.args.get("region") or "").strip() or None
    if region and not _REGION.fullmatch(region):
        return None, fixed, "Регион: выберите регион из списка"
    return region, fixed, None


@bp.get("/sales")
def index():
    region, fixed, error = _region()
    products = totals.products(current_user, region)
    groups = {by: totals.summed(products, by) for by in totals.GROUPINGS}
    return render_template("sales/index.html", products=products, groups=groups, titles=totals.GROUPINGS,
                           region=region or "", fixed_region=fixed, error=error), 422 if error else 200


@bp.get("/sales.csv")
def export():
    region, _, error = _region()
    by = request.args.get("by", "application")
    if error or by not in EXPORTS:
        abort(400)
    products = totals.products(current_user, region)
    if by == "product":
        header = ["№ заявки", "Компания", "Регион", "Товар", "Код ТН ВЭД", "Площадка", "Ссылка",
                  "Продаж с момента размещения", "Стоимость с момента размещения, руб.",
                  "Сумма за отчётные месяцы, руб.", "Последний отчёт на", "Отчётов"]
        rows = [[p.instance_id, p.company_name or "", p.region or "", p.product, p.tnved, p.marketplace, p.link,
                 p.transactions_total, Figure(money(p.value_total)), Figure(money(p.value_months)),
                 f"{p.last_period_end:%d.%m.%Y}", p.reports] for p in products]
    else:
        header = [totals.GROUPINGS[by], "Заявок", "Товаров", "Продаж с момента размещения",
                  "Стоимость с момента размещения, руб.", "Сумма за отчётные месяцы, руб."]
        rows = [[g.label, len(g.applications), g.products, g.transactions_total, Figure(money(g.value_total)),
                 Figure(money(g.value_months))] for g in totals.summed(products, by)]
    return csv_download(header, rows, f"prodazhi_{by}{'_' + region if region else ''}.csv")


@bp.app_template_filter("money")
def money_filter(value) -> str:
    return money(value) or "0"
