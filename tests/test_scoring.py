"""Scoring (Appendix 2) as DMN decision tables in bpmn/scoring_*.dmn, run by the engine after step 1."""
from __future__ import annotations

import re

import pytest

from app.demo.samples import sample
from app.engine import ModelInvalid
from app.applications.scoring import scoring_of
from app.workflow.deployments import check_bundle, deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT
from tests.helpers import complete

SUBMIT = "Подача Заявки"

# Answers that switch off every point of the sample except the ones named in a case.
NOTHING = {key: False for key, value in sample("scoring").items() if value is True or value is False}
NOTHING.update(product_group_1="Ничего из вышеперечисленного", product_group_2="Ничего из вышеперечисленного",
               product_group_3="Ничего из вышеперечисленного", shelf_life_9m=True)


def _file(**answers):
    instance = start_process("marketplace_support", actor="client@romashka", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    return complete(instance, SUBMIT, **answers)


@pytest.fixture
def deployed(app):
    return deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")[0]


def test_prepared_exporter_scores_high_with_the_points_of_each_answer(deployed):
    scoring = scoring_of(_file())
    assert (scoring.total, scoring.band) == (84, "high")
    assert scoring.band_label == "Высокая готовность к экспорту через ЭТП"
    reasons = {r.text: r.points for r in scoring.reasons}
    assert reasons["Опыт экспорта в другие страны"] == 6
    assert reasons["Товар 1-й категории"] == 6
    assert reasons["Продукт требует адаптации"] == -2
    assert sum(reasons.values()) == 84


def test_partly_ready_exporter_scores_medium(deployed):
    answers = {**NOTHING, "export_other_countries": True, "marketplace_experience": True, "marketplace_staff": True,
               "ecommerce_budget": True, "capacity_sufficient": True, "certificates_available": True,
               "foreign_language_materials": True, "product_group_1": "Вафли", "dry_container_ok": True}
    scoring = scoring_of(_file(**answers))
    # 6 + 6 + 5 + 6 + 5 + 4 + 4 + 6 (group 1) + 2 + 3 (shelf life)
    assert (scoring.total, scoring.band) == (47, "medium")


def test_unprepared_exporter_scores_low_and_loses_points_for_state_only_hopes(deployed):
    answers = {**NOTHING, "relies_on_state_only": True, "finances_not_planned": True, "fea_specialist": True}
    scoring = scoring_of(_file(**answers))
    assert (scoring.total, scoring.band) == (4 - 6 - 5 + 3, "low")
    assert [r.text for r in scoring.lost] == ["Финансы на экспорт не просчитаны", "Рассчитывает только на господдержку"]


def test_recommendations_follow_trade_type_logistics_and_china_answers(deployed):
    scoring = scoring_of(_file(trade_types=["b2b"], foreign_entity=False, ships_before_deal=False,
                               china_trademark_registered=False, china_trademark_filed=False,
                               china_packaging_adapted=False, china_packaging_ready=False))
    texts = [a.text for a in scoring.advice]
    assert any(t.startswith("B2B") for t in texts) and not any(t.startswith("B2C") for t in texts)
    assert any("cross-border" in t for t in texts)
    assert "Китай: до выхода на площадки зарегистрируйте товарный знак в Китае (CNIPA)" in texts
    assert "Китай: без адаптации упаковки китайские площадки пока не рекомендуются" in texts
    assert {a.topic for a in scoring.advice} >= {"Тип торговли", "Модель продаж", "Китай"}


def test_fully_adapted_product_is_ready_for_chinese_marketplaces(deployed):
    scoring = scoring_of(_file(china_packaging_adapted=True, china_name_adapted=True, china_trademark_registered=True))
    assert "Китай: товар готов к Tmall Global и JD Worldwide" in [a.text for a in scoring.advice]


def _with_points(files: dict, reason: str, points: int) -> dict:
    """The bundle with the points of the rule whose reason is ``reason`` set to ``points``."""
    dmn = files["scoring_points.dmn"].decode()
    pattern = re.compile(r'(<outputEntry id="[^"]+">\s*<text>)-?\d+(</text>\s*</outputEntry>\s*'
                         r'<outputEntry id="[^"]+">\s*<text>"' + re.escape(reason) + '")')
    changed, count = pattern.subn(rf"\g<1>{points}\g<2>", dmn)
    assert count == 1
    return {**files, "scoring_points.dmn": changed.encode()}


def test_changed_points_score_new_applications_and_leave_old_ones(deployed):
    old = _file()
    files = read_bundle(ROOT / "bpmn")
    newer, created = deploy_bundle(_with_points(files, "Готова вывезти товар до сделки", 15), actor="owner")
    assert created and newer.id != deployed.id
    new = _file()
    assert new.deployment_id == newer.id and old.deployment_id == deployed.id
    assert scoring_of(new).total == 84 + 10
    assert scoring_of(old).total == 84


def test_application_not_yet_submitted_has_no_scoring(deployed):
    instance = start_process("marketplace_support", actor="client@romashka", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    assert scoring_of(instance) is None


def test_decision_expression_outside_the_sandbox_is_refused_naming_the_decision(app):
    files = read_bundle(ROOT / "bpmn")
    dmn = files["scoring_band.dmn"].decode().replace("<text>sum(scoring_points)</text>",
                                                     "<text>__import__('os').getcwd()</text>", 1)
    with pytest.raises(ModelInvalid) as refused:
        check_bundle({**files, "scoring_band.dmn": dmn.encode()})
    problem = refused.value.problems[0]
    assert (problem.file, problem.element_id) == ("scoring_band.dmn", "scoring_band")
    assert "__import__" in problem.reason


def test_business_rule_task_naming_a_missing_decision_is_refused(app):
    files = read_bundle(ROOT / "bpmn")
    bpmn = files["marketplace_support.bpmn"].decode().replace(
        "<spiffworkflow:calledDecisionId>scoring_band<", "<spiffworkflow:calledDecisionId>no_such_table<")
    with pytest.raises(ModelInvalid) as refused:
        check_bundle({**files, "marketplace_support.bpmn": bpmn.encode()})
    assert "no_such_table" in str(refused.value)


def test_blank_cells_as_modellers_save_them_match_any_answer(deployed):
    files = read_bundle(ROOT / "bpmn")
    blank = {name: content.decode().replace("<text>-</text>", "<text></text>").encode()
             for name, content in files.items() if name.endswith(".dmn")}
    deploy_bundle({**files, **blank}, actor="owner")
    assert scoring_of(_file()).total == 84


def test_two_decisions_in_one_file_are_refused_with_what_to_do(app):
    files = read_bundle(ROOT / "bpmn")
    points = files["scoring_points.dmn"].decode()
    band = files["scoring_band.dmn"].decode()
    decision = band[band.index("<decision "):band.index("</decision>") + len("</decision>")]
    doubled = points.replace("<dmndi:DMNDI>", decision + "<dmndi:DMNDI>", 1)
    with pytest.raises(ModelInvalid) as refused:
        check_bundle({**files, "scoring_points.dmn": doubled.encode()})
    assert "exactly one decision" in str(refused.value) and "own .dmn file" in str(refused.value)
