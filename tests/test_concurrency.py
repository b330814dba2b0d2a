"""Two people completing tasks of one application at the same moment: nobody's update is lost."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.errors import ConcurrentUpdate, TaskAlreadyDone
from app.deadlines.sweep import fire_due_timers
from app.workflow.instances import complete_task, get_instance, start_process
from app.workflow.runtime import runtime
from app.demo.samples import sample
from tests.conftest import ROOT
from tests.helpers import complete, open_tasks, task_named
from tests.test_regulation_paths import CONFIRMATION, FIRST_REPORT, through_act


@pytest.fixture
def two_open_tasks(app, clock):
    """An application after the Act: the client's confirmation and the first sales report are both open."""
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    instance = through_act(instance)
    clock.advance(timedelta(days=70))  # past the end of the first report period
    fire_due_timers(clock.now())
    instance = get_instance(instance.id)
    return instance, task_named(instance, CONFIRMATION), task_named(instance, FIRST_REPORT)


def _paused_completion(app, instance_id, task, data, paused, release, outcome):
    """Complete a task in another thread, pausing after the engine step and before the write."""
    with app.app_context():
        engine_class = type(runtime().engine)  # the isolated engine in the app, the plain one elsewhere
    original = engine_class.complete
    me = threading.current_thread()

    def complete_then_wait(self, *args, **kwargs):
        step = original(self, *args, **kwargs)
        if threading.current_thread() is me:  # only this thread pauses
            paused.set()
            release.wait(10)
        return step

    with app.app_context():
        engine_class.complete = complete_then_wait
        try:
            complete_task(instance_id, task.task_id, data, actor="slow")
            outcome.append("saved")
        except ConcurrentUpdate as exc:
            outcome.append(exc)
        finally:
            engine_class.complete = original


def race(app, instance, slow_task, fast_action):
    """Complete ``slow_task`` in another thread, run ``fast_action`` while it waits between its
    engine step and its write, then let it write; returns what the slow completion got."""
    paused, release, outcome = threading.Event(), threading.Event(), []
    slow = threading.Thread(target=_paused_completion, args=(
        app, instance.id, slow_task, sample(slow_task.form), paused, release, outcome))
    slow.start()
    assert paused.wait(10)
    fast_action()
    release.set()
    slow.join(10)
    return outcome[0]


def test_the_later_of_two_concurrent_completions_gets_a_conflict_and_can_retry(app, two_open_tasks):
    instance, confirmation, report = two_open_tasks
    # Meanwhile the operator files the first report, and it is saved.
    outcome = race(app, instance, confirmation,
                   lambda: complete_task(instance.id, report.task_id, sample("sales_report"), actor="fast"))
    assert isinstance(outcome, ConcurrentUpdate)

    instance = get_instance(instance.id)
    names = {t.name for t in open_tasks(instance)}
    assert FIRST_REPORT not in names and CONFIRMATION in names  # the fast one kept, nothing half-written
    complete(instance, CONFIRMATION)  # the slow one retries and succeeds
    assert CONFIRMATION not in {t.name for t in open_tasks(get_instance(instance.id))}


def test_the_same_task_completed_twice_at_once_is_a_conflict_not_an_error(app, two_open_tasks):
    instance, confirmation, _ = two_open_tasks
    outcome = race(app, instance, confirmation, lambda: complete_task(
        instance.id, confirmation.task_id, sample("service_confirmation"), actor="fast"))
    assert isinstance(outcome, ConcurrentUpdate)
    with pytest.raises(TaskAlreadyDone):
        complete_task(instance.id, confirmation.task_id, sample("service_confirmation"), actor="again")
