"""The model scenarios a deploy checks: the files shipped in ``bpmn/scenarios/`` with the owners'
edits from the modeller over them (``model_scenarios``, one row per edited file). Edits live in
the database so that a deployment that cannot write to its repository keeps them; «Вернуть
исходный» deletes the row and the shipped file counts again."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import ModelScenario
from ..scenarios import ScenarioFormatError, load_scenario, read_scenarios
from ..scenarios.expectations import set_expectation
from ..upsert import insert_or_update
from ..workflow.errors import NotFound
from ..workflow.runtime import runtime

PREFIX = "scenarios/"
MAX_CHARS = 200_000


class ScenarioRejected(Exception):
    """An edit that is not a scenario in the format; ``message`` says where, in Russian."""


class ScenarioConflict(Exception):
    """The scenario changed since the page showed it; message in Russian."""


@dataclass(frozen=True)
class ScenarioText:
    name: str    # the scenario's own name («Заявка проходит без замечаний»)
    anchor: str  # the file's name without folder, for links from the divergence table
    text: str
    shipped: bool  # a file of the repository (edited or not)
    edited_by: str | None = None
    edited_at: datetime | None = None

    @property
    def version(self) -> str:
        """What an edit was made against, to tell a colleague's edit in between."""
        return text_version(self.text)


def text_version(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _shipped() -> dict[str, bytes]:
    return {path.removeprefix(PREFIX): content
            for path, content in read_scenarios(current_app.config["VITRINA_BPMN_DIR"]).items()}


def _edits() -> dict[str, ModelScenario]:
    return {row.name: row for row in db.session.scalars(select(ModelScenario).order_by(ModelScenario.name))}


def current_scenarios() -> dict[str, bytes]:
    """{"scenarios/<file>": content}: what a deploy runs, the edits over the shipped files."""
    files = {**_shipped(), **{name: row.content.encode("utf-8") for name, row in _edits().items()}}
    return {PREFIX + name: content for name, content in sorted(files.items())}


def scenario_texts() -> list[ScenarioText]:
    shipped, edits = _shipped(), _edits()
    shown = []
    for name in sorted({*shipped, *edits}):
        row = edits.get(name)
        text = row.content if row else shipped[name].decode("utf-8", errors="replace")
        try:
            title = load_scenario(name, text).name
        except ScenarioFormatError:
            title = name  # a file not in the format is still shown: the deploy names its errors
        shown.append(ScenarioText(title, name, text, name in shipped,
                                  row.updated_by if row else None, row.updated_at if row else None))
    return shown


def get_scenario(name: str) -> ScenarioText:
    found = next((s for s in scenario_texts() if s.anchor == name), None)
    if found is None:
        raise NotFound(f"no scenario {name}")
    return found


def save_scenario(name: str, text: str, actor: str, version: str | None) -> ScenarioText:
    """Store an edited scenario over the shipped file. ScenarioRejected names the line that is
    not in the format; ScenarioConflict when it changed since ``version`` was read."""
    current = get_scenario(name)
    if version is not None and version != current.version:
        raise ScenarioConflict("Сценарий изменён другим пользователем после того, как вы его открыли: "
                               "обновите страницу и внесите правку снова.")
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise ScenarioRejected("Текст сценария пуст.")
    if len(text) > MAX_CHARS:
        raise ScenarioRejected(f"Сценарий длиннее {MAX_CHARS} символов.")
    try:
        load_scenario(name, text)
    except ScenarioFormatError as exc:
        raise ScenarioRejected("Сценарий не сохранён, он не по формату: " + "; ".join(exc.errors)) from None
    db.session.execute(insert_or_update(ModelScenario, ["name"], {
        "name": name, "content": text, "updated_by": actor, "updated_at": runtime().clock.now()},
        ["content", "updated_by", "updated_at"]))
    db.session.commit()
    return get_scenario(name)


def restore_shipped(name: str) -> ScenarioText:
    """Drop the edit: the shipped file counts again (a scenario not shipped cannot be restored)."""
    if name not in _shipped():
        raise ScenarioRejected("Этого сценария нет среди исходных файлов модели: вернуть нечего.")
    db.session.execute(delete(ModelScenario).where(ModelScenario.name == name))
    db.session.commit()
    return get_scenario(name)


def update_expectation(name: str, path: list, was, value, actor: str) -> ScenarioText:
    """«Обновить сценарий»: write what the model did where the scenario expected ``was``."""
    current = get_scenario(name)
    updated = set_expectation(name, current.text, path, was, value)
    return save_scenario(name, updated, actor, current.version)
