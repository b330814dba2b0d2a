"""The what-if form of /simulation: built over the deployed model, run once per click, saved
under a name, compared, imported from YAML with ``extends``; and the report an analyst forwards."""
from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import func, select

from app.accounts import create_user
from app.extensions import db
from app.models import SimulationRun, SimulationScenario
from app.roles import Role
from app.simulation import runs
from app.workflow.deployments import deploy_bundle, read_bundle
from tests.conftest import PASSWORD, ROOT, login

ROLE_KEYS = ("client", "cpe", "mo_rec", "ops_rec", "kb_rec", "operator")
ELEMENT_ID = re.compile(r"\b(gw_|step_\d|flow_|lane_|end_|start_)\w*")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Two months of arrivals, two replications a scenario: seconds, not minutes.
SMALL = {"end": "01.01.2026", "warmup_days": "10", "replications": "2"}


@pytest.fixture
def analyst(app, fast_hashing):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    return create_user("analyst@test.ru", "Аналитик", PASSWORD, {Role.ANALYST})


def form_fields(html: str) -> dict[str, str]:
    """The what-if form's inputs as the page fills them (the base scenario's values)."""
    form = html[html.index('<form class="whatif"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    fields["compare_base"] = "1"
    return fields


def run_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SimulationRun))


def test_a_whatif_from_the_form_runs_once_and_its_report_speaks_russian(client, analyst):
    login(client, analyst.email)
    page = client.get("/simulation/")
    assert "ЦПЭ — г. Москва" in page.text and "Шаг 3. Согласование Заявки в МО РЭЦ — нормативный срок" in page.text
    shown = re.sub(r'(name|id|for|href|value)="[^"]*"', "", page.text[:page.text.index('<details class="sim"')])
    assert "Решение ЦПЭ" in shown and not ELEMENT_ID.search(shown)
    fields = form_fields(page.text)
    assert fields["staff:cpe:77"] == "3" and fields["deadline:step_3_normative"] == "2"
    fields.update(SMALL, **{"staff:cpe:77": "4", "deadline:step_3_normative": "3", "action": "run"})
    first = client.post("/simulation/", data=fields)
    again = client.post("/simulation/", data=fields)  # a double click, the browser's «resend»
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"] == "/simulation/1"
    runs.wait(1, timeout=120)
    assert client.get("/simulation/1").status_code == 200 and run_count() == 1
    run = db.session.get(SimulationRun, 1)
    base, whatif = yaml.safe_load(run.params_text), yaml.safe_load(run.compare_text)
    assert whatif["staff"]["cpe"]["regions"]["77"] == 4 and whatif["deadlines"] == {"step_3_normative": 3}
    assert base["horizon_days"] == whatif["horizon_days"] == 60 and base["replications"] == 2
    report = client.get("/simulation/1/report").text
    for key in ROLE_KEYS:
        assert not re.search(rf"\b{key}\b", report), key
    assert not ELEMENT_ID.search(report), ELEMENT_ID.search(report).group(0)
    assert not ISO_DATE.search(report)
    assert "Размещение и продвижение продукции" in report and "03.11.2025" in report
    assert "ЦПЭ — г. Москва: 3 → 4 исп." in report
    assert "Шаг 3. Согласование Заявки в МО РЭЦ, нормативный срок: 2 → 3 р.д." in report
    assert re.search(r"различие (не )?значимо", report) and "ждёт" in report
    assert not re.search(r">[^<]*\d\.\d+\s*%", report)  # shares with a decimal comma, in %


def test_form_errors_name_the_field_in_russian_and_start_nothing(client, analyst):
    login(client, analyst.email)
    fields = form_fields(client.get("/simulation/").text)
    fields.update(SMALL, **{"replications": "0", "staff:mo_rec": "два", "start": "2025-11-03", "action": "run"})
    response = client.post("/simulation/", data=fields)
    assert response.status_code == 400 and run_count() == 0
    assert "МО РЭЦ</a>: «два» — не число" in response.text
    assert "Начало периода (ДД.ММ.ГГГГ)</a>: «2025-11-03» — не дата ДД.ММ.ГГГГ" in response.text
    assert 'aria-describedby="f-staff-mo_rec-error"' in response.text
    fields.update(start="03.11.2025", **{"staff:mo_rec": "2"})
    response = client.post("/simulation/", data=fields)
    assert response.status_code == 400 and "Число прогонов (точность)</a>: значение 0 меньше допустимого" in response.text
    assert 'id="f-replications-error"' in response.text and run_count() == 0
    incomplete = client.post("/simulation/", data={"params": "name: x", "action": "run"})  # not the form
    assert incomplete.status_code == 400 and "укажите значение" in incomplete.text and run_count() == 0


