"""Calendar time, the compiled main model, parameter errors and check mode against the engine."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from lxml import etree

from app.calendar import MOSCOW, WorkingCalendar
from app.engine.catalog import NS
from app.simulation import params as parameters
from app.simulation import runner, experiment as scenario
from app.simulation.check import EngineRouter
from app.simulation.model import compile_files, read_folder
from app.simulation.worktime import SimulatedTime
from tests.conftest import ROOT

BASELINE = ROOT / "scripts" / "simulation" / "baseline.yaml"


@pytest.fixture(scope="module")
def time():
    return SimulatedTime(date(2025, 10, 1), 240)


def _h(time, *args):
    return time.hour_of(datetime(*args, tzinfo=MOSCOW))


def test_an_hour_of_work_begun_friday_1630_on_a_9_to_17_calendar_ends_monday_0930(time):
    office = time.hours(9, 17)
    end = office.finish(_h(time, 2025, 11, 14, 16, 30), 1)
    assert time.at(end) == datetime(2025, 11, 17, 9, 30, tzinfo=MOSCOW)
    assert office.span(_h(time, 2025, 11, 14, 16, 30), 1)[1] == end


def test_friday_before_the_working_saturday_and_the_transferred_holiday(time):
    office = time.hours(9, 17)
    # 01.11.2025 is a working Saturday (the day off moved to 03.11), 04.11 is a holiday.
    assert time.at(office.finish(_h(time, 2025, 10, 31, 16, 30), 1)) == datetime(2025, 11, 1, 9, 30, tzinfo=MOSCOW)
    assert time.at(office.finish(_h(time, 2025, 11, 1, 16, 30), 1)) == datetime(2025, 11, 5, 9, 30, tzinfo=MOSCOW)
    # Work queued at night starts at opening; a full day ends at closing, not the next morning.
    assert time.at(office.resume(_h(time, 2025, 11, 1, 20, 0))) == datetime(2025, 11, 5, 9, 0, tzinfo=MOSCOW)
    assert time.at(office.finish(_h(time, 2025, 11, 5, 9, 0), 8)) == datetime(2025, 11, 5, 17, 0, tzinfo=MOSCOW)


def test_deadlines_count_working_days_as_the_engine_calendar_does(time):
    calendar = WorkingCalendar()
    for start in (datetime(2025, 10, 31, 10, 0, tzinfo=MOSCOW), datetime(2025, 12, 30, 23, 0, tzinfo=MOSCOW)):
        for n in (1, 2, 5, 60):
            due = time.at(time.deadline(time.hour_of(start), n))
            assert abs((due - calendar.deadline(start, n)).total_seconds()) < 0.01


def test_the_main_model_compiles_with_roles_deadlines_waits_and_outcomes():
    model = compile_files(read_folder(ROOT / "bpmn"), "marketplace_support")
    nodes = model.nodes
    assert (nodes["step_2_check"].role, nodes["step_2_check"].normative, nodes["step_2_check"].indicative) == ("cpe", 2, 1)
    assert nodes["step_3_approval"].role == "mo_rec"
    assert nodes["step_2_1_rework"].wait.kind == "remarks"
    assert nodes["step_4_originals"].wait.kind == "originals"
    assert nodes["step_14_first_report"].normative == "report_days"
    assert nodes["end_refused_cpe_2_2"].outcome == "refused_cpe"
    assert nodes["end_refused_client_2_3"].outcome == "refused_client"
    assert nodes["end_service_recorded"].outcome == "completed"
    assert model.decision_of("gw_step_2", "flow_gw_step_2__step_2_1_rework") == "remarks"


def test_a_process_owner_changing_deadline_2_to_3_changes_the_simulation():
    files = read_folder(ROOT / "bpmn")
    params = parameters.load(BASELINE)
    params.update(replications=3, horizon_days=120, warmup_days=10)
    params["durations"]["step_3_approval"] = {"dist": "fixed", "value": 14}  # about a working day and a half
    before = runner.run(scenario.build(params, files))["steps"]["step_3_approval"]["normative_breach"]["mean"]
    tree = etree.fromstring(files["marketplace_support.bpmn"])
    timer = tree.find(".//bpmn:boundaryEvent[@id='step_3_normative']//bpmn:timeDate", NS)
    assert timer.text == "deadline(2)"
    timer.text = "deadline(3)"
    changed = {**files, "marketplace_support.bpmn": etree.tostring(tree)}
    assert compile_files(changed, "marketplace_support").nodes["step_3_approval"].normative == 3
    after = runner.run(scenario.build(params, changed))
    assert after["steps"]["step_3_approval"]["normative_breach"]["mean"] < before


def test_parameter_errors_name_the_path_in_russian():
    with pytest.raises(parameters.ParamsInvalid) as caught:
        parameters.validate({"arrivals": {"regions": {"77": {"per_day": -1}}},
                             "staff": {"cpe": {"count": 0}}, "durations": {"step_2_check": {"dist": "weibull"}}})
    paths = dict(caught.value.errors)
    assert "arrivals.regions.77.per_day" in paths and "staff.cpe.count" in paths
    assert "не из списка" in paths["durations.step_2_check.dist"]
    params = parameters.load(BASELINE)
    params["branches"]["gw_step_2"] = {"remarks": 0.7, "maybe": 0.5}
    with pytest.raises(parameters.ParamsInvalid) as caught:
        scenario.build(params)
    paths = dict(caught.value.errors)
    assert "branches.gw_step_2.maybe" in paths and "больше 1" in paths["branches.gw_step_2"]


def test_the_whatif_file_extends_the_baseline():
    whatif = parameters.load(ROOT / "scripts" / "simulation" / "whatif.yaml")
    base = parameters.load(BASELINE)
    assert whatif["deadlines"] == {"step_3_normative": 3}
    assert whatif["staff"]["cpe"]["regions"]["77"] == 5 and whatif["staff"]["mo_rec"] == base["staff"]["mo_rec"]
    assert whatif["client"]["tasks"]["step_2_1_rework"]["late_share"] == 0.33
    assert whatif["client"]["tasks"]["step_4_originals"] == base["client"]["tasks"]["step_4_originals"]


@pytest.mark.slow
def test_check_mode_on_the_real_engine_agrees_with_the_fast_path():
    params = parameters.load(BASELINE)
    params.update(replications=4, horizon_days=80, warmup_days=10, seed=3)
    scn = scenario.build(params)
    engine = runner.run(scn, router_factory=EngineRouter)
    params_fast = dict(params, replications=30)
    fast = runner.run(scenario.build(params_fast))
    assert engine["cases"]["mean"] > 50
    diff = runner.difference(fast["cycle_mean"], engine["cycle_mean"])
    assert abs(diff["mean"]) <= diff["ci"] + 0.5, diff
    for outcome in ("completed", "refused_cpe", "refused_client"):
        d = runner.difference(fast["outcomes"][outcome], engine["outcomes"][outcome])
        assert abs(d["mean"]) <= d["ci"] + 0.03, (outcome, d)
    for step in ("step_2_check", "step_4_originals", "step_12_confirmation"):
        assert abs(fast["steps"][step]["n"] / fast["cases"]["mean"]
                   - engine["steps"][step]["n"] / engine["cases"]["mean"]) < 0.12, step
    d = runner.difference(fast["steps"]["step_12_confirmation"]["normative_breach"],
                          engine["steps"]["step_12_confirmation"]["normative_breach"])
    assert abs(d["mean"]) <= d["ci"] + 0.03, d
