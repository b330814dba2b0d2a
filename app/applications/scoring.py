"""The scoring of an application (Appendix 2) as the ЦПЭ and the client read it: score and why.

The engine runs the decision tables of ``bpmn/scoring_*.dmn`` on the submitted answers (business
rule tasks after step 1) and the case file keeps each table's outputs (entries of kind decision).
This reads the latest of them back: points per answer with the reason, the total, the
readiness band and the recommended kinds of marketplace. The numbers are those of the model
version the application runs on, so a later change of the tables never rewrites an old score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..models import ProcessInstance
from ..statuses import CaseKind
from . import casefile


@dataclass(frozen=True)
class Reason:
    text: str
    points: float


@dataclass(frozen=True)
class Advice:
    topic: str
    text: str


@dataclass
class Scoring:
    total: float | None = None
    band: str | None = None  # the band's key in the table: high / medium / low
    band_label: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    at: datetime | None = None
    previous_total: float | None = None  # the run before this one (a rework re-scores)
    runs: int = 1

    @property
    def gained(self) -> list[Reason]:
        return [r for r in self.reasons if r.points > 0]

    @property
    def lost(self) -> list[Reason]:
        return [r for r in self.reasons if r.points < 0]


def scoring_of(instance: ProcessInstance) -> Scoring | None:
    """The latest scoring of ``instance``, or None before the tables ran."""
    outputs: dict = {}
    at = previous = None
    runs = 0
    for entry in casefile.entries(instance.id, [CaseKind.DECISION]):
        decided = entry.data or {}
        if "scoring_points" in decided:
            if outputs:
                previous = _number(outputs.get("scoring_total"))
            outputs, at, runs = {}, entry.at, runs + 1  # a new scoring run starts over
        outputs.update(decided)
    if not outputs:
        return None
    scoring = from_outputs(outputs, at)
    scoring.previous_total, scoring.runs = previous, max(runs, 1)
    return scoring


def from_outputs(outputs: dict, at: datetime | None = None) -> Scoring:
    """A Scoring from the tables' outputs (lists for COLLECT tables, values for UNIQUE ones)."""
    points = _as_list(outputs.get("scoring_points"))
    reasons = _as_list(outputs.get("scoring_reasons"))
    topics = _as_list(outputs.get("scoring_advice_topics"))
    advice = _as_list(outputs.get("scoring_advice"))
    return Scoring(
        total=_number(outputs.get("scoring_total")), band=outputs.get("scoring_band") or None,
        band_label=outputs.get("scoring_band_label") or None,
        reasons=[Reason(str(text), _number(p) or 0) for text, p in zip(reasons, points) if _number(p)],
        advice=[Advice(str(topic), str(text)) for topic, text in zip(topics, advice)],
        at=at,
    )


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number