def test_saved_scenarios_are_picked_for_a_comparison_and_exported(client, analyst):
    login(client, analyst.email)
    fields = form_fields(client.get("/simulation/").text)
    fields.update(SMALL, name="Малый базовый", action="save")
    saved = client.post("/simulation/", data=fields)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("from=saved:1")
    page = client.get(saved.headers["Location"])
    assert "Сценарий на основе «Малый базовый»" in page.text
    fields = form_fields(page.text)
    fields.update(name="Малый, МО РЭЦ 3 р.д.", action="save", **{"deadline:step_3_normative": "3"})
    client.post("/simulation/", data=fields)
    assert [s.name for s in db.session.scalars(select(SimulationScenario).order_by(SimulationScenario.id))] == \
        ["Малый базовый", "Малый, МО РЭЦ 3 р.д."]
    exported = client.get("/simulation/scenario.yaml?ref=saved:2")
    assert yaml.safe_load(exported.text)["deadlines"] == {"step_3_normative": 3}
    started = client.post("/simulation/compare", data={"first": "saved:1", "second": "saved:2", "request_key": "c1"})
    assert started.status_code == 303 and started.headers["Location"] == "/simulation/1"
    runs.wait(1, timeout=120)
    assert run_count() == 1
    assert "Малый базовый / Малый, МО РЭЦ 3 р.д." == db.session.get(SimulationRun, 1).name


def test_the_shipped_whatif_extends_the_baseline_when_imported_in_the_page(client, analyst):
    login(client, analyst.email)
    text = (ROOT / "scripts" / "simulation" / "whatif.yaml").read_text("utf-8")
    saved = client.post("/simulation/yaml", data={"params": text, "action": "save"})
    assert saved.status_code == 303, saved.text
    row = db.session.get(SimulationScenario, 1)
    params = yaml.safe_load(row.params_text)
    assert "extends" not in params and "model" not in params
    assert params["deadlines"] == {"step_3_normative": 3}  # its own
    assert params["arrivals"]["regions"]["77"]["per_day"] == 0.3  # the baseline's
    page = client.get(saved.headers["Location"])
    assert form_fields(page.text)["staff:cpe:77"] == "5"
    # and a scenario extending a saved one by its name
    child = f"extends: {row.name}\nname: Ещё и ЦПЭ 78\nstaff: {{cpe: {{regions: {{'78': 4}}}}}}\n"
    client.post("/simulation/yaml", data={"params": child, "action": "save"})
    grandchild = yaml.safe_load(db.session.get(SimulationScenario, 2).params_text)
    assert grandchild["staff"]["cpe"]["regions"] == {"77": 5, "78": 4}
    missing = client.post("/simulation/yaml", data={"params": "extends: нет такого.yaml\n", "action": "save"})
    assert missing.status_code == 400 and "сценарий «нет такого.yaml» не найден" in missing.text


def test_vitrina_simulate_extends_a_scenario_saved_in_the_page(app, tmp_path, analyst):
    from app.simulation import library
    library.save({"name": "Сохранённый", "model": str(ROOT / "bpmn"), "start": "2025-11-03", "horizon_days": 40,
                  "warmup_days": 5, "replications": 2, "arrivals": {"regions": {"77": {"per_day": 0.5}}},
                  "staff": {"client": {"unlimited": True}, "cpe": {"count": 1}, "mo_rec": {"count": 1},
                            "ops_rec": {"count": 1}, "operator": {"unlimited": True}}}, "analyst@test.ru")
    child = tmp_path / "child.yaml"
    child.write_text("extends: Сохранённый\nname: Дочерний\nstaff: {mo_rec: {count: 2}}\n", "utf-8")
    result = app.test_cli_runner().invoke(args=["simulate", str(child), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "«Дочерний»" in result.output


def test_a_region_with_intake_windows_is_offered_and_taken_in_only_with_arrivals(app):
    from app.simulation import library
    from app.simulation.form import ScenarioForm
    from app.simulation.model import compile_files, read_folder
    model = compile_files(read_folder(ROOT / "bpmn"), "marketplace_support")
    base = library.raw(library.BASELINE_REF)
    form = ScenarioForm(model, base, extra_regions=["25", "77"])
    fields = {f.name: f.value for f in form.by_name.values()}
    assert fields["arrivals:25"] == "0" and form.by_name["arrivals:25"].label == "Приморский край"
    assert form.by_name["staff:cpe:25"].label == "ЦПЭ — Приморский край" and "arrivals:77" in fields
    untouched = ScenarioForm(model, base, fields, extra_regions=["25"]).build()
    assert "25" not in untouched["arrivals"]["regions"] and "25" not in untouched["staff"]["cpe"]["regions"]
    fields.update({"arrivals:25": "0,2", "staff:cpe:25": "1"})
    taken = ScenarioForm(model, base, fields, extra_regions=["25"]).build()
    assert taken["arrivals"]["regions"]["25"] == {"per_day": 0.2} and taken["staff"]["cpe"]["regions"]["25"] == 1
