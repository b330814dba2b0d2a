"""Validation before deploy: each rule on a small broken model, with the finding it gives.

The fixture tests/fixtures/models (tiny.bpmn + tiny.dmn) is a complete valid model; each case
breaks one thing and expects the rule code, the element and words of the Russian message.
"""
from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select

from app.config import DEFAULT_CLIENT_WAITS
from app.engine import ModelInvalid
from app.extensions import db
from app.models import Deployment
from app.modelcheck import check_files
from app.workflow.deployments import check_bundle, deploy_bundle, read_bundle
from app.workflow.validation import validate_bundle
from tests.conftest import FIXTURES, ROOT

MODELS = FIXTURES / "models"
FORMS = ROOT / "forms"


def tiny() -> dict[str, bytes]:
    return read_bundle(MODELS)


def validate(engine, files, forms_dir=FORMS):
    return validate_bundle(files, engine.load, forms_dir, DEFAULT_CLIENT_WAITS)


def edit(old: str, new: str, file: str = "tiny.bpmn", count: int = 1):
    def mutate(files):
        text = files[file].decode()
        assert old in text, old
        files[file] = text.replace(old, new, count if count else -1).encode()
        return files
    return mutate


def chain(*mutations):
    def mutate(files):
        for m in mutations:
            files = m(files)
        return files
    return mutate


def drop(pattern: str, file: str = "tiny.bpmn"):
    def mutate(files):
        text, n = re.subn(pattern, "", files[file].decode())
        assert n, pattern
        files[file] = text.encode()
        return files
    return mutate


ORPHAN = ('<bpmn:userTask id="orphan" name="Забытая задача"><bpmn:outgoing>t_orphan</bpmn:outgoing></bpmn:userTask>'
          '<bpmn:sequenceFlow id="t_orphan" sourceRef="orphan" targetRef="end_done"/>')
SECOND_START = ('<bpmn:startEvent id="start_two" name="Вторая"><bpmn:outgoing>t_two</bpmn:outgoing></bpmn:startEvent>'
                '<bpmn:sequenceFlow id="t_two" sourceRef="start_two" targetRef="submit"/>')
NO_DEFAULT = edit(' default="t5"', "")

