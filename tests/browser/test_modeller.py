"""The modeller in Chromium: a process owner changes a deadline in the properties panel and deploys;
the shipped model survives opening and saving in bpmn-js / dmn-js with nothing lost."""
from __future__ import annotations

import difflib

import pytest
from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models import Deployment
from app.workflow.deployments import check_bundle, current_deployment, read_bundle
from app.workflow.instances import get_instance, start_process
from app.workflow.runtime import runtime
from tests.helpers import complete, task_named

from tests.browser.conftest import ROOT, login_in_browser
from app.workflow.forms import model_files

pytestmark = pytest.mark.browser

MAIN = "marketplace_support.bpmn"
CHECK = "Проверка Заявки в ЦПЭ"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


# dmn-js' production bundle carries Inferno's development warning; it says nothing about our page.
INFERNO_NOTE = "development build of Inferno"


def real(errors: list[str]) -> list[str]:
    return [e for e in errors if INFERNO_NOTE not in e]


def new_application_at_check(app) -> int:
    with app.app_context():
        instance = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                 company_name="ООО «Ромашка»", company_inn="7707083893")
        instance = complete(instance, "Подача Заявки", actor="client77@demo.ru")
        db.session.remove()
        return instance.id


def step_2_due(app, instance_id: int):
    """(deployment id, when step 2 began, its normative due) of an application."""
    with app.app_context():
        instance = get_instance(instance_id)
        task = task_named(instance, CHECK)
        result = instance.deployment_id, task.ready_at, task.normative_due
        db.session.remove()
        return result


def find(page, element_id: str) -> None:
    """Find an element with the search field: the canvas zooms to it and selects it."""
    page.fill("input[name=find]", element_id)
    page.press("input[name=find]", "Enter")
    page.wait_for_selector(f'.modeller-panel[data-element-id="{element_id}"]')


def click_shape(page, element_id: str) -> None:
    page.click(f'.modeller-canvas:not([hidden]) .djs-element[data-element-id="{element_id}"]')
    page.wait_for_selector(f'.modeller-panel[data-element-id="{element_id}"]')


def open_editor(page, live_server, query: str = "") -> None:
    login_in_browser(page, live_server, "owner@demo.ru")
    page.goto(live_server(f"/modeller/edit{query}"))
    page.wait_for_selector('#modeller[data-state="ready"]', timeout=30_000)


def type_step_2_days(page, timer_id: str, days: int):
    """In the panel, as an owner does: a deadline of step 2 is a number of working days.
    Returns the field and the number it showed before."""
    find(page, "step_2_check")  # step 2, then its timer on the canvas
    click_shape(page, timer_id)
    number = page.locator(".modeller-panel input[name=timer_n]")
    assert number.get_attribute("type") == "number"
    before = number.input_value()
    number.fill(str(days))
    number.press("Tab")
    return number, before


def set_step_2_normative_days(page, days: int) -> None:
    assert page.locator(".modeller-tabs button.dirty").count() == 0
    _number, before = type_step_2_days(page, "step_2_normative", days)
    assert before == "2"  # the number the shipped expression holds
    assert page.locator(".modeller-panel select[name=deadline_kind]").input_value() == "normative"
    page.wait_for_selector(f'.modeller-tabs button.dirty[data-file="{MAIN}"]')


def open_advanced(page) -> None:
    advanced = page.locator(".modeller-panel details.advanced")
    if not advanced.evaluate("d => d.open"):
        advanced.locator("summary").click()


def deploy_diverging(page) -> None:
    """«Развернуть» a model the shipped scenarios disagree with: the table appears in the page."""
    page.click('button[data-action="deploy"]')
    page.wait_for_selector('#modeller[data-deploy-state="diverged"]', timeout=120_000)


