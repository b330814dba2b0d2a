"""Read-only pages over the instances: the list of applications and the application card.

Both need a login and show only what ``app.access`` lets the user see; a card the user may not
see answers 404, as if it did not exist, so its number tells nothing either.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts import invitations
from ..applications import casefile
from ..applications import reading as applications
from ..applications.filing import ON_BEHALF_ROLES
from ..applications.case_view import case_file, may_read, shown
from ..extensions import db
from ..incidents import incidents_of
from ..notifications.inbox import waiting_on
from ..roles import Role
from ..tasks import saved_filters
from ..models import AuditEvent, OpenTask, ProcessInstance
from ..tasks.rights import may_take
from ..tasks.worklist import application_statuses, may_filter_region
from ..workflow.deployments import model_of_id
from ..workflow.runtime import runtime
from ..statuses import AuditAction, FilterList
from .saved_filter_forms import delete_posted, save_posted

bp = Blueprint("applications", __name__)
PAGE_SIZE = 50


@bp.get("/applications")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    search = applications.Search.from_args(request.args, current_user)
    rows, total = applications.visible_page(current_user, page, PAGE_SIZE, search=search)
    return render_template("applications/index.html", rows=rows, page=page, total=total, page_size=PAGE_SIZE,
                           search=search, statuses=application_statuses(), region_filter=may_filter_region(current_user),
                           saved=saved_filters.visible_to(current_user, FilterList.APPLICATIONS),
                           may_share=saved_filters.may_share(current_user),
                           may_file_for_client=any(current_user.has_role(r) for r in ON_BEHALF_ROLES))


@bp.post("/applications/filters")
@login_required
def save_filter():
    return save_posted(FilterList.APPLICATIONS, ".index", _search_args())


@bp.post("/applications/filters/<int:filter_id>/delete")
@login_required
def delete_filter(filter_id: int):
    return delete_posted(filter_id, FilterList.APPLICATIONS, ".index", _search_args())


def _search_args() -> dict[str, str]:
    """The list's search as posted, to come back to it."""
    return applications.Search.from_args(request.values, current_user).as_args()


@bp.get("/applications/<int:instance_id>")
@login_required
def card(instance_id: int):
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    return render_card(instance)


def render_card(instance: ProcessInstance, *, invite_values: dict | None = None,
                invite_errors: dict | None = None, status: int = 200):
    """The card of ``instance`` (which the user sees); with the invitation form's values and
    errors when a refused invitation is shown again."""
    audit = applications.history_of(instance.id)
    tasks = applications.open_tasks_of(instance.id)
    inviting = invitations.may_invite(current_user, instance)
    return render_template("applications/card.html", instance=instance, tasks=tasks,
                           actionable={t.task_id for t in tasks if may_take(current_user, t, instance)},
                           timers=applications.timers_of(instance.id),
                           audit=audit, timeline=applications.status_timeline(audit),
                           case_file=case_file(instance, current_user),
                           children=applications.children_of(current_user, instance.id),
                           incidents=incidents_of(instance.id),
                           waiting=waiting_on(current_user.id, [instance.id]).get(instance.id),
                           inviting=inviting, invite_values=invite_values or {}, invite_errors=invite_errors or {},
                           invitations=invitations.of_application(instance.id) if inviting else [],
                           invitation_state=invitations.state_of, invitation_days=invitations.days_valid(),
                           now=runtime().clock.now(),
                           staff=not (current_user.has_role(Role.CLIENT) and len(current_user.roles) == 1)), status


@bp.get("/applications/<int:instance_id>/case/<int:entry_id>")
@login_required
def case_entry(instance_id: int, entry_id: int):
    """One version of a case-file entry, read-only, with what changed since the version before;
    whoever sees the card sees it (a client, not the entries between staff)."""
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    entry = casefile.entry(instance_id, entry_id)
    if entry is None or not may_read(current_user, entry):
        abort(404)
    return render_template("applications/case_entry.html", instance=instance, item=shown(instance, entry),
                           versions=casefile.versions(instance_id, entry.kind))


@bp.get("/applications/<int:instance_id>/diagram.json")
@login_required
def diagram(instance_id: int):
    """What the card's diagram draws: the BPMN of the instance's process (from the version it runs
    on), the element ids of its open tasks, of the tasks completed so far and of fired timers."""
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    xml = _process_xml(instance)
    if xml is None:
        abort(404)
    current = db.session.scalars(select(OpenTask.element_id).where(OpenTask.instance_id == instance_id)
                                 .order_by(OpenTask.id)).all()
    events = db.session.execute(select(AuditEvent.action, AuditEvent.element_id).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action.in_((AuditAction.COMPLETED, AuditAction.DECIDED, AuditAction.TIMER_FIRED)),
        AuditEvent.element_id.is_not(None)).order_by(AuditEvent.id)).all()
    return {"xml": xml, "current": _unique(current),
            "completed": _unique(e for action, e in events if action in (AuditAction.COMPLETED, AuditAction.DECIDED)),
            "fired": _unique(e for action, e in events if action == AuditAction.TIMER_FIRED)}


def _process_xml(instance: ProcessInstance) -> str | None:
    """The text of the deployed file that defines the instance's process."""
    model = model_of_id(instance.deployment_id)
    catalog = model.catalogs.get(instance.process_id)
    if catalog is not None and catalog.file in model.files:
        return model.files[catalog.file].decode("utf-8")
    # A process the catalog does not know (not executable, say): look for its definition.
    pattern = re.compile(rb"<(?:\w+:)?process\b[^>]*\bid=[\"']" + re.escape(instance.process_id.encode()) + rb"[\"']")
    for name, content in sorted(model.files.items()):
        if name.endswith(".bpmn") and pattern.search(content):
            return content.decode("utf-8")
    return None


def _unique(ids) -> list[str]:
    return list(dict.fromkeys(ids))


@bp.get("/health")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
