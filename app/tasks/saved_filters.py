"""Saved filters of the task list and of the applications list: a name for a query string, the
user's own or shared.

What is kept is the list's own query string (the task list's section, filters, sort; the
applications list's search) rebuilt from the parsed filters, so a saved filter cannot carry
anything the list would not read itself. A manager may
share one with their region's team (central staff: with central staff); the shared ones are
listed to the team beside their own, and only their owner deletes them.
"""
from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import or_, select

from ..extensions import db
from ..applications.reading import Search
from ..models import SavedFilter
from ..roles import Role
from ..statuses import FilterList
from ..workflow.errors import Conflict, NotFound, WorkflowError
from ..workflow.runtime import runtime
from .worklist import SECTIONS, Filters

NAME_LENGTH = 80


class BadFilterName(WorkflowError):
    http_status = 422
    field = "name"


class SharingNotAllowed(WorkflowError):
    http_status = 403


def may_share(user) -> bool:
    return user.has_role(Role.MANAGER) or user.has_role(Role.ADMIN)


def _team_region(user) -> str:
    return user.region or ""


def visible_to(user, list_name: str = FilterList.TASKS) -> list[SavedFilter]:
    """The user's own filters of the list and those shared with their team, by name."""
    return list(db.session.scalars(select(SavedFilter).where(SavedFilter.list_name == list_name, or_(
        SavedFilter.owner_id == user.id, SavedFilter.shared_region == _team_region(user)))
        .order_by(SavedFilter.name, SavedFilter.id)))


def save(user, name: str, args, *, shared: bool = False, list_name: str = FilterList.TASKS) -> SavedFilter:
    name = (name or "").strip()
    if not name:
        raise BadFilterName("Укажите название фильтра")
    if len(name) > NAME_LENGTH:
        raise BadFilterName(f"Название фильтра длиннее {NAME_LENGTH} символов")
    if shared and not may_share(user):
        raise SharingNotAllowed("Делиться фильтром с командой может руководитель")
    list_name = FilterList(list_name)
    if db.session.scalar(select(SavedFilter.id).where(SavedFilter.owner_id == user.id, SavedFilter.list_name == list_name,
                                                      SavedFilter.name == name)):
        raise Conflict(f"Фильтр «{name}» уже есть: выберите другое название или удалите прежний")
    saved = SavedFilter(owner_id=user.id, list_name=list_name, name=name, query=query_of(user, args, list_name),
                        shared_region=_team_region(user) if shared else None, created_at=runtime().clock.now())
    db.session.add(saved)
    db.session.commit()
    return saved


def delete(user, filter_id: int, list_name: str = FilterList.TASKS) -> None:
    saved = db.session.get(SavedFilter, filter_id)
    if saved is None or saved.owner_id != user.id or saved.list_name != list_name:
        raise NotFound("фильтр не найден")
    db.session.delete(saved)
    db.session.commit()


def query_of(user, args, list_name: str = FilterList.TASKS) -> str:
    """The list's query string for ``args`` as the list reads them (unknown keys and the page dropped)."""
    if list_name == FilterList.APPLICATIONS:
        return urlencode(Search.from_args(args, user).as_args())
    section = (args.get("section") or "").strip()
    values = ({"section": section} if section in SECTIONS else {}) | Filters.from_args(args, user).as_args()
    return urlencode(values)