def test_owner_sets_a_deadline_in_working_days_updates_the_scenario_and_new_applications_take_it(
        live_server, page, page_errors, tmp_path):
    app = live_server.app
    old = new_application_at_check(app)
    page.set_viewport_size({"width": 1366, "height": 900})
    open_editor(page, live_server)
    assert page.locator('.modeller-tabs button[aria-selected="true"]').inner_text() == MAIN

    set_step_2_normative_days(page, 3)
    # The element's name follows the number, on the canvas too; the expression is generated.
    page.wait_for_function("""() => document.querySelector('.modeller-panel input[name=name]').value
                              === 'Нормативный срок: 3 р.д.'""")
    panel = page.locator(".modeller-panel")
    label = page.locator('.modeller-canvas:not([hidden]) .djs-element[data-element-id="step_2_normative_label"]')
    assert "3 р.д." in label.text_content()
    assert not panel.locator("input[name=timer_expression]").is_visible()  # the code waits under «Дополнительно»
    open_advanced(page)
    assert panel.locator("input[name=timer_expression]").input_value() == "deadline(3)"
    page.screenshot(path=str(tmp_path / "modeller-panel.png"))
    click_shape(page, "step_2_check")  # the step: its form picked from the forms, with their fields
    assert panel.locator("select[name=form]").input_value() == "application_check"
    assert "Решение — выбор: Согласовать / Направить замечания / Отказать" in panel.locator(".form-preview").inner_text()
    assert panel.locator("select[name=application_status] option", has_text="На рассмотрении ЦПЭ").count() == 1

    page.click('button[data-action="validate"]')
    page.wait_for_selector(".modeller-message.ok")
    assert "Ошибок нет" in page.locator(".modeller-message").inner_text()
    page.fill("input[name=comment]", "Шаг 2: нормативный срок 3 р.д.")
    # The same check passes at «Развернуть»; the deploy's job runs the scenarios, which expect
    # 2 working days: the page shows where the model diverges, with no dialog and no repository path.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    deploy_diverging(page)
    table = page.locator(".modeller-divergences")
    assert table.is_visible() and not dialogs and not page.locator(".modeller-problems li").count()
    assert [h.inner_text() for h in table.locator("th").all()] == ["Сценарий", "Шаг", "Ожидалось", "Получено",
                                                                   "Что сделать"]
    first = table.locator("tbody tr").first.locator("td")
    assert first.nth(0).inner_text() == "Основной путь (шаги 1–13)"
    assert "05.11.2025" in first.nth(2).inner_text() and "06.11.2025" in first.nth(3).inner_text()
    assert "bpmn/scenarios" not in page.locator("#modeller").inner_text()
    assert "версия № 1" in page.locator("[data-role=source-label]").inner_text()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Deployment)) == 1  # not deployed
        db.session.remove()
    # On a phone the table and its actions stay within the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    box = page.locator(".modeller-deploy").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    cell = page.locator(".modeller-divergences tbody td").nth(2)  # each row a card, each value under its heading
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Ожидалось"'
    cell_box = cell.bounding_box()
    assert cell_box["x"] + cell_box["width"] <= 390
    update = first.nth(4).locator('button[data-action="update-scenario"]')
    update.scroll_into_view_if_needed()
    assert update.is_visible() and page.locator('button[data-action="deploy-anyway"]').is_visible()
    page.screenshot(path=str(tmp_path / "modeller-divergences-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    update.click()  # the scenario now expects 3 working days
    page.wait_for_selector(".modeller-divergences tbody td .done")
    assert first.nth(4).inner_text() == "Сценарий обновлён"
    page.click('button[data-action="redeploy"]')
    page.wait_for_selector("#modeller[data-deployed]", timeout=120_000)
    assert "Развёрнута версия № 2" in page.locator(".modeller-message").inner_text()
    # The heading follows the deploy without a reload, and so does the address.
    assert page.locator("[data-role=source-label]").inner_text() == "версия № 2"
    assert page.url.endswith("/modeller/edit?version=2")
    assert not dialogs and not real(page_errors), page_errors

    scenarios = page.context.new_page()
    scenarios.goto(live_server("/modeller/scenarios#happy_path.yaml"))
    section = scenarios.locator("#happy_path\\.yaml")
    assert section.locator("h2").inner_text() == "Основной путь (шаги 1–13)"
    assert "Изменён в редакторе" in section.inner_text() and "normative: 06.11.2025" in section.inner_text()
    scenarios.close()

    with app.app_context():
        deployment = current_deployment()
        assert (deployment.deployed_by, deployment.comment) == ("owner@demo.ru", "Шаг 2: нормативный срок 3 р.д.")
        assert db.session.scalar(select(db.func.count()).select_from(Deployment)) == 2
        tree = etree.fromstring(deployment.file_map()[MAIN])
        timer = tree.find(".//bpmn:boundaryEvent[@id='step_2_normative']", NS)
        assert timer.get("name") == "Нормативный срок: 3 р.д."
        assert timer.findtext(".//bpmn:timeDate", namespaces=NS) == "deadline(3)"
        assert tree.findtext(".//bpmn:boundaryEvent[@id='step_2_indicative']//bpmn:timeDate",
                             namespaces=NS) == "deadline(1)"
        # Only the main process changed: the other model files went back byte for byte (the
        # version carries the forms folder's forms besides).
        shipped = read_bundle(ROOT / "bpmn")
        assert {n: c for n, c in model_files(deployment.file_map()).items() if n != MAIN} == {
            n: c for n, c in shipped.items() if n != MAIN}
        db.session.remove()

    new = new_application_at_check(app)
    old_version, old_start, old_due = step_2_due(app, old)
    new_version, new_start, new_due = step_2_due(app, new)
    assert old_version != new_version
    with app.app_context():
        calendar = runtime().calendar
        assert old_due == calendar.deadline(old_start, 2)  # the old application stays on its version
        assert new_due == calendar.deadline(new_start, 3)
        if old_start.date() == new_start.date():
            assert calendar.working_days_between(old_due.date(), new_due.date()) == 1


def test_a_model_diverging_from_the_scenarios_is_deployed_anyway_noted_in_the_comment(live_server, page, page_errors):
    open_editor(page, live_server)
    set_step_2_normative_days(page, 3)
    page.fill("input[name=comment]", "Шаг 2: 3 р.д.")
    deploy_diverging(page)
    page.click('button[data-action="deploy-anyway"]')
    page.wait_for_selector("#modeller[data-deployed]")
    assert page.locator("[data-role=source-label]").inner_text() == "версия № 2"
    with live_server.app.app_context():
        comment = current_deployment().comment
        assert comment.startswith("Шаг 2: 3 р.д. [развёрнуто с расхождениями со сценариями модели: ")
        assert "Основной путь (шаги 1–13)" in comment
        db.session.remove()
    assert not real(page_errors), page_errors


def test_a_number_of_days_out_of_range_is_refused_in_the_panel(live_server, page, page_errors):
    open_editor(page, live_server)
    number, _before = type_step_2_days(page, "step_2_normative", 0)
    error = page.locator("#prop-timer-n-error")
    assert error.is_visible() and "от 1 до 250" in error.inner_text()
    assert number.get_attribute("aria-invalid") == "true" and "prop-timer-n-error" in number.get_attribute(
        "aria-describedby")
    assert not page.locator(".modeller-tabs button.dirty").count()  # nothing written into the model
    assert not real(page_errors), page_errors


def test_a_refused_deploy_lists_the_problems_and_a_click_selects_the_element(live_server, page, page_errors):
    open_editor(page, live_server)
    find(page, "step_2_check")
    click_shape(page, "step_2_normative")
    open_advanced(page)
    expression = page.locator(".modeller-panel input[name=timer_expression]")
    expression.fill("deadline(3")  # a typo in the expression itself: the bracket is not closed
    expression.press("Tab")
    page.click('button[data-action="deploy"]')
    page.wait_for_selector(".modeller-problems li")
    assert "прежняя версия" in page.locator(".modeller-message.error").inner_text()
    with live_server.app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Deployment)) == 1
        db.session.remove()
    problems = page.locator(".modeller-problems > li")
    assert problems.count() == 1
    assert MAIN in problems.first.inner_text() and "Нормативный срок: 2 р.д." in problems.first.inner_text()
    assert "step_2_normative" not in problems.first.inner_text()  # the id is the link's anchor, not its words
    first = problems.first.locator("a")
    target = first.get_attribute("data-element-id")
    assert target == "step_2_normative"
    find(page, "step_1_submit")  # something else selected first
    first.click()
    page.wait_for_selector(f'.modeller-panel[data-element-id="{target}"]')
    assert not [e for e in real(page_errors) if "HTTP 422" not in e], page_errors


