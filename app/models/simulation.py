"""Simulation runs started from the analysts' page, kept with their parameters and reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class SimulationRun(db.Model):
    __tablename__ = "simulation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20), index=True)  # SimulationState
    params_text: Mapped[str] = mapped_column(Text)  # the YAML as the analyst gave it
    compare_text: Mapped[str | None] = mapped_column(Text)
    model_key: Mapped[str | None] = mapped_column(String(64))  # the deployed version simulated
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done: Mapped[int] = mapped_column(Integer, default=0)  # replications finished, for the progress bar
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    summary_json: Mapped[str | None] = mapped_column(Text)
    report_html: Mapped[str | None] = mapped_column(Text)
    # Which process runs it ("host:pid:token") and when that process last said it still does:
    # a run whose process is gone (a restart) is found and marked failed (app/simulation/liveness.py).
    runner: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The token of the form that started the run: the same form sent twice (a double click, the
    # browser's "resend") finds this run instead of starting another.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class SimulationScenario(db.Model):
    """A what-if scenario saved under a name: the parameters as the form or an import built them
    (``extends`` already resolved), so a later change of its parent does not change it."""
    __tablename__ = "simulation_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(140), unique=True)
    params_text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
