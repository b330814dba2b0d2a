"""Model scenarios edited from the modeller: stored over the shipped files, updated from a row of
the divergence table, checked by the next deploy; «Проверить» and «Развернуть» make the same check."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ModelScenario
from app.modeller.scenario_files import current_scenarios
from app.scenarios.expectations import ExpectationMoved, set_expectation
from tests.conftest import ROOT
from tests.test_modeller import (deploy_and_wait, owner, owner_client, shipped, shipped_files,  # noqa: F401
                                 versions, with_step_2_deadline)

HAPPY = "happy_path.yaml"
HAPPY_TEXT = (ROOT / "bpmn" / "scenarios" / HAPPY).read_text("utf-8")
STEP_1_DUE = ["steps", 0, "expect", "due", "Проверка Заявки в ЦПЭ", "normative"]


def scenario_form(client, name: str) -> dict:
    page = client.get("/modeller/scenarios").get_data(as_text=True)
    section = page[page.index(f'data-scenario="{name}"'):]
    version = section[section.index('name="version" value="') + 22:][:16]
    return {"version": version}


def test_an_expectation_is_rewritten_in_place_keeping_the_rest_of_the_file():
    updated = set_expectation(HAPPY, HAPPY_TEXT, STEP_1_DUE, "05.11.2025", "06.11.2025")
    assert updated.replace("normative: 06.11.2025", "normative: 05.11.2025", 1) == HAPPY_TEXT
    assert updated.startswith("# Основной путь")  # the owner's comment stays


def test_an_expectation_that_changed_since_the_check_is_not_overwritten():
    with pytest.raises(ExpectationMoved, match="уже другое"):
        set_expectation(HAPPY, HAPPY_TEXT, STEP_1_DUE, "04.11.2025", "06.11.2025")
    with pytest.raises(ExpectationMoved):
        set_expectation(HAPPY, HAPPY_TEXT, ["steps", 99, "expect", "tasks"], None, ["x"])


def test_an_edited_scenario_is_stored_over_the_shipped_file_and_restored(owner_client, shipped):
    edited = HAPPY_TEXT.replace("normative: 05.11.2025", "normative: 06.11.2025")
    answer = owner_client.post(f"/modeller/scenarios/{HAPPY}", data={"text": edited, **scenario_form(owner_client, HAPPY)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/modeller/scenarios#{HAPPY}")
    row = db.session.scalar(select(ModelScenario).where(ModelScenario.name == HAPPY))
    assert (row.content, row.updated_by) == (edited, "owner@test.ru")
    assert current_scenarios()[f"scenarios/{HAPPY}"] == edited.encode()
    assert (ROOT / "bpmn" / "scenarios" / HAPPY).read_text("utf-8") == HAPPY_TEXT  # the repository is untouched
    page = owner_client.get("/modeller/scenarios").get_data(as_text=True)
    assert "Изменён в редакторе: Владелец Процесса" in page and "owner@test.ru" not in page

    assert owner_client.post(f"/modeller/scenarios/{HAPPY}/restore").status_code == 302
    assert current_scenarios()[f"scenarios/{HAPPY}"] == HAPPY_TEXT.encode()
    assert db.session.scalar(select(ModelScenario)) is None


def test_a_scenario_not_in_the_format_is_refused_naming_the_line(owner_client, shipped):
    broken = HAPPY_TEXT.replace("name: Основной путь (шаги 1–13)", "nam: x")
    answer = owner_client.post(f"/modeller/scenarios/{HAPPY}", data={"text": broken, **scenario_form(owner_client, HAPPY)})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "не по формату" in page and f"{HAPPY}:" in page
    assert 'aria-invalid="true" aria-describedby="text-' in page and "nam: x" in page  # the text is kept
    assert db.session.scalar(select(ModelScenario)) is None


def test_an_edit_over_a_colleagues_edit_is_a_conflict(owner_client, shipped):
    form = scenario_form(owner_client, HAPPY)
    first = HAPPY_TEXT.replace("05.11.2025", "06.11.2025")
    assert owner_client.post(f"/modeller/scenarios/{HAPPY}", data={"text": first, **form}).status_code == 302
    second = owner_client.post(f"/modeller/scenarios/{HAPPY}", data={"text": HAPPY_TEXT + "\n", **form})
    assert second.status_code == 409 and "другим пользователем" in second.get_data(as_text=True)
    assert current_scenarios()[f"scenarios/{HAPPY}"] == first.encode()


def test_an_unknown_scenario_is_404(owner_client, shipped):
    assert owner_client.post("/modeller/scenarios/nope.yaml", data={"text": "x"}).status_code == 404
    assert owner_client.post("/modeller/deploys/999/divergences/0/update").status_code == 404


def test_validate_and_deploy_make_the_same_check(owner_client, shipped):
    broken = shipped_files()
    broken["marketplace_support.bpmn"] = broken["marketplace_support.bpmn"].replace("deadline(2)", "deadline(2", 1)
    checked = owner_client.post("/modeller/validate", json={"files": broken}).get_json()
    refused = owner_client.post("/modeller/deploy", json={"files": broken})
    assert not checked["ok"] and refused.status_code == 422
    assert refused.get_json()["error"]["problems"] == checked["problems"]
    good = with_step_2_deadline(3)
    assert owner_client.post("/modeller/validate", json={"files": good}).get_json() == {"ok": True, "problems": []}
    assert owner_client.post("/modeller/deploy", json={"files": good}).status_code == 202


def test_the_owner_updates_the_scenarios_from_the_divergence_table_and_the_next_deploy_passes(
        app, owner_client, shipped):
    app.config["VITRINA_DEPLOY_SCENARIOS"] = True
    changed = with_step_2_deadline(3)
    state = deploy_and_wait(owner_client, {"files": changed, "comment": "3 р.д."})
    for _round in range(5):  # a scenario stops at its first divergence: updating it may show the next one
        assert state["state"] == "diverged", state
        rows = state["divergences"]
        assert all(r.get("update_url") for r in rows), rows  # every row is a date the model now gives
        for row in rows:
            answer = owner_client.post(row["update_url"])
            assert answer.status_code == 200, answer.get_json()
        assert all(r["updated"] for r in answer.get_json()["divergences"])
        assert owner_client.post(rows[0]["update_url"]).status_code == 200  # a second click changes nothing more
        state = deploy_and_wait(owner_client, {"files": changed, "comment": "3 р.д."})
        if state["state"] != "diverged":
            break
    assert state["state"] == "deployed" and versions() == 2, state
    happy = db.session.scalar(select(ModelScenario).where(ModelScenario.name == HAPPY))
    assert "normative: 06.11.2025" in happy.content and happy.updated_by == "owner@test.ru"