CASES = {
    "xml": (edit("</bpmn:process>", ""), None, "not well-formed"),
    "xsd": (edit('<bpmn:userTask id="check"', '<bpmn:userTask id="check" colour="red"'), "check", "colour"),
    "script-sandbox": (edit('decision == "reject"', '__import__("os")'), "t9", "недоступно"),
    "lane-not-a-role": (edit('name="ЦПЭ"', 'name="Бухгалтерия"'), "check", "«Бухгалтерия», которая не является ролью"),
    "on-behalf-not-a-role": (edit('<spiffworkflow:property name="form" value="application_check"/>',
                                  '<spiffworkflow:property name="form" value="application_check"/>'
                                  '<spiffworkflow:property name="on_behalf" value="КБ РЭЦ; Бухгалтерия"/>'),
                             "check", "on_behalf называет «Бухгалтерия», а это не роль"),
    "on-behalf-not-a-task": (edit('<spiffworkflow:property name="deadline_kind" value="normative"/>',
                                  '<spiffworkflow:property name="deadline_kind" value="normative"/>'
                                  '<spiffworkflow:property name="on_behalf" value="КБ РЭЦ"/>'),
                             "check_normative", "бывает только у пользовательской задачи"),
    "form-missing": (edit('value="application_rework"', 'value="no_such_form"'), "rework", "forms/no_such_form.json"),
    "status-not-in-vocabulary": (edit('value="Отказ ЦПЭ"', 'value="Отказано"'), "end_refused", "«Отказано» нет в словаре"),
    "deadline-kind-unknown": (edit('value="normative"', 'value="urgent"'), "check_normative", "«urgent» неизвестен"),
    "timer-fails": (edit("deadline(2)", "deadline(two)"), "check_normative", "«two»"),
    "gateway-flow-without-condition": (NO_DEFAULT, "t5", "задайте условие"),
    "gateway-uncovered-case": (chain(NO_DEFAULT, edit('<bpmn:sequenceFlow id="t5" name="Согласовать" sourceRef="gw_check" targetRef="end_done"/>',
                                                      '<bpmn:sequenceFlow id="t5" name="Согласовать" sourceRef="gw_check" targetRef="end_done">'
                                                      '<bpmn:conditionExpression>decision == "approved"</bpmn:conditionExpression></bpmn:sequenceFlow>')),
                               "gw_check", "decision = «approve»"),
    "gateway-without-default": (chain(NO_DEFAULT, edit('value="application_check"', 'value="remarks_to_client"'),
                                      edit('<bpmn:sequenceFlow id="t5" name="Согласовать" sourceRef="gw_check" targetRef="end_done"/>',
                                           '<bpmn:sequenceFlow id="t5" name="Согласовать" sourceRef="gw_check" targetRef="end_done">'
                                           '<bpmn:conditionExpression>decision == "approve"</bpmn:conditionExpression></bpmn:sequenceFlow>')),
                                "gw_check", "поток по умолчанию"),
    "gateway-default-not-outgoing": (edit(' default="t5"', ' default="t7"'), "gw_check", "«t7»"),
    "condition-fails": (edit('decision == "remarks"', "decision == remarks"), "t6", "«remarks»"),
    "diagram-missing-shape": (drop(r'<bpmndi:BPMNShape id="rework_di".*?</bpmndi:BPMNShape>'), "rework", "BPMNShape"),
    "diagram-missing-edge": (drop(r'<bpmndi:BPMNEdge id="t7_di".*?</bpmndi:BPMNEdge>'), "t7", "BPMNEdge"),
    "dangling-flow": (edit('sourceRef="rework" targetRef="check"', 'sourceRef="rework" targetRef="nowhere"'), "t7", "«nowhere»"),
    "unreachable": (edit("</bpmn:process>", ORPHAN + "</bpmn:process>"), "orphan", "ни один путь"),
    "several-start-events": (edit("</bpmn:process>", SECOND_START + "</bpmn:process>"), "start_two", "оставьте одно"),
    "no-start-event": (edit("bpmn:startEvent", "bpmn:intermediateThrowEvent", count=0), "tiny", "нет начального события"),
    "no-outgoing-flow": (chain(drop(r'<bpmn:sequenceFlow id="t7"[^>]*/>'), drop(r"<bpmn:(incoming|outgoing)>t7</bpmn:\1>"),
                               drop(r'<bpmndi:BPMNEdge id="t7_di".*?</bpmndi:BPMNEdge>')), "rework", "застрянет"),
    "no-way-to-end": (edit('sourceRef="rework" targetRef="check"', 'sourceRef="rework" targetRef="rework"'), "rework", "цикл"),
    "reserved-id": (edit("end_refused", "End", count=0), "End", "занят движком"),
    "decision-missing": (edit(">tiny_band<", ">no_such_decision<"), "band", "«no_such_decision»"),
    "dmn-hit-policy": (edit('hitPolicy="UNIQUE"', 'hitPolicy="FIRST"', file="tiny.dmn"), "tiny_band", "FIRST"),
    "dmn-not-dmn": (lambda files: {**files, "tiny.dmn": b'<definitions xmlns="http://example.com/x" id="x"/>'},
                    "x", "не является моделью DMN"),
}


@pytest.mark.parametrize("rule", list(CASES))
def test_each_rule_names_file_element_and_what_to_do(engine, rule):
    mutate, element_id, words = CASES[rule]
    with pytest.raises(ModelInvalid) as caught:
        validate(engine, mutate(tiny()))
    found = [p for p in caught.value.problems if p.rule == rule]
    assert found, f"no {rule} among {[(p.rule, p.element_id, p.reason) for p in caught.value.problems]}"
    problem = found[0]
    assert problem.element_id == element_id and problem.blocking
    assert problem.file.endswith((".bpmn", ".dmn"))
    assert words in problem.reason, problem.reason
    assert caught.value.errors[0].blocking  # errors come first, warnings after


@pytest.mark.parametrize("lanes, words", [("ЦПЭ", "это роль самой дорожки задачи"),
                                          ("Клиент", "Клиент действует только от своей компании")])
