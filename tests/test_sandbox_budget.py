"""Model code has a budget that really stops it: at deploy (refused, element named) and at run
time (an incident on the application, the server still answering, the step retried after a fix)."""
from __future__ import annotations

import threading
import time
from xml.sax.saxutils import escape

import pytest

from app.engine import BudgetExceeded, ModelInvalid
from app.extensions import db
from app.incidents import retry
from app.models import Incident, OpenTask
from app.statuses import IncidentKind, IncidentState
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.errors import StepFailed
from app.workflow.instances import complete_task, get_instance, start_process
from app.workflow.migration import migrate_instance
from tests.conftest import FIXTURES, ROOT, login

SMALL = (FIXTURES / "small" / "small.bpmn").read_text()
RUNAWAY = {
    "endless loop": "while True: pass",
    "huge power": "x = 10**10**10",
    "huge range": "x = sum(range(10**12))",
    "runaway recursion": "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(200)",
}


def with_script(place: str, script: str, text: str = SMALL) -> dict[str, bytes]:
    tag = {"pre": "preScript", "post": "postScript"}[place]
    anchor = '<spiffworkflow:property name="application_status" value="На рассмотрении ЦПЭ"/>\n      </spiffworkflow:properties>'
    assert anchor in text
    return {"small.bpmn": text.replace(anchor, f"{anchor}<spiffworkflow:{tag}>{escape(script)}</spiffworkflow:{tag}>", 1)
            .encode()}


def with_condition(condition: str) -> dict[str, bytes]:
    return {"small.bpmn": SMALL.replace('decision == "reject"', escape(condition)).encode()}


@pytest.mark.parametrize("name", list(RUNAWAY))
def test_runaway_code_is_stopped_within_its_budget_naming_the_element(engine, name):
    model = engine.load(with_script("post", RUNAWAY[name]))
    step = engine.start(model, "small", {"region": "77"})
    began = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        engine.complete(model, step.state, step.tasks[0].id, {"decision": "approve"})
    assert time.monotonic() - began < 5
    assert caught.value.element_id == "check"
    assert "превышен" in str(caught.value) or "слишком" in str(caught.value)


@pytest.mark.parametrize("condition", ["10**10**10 > 0", "sum(range(10**12)) > 0", "len('x' * 10**10) > 0"])
def test_a_runaway_condition_is_stopped_before_its_value_is_built(engine, condition):
    model = engine.load(with_condition(condition))
    step = engine.start(model, "small", {"region": "77"})
    began = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        engine.complete(model, step.state, step.tasks[0].id, {"decision": "approve"})
    assert time.monotonic() - began < 1
    assert caught.value.element_id == "gw_check"


def test_model_code_cannot_catch_its_own_stop(engine):
    script = "try:\n    while True:\n        pass\nexcept Exception:\n    x = 1\nfinally:\n    while True:\n        pass"
    model = engine.load(with_script("post", script))
    step = engine.start(model, "small", {"region": "77"})
    with pytest.raises(BudgetExceeded):
        engine.complete(model, step.state, step.tasks[0].id, {"decision": "approve"})


# -- at deploy ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["sum(range(10**12))", "10**10**10"])
def test_deploy_refuses_a_runaway_timer_naming_it(app, source):
    files = {"small.bpmn": SMALL.replace(">deadline(1)<", f">{escape(source)}<").encode()}
    with pytest.raises(ModelInvalid) as caught:
        deploy_bundle(files, actor="owner")
    found = [p for p in caught.value.problems if p.rule == "script-budget"]
    assert found and found[0].element_id == "check_indicative" and found[0].file == "small.bpmn"


def test_deploy_refuses_a_script_loop_the_scenarios_run_into_naming_its_element(app):
    files = read_bundle(ROOT / "bpmn")
    text = files["marketplace_support.bpmn"].decode()
    anchor = '<bpmn:userTask id="step_2_check"'
    assert anchor in text
    at = text.index("</spiffworkflow:properties>", text.index(anchor)) + len("</spiffworkflow:properties>")
    files["marketplace_support.bpmn"] = (text[:at] + "<spiffworkflow:preScript>while True: pass</spiffworkflow:preScript>"
                                         + text[at:]).encode()
    scenarios = {p.name: p.read_bytes() for p in (ROOT / "bpmn" / "scenarios").glob("happy_path.yaml")}
    with pytest.raises(ModelInvalid) as caught:
        deploy_bundle(files, actor="owner", scenarios=scenarios)
    failed = [p for p in caught.value.problems if p.rule == "scenario-failed"]
    assert failed and failed[0].element_id == "step_2_check", [str(p) for p in caught.value.problems]
    assert "лимит шагов" in failed[0].reason


# -- at run time -------------------------------------------------------------------------------------
def _deploy_unchecked(files) -> None:
    """A version stored as an older Vitrina (or a bypassed check) would have left it: run time
    must hold on its own."""
    from app.engine import bundle_hash
    from app.models import Deployment, DeploymentFile
    from app.workflow.runtime import runtime
    db.session.add(Deployment(key=bundle_hash(files), deployed_at=runtime().clock.now(), deployed_by="owner",
                              files=[DeploymentFile(name=n, content=c) for n, c in files.items()]))
    db.session.commit()


