"""The base roadmap of Appendix 4: stages, their steps and responsible parties, read from data.

The roadmap is REC's to change, so it lives in ``forms/base_roadmap.yaml`` beside the forms and
is checked against ``base_roadmap.schema.json``. It is read again when the file changes (keyed by
its modification time), so an edit takes effect for the next roadmap a ЦПЭ opens, without a
restart; a broken file is refused with the place of the problem instead of half-loaded.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

FORMS_DIR = Path(__file__).resolve().parent.parent.parent / "forms"
BASE_FILE = "base_roadmap.yaml"
SCHEMA = json.loads((Path(__file__).with_name("base_roadmap.schema.json")).read_text(encoding="utf-8"))


class BaseRoadmapInvalid(ValueError):
    """The base roadmap file is missing, not YAML, or breaks its schema; the text says where."""


@dataclass(frozen=True)
class BaseStep:
    title: str
    responsible: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    steps: tuple[BaseStep, ...]
    condition: str | None = None
    result: str | None = None

    @property
    def label(self) -> str:
        return f"Этап {self.id}. {self.title}"


@dataclass(frozen=True)
class BaseRoadmap:
    title: str
    stages: tuple[Stage, ...]
    note: str | None = None

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    @property
    def parties(self) -> set[str]:
        """Every responsible party named: a detailed roadmap must say more than these."""
        return {p for s in self.stages for step in s.steps for p in step.responsible}

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def rows(self) -> list[dict]:
        """The base as the rows of the detailed roadmap's table (forms/roadmap.json), without dates."""
        return [{"stage": stage.id, "step": step.title, "responsible": ", ".join(step.responsible)}
                for stage in self.stages for step in stage.steps]


def base_roadmap_path(forms_dir: str | Path | None = None) -> Path:
    return Path(forms_dir or FORMS_DIR) / BASE_FILE


def load_base_roadmap(forms_dir: str | Path | None = None) -> BaseRoadmap:
    path = base_roadmap_path(forms_dir).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise BaseRoadmapInvalid(f"{path}: файл базовой дорожной карты не найден") from None
    return _load(path, stamp)


@lru_cache(maxsize=8)
def _load(path: Path, _stamp: int) -> BaseRoadmap:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BaseRoadmapInvalid(f"{path}: не YAML: {exc}") from exc
    problems = check_base_roadmap(document)
    if problems:
        raise BaseRoadmapInvalid(f"{path}: " + "; ".join(problems))
    return BaseRoadmap(
        title=document["title"], note=document.get("note"),
        stages=tuple(Stage(id=s["id"], title=s["title"], condition=s.get("condition"), result=s.get("result"),
                           steps=tuple(BaseStep(title=" ".join(step["title"].split()),
                                                responsible=tuple(step["responsible"]), note=step.get("note"))
                                       for step in s["steps"]))
                     for s in document["stages"]))


def check_base_roadmap(document) -> list[str]:
    """Problems of a parsed base roadmap as "path: problem" lines; [] when it is usable."""
    validator = Draft202012Validator(SCHEMA)
    problems = [f"{'.'.join(map(str, e.absolute_path)) or '(корень)'}: {e.message}"
                for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
    if not problems:
        ids = [s["id"] for s in document["stages"]]
        problems += [f"stages: этап {i} указан дважды" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return problems