def test_stand_ins_are_other_roles_than_the_tasks_own_and_never_the_client(engine, lanes, words):
    mutate = edit('<spiffworkflow:property name="form" value="application_check"/>',
                  f'<spiffworkflow:property name="form" value="application_check"/>'
                  f'<spiffworkflow:property name="on_behalf" value="{lanes}"/>')
    with pytest.raises(ModelInvalid) as caught:
        validate(engine, mutate(tiny()))
    [problem] = [p for p in caught.value.problems if p.rule == "on-behalf-not-a-role"]
    assert problem.element_id == "check" and words in problem.reason


def test_a_stand_in_of_another_role_is_accepted(engine):
    validate(engine, edit('<spiffworkflow:property name="form" value="application_check"/>',
                          '<spiffworkflow:property name="form" value="application_check"/>'
                          '<spiffworkflow:property name="on_behalf" value="КБ РЭЦ; МО РЭЦ"/>')(tiny()))


@pytest.mark.parametrize("form_text, words", [
    ('{"type": 5}', "type"),
    ("{not json", "not valid JSON"),
])
def test_a_form_that_is_not_a_valid_schema_is_refused(engine, tmp_path, form_text, words):
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    (forms / "broken_form.json").write_text(form_text)
    files = edit('value="application_rework"', 'value="broken_form"')(tiny())
    with pytest.raises(ModelInvalid) as caught:
        validate(engine, files, forms)
    [problem] = [p for p in caught.value.problems if p.rule == "form-invalid"]
    assert problem.element_id == "rework" and words in problem.reason


def test_conditions_that_cover_every_answer_need_no_default_flow(engine):
    files = chain(NO_DEFAULT, edit(
        '<bpmn:sequenceFlow id="t5" name="Согласовать" sourceRef="gw_check" targetRef="end_done"/>',
        '<bpmn:sequenceFlow id="t5" name="Согласовать" sourceRef="gw_check" targetRef="end_done">'
        '<bpmn:conditionExpression>decision == "approve"</bpmn:conditionExpression></bpmn:sequenceFlow>'))(tiny())
    assert validate(engine, files).warnings == []


@pytest.mark.parametrize("rule, mutate, element_id", [
    ("diagram-missing", lambda files: _without_diagram(files), None),
    ("flow-refs-mismatch", drop(r"<bpmn:incoming>t7</bpmn:incoming>"), "check"),
    ("timer-in-past", edit("deadline(2)", '"2020-01-01T00:00:00+03:00"'), "check_normative"),
])
def test_warnings_are_reported_but_do_not_refuse_the_model(engine, rule, mutate, element_id):
    model = validate(engine, mutate(tiny()))
    [warning] = [w for w in model.warnings if w.rule == rule]
    assert warning.element_id == element_id and not warning.blocking
    assert warning.as_dict()["severity"] == "warning" and warning.as_dict()["text"]


def _without_diagram(files):
    text = files["tiny.bpmn"].decode()
    files["tiny.bpmn"] = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", text, flags=re.S).encode()
    return files


def test_the_valid_fixture_has_no_findings(engine):
    assert validate(engine, tiny()).warnings == []


def test_the_shipped_model_has_no_findings():
    assert check_files(read_bundle(ROOT / "bpmn"), FORMS, DEFAULT_CLIENT_WAITS) == []


def test_check_bundle_passes_the_shipped_model_and_deploy_keeps_the_previous_version_on_errors(app):
    assert check_bundle(read_bundle(ROOT / "bpmn")).warnings == []
    first, _ = deploy_bundle(tiny(), actor="owner")
    with pytest.raises(ModelInvalid):
        deploy_bundle(CASES["unreachable"][0](tiny()), actor="owner")
    assert db.session.scalars(select(Deployment)).all() == [first]


def test_check_command_prints_rule_codes_and_exits_1(app, tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(MODELS, broken)
    path = broken / "tiny.bpmn"
    path.write_text(path.read_text().replace(' default="t5"', ' default="t7"'))
    result = app.test_cli_runner().invoke(args=["check", str(broken)])
    assert result.exit_code == 1
    assert "[ошибка gateway-default-not-outgoing] tiny.bpmn, element gw_check «Решение»" in result.output
    assert app.test_cli_runner().invoke(args=["check", str(MODELS)]).exit_code == 0