def test_a_deleted_flow_is_one_problem_with_its_consequences_folded_and_marked_on_the_diagram(
        live_server, page, page_errors, tmp_path):
    open_editor(page, live_server)
    page.evaluate("""() => {
      const modeler = window.vitrinaModeller.state.tabs["marketplace_support.bpmn"].modeler;
      const flow = modeler.get("elementRegistry").get("flow_step_2_check__gw_step_2");
      modeler.get("modeling").removeConnection(flow);
    }""")
    page.click('button[data-action="validate"]')
    page.wait_for_selector(".modeller-message.error")
    assert page.locator(".modeller-message").inner_text().startswith("Найдено ошибок: 1.")
    problems = page.locator(".modeller-problems > li")
    assert problems.count() == 1
    first = problems.first
    assert f"У элемента «{CHECK}» нет исходящего потока" in first.inner_text()
    fold = first.locator("details")
    summary = fold.locator("summary").inner_text()
    assert summary.startswith("ещё ") and summary.endswith(("следствий", "следствия", "следствие"))
    assert not fold.locator("ul").is_visible()  # folded until asked
    count = int(summary.split()[1])
    assert fold.locator("li").count() == count
    canvas = page.locator(".modeller-canvas:not([hidden])")
    assert canvas.locator('.djs-element.vitrina-problem[data-element-id="step_2_check"]').count() == 1
    assert canvas.locator('.djs-element.vitrina-consequence[data-element-id="gw_step_2"]').count() == 1
    fold.locator("summary").click()
    fold.locator('a[data-element-id="gw_step_2"]').first.click()
    page.wait_for_selector('.modeller-panel[data-element-id="gw_step_2"]')
    page.screenshot(path=str(tmp_path / "modeller-causes.png"))
    page.click('button[data-action="validate"]')  # a second check replaces the marks, not adds to them
    page.wait_for_selector('#modeller[data-state="ready"] .modeller-message.error')
    assert canvas.locator(".djs-element.vitrina-problem").count() == 1
    assert not real(page_errors), page_errors


