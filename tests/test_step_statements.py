"""What a step's save costs the database: the SQL statements of every completion of the model's
happy path are counted, so that a change that adds a query per step (a lookup built anew, a row
read twice, an insert per row) fails here instead of in the engine benchmark."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from app.demo.samples import forms_with_samples, sample
from app.demo.seed import seed_demo_operators
from app.extensions import db
from app.scenarios import load_scenario
from app.workflow.deployments import deploy_bundle, read_bundle
from app.models import OpenTask
from app.workflow.instances import complete_task, get_instance, start_process
from tests.conftest import ROOT
from tests.helpers import assert_restores

HAPPY = load_scenario("happy_path.yaml", (ROOT / "bpmn" / "scenarios" / "happy_path.yaml").read_bytes())
# Counted on 08.12.2026, SQLite and PostgreSQL alike (before: at most 22, 215 in all): the happy path's 13
# completions, each loading its instance, with the region's ЦПЭ, МО РЭЦ and the client's users
# there to be told.
# +1 per completion since the regional settings: the client waits are read afresh from their history
# for each engine operation (so another process's change counts at once).
MOST_PER_COMPLETION = 17
IN_ALL = 188


@pytest.fixture
def deployed(app, users):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    seed_demo_operators()  # step 6 names operator 1 of the registry


def _task(instance_id: int, wanted: str) -> OpenTask:
    tasks = db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)).all()
    [task] = [t for t in tasks if t.name == wanted] or [t for t in tasks if t.step == wanted]
    return task


def _walk(counted: list[int] | None = None):
    """The happy path once, through the services; the statements of each completion counted.

    Only the instance's id is kept between steps, as between two requests: the completion
    loads the instance itself."""
    start = HAPPY.start
    instance_id = start_process(HAPPY.process, actor="client77@test.ru", region=start["region"],
                                company_name=start["company_name"], company_inn=start["company_inn"]).id
    statements = []

    def count(*_args):
        statements.append(1)

    for step in HAPPY.steps:
        task = _task(instance_id, str(step["complete"]))
        data = dict(step.get("data") or {})
        payload = sample(task.form, **data) if task.form in forms_with_samples() else data
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            complete_task(instance_id, task.task_id, payload, actor="cpe77@test.ru")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        if counted is not None:
            counted.append(len(statements))
        statements.clear()
    return instance_id


def test_a_completion_takes_a_bounded_number_of_sql_statements(deployed):
    _walk()  # the first pass parses the model and loads the forms: those queries are not the step's
    counted: list[int] = []
    instance_id = _walk(counted)
    assert len(counted) == len(HAPPY.steps) == 13
    assert max(counted) <= MOST_PER_COMPLETION, counted
    assert sum(counted) <= IN_ALL, counted
    assert_restores(get_instance(instance_id))  # and what was saved restores exactly
