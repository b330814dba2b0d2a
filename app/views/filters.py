"""Template filters: dates as ДД.ММ.ГГГГ, times in Moscow, role names in Russian."""
from __future__ import annotations

from ..accounts.names import display_name, name_and_organisation
from ..regions import region_choices, region_name
from ..dates import fmt_date, fmt_datetime
from ..roles import Role
from ..statuses import AuditAction, JobKind, JobState, ProcessId, TimerKind



def _label(enum, value, default: str = "—") -> str:
    """The Russian label of a vocabulary word; an unknown word is shown as it is."""
    try:
        return enum(value).label
    except ValueError:
        return value or default


def role_label(value: str | None) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value or "—"


def register(app) -> None:
    from ..incidents import open_count
    from ..applications.scoring import scoring_of
    from ..statuses import IncidentKind, IncidentState
    app.add_template_global(scoring_of, "scoring_of")
    app.add_template_global(open_count, "open_incidents")
    app.add_template_filter(display_name, "person")
    app.add_template_filter(name_and_organisation, "person_org")
    app.add_template_filter(region_name, "region")
    app.add_template_global(region_choices, "region_choices")
    app.add_template_filter(lambda k: IncidentKind(k).label, "incident_kind")
    app.add_template_filter(lambda s: IncidentState(s).label, "incident_state")
    app.add_template_filter(lambda k: JobKind(k).label, "job_kind")
    app.add_template_filter(lambda s: JobState(s).label, "job_state")
    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(fmt_datetime, "datetime")
    app.add_template_filter(role_label, "role")
    app.add_template_filter(lambda process_id: _label(ProcessId, process_id), "service")
    app.add_template_filter(lambda action: _label(AuditAction, action), "audit_action")
    app.add_template_filter(lambda kind: _label(TimerKind, kind), "timer_kind")
