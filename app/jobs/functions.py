"""The job functions: plain arguments, an app context around them, idempotent.

Each may run twice (a retry, a worker killed mid-way and its job run again) and must then have
the effect once: the sweep fires only what is still waiting (the timers table is the truth), the
delivery sends only what is still pending, the digest only what still waits for it, and neither a
simulation run that is done nor a modeller deploy that deployed or diverged is run again.
"""
from __future__ import annotations

import logging

from ..statuses import JobKind
from ..workflow.runtime import runtime

log = logging.getLogger(__name__)


def sweep_timers() -> str:
    from ..deadlines.sweep import fire_due_timers
    report = fire_due_timers(runtime().clock.now())
    if report.signals or report.instances or report.failed:
        log.info("timer sweep: %s", report)
    return str(report)


def deliver_mail() -> str:
    from ..notifications.delivery import deliver_pending
    counts = deliver_pending(runtime().clock.now())
    if any(counts.values()):
        log.info("e-mail delivery: %s", counts)
    return str(counts)


def send_digests() -> str:
    from ..notifications.digest import send_due_digests
    counts = send_due_digests(runtime().clock.now())
    if any(counts.values()):
        log.info("notification digests: %s", counts)
    return str(counts)


def run_simulation(run_id: int):
    from ..simulation.runs import execute
    return execute(run_id)


def deploy_with_scenarios(deploy_id: int):
    from ..modeller.deploys import execute
    return execute(deploy_id)


FUNCTIONS = {
    JobKind.TIMER_SWEEP: sweep_timers,
    JobKind.MAIL_DELIVERY: deliver_mail,
    JobKind.SIMULATION_RUN: run_simulation,
    JobKind.NOTIFICATION_DIGEST: send_digests,
    JobKind.DEPLOY_WITH_SCENARIOS: deploy_with_scenarios,
}


def key_of(kind: JobKind, **args) -> str:
    """The job's key: what makes a second deferral of the same work the same job."""
    if kind == JobKind.SIMULATION_RUN:
        return f"{kind}:{args['run_id']}"
    if kind == JobKind.DEPLOY_WITH_SCENARIOS:
        return f"{kind}:{args['deploy_id']}"
    return str(kind)  # recurring work: one row, its latest run


def run(kind: JobKind, args: dict):
    """One run of a job, recorded on its row (app/jobs/records.py); both backends call this."""
    from . import records
    with records.tracking(kind, key_of(kind, **args), args) as outcome:
        outcome["result"] = FUNCTIONS[kind](**args)
    return outcome["result"]
