"""The analysts' simulation page and `vitrina simulate`."""
from __future__ import annotations

import csv
import json

import pytest

from app.accounts import create_user
from app.roles import Role
from app.simulation import runs
from app.workflow.deployments import deploy_bundle, read_bundle
from tests.conftest import PASSWORD, ROOT, login

SMALL = """
name: Малый
start: 2025-11-03
horizon_days: 60
warmup_days: 10
replications: 2
arrivals: {regions: {"77": {per_day: 0.5}}}
staff:
  client: {unlimited: true, calendar: always}
  cpe: {per_region: true, count: 1}
  mo_rec: {count: 1}
  ops_rec: {count: 1}
  operator: {unlimited: true}
branches: {gw_step_2: {remarks: 0.2}}
"""


@pytest.fixture
def analyst(app, fast_hashing):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    return create_user("analyst@test.ru", "Аналитик", PASSWORD, {Role.ANALYST})


def test_an_analyst_runs_a_comparison_in_the_background_and_reads_the_report(client, analyst):
    login(client, analyst.email)
    page = client.get("/simulation/")
    assert page.status_code == 200 and "Симуляция процесса" in page.text and "Базовый сценарий" in page.text
    whatif = SMALL.replace("Малый", "Больше замечаний").replace("remarks: 0.2", "remarks: 0.6")
    started = client.post("/simulation/yaml", data={"params": SMALL, "compare": whatif})
    assert started.status_code == 303 and started.headers["Location"].endswith("/simulation/1")
    runs.wait(1, timeout=120)
    shown = client.get("/simulation/1")
    assert "Готово" in shown.text and 'id="done">4</span> из 4' in shown.text
    report = client.get("/simulation/1/report")
    assert report.status_code == 200 and "<svg" in report.text and "Сравнение" in report.text
    summary = json.loads(client.get("/simulation/1/summary.json").data)
    base, other = summary["scenarios"]
    assert base["name"] == "Малый" and other["name"] == "Больше замечаний"
    assert other["steps"]["step_2_1_rework"]["n"] > base["steps"]["step_2_1_rework"]["n"]
    assert "Больше замечаний" in client.get("/simulation/").text  # kept among past runs
    assert client.get("/simulation/1/progress").get_json()["state"] == "done"


def test_wrong_parameters_come_back_with_the_path_and_no_run(client, analyst):
    login(client, analyst.email)
    response = client.post("/simulation/yaml", data={"params": SMALL.replace("per_day: 0.5", "per_day: -2")})
    assert response.status_code == 400
    assert "arrivals.regions.77.per_day" in response.text and "не меньше 0" in response.text
    response = client.post("/simulation/yaml", data={"params": "staff: [1"})
    assert response.status_code == 400 and "YAML" in response.text
    assert client.get("/simulation/1").status_code == 404


def test_the_page_is_for_analysts_process_owners_and_admins_only(client, users, analyst):
    login(client, users["cpe77"].email)
    assert client.get("/simulation/").status_code == 403
    assert client.post("/simulation/yaml", data={"params": SMALL}).status_code == 403
    assert client.post("/simulation/", data={}).status_code == 403


def test_vitrina_simulate_writes_report_summary_and_a_pm4py_readable_event_log(app, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(f"model: {ROOT / 'bpmn'}\n" + SMALL, "utf-8")
    other = tmp_path / "w.yaml"
    other.write_text(f"extends: p.yaml\nname: Что-если\nstaff: {{mo_rec: {{count: 3}}}}\n", "utf-8")
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["simulate", str(params), "--compare", str(other),
                                                "--out", str(out), "--events"])
    assert result.exit_code == 0, result.output
    assert "Прогоны" in result.output and "цикл" in result.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert [s["name"] for s in summary["scenarios"]] == ["Малый", "Что-если"]
    assert summary["comparison"]["rows"]
    with open(out / "events-1.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {"case", "activity", "resource", "start", "end"} <= set(rows[0])
    assert all(r["start"] <= r["end"] for r in rows)
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("count: 1}", "count: 0}"), "utf-8")
    result = app.test_cli_runner().invoke(args=["simulate", str(bad)])
    assert result.exit_code == 1 and "staff.cpe.count" in result.output
