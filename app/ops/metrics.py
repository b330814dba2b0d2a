"""Prometheus metrics: what operations watch, each counted at the one place its event happens.

The domain calls the small functions below (``completed``, ``conflict``, ``timers_fired``,
``breaches``) after the fact; the request layer calls ``observe_request``. ``exposition()`` is
what ``/metrics`` answers with. Under ``vitrina serve --workers N`` the supervisor gives every
web process one fresh ``PROMETHEUS_MULTIPROC_DIR`` before it starts, so prometheus-client
writes each process's values to files there and a scrape of any process sums them all.
Jobs by state are not counted but read from the database at scrape time, by whichever process
is scraped, so they are the same whoever answers.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

log = logging.getLogger(__name__)
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

COMPLETIONS = Counter("vitrina_task_completions", "Tasks completed, by step and role", ["step", "role"])
CONFLICTS = Counter("vitrina_conflicts", "Changes refused with 409 because someone else changed it first",
                    ["reason"])
TIMERS_FIRED = Counter("vitrina_timers_fired", "Timers fired by the sweep", ["effect"])
# Lag of a firing: the sweep's now minus the timer's due time. Deadlines fall due at 23:59:59, so
# the buckets run from the alarm's milliseconds to the safety sweep's minutes.
TIMER_LAG = Histogram("vitrina_timer_lag_seconds", "Time from a timer's due time to its firing", ["effect"],
                      buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 86400))
BREACHES = Counter("vitrina_deadline_breaches", "Normative deadlines registered as breached")
REQUEST_LATENCY = Histogram("vitrina_request_duration_seconds", "HTTP request latency, by endpoint and status",
                            ["method", "endpoint", "status"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def completed(step: str | None, role: str | None) -> None:
    COMPLETIONS.labels(step=step or "", role=role or "").inc()


def conflict(reason: str) -> None:
    CONFLICTS.labels(reason=reason).inc()


def timers_fired(effect: str, now: datetime, dues: list[datetime | None]) -> None:
    if not dues:
        return
    TIMERS_FIRED.labels(effect=effect).inc(len(dues))
    lag = TIMER_LAG.labels(effect=effect)
    for due in dues:
        if due is not None:
            lag.observe(max((now - due).total_seconds(), 0.0))


def breaches(count: int) -> None:
    if count:
        BREACHES.inc(count)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(method=method, endpoint=endpoint, status=str(status)).observe(seconds)


def exposition(session) -> bytes:
    """The text format of every metric, summed over the web processes when there are several."""
    if os.environ.get(MULTIPROCESS_ENV):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY  # this process's metrics with prometheus-client's process figures
    read = CollectorRegistry()
    read.register(JobsCollector(session))
    return generate_latest(counted) + generate_latest(read)


class JobsCollector:
    """Jobs by state, read at scrape time from ``background_jobs`` (app/jobs/records.py)."""

    def __init__(self, session):
        self.session = session

    def collect(self):
        family = GaugeMetricFamily("vitrina_jobs", "Background jobs by state", labels=["state"])
        for state, count in jobs_by_state(self.session).items():
            family.add_metric([state], count)
        yield family


def jobs_by_state(session) -> dict[str, int]:
    """{state: count} of the background jobs, whichever backend runs them (queued, running, done,
    failed); {} when the table cannot be read (a scrape must never fail because the database is not
    migrated yet)."""
    from ..models import BackgroundJob
    try:
        rows = session.execute(select(BackgroundJob.state, func.count()).group_by(BackgroundJob.state)).all()
    except Exception:  # noqa: BLE001 - a missing column or a dropped connection: no figure, no 500
        log.warning("jobs by state could not be read", exc_info=True)
        session.rollback()
        return {}
    return {str(state): int(count) for state, count in rows}
