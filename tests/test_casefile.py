"""The case file: after every path of table 5.9 it holds exactly the entries of its steps, in
order, numbered per kind; the backfill from the audit trail reproduces it for applications
filed before it existed; no module but the case file reads the audit trail's details."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from app.applications import casefile
from app.applications.casefile_backfill import backfill, iso_moment
from app.extensions import db
from app.models import AuditEvent, CaseEntry
from tests.conftest import ROOT
from tests.helpers import complete
from tests.test_regulation_paths import (ACT, AGREEMENT, CHECK, CONFIRMATION, CRM, EXECUTION, MO_APPROVAL, MO_REMARKS,
                                         ORIGINALS,
                                         REFUSE_2_2, REWORK, ROADMAP, ROADMAP_APPROVAL, ROADMAP_CORRECTION,
                                         SELECTION, SERVICE_APPROVAL, SERVICE_REMARKS, application, through_act,
                                         through_selection, through_service_approval)

__all__ = ["application"]  # the fixture, imported for these tests
SCORING = [(None, "decision", 1), (None, "decision", 2), (None, "decision", 3)]


def RESCORED(first: int) -> list[tuple]:  # noqa: N802 - reads as a constant in PATHS
    return [(None, "decision", first + i) for i in range(3)]


def _happy(instance):
    return complete(complete(through_act(instance), CONFIRMATION), CRM)


def _remarks_twice(instance):
    instance = complete(instance, "Подача Заявки")
    for _ in range(2):
        instance = complete(instance, CHECK, decision="remarks", comment="Не указан ОГРН")
        instance = complete(instance, REWORK)
    return complete(instance, CHECK, decision="approve")


def _mo_remarks(instance):
    instance = complete(complete(instance, "Подача Заявки"), CHECK, decision="approve")
    instance = complete(instance, MO_APPROVAL, decision="remarks", comment="Уточните ТН ВЭД")
    instance = complete(instance, MO_REMARKS)
    instance = complete(instance, REWORK)
    instance = complete(instance, CHECK, decision="approve")
    return complete(instance, MO_APPROVAL, decision="approve")


def _service_and_roadmap_remarks(instance):
    instance = complete(through_selection(instance), AGREEMENT, decision="approve")
    instance = complete(instance, SERVICE_APPROVAL, decision="remarks", comment="Нет подписи Оператора")
    instance = complete(instance, SERVICE_REMARKS)
    instance = complete(instance, SERVICE_APPROVAL, decision="approve")
    instance = complete(instance, ROADMAP)
    instance = complete(instance, ROADMAP_APPROVAL, decision="remarks", comment="Нет сроков этапа 3")
    instance = complete(instance, ROADMAP_CORRECTION)
    return complete(instance, ROADMAP_APPROVAL, decision="approve")


def _refused_at_check(instance):
    instance = complete(instance, "Подача Заявки")
    instance = complete(instance, CHECK, decision="reject", comment="Не субъект МСП")
    return complete(instance, REFUSE_2_2)


PATHS = {
    "happy path": (_happy, [("1", "questionnaire", 1), *SCORING, ("2", "check", 1), ("3", "approval", 1),
                            ("4", "originals", 1), ("5", "selection", 1), ("6", "agreement", 1),
                            ("7", "service_approval", 1), ("8", "roadmap", 1), ("9", "roadmap_approval", 1),
                            ("10", "roadmap_execution", 1), ("11", "act", 1), ("12", "service_confirmation", 1),
                            ("13", "crm_record", 1)]),
    "remarks twice (2.1)": (_remarks_twice, [
        # A rework is the questionnaire's next version, and the scoring runs again on it.
        ("1", "questionnaire", 1), *SCORING, ("2", "check", 1), ("2.1", "questionnaire", 2), *RESCORED(4),
        ("2", "check", 2), ("2.1", "questionnaire", 3), *RESCORED(7), ("2", "check", 3)]),
    "МО РЭЦ remarks (3.1)": (_mo_remarks, [
        ("1", "questionnaire", 1), *SCORING, ("2", "check", 1), ("3", "approval", 1), ("3.1", "remarks", 1),
        ("2.1", "questionnaire", 2), *RESCORED(4), ("2", "check", 2), ("3", "approval", 2)]),
    "service and roadmap remarks (7.1, 9.1)": (_service_and_roadmap_remarks, [
        ("1", "questionnaire", 1), *SCORING, ("2", "check", 1), ("3", "approval", 1), ("4", "originals", 1),
        ("5", "selection", 1), ("6", "agreement", 1), ("7", "service_approval", 1), ("7.1", "service_remarks", 1),
        ("7", "service_approval", 2), ("8", "roadmap", 1), ("9", "roadmap_approval", 1), ("9.1", "roadmap", 2),
        ("9", "roadmap_approval", 2)]),
    "refused at the check (2.2)": (_refused_at_check, [
        ("1", "questionnaire", 1), *SCORING, ("2", "check", 1), ("2.2", "refusal", 1)]),
}


def _shape(instance_id: int) -> list[tuple]:
    return [(e.step, e.kind, e.version) for e in casefile.entries(instance_id)]


@pytest.mark.parametrize("path", list(PATHS))
def test_the_case_file_holds_exactly_the_entries_of_the_steps_taken(application, path):
    run, expected = PATHS[path]
    instance = run(application)
    assert _shape(instance.id) == expected
    completed = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                            AuditEvent.action == "completed")
                                   .order_by(AuditEvent.id)).all()
    entries = [e for e in casefile.entries(instance.id) if e.kind != "decision"]
    assert [(e.task_id, e.actor) for e in entries] == [(a.task_id, a.actor) for a in completed]
    assert all(a.details == {"case_entry": e.id} for a, e in zip(completed, entries))
    assert all(e.form_version and len(e.form_version) == 64 for e in entries)  # the deployed form's hash


def test_an_entry_keeps_its_documents_by_their_stored_hash(application):
    import hashlib
    import io
    from werkzeug.datastructures import FileStorage
    from app.applications.documents import store_upload
    from app.workflow.forms import form_of
    from tests.helpers import task_named
    instance = complete(through_service_approval(application), ROADMAP)
    instance = complete(complete(instance, ROADMAP_APPROVAL, decision="approve"), EXECUTION)
    task = task_named(instance, ACT)
    scan = b"%PDF-1.4\n% the signed Act\n"
    spec = form_of(instance, task.form)["properties"]["act_scan"]
    document = store_upload(FileStorage(io.BytesIO(scan), "akt.pdf", content_type="application/pdf"),
                            instance_id=instance.id, task_id=task.task_id, field="act_scan", spec=spec,
                            uploaded_by="cpe77@test.ru")
    complete(instance, ACT, act_scan=str(document.id))
    act = casefile.latest(instance.id, "act")
    assert act.documents == [{"field": "act_scan", "id": document.id, "name": "akt.pdf",
                              "sha256": hashlib.sha256(scan).hexdigest(), "size": len(scan)}]


def test_readers_answer_in_the_words_of_the_case_file(application):
    instance = _happy(application)
    assert casefile.latest(instance.id, "agreement").data["agreement_number"]
    assert [e.version for e in casefile.versions(instance.id, "roadmap")] == [1]
    first, = casefile.versions(instance.id, "questionnaire")
    assert casefile.previous(first) is None


def _as_before_the_case_file(instance_id: int) -> None:
    """Put the audit trail back as it was written before the case file, and drop the entries."""
    for entry in casefile.entries(instance_id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.details["case_entry"].as_integer() == entry.id))
        iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
        details = ({"decision": entry.form, "outputs": entry.data} if entry.kind == "decision" else
                   {"data": entry.data, "step": entry.step, "role": entry.role, "region": entry.region,
                    "ready_at": iso(entry.ready_at), "normative_due": iso(entry.normative_due),
                    "indicative_due": iso(entry.indicative_due)})
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(details=details))
    db.session.execute(delete(CaseEntry).where(CaseEntry.instance_id == instance_id))
    db.session.commit()


@pytest.mark.parametrize("path", ["happy path", "remarks twice (2.1)", "service and roadmap remarks (7.1, 9.1)"])
def test_the_backfill_from_the_audit_trail_reproduces_the_case_file(application, path):
    instance = PATHS[path][0](application)
    keep = ("step", "kind", "form", "version", "task_id", "element_id", "name", "actor", "on_behalf_of", "role",
            "region", "ready_at", "normative_due", "indicative_due", "at", "data", "documents")
    before = [{k: getattr(e, k) for k in keep} for e in casefile.entries(instance.id)]
    _as_before_the_case_file(instance.id)
    assert casefile.entries(instance.id) == []
    with db.engine.begin() as connection:
        backfill(connection, CaseEntry.__table__, ROOT / "forms", iso_moment)
    db.session.expire_all()
    after = [{k: getattr(e, k) for k in keep} for e in casefile.entries(instance.id)]
    assert after == before


def test_no_module_but_the_case_file_reads_the_audit_trails_details():
    allowed = {"casefile.py", "casefile_backfill.py"}
    readers = [str(path.relative_to(ROOT)) for path in (ROOT / "app").rglob("*.py")
               if path.name not in allowed and re.search(r"\.details\b|\[\"details\"\]", path.read_text())]
    assert readers == []


def test_the_backfill_keeps_the_kinds_forms_had_when_the_events_were_written(application):
    instance = PATHS["remarks twice (2.1)"][0](application)
    _as_before_the_case_file(instance.id)
    with db.engine.begin() as connection:
        backfill(connection, CaseEntry.__table__, ROOT / "forms", iso_moment, kinds_then={"application_rework": "rework"})
    db.session.expire_all()
    assert [(e.step, e.kind, e.version) for e in casefile.entries(instance.id) if e.kind != "decision"] == [
        ("1", "questionnaire", 1), ("2", "check", 1), ("2.1", "rework", 1), ("2", "check", 2), ("2.1", "rework", 2),
        ("2", "check", 3)]
