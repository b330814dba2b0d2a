"""Who files an application, and for which company.

A client files for their own company (its name, INN and region come from the account). A ЦПЭ
user or КБ РЭЦ files on a company's behalf, naming it; the application must be one they could
see afterwards (``app.access``), so a ЦПЭ user files only in their own region, and nobody can
file what they would then lose sight of.
"""
from __future__ import annotations

from ..access import can_see_instance
from ..accounts import AccountError, check_company
from ..intake.windows import ensure_open
from ..models import ProcessInstance
from .mine import MAIN_PROCESS, has_company
from ..roles import Role
from ..workflow.errors import WorkflowError
from ..workflow.instances import start_process

# Roles that may file for a company other than their own account's.
ON_BEHALF_ROLES = frozenset({Role.CPE, Role.KB_REC})


class FilingRefused(WorkflowError):
    http_status = 403


def may_file(user) -> bool:
    return user.has_role(Role.CLIENT) or bool(user.roles & ON_BEHALF_ROLES)


def file_application(user, *, company_name: str | None = None, company_inn: str | None = None,
                     region: str | None = None) -> ProcessInstance:
    """Start the main process for a company; FilingRefused or AccountError (naming the field)."""
    if user.has_role(Role.CLIENT):
        # A client account is bound to its company even if it holds a staff role as well.
        if not has_company(user):
            raise AccountError("company_inn", "Сначала укажите данные компании в личном кабинете")
        if (company_inn or "").strip() not in ("", user.company_inn):
            raise FilingRefused("Клиент подаёт заявки только от своей компании")
        company_name, company_inn, region = user.company_name, user.company_inn, user.region
    elif user.roles & ON_BEHALF_ROLES:
        company_name, company_inn, region = check_company(company_name, company_inn, region)
        if not can_see_instance(user, ProcessInstance(region=region, company_inn=company_inn)):
            raise FilingRefused("Пользователь ЦПЭ подаёт заявки только в своём регионе")
    else:
        raise FilingRefused("Подавать заявки могут Клиент, ЦПЭ и КБ РЭЦ")
    ensure_open(region)  # 5.2: only while the region's intake window is open (IntakeClosed)
    return start_process(MAIN_PROCESS, region=region, company_name=company_name, company_inn=company_inn,
                         actor=user.email)
