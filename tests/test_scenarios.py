"""Model scenarios: the shipped paths of table 5.9 pass, a model change is reported with the
step that diverged, `vitrina test-model` exits 0/1, and a deploy refuses a breaking version."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from app.engine import ModelInvalid
from app.extensions import db
from app.models import Deployment
from app.scenarios import ScenarioFormatError, load_scenario, read_scenarios, run_scenarios
from app.workflow.deployments import deploy_bundle, read_bundle
from tests.conftest import ROOT

BPMN = ROOT / "bpmn"
MAIN = "marketplace_support.bpmn"
STEP_2_NORMATIVE = '<spiffworkflow:property name="step" value="2"/>\n          <spiffworkflow:property name="deadline_kind" value="normative"/>'


def with_step_2_deadline(days: int) -> dict[str, bytes]:
    """The main model with the normative deadline of step 2 set to ``days`` working days."""
    files = read_bundle(BPMN)
    text = files[MAIN].decode()
    start = text.index(STEP_2_NORMATIVE)
    at = text.index("deadline(2)", start)
    files[MAIN] = (text[:at] + f"deadline({days})" + text[at + len("deadline(2)"):]).encode()
    return files


def happy_path() -> dict[str, bytes]:
    return {k: v for k, v in read_scenarios(BPMN).items() if k.endswith("happy_path.yaml")}


def test_every_shipped_scenario_passes_on_the_shipped_model():
    scenarios = read_scenarios(BPMN)
    assert len(scenarios) >= 11
    results = run_scenarios(read_bundle(BPMN), scenarios)
    assert [r.text() for r in results if not r.ok] == []


def test_a_changed_deadline_is_reported_with_the_step_that_diverged():
    [result] = run_scenarios(with_step_2_deadline(3), happy_path())
    assert not result.ok
    assert result.step == 1 and result.label == "«Подача Заявки»" and result.element_id == "step_1_submit"
    assert result.problems == ["нормативный срок задачи «Проверка Заявки в ЦПЭ»: ожидался 05.11.2025, "
                               "получен 06.11.2025 23:59:59"]
    assert result.where == "scenarios/happy_path.yaml:7"
    assert "РАСХОДИТСЯ  scenarios/happy_path.yaml:7" in result.text()


def test_a_task_in_another_lane_is_a_divergence_naming_the_role():
    text = ("name: Не та роль\nsteps:\n  - complete: Подача Заявки\n    by: cpe\n")
    [result] = run_scenarios(read_bundle(BPMN), {"scenarios/wrong.yaml": text.encode()})
    assert result.step == 1 and "выполняет роль client, а не cpe" in result.problems[0]


@pytest.mark.parametrize("text, where", [
    ("name: x\nsteps:\n  - complete: Подача Заявки\n    wait: {weeks: 1}\n", "bad.yaml:3: steps[0]"),
    ("name: x\nstart: {region: 77}\nsteps:\n  - wait: {days: 1}\n", "bad.yaml:2: start.region"),
    ("name: x\nsteps:\n  - complete: a\n    expect: {due: {a: {normative: 5 ноября}}}\n", "bad.yaml:4: steps[0].expect.due.a.normative"),
    ("name: [x\n", "bad.yaml:2: не YAML"),
])
def test_format_errors_name_the_file_line_and_path(text, where):
    with pytest.raises(ScenarioFormatError) as caught:
        load_scenario("bad.yaml", text)
    assert any(e.startswith(where) for e in caught.value.errors), caught.value.errors


def test_iso_and_russian_dates_are_both_accepted():
    scenario = load_scenario("s.yaml", "name: x\nstart: {at: 2025-10-31T10:00}\nsteps:\n  - wait: {until: 05.11.2025}\n")
    assert scenario.start["at"] == "2025-10-31T10:00" and scenario.lines == {0: 4}


def _model_folder(tmp_path, files) -> str:
    folder = tmp_path / "model"
    (folder / "scenarios").mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    for name, content in happy_path().items():
        (folder / name).write_bytes(content)
    return str(folder)


def test_test_model_command_exits_0_when_scenarios_pass_and_1_naming_the_step_when_not(app, tmp_path):
    runner = app.test_cli_runner()
    good = runner.invoke(args=["test-model", _model_folder(tmp_path / "good", read_bundle(BPMN))])
    assert good.exit_code == 0, good.output
    assert "ok  scenarios/happy_path.yaml" in good.output and "расходится 0" in good.output
    bad = runner.invoke(args=["test-model", _model_folder(tmp_path / "bad", with_step_2_deadline(3))])
    assert bad.exit_code == 1
    assert "РАСХОДИТСЯ  scenarios/happy_path.yaml:7" in bad.output and "получен 06.11.2025" in bad.output


def test_deploy_refuses_a_version_that_breaks_a_scenario_and_keeps_the_previous_one(app, tmp_path):
    first, created = deploy_bundle(read_bundle(BPMN), actor="owner", scenarios=happy_path())
    assert created
    with pytest.raises(ModelInvalid) as caught:
        deploy_bundle(with_step_2_deadline(3), actor="owner", scenarios=happy_path())
    [problem] = caught.value.problems
    assert problem.rule == "scenario-failed" and problem.element_id == "step_1_submit"
    assert "06.11.2025" in problem.reason
    assert db.session.scalars(select(Deployment)).all() == [first]
    result = app.test_cli_runner().invoke(args=["deploy", _model_folder(tmp_path, with_step_2_deadline(3))])
    assert result.exit_code == 1
    assert "scenario-failed" in result.output and "Действующая версия не изменилась" in result.output
    assert db.session.scalars(select(Deployment)).all() == [first]
