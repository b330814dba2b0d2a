"""The model scenarios as the modeller shows them: each with its name and its text, so an owner
reads what a deploy's divergence is measured against without looking into the repository."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..scenarios import ScenarioFormatError, load_scenario, read_scenarios


@dataclass(frozen=True)
class ScenarioText:
    name: str    # the scenario's own name («Заявка проходит без замечаний»)
    anchor: str  # the file's name without folder, for links from the divergence table
    text: str


def scenario_texts() -> list[ScenarioText]:
    shown = []
    for path, content in read_scenarios(current_app.config["VITRINA_BPMN_DIR"]).items():
        anchor = path.rsplit("/", 1)[-1]
        try:
            name = load_scenario(path, content).name
        except ScenarioFormatError:
            name = anchor  # a file not in the format is still shown: the deploy names its errors
        shown.append(ScenarioText(name, anchor, content.decode("utf-8", errors="replace")))
    return shown