def test_a_pause_in_editing_checks_the_model_on_the_server_and_marks_the_cause(live_server, page, page_errors):
    open_editor(page, live_server)
    page.evaluate("""() => {
      const modeler = window.vitrinaModeller.state.tabs["marketplace_support.bpmn"].modeler;
      modeler.get("modeling").removeConnection(
        modeler.get("elementRegistry").get("flow_step_2_check__gw_step_2"));
    }""")
    page.wait_for_selector('#modeller[data-live-check="done"]')  # nothing pressed
    assert page.locator(".modeller-message").inner_text().startswith("Проверено при правке: ошибок 1.")
    assert page.locator(".modeller-problems > li").count() == 1
    canvas = page.locator(".modeller-canvas:not([hidden])")
    assert canvas.locator('.djs-element.vitrina-problem[data-element-id="step_2_check"]').count() == 1
    page.evaluate("""() => window.vitrinaModeller.state.tabs["marketplace_support.bpmn"].modeler
                   .get("commandStack").undo()""")
    page.wait_for_selector('.modeller-message.ok:has-text("Проверено при правке: ошибок нет")')
    assert page.locator(".modeller-problems > li").count() == 0
    assert not real(page_errors), page_errors


def test_a_draft_saved_in_the_editor_is_listed_and_opens_with_the_change(live_server, page, page_errors):
    open_editor(page, live_server)
    type_step_2_days(page, "step_2_indicative", 2)
    page.fill("input[name=comment]", "Индикативный срок 2 р.д.")
    page.click('button[data-action="save-draft"]')
    page.wait_for_selector("#modeller[data-draft]")
    draft = page.locator("#modeller").get_attribute("data-draft")

    page.goto(live_server("/modeller/"))
    row = page.locator(f'tr[data-draft="{draft}"]')
    assert "Павел Никитин" in row.inner_text() and "@" not in row.inner_text()
    assert "Индикативный срок 2 р.д." in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector('#modeller[data-state="ready"]', timeout=30_000)
    find(page, "step_2_indicative")
    assert page.locator(".modeller-panel input[name=timer_n]").input_value() == "2"
    assert page.locator(".modeller-panel input[name=name]").input_value() == "Индикативный срок: 2 р.д."
    assert not real(page_errors), page_errors


