"""In the browser: МО РЭЦ registers an operator, checks the nine requirements of Appendix 3 with
evidence and accredits it; a ЦПЭ user then finds it in the step 6 list and concludes the
agreement with it, and the application's card names the operator."""
from __future__ import annotations

import re

import pytest

from app.operators.requirements import REQUIREMENTS

from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NAME = "ООО «Браузер Экспорт»"


def test_mo_rec_accredits_an_operator_and_the_cpe_picks_it_in_step_6(live_server, new_page, page_errors, tmp_path):
    from tests.test_operators import AGREEMENT, at_agreement
    from tests.helpers import task_named
    with live_server.app.app_context():
        instance = at_agreement()
        instance_id, task_id = instance.id, task_named(instance, AGREEMENT).task_id
    evidence = tmp_path / "egrul.pdf"
    evidence.write_bytes(PDF)

    mo = new_page("mo")
    login_in_browser(mo, live_server, "mo@demo.ru")
    mo.goto(live_server("/operators/"))
    mo.click("text=Внести Оператора в реестр")
    mo.fill("#name", NAME)
    mo.fill("#inn", "7704123451")  # a wrong check digit first
    mo.fill("#ogrn", "1177700123457")
    mo.click("main button[type=submit]")
    assert "Неверный ИНН: контрольная сумма не сходится" in mo.locator("#inn-error").inner_text()
    mo.fill("#inn", "7704123450")
    mo.fill("#marketplaces", "Tmall Global")
    mo.click("main button[type=submit]")
    assert mo.locator("#operator-status").inner_text() == "Заявка"

    mo.get_by_label("Начать проверку").check()
    mo.click("text=Принять решение")
    assert mo.locator("#operator-status").inner_text() == "На проверке"
    for item in REQUIREMENTS:
        row = mo.locator(f"#req-{item.number}")
        row.get_by_label("выполнено", exact=True).check()
        row.locator("textarea").fill("Проверено по выписке")
        if item.number == 1:
            row.locator("input[type=file]").set_input_files(str(evidence))
        if item.number == 9:  # the last one waits: accreditation is refused until all nine are met
            mo.get_by_label("Аккредитовать").check()
            mo.click("text=Принять решение")
            assert "не выполнены или не проверены: 9" in mo.locator("#decision-error").inner_text()
            row = mo.locator(f"#req-{item.number}")
            row.get_by_label("выполнено", exact=True).check()
            row.locator("textarea").fill("Проверено по выписке")
        row.locator("button[type=submit]").click()
        mo.wait_for_url(re.compile(rf"#req-{item.number}$"))
    assert mo.locator("#req-1 a", has_text="egrul.pdf").count() == 1
    mo.get_by_label("Аккредитовать").check()
    mo.click("text=Принять решение")
    assert mo.locator("#operator-status").inner_text() == "Аккредитован"

    cpe = new_page("cpe")
    login_in_browser(cpe, live_server, "cpe77@demo.ru")
    cpe.goto(live_server(f"/tasks/{task_id}"))
    options = cpe.locator("#f-operator_id option").all_inner_texts()
    assert options == ["— выберите —", NAME]
    cpe.locator("fieldset").filter(has=cpe.locator("legend", has_text="Решение")).get_by_label(
        "Соглашение подписано", exact=True).check()
    cpe.select_option("#f-operator_id", label=NAME)
    cpe.fill("#f-agreement_number", "С-77/2025")
    cpe.fill("#f-agreement_date", "2025-12-01")
    cpe.fill("#f-agreement_end", "2026-05-31")
    scan = tmp_path / "agreement.pdf"
    scan.write_bytes(PDF)
    cpe.set_input_files("#f-agreement_scan", str(scan))
    cpe.click("button[value=complete]")
    cpe.wait_for_url(lambda url: "/tasks/" not in url or url.endswith("/tasks"))
    cpe.goto(live_server(f"/applications/{instance_id}"))
    assert cpe.locator("a", has_text=NAME).count() == 1
    assert "Услуга на согласовании МО РЭЦ" in cpe.locator("body").inner_text()
    # The wrong INN (422) and the early accreditation (409) were refused on purpose; nothing else failed.
    assert [re.sub(r"http://[^/]+", "", e) for e in page_errors] == [
        "[mo] HTTP 422: /operators/new", "[mo] HTTP 409: /operators/1/decision"]
