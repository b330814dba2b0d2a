"""Regional settings: the region's ЦПЭ in the Act, its client waits for the waits that start after
a change (on the virtual clock), who may read and change them, the history, the checks, 409."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document as Docx
from sqlalchemy import select

from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import ExportCentre, OpenTask, RegionalSettingChange
from app.regional import settings
from app.workflow.instances import get_instance, start_process
from app.workflow.runtime import runtime
from tests.conftest import login, moscow
from tests.helpers import complete, task_named
from app.paperwork import act, task_papers
from tests.form_posts import as_post
from tests.test_act import ACT, act_values, at_act, model  # noqa: F401  (model is a fixture)
from tests.test_regulation_paths import CHECK, REWORK

MOSCOW = {"full_name": "АНО «Московский экспортный центр»", "short_name": "МЭЦ", "head_position": "директор",
          "head_name": "Соколова Анна Викторовна", "basis": "устава", "address": "123610, г. Москва, Краснопресненская наб., д. 12",
          "inn": "7707083893", "kpp": "770701001", "ogrn": "1027700132195", "bank_name": "ПАО Сбербанк",
          "bank_bik": "044525225", "bank_account": "40702810938000000001", "bank_corr_account": "30101810400000000225",
          "wait_remarks": "10", "waits_act": "Приказ Департамента от 01.10.2025 № 7"}


def saved(region="77", actor=None, **changes):
    centre = settings.of_region(region)
    return settings.save(region, {**MOSCOW, **changes}, actor=actor, version=centre.version if centre else None)


def remarks_wait_of(instance) -> object:
    return db.session.scalars(select(OpenTask.wait_due).where(OpenTask.instance_id == instance.id,
                                                              OpenTask.name == REWORK)).one()


def sent_for_rework():
    instance = start_process("marketplace_support", actor="client77@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    return complete(complete(instance, "Подача Заявки"), CHECK, decision="remarks", comment="Укажите ОГРН")


def test_a_changed_remarks_wait_applies_to_waits_that_start_after_it_not_to_a_running_one(users, model, clock):
    saved(actor=users["admin"], wait_remarks="10")
    running = sent_for_rework()
    started = clock.now()
    assert remarks_wait_of(running) == runtime().calendar.deadline(started, 10)

    clock.set(moscow(2025, 11, 5, 12, 0))
    saved(actor=users["mo"], wait_remarks="15")
    clock.set(moscow(2025, 11, 6, 9, 0))
    later = sent_for_rework()
    assert remarks_wait_of(later) == runtime().calendar.deadline(clock.now(), 15)
    assert remarks_wait_of(running) == runtime().calendar.deadline(started, 10)  # kept its due date

    clock.set(remarks_wait_of(running) + timedelta(minutes=1))  # the old wait ends on its own day
    fire_due_timers(clock.now())
    assert get_instance(running.id).application_status == "Отказ Клиента"
    assert task_named(get_instance(later.id), REWORK) is not None


def test_a_region_without_settings_keeps_the_environments_default(users, model, app):
    app.config["VITRINA_CLIENT_WAITS"] = {"remarks": 12, "originals": 20, "consultation_offer": 10}
    saved(region="66", actor=users["admin"], wait_remarks="30")
    instance = sent_for_rework()
    assert remarks_wait_of(instance) == runtime().calendar.deadline(runtime().clock.now(), 12)


def test_the_act_names_the_centre_its_address_and_signatory_from_the_regional_settings(client, users, model):
    saved(actor=users["admin"])
    task = task_named(at_act(), ACT)
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert 'value="АНО «Московский экспортный центр»"' in page and 'value="Соколова Анна Викторовна"' in page
    instance = get_instance(task.instance_id)
    values = {**act_values(), **{k: v for k, v in task_papers.prefill(act.FORM, instance).items()
                                 if k.startswith("act_cpe_")}}
    response = client.post(f"/tasks/{task.task_id}", data=as_post(act.FORM, values, "paper_docx"))
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    text = "\n".join(p.text for p in Docx(io.BytesIO(response.data)).paragraphs)
    assert "АНО «Московский экспортный центр» (далее – «ЦПЭ»), в лице директора Соколовой Анны Викторовны, " \
           "действующей на основании устава" in text
    assert "Почтовый адрес: 123610, г. Москва, Краснопресненская наб., д. 12" in text
    assert "ИНН 7707083893, КПП 770701001, ОГРН 1027700132195" in text


def test_without_settings_the_act_keeps_the_generic_name(client, users, model):
    task = task_named(at_act(region="66"), ACT)
    login(client, "cpe66@test.ru")
    assert 'value="Центр поддержки экспорта (Свердловская область)"' in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)


def test_centre_of_gives_the_documents_the_region_centre(users):
    from app.paperwork.centres import centre_of
    assert centre_of("77") is None
    saved(actor=users["admin"])
    centre = centre_of("77")
    assert (centre.full_name, centre.head_name, centre.inn) == (MOSCOW["full_name"], MOSCOW["head_name"], "7707083893")


def test_admin_and_mo_edit_the_cpe_of_the_region_reads_others_are_refused(client, users):
    saved(actor=users["admin"])
    saved(region="66", actor=users["admin"], full_name="АНО «ЦПЭ Свердловской области»")
    for email in ("admin@test.ru", "mo@test.ru"):
        login(client, email)
        version = db.session.get(ExportCentre, "77").version
        assert client.post("/admin/regions/77", data={**MOSCOW, "version": version}).status_code == 303
        client.post("/logout")
    login(client, "cpe77@test.ru")
    page = client.get("/admin/regions/77")
    assert page.status_code == 200 and "АНО «Московский экспортный центр»" in page.get_data(as_text=True)
    assert "<fieldset disabled" in page.get_data(as_text=True)
    assert client.post("/admin/regions/77", data={**MOSCOW, "version": 1}).status_code == 403
    assert client.get("/admin/regions/66").status_code == 403
    assert client.get("/admin/regions/new").status_code == 403
    listing = client.get("/admin/regions/").get_data(as_text=True)
    assert "Московский" in listing and "Свердловской" not in listing
    client.post("/logout")
    login(client, "client77@test.ru")
    assert client.get("/admin/regions/77").status_code == 403
    assert client.get("/admin/regions/").status_code == 403


def test_every_change_is_in_the_history_with_who_when_and_old_to_new(client, users, clock):
    saved(actor=users["admin"], wait_remarks="10")
    clock.set(moscow(2025, 11, 5, 12, 0))
    saved(actor=users["mo"], wait_remarks="15", head_name="Лихачёв Дмитрий Сергеевич")
    rows = db.session.scalars(select(RegionalSettingChange).where(RegionalSettingChange.field == "wait_remarks")
                              .order_by(RegionalSettingChange.id)).all()
    assert [(r.old_value, r.new_value, r.changed_by) for r in rows] == [(None, "10", "admin@test.ru"),
                                                                        ("10", "15", "mo@test.ru")]
    login(client, "cpe77@test.ru")
    page = client.get("/admin/regions/77").get_data(as_text=True)
    assert "История изменений" in page
    assert "05.11.2025" in page and "МО РЭЦ" in page and "Админ Тестовый" in page
    assert "Соколова Анна Викторовна</td><td>Лихачёв Дмитрий Сергеевич" in page
    assert "mo@test.ru" not in page


def test_bad_values_are_refused_next_to_their_fields_in_russian_and_nothing_is_kept(client, users):
    login(client, "admin@test.ru")
    bad = {**MOSCOW, "region": "77", "wait_remarks": "91", "wait_originals": "2.5", "inn": "7707083894",
           "kpp": "77070100", "ogrn": "1027700132196", "full_name": " "}
    response = client.post("/admin/regions/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ожидание доработки Заявки Клиентом (2.3), раб. дн.: укажите целое число рабочих дней от 1 до 90" in page
    assert "Ожидание оригиналов документов (4.1), раб. дн.: укажите целое число" in page
    assert "ИНН ЦПЭ: контрольная сумма не сходится" in page
    assert "КПП ЦПЭ: ожидается 9 знаков" in page
    assert "ОГРН ЦПЭ: контрольная сумма не сходится" in page
    assert "Полное наименование ЦПЭ: обязательное поле" in page
    assert 'aria-describedby="wait_remarks-error wait_remarks-hint"' in page
    assert 'id="wait_remarks-error"' in page and 'aria-invalid="true"' in page
    assert client.post("/admin/regions/new", data={**MOSCOW, "region": "7"}).status_code == 422
    assert db.session.get(ExportCentre, "77") is None
    assert db.session.scalars(select(RegionalSettingChange)).all() == []
    assert client.get("/admin/regions/50").status_code == 404
    saved(actor=users["admin"])
    again = client.post("/admin/regions/new", data={**MOSCOW, "region": "77"})
    assert again.status_code == 422 and "настройки региона 77 уже есть" in again.get_data(as_text=True)


def test_two_editors_saving_the_same_version_the_second_gets_409(client, users):
    saved(actor=users["admin"])
    opened = db.session.get(ExportCentre, "77").version
    login(client, "admin@test.ru")
    assert client.post("/admin/regions/77", data={**MOSCOW, "head_name": "Лихачёв Дмитрий Сергеевич",
                                                  "version": opened}).status_code == 303
    response = client.post("/admin/regions/77", data={**MOSCOW, "basis": "доверенности", "version": opened})
    assert response.status_code == 409
    assert "изменил другой пользователь" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ExportCentre, "77").basis == "устава"
    assert db.session.get(ExportCentre, "77").head_name == "Лихачёв Дмитрий Сергеевич"


def test_the_region_decides_whether_filing_needs_an_intake_window(users, app):
    from app.intake.windows import intake_state
    assert intake_state("77").is_open
    saved(actor=users["admin"], intake_windows_required="required")
    assert not intake_state("77").is_open
    app.config["VITRINA_INTAKE_WINDOWS_REQUIRED"] = True
    saved(actor=users["admin"], intake_windows_required="not_required")
    assert intake_state("77").is_open and not intake_state("66").is_open


@pytest.mark.parametrize("value", ["0", "91", "-1", "десять"])
def test_a_wait_outside_1_to_90_working_days_is_refused(users, value):
    with pytest.raises(settings.SettingsInvalid) as refused:
        saved(actor=users["admin"], wait_remarks=value)
    assert list(refused.value.errors) == ["wait_remarks"]


def test_a_save_racing_another_one_past_the_version_check_is_a_conflict_not_an_error(users):
    from sqlalchemy import update
    centre = saved(actor=users["admin"])
    opened = centre.version
    # Another process saves between this one's check and its write: the row's version moves on.
    db.session.execute(update(ExportCentre).where(ExportCentre.region == "77").values(version=opened + 1),
                       execution_options={"synchronize_session": False})
    assert centre.version == opened  # this session has not seen it
    with pytest.raises(settings.SettingsConflict):
        settings.save("77", {**MOSCOW, "basis": "доверенности"}, actor=users["mo"], version=opened)
    assert db.session.scalars(select(RegionalSettingChange).where(RegionalSettingChange.changed_by == "mo@test.ru")).all() == []
