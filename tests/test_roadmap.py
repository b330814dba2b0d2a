"""The roadmap of Appendix 4: the base roadmap as data, step 8 built from it, the return with
remarks (9.1), done marks in step 10, overdue steps by the virtual clock, the card, isolation."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.forms.input import read_form
from app.forms.schema import load_form
from app.models import AuditEvent, RoadmapMark
from app.extensions import db
from app.roadmap import BaseRoadmapInvalid, check_roadmap, load_base_roadmap, prefill, roadmap_of
from app.roadmap.base import BASE_FILE
from app.statuses import RoadmapState
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import ROOT, login
from tests.form_posts import as_post
from tests.helpers import complete, task_named

ROADMAP = "Формирование детализированной Дорожной карты"
APPROVAL = "Согласование детализированной Дорожной карты"
CORRECTION = "Корректировка Дорожной карты по замечаниям"
EXECUTION = "Реализация Дорожной карты"

STEPS = [
    {"stage": "1", "step": "Подбор Оператора", "responsible": "ЦПЭ, Иванова А. А.",
     "start": "2025-10-20", "due": "2025-10-30"},
    {"stage": "2", "step": "Адаптация упаковки для Китая", "responsible": "Клиент, Петров П. П.",
     "start": "2025-11-03", "due": "2025-11-05"},
    {"stage": "3", "step": "Размещение на Tmall Global", "responsible": "Оператор, Сидоров С. С.",
     "start": "2025-11-06", "due": "2025-12-15"},
]


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def at_step_8(region="77", name="ООО «Ромашка»", inn="7707083893"):
    instance = start_process("marketplace_support", actor="client", region=region, company_name=name,
                             company_inn=inn)
    for task, decision in [("Подача Заявки", None), ("Проверка Заявки в ЦПЭ", "approve"),
                           ("Согласование Заявки в МО РЭЦ", "approve"), ("Получение оригиналов документов", None),
                           ("Проведение отбора Заявок", "approve"),
                           ("Заключение Соглашения с участием ЦПЭ, Оператора и Клиента", "approve"),
                           ("Согласование Услуги в МО РЭЦ", "approve")]:
        instance = complete(instance, task, **({"decision": decision} if decision else {}))
    return instance


def executing(region="77", **company):
    instance = complete(at_step_8(region, **company), ROADMAP, roadmap_steps=STEPS)
    return complete(instance, APPROVAL, decision="approve")


def switch_to(client, email):
    client.post("/logout")
    login(client, email)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the base roadmap as data ------------------------------------------------------------


def test_base_roadmap_loads_with_the_stages_and_steps_of_appendix_4():
    base = load_base_roadmap()
    assert base.stage_ids == ["0", "1", "2", "2.1", "3", "4"]
    assert [len(s.steps) for s in base.stages] == [1, 2, 5, 3, 2, 3]
    assert base.stage("2.1").steps[1].responsible == ("Оператор",)
    assert base.stage("3").steps[1].responsible == ("Оператор", "Клиент")
    assert base.parties == {"ЦПЭ", "РЭЦ", "Клиент", "Оператор"}
    rows = base.rows()
    assert rows[0] == {"stage": "0", "step": "Прохождение скоринга по разработанным РЭЦ критериям",
                       "responsible": "ЦПЭ"}
    assert all("due" not in row for row in rows)  # the dates are the ЦПЭ's to set


def test_roadmap_forms_offer_exactly_the_stages_of_the_base_roadmap():
    base = load_base_roadmap()
    for form in ("roadmap", "roadmap_correction"):
        stage = load_form(form)["properties"]["roadmap_steps"]["items"]["properties"]["stage"]
        assert stage["enum"] == base.stage_ids
        assert all(title.startswith(f"Этап {s.id}. {s.title}") for s, title in zip(base.stages, stage["x-enum-titles"]))


def write_base(folder, text):
    path = folder / BASE_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_base_roadmap_that_breaks_its_schema_is_refused_naming_the_place(tmp_path):
    write_base(tmp_path, "title: Карта\nstages:\n  - id: '0'\n    title: Скоринг\n    steps:\n"
                         "      - title: Скоринг\n")
    with pytest.raises(BaseRoadmapInvalid, match=r"stages\.0\.steps\.0: 'responsible' is a required property"):
        load_base_roadmap(tmp_path)
    write_base(tmp_path, "title: Карта\nstages:\n" + "  - {id: '1', title: А, steps: [{title: Б, responsible: [ЦПЭ]}]}\n" * 2)
    with pytest.raises(BaseRoadmapInvalid, match="этап 1 указан дважды"):
        load_base_roadmap(tmp_path)
    with pytest.raises(BaseRoadmapInvalid, match="не найден"):
        load_base_roadmap(tmp_path / "nowhere")


def test_an_edited_base_roadmap_is_read_again_without_a_restart(tmp_path):
    path = write_base(tmp_path, "title: Карта\nstages:\n  - {id: '0', title: Скоринг, steps: [{title: Скоринг, responsible: [ЦПЭ]}]}\n")
    assert [r["step"] for r in load_base_roadmap(tmp_path).rows()] == ["Скоринг"]
    write_base(tmp_path, "title: Карта\nstages:\n  - {id: '0', title: Скоринг, steps: [{title: Анкета, responsible: [ЦПЭ]}]}\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert [r["step"] for r in load_base_roadmap(tmp_path).rows()] == ["Анкета"]


# --- step 8: the detailed roadmap ------------------------------------------------------------


def test_step_8_form_opens_prefilled_with_the_base_roadmap(client, users, model):
    task = task_named(at_step_8(), ROADMAP)
    login(client, "cpe77@test.ru")
    html = page(client, f"/tasks/{task.task_id}")
    base_rows = load_base_roadmap().rows()
    assert f'name="roadmap_steps.{len(base_rows) - 1}.step"' in html
    for row in base_rows:
        assert row["step"] in html
    assert 'class="move-up"' in html  # the order may change (Appendix 4, note)


def test_step_8_refuses_a_start_after_the_end_and_a_party_without_a_person(client, users, model):
    instance = at_step_8()
    task = task_named(instance, ROADMAP)
    steps = [dict(STEPS[0], start="2025-11-10", due="2025-11-01"), dict(STEPS[1], responsible="Клиент, Оператор")]
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{task.task_id}", data=as_post("roadmap", {"roadmap_steps": steps}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Начало шага позже срока его окончания" in html
    assert "Укажите ответственное лицо: организацию и ФИО" in html
    assert "Детальная дорожная карта, строка 1: Начало" in html  # the summary names the cell
    assert get_instance(instance.id).application_status == "Услуга согласована МО РЭЦ"


def test_roadmap_rules_accept_the_demo_roadmap_and_people_beside_parties():
    from app.demo.samples import sample
    assert check_roadmap("roadmap", sample("roadmap")) == []
    assert check_roadmap("roadmap_correction", sample("roadmap_correction")) == []
    assert check_roadmap("roadmap", {"roadmap_steps": [dict(STEPS[0], responsible="ЦПЭ")]})[0].field == \
        "roadmap_steps.0.responsible"
    assert check_roadmap("agreement", {"roadmap_steps": [{"responsible": "ЦПЭ"}]}) == []


def test_table_rows_are_read_in_the_order_the_page_posted_them():
    schema = load_form("roadmap")
    posted = MultiDict([("roadmap_steps.1.stage", "3"), ("roadmap_steps.1.step", "Второй"),
                        ("roadmap_steps.0.stage", "1"), ("roadmap_steps.0.step", "Первый")])
    assert [r["step"] for r in read_form(schema, posted)["roadmap_steps"]] == ["Второй", "Первый"]


# --- steps 9 / 9.1: approval and return --------------------------------------------------------


def test_mo_rec_sees_the_roadmap_it_approves(client, users, model):
    instance = complete(at_step_8(), ROADMAP, roadmap_steps=STEPS)
    login(client, "mo@test.ru")
    html = page(client, f"/tasks/{task_named(instance, APPROVAL).task_id}")
    assert 'id="roadmap"' in html and "Адаптация упаковки для Китая" in html and "Петров П. П." in html
    assert RoadmapState.APPROVAL in html


def test_returned_roadmap_comes_back_to_the_cpe_with_its_last_version_and_the_remarks(client, users, model):
    instance = complete(at_step_8(), ROADMAP, roadmap_steps=STEPS)
    instance = complete(instance, APPROVAL, actor="mo@test.ru", decision="remarks",
                        comment="Сдвиньте размещение: склад в Китае откроется в декабре")
    roadmap = roadmap_of(instance)
    assert roadmap.state == RoadmapState.RETURNED and roadmap.remarks.startswith("Сдвиньте")
    assert prefill("roadmap_correction", instance) == {"roadmap_steps": STEPS}
    login(client, "cpe77@test.ru")
    task = task_named(instance, CORRECTION)
    html = page(client, f"/tasks/{task.task_id}")
    assert "Сдвиньте размещение: склад в Китае откроется в декабре" in html
    assert 'id="roadmap-remarks"' in html
    assert 'value="Размещение на Tmall Global"' not in html  # a textarea holds the step …
    assert ">Размещение на Tmall Global</textarea>" in html  # … with the text sent last time
    assert 'value="2025-12-15"' in html
    corrected = [*STEPS[:2], dict(STEPS[2], start="2025-12-01", due="2026-01-30")]
    response = client.post(f"/tasks/{task.task_id}", data=as_post(
        "roadmap_correction", {"roadmap_steps": corrected, "changes": "Размещение перенесено на декабрь"}))
    assert response.status_code == 303
    roadmap = roadmap_of(get_instance(instance.id))
    assert roadmap.state == RoadmapState.APPROVAL
    assert roadmap.steps[2].due == date(2026, 1, 30)
    assert roadmap.remarks.startswith("Сдвиньте") and roadmap.changes == "Размещение перенесено на декабрь"


# --- step 10: done marks and overdue steps ------------------------------------------------------


def test_marks_set_in_step_10_persist_between_visits_and_can_be_taken_back(client, users, model):
    instance = executing()
    task = task_named(instance, EXECUTION)
    login(client, "cpe77@test.ru")
    assert 'name="done.0"' in page(client, f"/tasks/{task.task_id}")
    response = client.post(f"/applications/{instance.id}/roadmap/marks",
                           data={"done.0": "29.10.2025", "done.1": "", "back": "task"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/tasks/{task.task_id}")
    html = page(client, f"/tasks/{task.task_id}")  # a later visit
    assert 'name="done.0"' in html and 'value="2025-10-29"' in html
    mark = db.session.scalar(select(RoadmapMark))
    assert (mark.position, mark.done_on, mark.marked_by) == (0, date(2025, 10, 29), "cpe77@test.ru")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roadmap_marked")).details["done_on"] \
        == "2025-10-29"
    client.post(f"/applications/{instance.id}/roadmap/marks", data={"done.0": ""})
    assert db.session.scalar(select(RoadmapMark)) is None
    assert roadmap_of(get_instance(instance.id)).done_count == 0


def test_a_mark_in_the_future_is_refused_beside_its_step(client, users, model):
    instance = executing()
    login(client, "cpe77@test.ru")
    response = client.post(f"/applications/{instance.id}/roadmap/marks", data={"done.1": "2025-11-01",
                                                                               "done.2": "32.13.2025"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Дата выполнения не может быть позже сегодняшнего дня" in html
    assert "Неверная дата выполнения: ожидается ДД.ММ.ГГГГ" in html
    assert db.session.scalar(select(RoadmapMark)) is None


def test_marks_are_refused_while_the_roadmap_is_not_carried_out(client, users, model):
    instance = complete(at_step_8(), ROADMAP, roadmap_steps=STEPS)
    login(client, "cpe77@test.ru")
    response = client.post(f"/applications/{instance.id}/roadmap/marks", data={"done.0": "2025-10-30"})
    assert response.status_code == 409
    assert "шаг 10" in response.get_data(as_text=True)


def test_overdue_steps_follow_the_virtual_clock(model, clock):
    instance = executing()
    # 31.10.2025: step 1 ended on 30.10 and is not marked; the others are still ahead.
    assert [s.position for s in roadmap_of(instance, date(2025, 10, 31)).overdue] == [0]
    clock.advance(days=6)  # 06.11.2025: the packaging (due 05.11) is late too
    from app.roadmap import today_in_moscow
    today = today_in_moscow(clock.now())
    assert today == date(2025, 11, 6)
    assert [s.position for s in roadmap_of(instance, today).overdue] == [0, 1]
    db.session.add(RoadmapMark(instance_id=instance.id, version=roadmap_of(instance).version, position=1,
                               step=STEPS[1]["step"], done_on=date(2025, 11, 5), marked_by="cpe", marked_at=clock.now()))
    db.session.commit()
    assert [s.position for s in roadmap_of(instance, today).overdue] == [0]
    # Once step 10 is done the roadmap is carried out: nothing is overdue any more.
    done = complete(instance, EXECUTION)
    assert roadmap_of(done, today + timedelta(days=90)).overdue == []
    assert roadmap_of(done).state == RoadmapState.EXECUTED


def test_card_shows_the_roadmap_with_overdue_steps_highlighted(client, users, model):
    instance = executing()
    login(client, "head.mo@test.ru")
    html = page(client, f"/applications/{instance.id}")
    assert 'id="roadmap-section"' in html
    overdue_row = html[html.index('id="roadmap-step-0"') - 40:html.index('id="roadmap-step-1"')]
    assert "overdue-step" in overdue_row and "просрочен" in overdue_row and "Иванова А. А." in overdue_row
    assert "30.10.2025" in overdue_row and "20.10.2025" in overdue_row
    later_row = html[html.index('id="roadmap-step-1"') - 40:html.index('id="roadmap-step-2"')]
    assert "overdue-step" not in later_row
    assert "просрочено шагов: 1" in html


def test_overdue_list_shows_a_cpe_its_region_and_mo_rec_all(client, users, model):
    moscow = executing("77")
    urals = executing("66", name="ООО «Уральские самоцветы»", inn="6658021226")
    login(client, "cpe77@test.ru")
    html = page(client, "/roadmap/overdue")
    assert f"№ {moscow.id}<" in html and f"№ {urals.id}<" not in html
    switch_to(client, "mo@test.ru")
    html = page(client, "/roadmap/overdue")
    assert f"№ {moscow.id}<" in html and f"№ {urals.id}<" in html and "Подбор Оператора" in html
    assert f"№ {moscow.id}<" not in page(client, "/roadmap/overdue?region=66")
    switch_to(client, "client77@test.ru")
    assert client.get("/roadmap/overdue").status_code == 403


def test_another_region_neither_sees_nor_marks_a_roadmap(client, users, model):
    instance = executing("77")
    login(client, "cpe66@test.ru")
    assert client.get(f"/applications/{instance.id}/roadmap").status_code == 404
    assert client.post(f"/applications/{instance.id}/roadmap/marks", data={"done.0": "2025-10-30"}).status_code == 404
    switch_to(client, "client77@test.ru")  # the company sees its roadmap but does not mark it
    assert "Подбор Оператора" in page(client, f"/applications/{instance.id}/roadmap")
    assert client.post(f"/applications/{instance.id}/roadmap/marks", data={"done.0": "2025-10-30"}).status_code == 403
    assert db.session.scalar(select(RoadmapMark)) is None


def test_api_refuses_the_same_roadmap_mistakes_as_the_page(client, users, model):
    from app.api import tokens
    instance = at_step_8()
    task = task_named(instance, ROADMAP)
    secret = tokens.issue(users["cpe77"], "тест")[1]
    steps = [dict(STEPS[0], start="2025-11-10", due="2025-11-01"), dict(STEPS[1], responsible="Клиент, Оператор")]
    response = client.post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": {"roadmap_steps": steps}},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.get_json()["error"]["errors"]}
    assert fields["roadmap_steps.0.start"] == "Начало шага позже срока его окончания"
    assert fields["roadmap_steps.1.responsible"].startswith("Укажите ответственное лицо")
    assert get_instance(instance.id).application_status == "Услуга согласована МО РЭЦ"
