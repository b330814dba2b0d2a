"""The properties panel's words (app/modeller/vocabulary.py): every timer of the shipped model reads
as its kind's fields and writes back unchanged, and the element's name is generated from them."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from app.config import DEFAULT_CLIENT_WAITS
from app.modeller.vocabulary import fill, forms, panel_vocabulary, timer_words
from tests.conftest import ROOT

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
WORDS = {w.kind.value: w for w in timer_words(DEFAULT_CLIENT_WAITS)}


def shipped_timers():
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        tree = etree.parse(str(path))
        for event in tree.iter(f"{{{NS['bpmn']}}}boundaryEvent", f"{{{NS['bpmn']}}}intermediateCatchEvent"):
            definition = event.find("bpmn:timerEventDefinition", NS)
            if definition is not None:
                kind = event.find(".//spiffworkflow:property[@name='deadline_kind']", NS).get("value")
                yield event.get("id"), kind, definition[0].text, event.get("name")


@pytest.mark.parametrize("element, kind, expression, name", list(shipped_timers()), ids=lambda v: str(v)[:40])
def test_each_shipped_timer_reads_as_its_fields_and_writes_back_unchanged(element, kind, expression, name):
    words = WORDS[kind]
    values = words.read(expression)
    assert values is not None, f"{element}: «{expression}» is not read as a {kind}"
    assert fill(words.expression, {**words.defaults, **values}, words.fields) == expression
    concrete = all(values[f["key"]].isdigit() if f["type"] == "number" else True for f in words.fields)
    if words.name and concrete:
        assert fill(words.name, values, words.fields) == name  # the generated name is the one shipped


def test_the_deadline_label_follows_the_number_and_the_kind():
    normative, indicative = WORDS["normative"], WORDS["indicative"]
    assert fill(normative.expression, {"n": "3"}, normative.fields) == "deadline(3)"
    assert fill(normative.name, {"n": "3"}, normative.fields) == "Нормативный срок: 3 р.д."
    assert fill(indicative.name, {"n": "12"}, indicative.fields) == "Индикативный срок: 12 р.д."
    assert normative.read("deadline(report_days)") == {"n": "report_days"}  # shown as «как в Соглашении»
    assert normative.read("deadline(2) + 1") is None  # a hand-written expression stays under «Дополнительно»


def test_a_client_wait_is_picked_by_what_is_awaited_and_names_its_timer():
    wait = WORDS["client_wait"]
    values = {**wait.read('client_wait("remarks", region)'), "wait": "originals"}
    assert fill(wait.expression, values, wait.fields) == 'client_wait("originals", region)'
    assert fill(wait.name, values, wait.fields) == "Истёк срок предоставления оригиналов"
    labels = [o["label"] for o in wait.fields[0]["options"]]
    assert "Оригиналы документов от Клиента — 20 р.д." in labels


def test_a_report_period_left_empty_is_the_agreements_own():
    period = WORDS["report_period"]
    [months] = period.fields
    assert months["empty"] == "report_period_months" and months["named"]["report_period_months"]
    assert fill(period.expression, {**period.defaults, "months": "3"}, period.fields) == \
        "next_period(agreement_date, 3)"
    assert period.name is None  # the owner names the period's timer


def test_the_browser_gets_patterns_in_its_own_syntax():
    vocabulary = panel_vocabulary(ROOT / "forms", DEFAULT_CLIENT_WAITS)
    samples = {"normative": "deadline(3)", "indicative": "deadline(1)", "client_wait": 'client_wait("remarks", region)',
               "report_period": "next_period(agreement_date, report_period_months)"}
    for kind in vocabulary["deadline_kinds"]:
        assert "(?P<" not in kind["pattern"] and "(?<" in kind["pattern"]
        assert re.fullmatch(kind["pattern"].replace("(?<", "(?P<"), samples[kind["value"]])


def test_each_form_comes_with_its_fields_for_the_preview():
    check = next(f for f in forms(ROOT / "forms") if f["name"] == "application_check")
    assert check["title"] == "Проверка заявки"
    assert {"title": "Решение", "kind": "выбор: Согласовать / Направить замечания / Отказать",
            "required": True} in check["fields"]
    assert {"title": "Комментарий", "kind": "текст", "required": False} in check["fields"]
