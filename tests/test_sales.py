"""Sales reports (Appendix 6, steps 14–15): recorded as they come on the monitoring cycle,
counted once the ЦПЭ accepts them (3.8(13)), generated as DOCX, and summed per application,
region and marketplace without counting the cumulative figures twice (the rule:
app/sales/totals.py)."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from docx import Document as Docx
from sqlalchemy import select

from app.extensions import db
from app.models import SalesLine, SalesReport, Timer
from app.deadlines.sweep import fire_due_timers
from app.sales import totals
from app.workflow.instances import get_instance
from tests.conftest import login, moscow
from tests.form_posts import as_post
from tests.helpers import complete, task_named
from tests.test_act import ACT, GOODS, at_act, model, new_application  # noqa: F401  (model is a fixture)

FIRST_REPORT = "Направление первого Отчёта о продажах"
REGULAR_REPORT = "Направление регулярного Отчёта о продажах"
FIRST_ACCEPTANCE = "Приёмка первого Отчёта о продажах"
REGULAR_ACCEPTANCE = "Приёмка регулярного Отчёта о продажах"
TMALL, JD = "https://tmall.example/item/1", "https://jd.example/item/77"
RESPONSIBLE = {"name": "Сидоров С. С.", "phone": "+7 495 765-43-21", "email": "report@operator.example"}


def row(product, marketplace, link, transactions, month, total, tnved="0409000000"):
    return {"product": product, "tnved": tnved, "marketplace": marketplace, "link": link,
            "transactions_total": transactions, "value_last_month": month, "value_total": total}


def add_report(instance, period_end: date, rows: list[dict]) -> SalesReport:
    """A recorded report as the monitoring cycle leaves it (filing order = insertion order)."""
    report = SalesReport(instance_id=instance.id, task_id=str(uuid.uuid4()), step="15", region=instance.region,
                         company_name=instance.company_name, company_inn=instance.company_inn,
                         period_end=period_end, submitted_by="operator@test.ru", submitted_at=moscow(2026, 1, 5),
                         responsible_name="Сидоров С. С.")
    report.lines = [SalesLine(position=i, **{**r, "value_last_month": Decimal(r["value_last_month"]),
                                            "value_total": Decimal(r["value_total"])})
                    for i, r in enumerate(rows, 1)]
    db.session.add(report)
    db.session.commit()
    return report


def next_report_period(instance, clock):
    [timer] = db.session.scalars(select(Timer).where(Timer.instance_id == instance.id,
                                                     Timer.kind == "report_period")).all()
    clock.set(max(clock.now(), timer.due_at) + timedelta(seconds=1))
    fire_due_timers(clock.now())
    return get_instance(instance.id)


def test_reports_are_recorded_as_they_come_and_count_once_the_cpe_accepts_them(client, users, model, clock):
    instance = complete(at_act(), ACT, act_goods=GOODS)
    instance = next_report_period(instance, clock)  # the first period ends 01.01.2026
    task = task_named(instance, FIRST_REPORT)
    login(client, "mo@test.ru")  # МО РЭЦ acts for an operator without access (3.10)
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert 'value="Мёд липовый, 500 г"' in page  # the products of the Act come prefilled
    first = {"period_end": "2026-01-01", "responsible": RESPONSIBLE,
             "sales": [row("Мёд цветочный, 250 г", "Tmall Global", TMALL, 10, 1000, 1000),
                       row("Мёд липовый, 500 г", "JD.com", JD, 2, 500.5, 500.5)]}
    response = client.post(f"/tasks/{task.task_id}", data=as_post("sales_report", first))
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    [pending] = db.session.scalars(select(SalesReport)).all()
    assert (pending.state, pending.state_label) == ("submitted", "На приёмке в ЦПЭ")
    assert totals.products(users["mo"]) == []  # not a result until the ЦПЭ accepts it
    instance = complete(get_instance(instance.id), FIRST_ACCEPTANCE, actor="cpe77@test.ru", decision="approve")
    db.session.refresh(pending)
    assert (pending.state, pending.reviewed_by, pending.reviewed_at) == ("accepted", "cpe77@test.ru", clock.now())
    assert [p.product for p in totals.products(users["mo"])] == ["Мёд липовый, 500 г", "Мёд цветочный, 250 г"]
    instance = next_report_period(get_instance(instance.id), clock)
    instance = complete(instance, REGULAR_REPORT, period_end="2026-02-01",
                        sales=[row("Мёд цветочный, 250 г", "Tmall Global", TMALL, 25, 1500, 2500)])
    complete(instance, REGULAR_ACCEPTANCE, decision="approve")
    reports = db.session.scalars(select(SalesReport).order_by(SalesReport.id)).all()
    assert [(r.step, r.period_end, r.region, r.company_name, r.state) for r in reports] == [
        ("14", date(2026, 1, 1), "77", "ООО «Ромашка»", "accepted"),
        ("15", date(2026, 2, 1), "77", "ООО «Ромашка»", "accepted")]
    assert [(x.product, x.transactions_total, x.value_last_month, x.value_total) for x in reports[0].lines] == [
        ("Мёд цветочный, 250 г", 10, Decimal("1000.00"), Decimal("1000.00")),
        ("Мёд липовый, 500 г", 2, Decimal("500.50"), Decimal("500.50"))]
    assert reports[0].responsible_email == "report@operator.example"
    # The next report starts from the products of the latest one.
    instance = next_report_period(get_instance(instance.id), clock)
    page = client.get(f"/tasks/{task_named(instance, REGULAR_REPORT).task_id}").get_data(as_text=True)
    assert 'value="Мёд цветочный, 250 г"' in page and 'value="Мёд липовый, 500 г"' not in page


def test_a_sales_report_docx_holds_the_products_in_the_appendix_layout(client, users, model):
    instance = new_application()
    report = add_report(instance, date(2026, 2, 1), [row("Мёд цветочный, 250 г", "Tmall Global", TMALL, 25,
                                                         1500, 1234567.5)])
    login(client, "cpe77@test.ru")
    response = client.get(f"/sales/reports/{report.id}.docx")
    assert response.status_code == 200
    document = Docx(io.BytesIO(response.data))
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0][6] == "Количество транзакций (продаж) с момента размещения"
    assert rows[1] == ["1", "ООО «Ромашка»", "Мёд цветочный, 250 г", "0409000000", "Tmall Global", TMALL, "25",
                       "1\u00a0500", "1\u00a0234\u00a0567,50"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Ответственное за заполнение лицо (ФИО, контактный телефон, e-mail): Сидоров С. С." in text
    assert "по состоянию на 01.02.2026" in text
    client.post("/logout")
    login(client, "cpe66@test.ru")
    assert client.get(f"/sales/reports/{report.id}.docx").status_code == 404


@pytest.fixture
def reports(app, model):
    """Three applications of two regions; the first reports twice and corrects its second report."""
    a1 = new_application()
    a2 = new_application(name="ООО «Липа»", inn="7736050003")
    a3 = new_application(region="66", name="ООО «Уральские самоцветы»", inn="6658021226")
    add_report(a1, date(2026, 1, 1), [row("Мёд цветочный", "Tmall Global", TMALL, 10, 1000, 1000),
                                      row("Мёд липовый", "JD.com", JD, 2, 500, 500)])
    add_report(a1, date(2026, 2, 1), [row("Мёд цветочный", "Tmall Global", TMALL, 25, 1500, 2500),
                                      row("Мёд липовый", "JD.com", JD, 3, 200, 700)])
    # A corrected report for the same date replaces the first one's figures of that product.
    add_report(a1, date(2026, 2, 1), [row("Мёд цветочный", "Tmall Global", TMALL, 26, 1600, 2600)])
    add_report(a2, date(2026, 1, 1), [row("Мёд гречишный", "Tmall Global", "https://tmall.example/item/3", 4, 400, 400)])
    add_report(a3, date(2026, 1, 1), [row("Малахит", " tmall  global", "https://tmall.example/item/4", 7, 700, 900,
                                          tnved="7116200000")])
    return a1, a2, a3


def figures(groups):
    return {g.label: (g.transactions_total, g.value_total, g.value_months) for g in groups}


def test_cumulative_figures_come_from_the_latest_report_and_monthly_ones_add_up(reports, users):
    a1, a2, a3 = reports
    products = totals.products(users["mo"])
    assert figures(totals.summed(products, "application")) == {
        # Мёд цветочный: 26 sales, 2600 since placement (not 1000+2500+2600), months 1000+1600;
        # Мёд липовый: 3 sales, 700, months 500+200.
        f"№ {a1.id} — ООО «Ромашка»": (29, Decimal("3300"), Decimal("3300")),
        f"№ {a2.id} — ООО «Липа»": (4, Decimal("400"), Decimal("400")),
        f"№ {a3.id} — ООО «Уральские самоцветы»": (7, Decimal("900"), Decimal("700")),
    }
    assert figures(totals.summed(products, "region")) == {
        "77": (33, Decimal("3700"), Decimal("3700")), "66": (7, Decimal("900"), Decimal("700"))}
    # Marketplace names typed differently are one marketplace.
    assert figures(totals.summed(products, "marketplace")) == {
        "Tmall Global": (37, Decimal("3900"), Decimal("3700")), "JD.com": (3, Decimal("700"), Decimal("700"))}


def test_the_sums_page_shows_a_cpe_user_their_region_only(client, reports, users):
    a1, a2, a3 = reports
    login(client, "cpe66@test.ru")
    for url in ("/sales", "/sales?region=77"):
        page = client.get(url).get_data(as_text=True)
        assert "ООО «Уральские самоцветы»" in page and "Малахит" in page
        assert "ООО «Ромашка»" not in page and "Мёд" not in page
    exported = client.get("/sales.csv?by=region&region=77").get_data(as_text=True)
    assert exported.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(exported[1:]), delimiter=";"))[1:] == [["66", "1", "1", "7", "900", "700"]]
    client.post("/logout")
    login(client, "client77@test.ru")
    assert client.get("/sales").status_code == 403


def test_mo_rec_sees_every_region_and_exports_each_grouping(client, reports, users):
    login(client, "mo@test.ru")
    page = client.get("/sales").get_data(as_text=True)
    assert "ООО «Ромашка»" in page and "ООО «Уральские самоцветы»" in page
    rows = list(csv.reader(io.StringIO(client.get("/sales.csv?by=marketplace").get_data(as_text=True)[1:]),
                           delimiter=";"))
    assert rows[0][0] == "Площадка"
    assert rows[1:] == [["JD.com", "1", "1", "3", "700", "700"], ["Tmall Global", "3", "3", "37", "3\u00a0900",
                                                                  "3\u00a0700"]]
    assert client.get("/sales.csv?by=everything").status_code == 400
    products = list(csv.reader(io.StringIO(client.get("/sales.csv?by=product&region=66").get_data(as_text=True)[1:]),
                               delimiter=";"))
    assert [r[3] for r in products[1:]] == ["Малахит"]


def test_a_sales_report_is_signed_by_the_parties_of_the_act_and_the_centre_of_the_reference(client, users, model):
    from app.models import ExportCentre
    from tests.test_act import act_values

    db.session.add(ExportCentre(region="77", full_name="АНО «Московский экспортный центр»", short_name="МЭЦ",
                                head_position="директор", head_name="Соколова Анна Викторовна", basis="устава"))
    db.session.commit()
    # The Act was signed for the centre by its former head: the report is signed by the current one.
    instance = complete(at_act(), ACT, **act_values(act_cpe_person="Иванов Иван Иванович"))
    report = add_report(instance, date(2026, 2, 1), [row("Мёд цветочный, 250 г", "Tmall Global", TMALL, 25,
                                                         1500, 2500)])
    login(client, "cpe77@test.ru")
    document = Docx(io.BytesIO(client.get(f"/sales/reports/{report.id}.docx").data))
    blocks = [[p.text for p in cell.paragraphs if p.text] for cell in document.tables[1]._cells]
    assert blocks == [["от Оператора:", "ООО «Экспорт Онлайн»", "________________ /Д. С. Лихачёв/"],
                      ["от Компании:", "ООО «Ромашка»", "________________ /П. П. Петров/"],
                      ["от ЦПЭ:", "АНО «Московский экспортный центр»", "________________ /А. В. Соколова/"],
                      []]
    assert "по состоянию на 01.02.2026" in "\n".join(p.text for p in document.paragraphs)


def test_a_sales_report_drafted_on_the_task_page_names_the_same_signatories(client, users, model, clock):
    from tests.test_act import act_values

    instance = next_report_period(complete(at_act(), ACT, **act_values()), clock)
    task = task_named(instance, FIRST_REPORT)
    login(client, "mo@test.ru")
    values = {"period_end": "2026-01-01", "responsible": RESPONSIBLE,
              "sales": [row("Мёд цветочный, 250 г", "Tmall Global", TMALL, 10, 1000, 1000)]}
    response = client.post(f"/tasks/{task.task_id}", data=as_post("sales_report", values, "paper_docx"))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    document = Docx(io.BytesIO(response.data))
    lines = [p.text for cell in document.tables[1]._cells for p in cell.paragraphs if p.text.startswith("____")]
    assert [line.rsplit("/", 2)[1] for line in lines] == ["Д. С. Лихачёв", "П. П. Петров", "А. В. Соколова"]
    assert "по состоянию на 01.01.2026" in "\n".join(p.text for p in document.paragraphs)