def _at_check(files, checked: bool = True) -> tuple[int, str]:
    if checked:
        deploy_bundle(files, actor="owner")
    else:
        _deploy_unchecked(files)
    instance = start_process("small", actor="client77@test.ru", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    task = db.session.query(OpenTask).filter_by(instance_id=instance.id).one()
    return instance.id, task.task_id


def test_a_loop_at_run_time_opens_an_incident_and_a_fix_lets_it_through(app, client, users):
    instance_id, task_id = _at_check(with_script("post", "while True: pass"))
    login(client, "cpe77@test.ru")
    answer = client.post(f"/tasks/{task_id}", data={"decision": "approve", "comment": "ок"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Шаг не выполнен" in page and "Инцидент" not in page or "инцидент №" in page
    incident = db.session.query(Incident).one()
    assert (incident.kind, incident.state, incident.element_id, incident.resource) == (
        IncidentKind.COMPLETION, IncidentState.OPEN, "check", "steps")
    assert incident.payload["data"]["decision"] == "approve" and incident.actor == "cpe77@test.ru"
    assert db.session.query(OpenTask).filter_by(task_id=task_id).one()  # nothing of the step was saved
    card = client.get(f"/applications/{instance_id}").get_data(as_text=True)
    assert f"Инцидент № {incident.id}" in card and "«Проверка заявки»" in card

    # The owner deploys a fixed version, the application moves onto it, the admin retries.
    fixed, _ = deploy_bundle({"small.bpmn": SMALL.encode()}, actor="owner")
    migrate_instance(instance_id, fixed.id, actor="owner@test.ru")
    resolved = retry(incident.id, "admin@test.ru")
    assert resolved.state == IncidentState.RESOLVED and resolved.closed_by == "admin@test.ru"
    assert get_instance(instance_id).application_status == "На согласовании МО РЭЦ"
    assert client.get(f"/applications/{instance_id}").get_data(as_text=True).count("Инцидент №") == 0


def test_a_second_failure_adds_an_attempt_to_the_open_incident(app, users):
    instance_id, task_id = _at_check(with_script("post", "while True: pass"))
    for _ in range(2):
        with pytest.raises(StepFailed):
            complete_task(instance_id, task_id, {"decision": "approve"}, actor="cpe77@test.ru")
    incident = db.session.query(Incident).one()
    assert incident.attempts == 2
    with pytest.raises(StepFailed):
        retry(incident.id, "admin@test.ru")
    assert db.session.get(Incident, incident.id).attempts == 3


def test_the_admin_sees_incidents_and_closes_one_without_retry(app, client, users):
    _at_check(with_script("post", "x = 10**10**10"))
    task = db.session.query(OpenTask).one()
    with pytest.raises(StepFailed):
        complete_task(task.instance_id, task.task_id, {"decision": "approve"}, actor="cpe77@test.ru")
    incident = db.session.query(Incident).one()
    login(client, "admin@test.ru")
    page = client.get("/admin/incidents/").get_data(as_text=True)
    assert "слишком большое число" in page and "ЦПЭ Москва" in page and "Повторить" in page
    assert client.post(f"/admin/incidents/{incident.id}/dismiss", data={"note": ""}).status_code == 303
    assert db.session.get(Incident, incident.id).state == IncidentState.OPEN  # a reason is required
    client.post(f"/admin/incidents/{incident.id}/dismiss", data={"note": "заявка отозвана"})
    assert db.session.get(Incident, incident.id).state == IncidentState.DISMISSED
    staff = app.test_client()
    login(staff, "cpe77@test.ru")
    assert staff.get("/admin/incidents/").status_code == 403


class TestHardLimits:
    """What the guards cannot see (one long C-level operation, a huge allocation) is stopped by
    the worker process: killed after its time, or out of its address space."""

    @pytest.fixture
    def extra_config(self):
        # 4 s, not less: the deploy check runs every expression of the model in one worker call, and
        # on a loaded machine (the suite's other workers) reaching the bomb's flow takes seconds.
        return {"VITRINA_MODEL_LIMITS": {"worker_seconds": 4.0, "size": 10**9, "allocated": 10**10,
                                         "worker_memory_mb": 700}}

    def test_deploy_refuses_a_long_c_level_condition_naming_the_flow(self, app):
        """Stopped from outside after its time, the check still names the flow it was trying."""
        with pytest.raises(ModelInvalid) as caught:
            deploy_bundle(with_condition("[[0] * 100000] * 100000 == [[0] * 100000] * 100000"), actor="owner")
        found = [p for p in caught.value.problems if p.rule == "script-budget"]
        assert found and found[0].element_id == "f_reject" and "4 с" in found[0].reason

    def test_a_long_c_level_operation_is_killed_and_the_server_answers_meanwhile(self, app, client, users):
        bomb = "[[0] * 100000] * 100000 == [[0] * 100000] * 100000"
        instance_id, task_id = _at_check(with_condition(bomb), checked=False)
        outcome = {}

        def submit():
            with app.app_context():
                try:
                    complete_task(instance_id, task_id, {"decision": "approve"}, actor="cpe77@test.ru")
                except StepFailed as exc:
                    outcome["error"] = exc
                finally:
                    db.session.remove()

        worker = threading.Thread(target=submit)
        began = time.monotonic()
        worker.start()
        time.sleep(0.3)
        answered = client.get("/login")
        assert answered.status_code == 200 and time.monotonic() - began < 1.5  # not waiting for the bomb
        worker.join(30)
        assert not worker.is_alive() and time.monotonic() - began < 15
        assert outcome["error"].element_id == "gw_check"
        incident = db.session.query(Incident).one()
        assert incident.resource == "time" and "4 с" in incident.message

    def test_an_allocation_past_the_workers_memory_is_stopped_and_the_next_step_runs(self, app, users):
        instance_id, task_id = _at_check(with_script("post", "x = [0] * 300_000_000"))
        with pytest.raises(StepFailed):
            complete_task(instance_id, task_id, {"decision": "approve"}, actor="cpe77@test.ru")
        assert db.session.query(Incident).one().resource == "memory"
        other = start_process("small", actor="client77@test.ru", region="77")  # a fresh worker serves it
        assert other.application_status == "На рассмотрении ЦПЭ"
