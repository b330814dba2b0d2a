"""The scenarios an analyst starts from: the files shipped in scripts/simulation/ and the ones
saved in the page under a name (``simulation_scenarios``).

A reference is ``file:baseline.yaml`` or ``saved:12``. ``extends: baseline.yaml`` names a
parent by its file name or by its display name, in the page and in ``vitrina simulate`` alike;
a saved scenario keeps its parameters with ``extends`` resolved, so it does not change when its
parent does.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml
from sqlalchemy import select

from ..config import ROOT
from ..extensions import db
from ..models import SimulationScenario
from ..workflow.runtime import runtime
from . import params as parameters
from .params import ParamsInvalid

SHIPPED = ROOT / "scripts" / "simulation"
BASELINE_REF = "file:baseline.yaml"
# The page always simulates the deployed version: a file's own model folder does not apply.
PAGE_IGNORED = ("model", "extends")


class ScenarioNotFound(LookupError):
    """No shipped file or saved scenario by that reference."""


@dataclass
class Entry:
    ref: str
    name: str
    saved: bool


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)


def _shipped_raw(file_name: str) -> dict | None:
    path = SHIPPED / file_name
    if path.parent != SHIPPED or not path.is_file():
        return None
    return parameters.parse_text(path.read_text("utf-8"), path.name)


def _saved_named(name: str) -> SimulationScenario | None:
    return db.session.scalar(select(SimulationScenario).where(SimulationScenario.name == name))


def lookup(name: str) -> dict | None:
    """The raw data of an ``extends`` parent: a shipped file, a saved scenario, or a shipped
    scenario by its display name."""
    raw = _shipped_raw(name)
    if raw is not None:
        return raw
    row = _saved_named(name)
    if row is not None:
        return parameters.parse_text(row.params_text, row.name)
    for entry in shipped():
        if entry.name == name:
            return _shipped_raw(entry.ref.removeprefix("file:"))
    return None


def resolved(data: dict) -> dict:
    """Page data with ``extends`` resolved and the keys the page ignores dropped."""
    data = parameters.resolve(data, lookup)
    return {k: v for k, v in data.items() if k not in PAGE_IGNORED}


def shipped() -> list[Entry]:
    out = []
    for path in sorted(SHIPPED.glob("*.yaml")):
        data = parameters.parse_text(path.read_text("utf-8"), path.name)
        out.append(Entry(f"file:{path.name}", str(data.get("name") or path.stem), False))
    return out


def saved() -> list[SimulationScenario]:
    return db.session.scalars(select(SimulationScenario).order_by(SimulationScenario.name)).all()


def entries() -> list[Entry]:
    return [Entry(f"saved:{row.id}", row.name, True) for row in saved()] + shipped()


def raw(ref: str) -> dict:
    """The resolved raw parameters of a reference (ScenarioNotFound if there is none)."""
    kind, _, key = (ref or "").partition(":")
    data = None
    if kind == "file":
        data = _shipped_raw(key)
    elif kind == "saved" and key.isdigit():
        row = db.session.get(SimulationScenario, int(key))
        data = parameters.parse_text(row.params_text, row.name) if row else None
    if data is None:
        raise ScenarioNotFound(ref)
    return resolved(data)


def save(data: dict, actor: str) -> SimulationScenario:
    """Keep the parameters under their name, replacing a scenario of that name (checked first:
    ParamsInvalid)."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ParamsInvalid([("name", "укажите название сценария, под которым его сохранить")])
    parameters.validate(data)
    row = _saved_named(name) or SimulationScenario(name=name, created_by=actor)
    row.params_text = dump({**data, "name": name})
    row.updated_at = runtime().clock.now()
    db.session.add(row)
    db.session.commit()
    return row



PERIOD_KEYS = ("start", "horizon_days", "warmup_days", "replications", "seed")


def aligned(base: dict, data: dict) -> dict:
    """The base to compare a what-if with: over the what-if's period and replications, so the
    comparison shows what the changes do and nothing else."""
    return {**base, **{k: data[k] for k in PERIOD_KEYS if k in data}}
