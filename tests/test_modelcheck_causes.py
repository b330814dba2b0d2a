"""The model check leads with causes: one missing flow is one problem naming the element, with what
follows from it (elements that can no longer end, elements nothing reaches, statuses no path sets)
folded under it; a "cycle" is only ever reported for a cycle with no way out."""
from __future__ import annotations

from lxml import etree

from app.config import DEFAULT_CLIENT_WAITS
from app.modelcheck import check_files
from app.workflow.deployments import read_bundle
from tests.conftest import ROOT
from tests.test_modelcheck import FORMS, tiny

MAIN = "marketplace_support.bpmn"
PATH_RULES = {"unreachable", "no-outgoing-flow", "no-way-to-end"}
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def shipped() -> dict[str, bytes]:
    return read_bundle(ROOT / "bpmn")


def without_flow(files: dict[str, bytes], flow_id: str, file: str = MAIN, keep_refs: bool = False) -> dict:
    """The bundle with one sequence flow deleted as the modeller deletes it: the flow, its diagram
    edge and (unless ``keep_refs``, as a hand edit of the XML leaves them) the incoming/outgoing
    entries naming it."""
    root = etree.fromstring(files[file])
    doomed = root.xpath("//*[@id=$f or @bpmnElement=$f]", f=flow_id)
    if not keep_refs:
        doomed += root.xpath("//bpmn:incoming[text()=$f] | //bpmn:outgoing[text()=$f]", namespaces=NS, f=flow_id)
    assert len(doomed) >= 2, flow_id
    for element in doomed:
        element.getparent().remove(element)
    return {**files, file: etree.tostring(root, xml_declaration=True, encoding="UTF-8")}


def retarget(files: dict[str, bytes], flow_id: str, target: str, file: str) -> dict:
    root = etree.fromstring(files[file])
    [flow] = root.xpath("//bpmn:sequenceFlow[@id=$f]", namespaces=NS, f=flow_id)
    flow.set("targetRef", target)
    return {**files, file: etree.tostring(root)}


def check(files, forms=FORMS):
    return check_files(files, forms, DEFAULT_CLIENT_WAITS)


def rules(problems) -> list[str]:
    return [p.rule for p in problems]


def test_the_shipped_model_still_reports_no_problems():
    assert check(shipped()) == []


def test_one_deleted_outgoing_flow_is_one_problem_naming_the_element_with_no_outgoing_flow():
    problems = check(without_flow(shipped(), "flow_step_2_check__gw_step_2"))
    assert len(problems) == 1, [(p.rule, p.element_id, p.reason) for p in problems]
    [problem] = problems
    assert (problem.rule, problem.element_id, problem.element_name) == (
        "no-outgoing-flow", "step_2_check", "Проверка Заявки в ЦПЭ")
    assert problem.reason.startswith("У элемента «Проверка Заявки в ЦПЭ» нет исходящего потока")
    assert "step_2_check" not in problem.reason  # the id is the diagram anchor, not the words
    assert "«Решение ЦПЭ»" in problem.reason  # where the missing flow most likely went
    everything = [problem, *problem.consequences]
    assert not any("цикл" in p.reason for p in everything)


def test_the_consequences_of_a_missing_flow_are_folded_under_it():
    [problem] = check(without_flow(shipped(), "flow_step_2_check__gw_step_2"))
    by_element = {}
    for consequence in problem.consequences:
        by_element.setdefault(consequence.element_id, []).append(consequence)
        assert not consequence.consequences  # one level only
    # what comes before cannot end any more, because of this element
    [before] = by_element["scoring_advice"]
    assert before.rule == "no-way-to-end" and "«Проверка Заявки в ЦПЭ»" in before.reason
    # what comes after is reached by no path: the gateway the flow went to, the ends beyond
    assert by_element["gw_step_2"][0].rule == "unreachable"
    [end] = by_element["end_service_recorded"][:1]
    assert end.rule == "unreachable" and "конечное событие «Услуга учтена» недостижимо" in end.reason
    # statuses only the lost part set are never set
    lost = [c for c in problem.consequences if c.rule == "status-never-set"]
    assert any("«На согласовании МО РЭЦ»" in c.reason for c in lost)
    assert all(c.blocking for c in problem.consequences)