# --- round trip -------------------------------------------------------------------------------

# Attributes whose value is the BPMN 2.0 / DMN 1.3 default: bpmn-js and dmn-js leave them out,
# meaning the same.
DEFAULTS = {"cancelActivity": "true", "isInterrupting": "true", "isForCompensation": "false",
            "parallelMultiple": "false", "instantiate": "false", "isClosed": "false", "hitPolicy": "UNIQUE"}


def _qname(element, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{element.nsmap.get(prefix or None)}}}{local}"


def _value(element, name: str, value: str):
    if name == XSI_TYPE:
        return _qname(element, value)
    try:
        return float(value)  # DI coordinates: 120 and 120.0 are the same point
    except ValueError:
        return value


def semantics(xml: bytes | str) -> list[str]:
    """The document as one line per element, in document order (the diagram's shapes in any
    order): its path, its attributes by namespace (not prefix), its text without the layout
    whitespace."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))

    def walk(element, path) -> list[str]:
        path = f"{path}/{etree.QName(element).localname}"
        attrs = sorted((name, _value(element, name, value)) for name, value in element.attrib.items()
                       if DEFAULTS.get(name) != value)
        children = [walk(child, path) for child in element if isinstance(child.tag, str)]
        if etree.QName(element).localname == "BPMNPlane":
            children.sort()  # the order of shapes and edges in a diagram means nothing
        return [f"{path} {element.tag} {attrs} {(element.text or '').strip()!r}", *sum(children, [])]
    return walk(root, "")


def differences(saved: str, shipped: bytes) -> list[str]:
    return list(difflib.unified_diff(semantics(shipped), semantics(saved), "shipped", "saved", n=0, lineterm=""))


def test_the_shipped_model_opens_and_saves_in_the_modeller_with_nothing_lost(live_server, page, page_errors):
    open_editor(page, live_server)
    shipped = read_bundle(ROOT / "bpmn")
    saved = {}
    for name, content in shipped.items():
        saved[name] = page.evaluate("name => window.vitrinaModeller.exportFile(name)", name)
        assert not differences(saved[name], content), (name, "\n".join(differences(saved[name], content)[:20]))
    tree = etree.fromstring(saved[MAIN].encode())
    # The extension elements Vitrina reads came through as themselves, not as unknown XML.
    assert tree.findall(".//spiffworkflow:property", NS) and tree.findall(".//spiffworkflow:messagePayload", NS)
    with live_server.app.app_context():
        check_bundle({name: xml.encode() for name, xml in saved.items()})  # and it deploys
        db.session.remove()
    assert not real(page_errors), page_errors