def test_a_status_still_set_on_another_path_is_no_consequence():
    [problem] = check(without_flow(shipped(), "flow_gw_step_2__step_2_2_refusal"))
    # step 2.2 refuses with «Отказ ЦПЭ», but steps 5.1 and 6.1 still do
    assert not [c for c in problem.consequences if c.rule == "status-never-set"]


def test_a_deleted_flow_left_in_the_outgoing_list_is_still_one_problem():
    problems = check(without_flow(shipped(), "flow_step_2_check__gw_step_2", keep_refs=True))
    assert rules(problems) == ["no-outgoing-flow"]
    dangling = [c for c in problems[0].consequences if c.rule == "dangling-flow"]
    assert {c.element_id for c in dangling} == {"step_2_check", "gw_step_2"}


def test_a_deleted_incoming_flow_is_one_unreachable_cause_with_its_consequences():
    # the gateway keeps its other ways; the refusal task is left with no incoming flow
    problems = check(without_flow(shipped(), "flow_gw_step_2__step_2_2_refusal"))
    assert len(problems) == 1, [(p.rule, p.element_id, p.reason) for p in problems]
    [problem] = problems
    assert (problem.rule, problem.element_id) == ("unreachable", "step_2_2_refusal")
    assert problem.reason.startswith("До элемента «Отказ в предоставлении продукта» не ведёт ни один путь")
    following = {c.element_id for c in problem.consequences}
    assert {"step_2_2_normative", "end_refused_cpe_2_2"} <= following
    assert "step_2_check" not in following and "gw_step_2" not in following


def test_a_real_trap_cycle_is_reported_as_a_cycle_with_what_runs_into_it():
    # every way out of the decision leads back to the rework: check → decision → rework → check
    files = tiny()
    for flow in ("t5", "t9"):
        files = retarget(files, flow, "rework", "tiny.bpmn")
    problems = [p for p in check(files) if p.blocking]  # (the edit leaves incoming lists to warn about)
    [cycle] = [p for p in problems if p.rule == "no-way-to-end"]
    assert problems[0] == cycle  # the cause comes first
    assert "замкнутый цикл без выхода" in cycle.reason
    assert all(f"«{name}»" in cycle.reason for name in ("Проверка заявки", "Решение", "Доработка заявки"))
    assert {c.element_id for c in cycle.consequences} == {"start_tiny", "submit", "band"}
    assert "no-outgoing-flow" not in rules(problems)
    # the two ends nothing leads to any more are causes of their own (nothing reaches them)
    ends = [p for p in problems if p.rule == "unreachable"]
    assert sorted(p.element_id for p in ends) == ["end_done", "end_refused"]
    assert ends[0].reason.startswith("До элемента «Согласована» не ведёт ни один путь")


def test_a_dead_end_inside_a_loop_is_a_dead_end_not_a_cycle():
    # the rework loops back to the check; with the check's only flow gone nothing is a cycle
    problems = check(without_flow(tiny(), "t4", file="tiny.bpmn"))
    assert problems[0].rule == "no-outgoing-flow" and problems[0].element_id == "check"
    assert not any("цикл" in p.reason for p in problems for p in (p, *p.consequences))


def test_an_element_with_no_flows_is_one_problem():
    files = tiny()
    text = files["tiny.bpmn"].decode().replace(
        "</bpmn:process>", '<bpmn:userTask id="orphan" name="Забытая задача"/></bpmn:process>')
    problems = [p for p in check({**files, "tiny.bpmn": text.encode()}) if p.element_id == "orphan"
                and p.rule in PATH_RULES]  # (it has no lane and no shape either)
    assert rules(problems) == ["unreachable"]
    assert "«Забытая задача» не соединён ни с одним потоком" in problems[0].reason


def test_consequences_travel_in_the_problem_as_dict():
    [problem] = check(without_flow(shipped(), "flow_step_2_check__gw_step_2"))
    as_dict = problem.as_dict()
    assert len(as_dict["consequences"]) == len(problem.consequences)
    assert as_dict["consequences"][0]["text"] and as_dict["consequences"][0]["consequences"] == []
