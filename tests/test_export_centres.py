"""The ЦПЭ reference: the Act names the region's centre from it, admins keep it on its page."""
from __future__ import annotations



from app.extensions import db
from app.models import ExportCentre
from tests.conftest import login
from tests.helpers import task_named
from tests.test_act import ACT, at_act, model  # noqa: F401  (model is a fixture)

MOSCOW = {"full_name": "АНО «Московский экспортный центр»", "short_name": "МЭЦ", "head_position": "директор",
          "head_name": "Соколова Анна Викторовна", "basis": "устава", "address": "г. Москва"}


def test_the_act_names_the_centre_and_its_head_from_the_reference(client, users, model):
    db.session.add(ExportCentre(region="77", **MOSCOW))
    db.session.commit()
    task = task_named(at_act(), ACT)
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert 'value="АНО «Московский экспортный центр»"' in page
    assert 'value="Соколова Анна Викторовна"' in page
    assert "Центр поддержки экспорта (г. Москва)" not in page


def test_without_a_reference_row_the_act_keeps_the_generic_name(client, users, model):
    task = task_named(at_act(region="66"), ACT)
    login(client, "cpe66@test.ru")
    assert 'value="Центр поддержки экспорта (Свердловская область)"' in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)


def test_an_admin_edits_the_centre_and_the_next_act_is_signed_for_it(client, users, model):
    login(client, "admin@test.ru")
    response = client.post("/admin/export-centres/new", data={"region": "77", **MOSCOW})
    assert response.status_code == 303
    listing = client.get("/admin/export-centres/").get_data(as_text=True)
    assert "АНО «Московский экспортный центр»" in listing and "Соколова Анна Викторовна" in listing
    changed = {**MOSCOW, "head_position": "генеральный директор", "head_name": "Лихачёв Дмитрий Сергеевич"}
    assert client.post("/admin/export-centres/77", data=changed).status_code == 303
    assert db.session.get(ExportCentre, "77").head_name == "Лихачёв Дмитрий Сергеевич"
    task = task_named(at_act(), ACT)
    client.post("/logout")
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert 'value="Лихачёв Дмитрий Сергеевич"' in page and 'value="генеральный директор"' in page


def test_a_bad_centre_is_refused_next_to_its_field_and_nothing_is_kept(client, users):
    login(client, "admin@test.ru")
    response = client.post("/admin/export-centres/new", data={**MOSCOW, "region": "7"})
    assert response.status_code == 422
    assert "Неверный код региона: ожидаются две цифры, например 77" in response.get_data(as_text=True)
    response = client.post("/admin/export-centres/new", data={**MOSCOW, "region": "77", "full_name": " "})
    assert response.status_code == 422 and 'id="full_name-error"' in response.get_data(as_text=True)
    response = client.post("/admin/export-centres/new", data={**MOSCOW, "region": "77", "head_name": "Соколова"})
    assert "Укажите фамилию, имя и отчество полностью" in response.get_data(as_text=True)
    assert db.session.get(ExportCentre, "77") is None
    assert client.get("/admin/export-centres/50").status_code == 404


def test_only_admins_reach_the_centre_reference(client, users):
    login(client, "cpe77@test.ru")
    assert client.get("/admin/export-centres/").status_code == 403
    assert client.post("/admin/export-centres/new", data={"region": "77", **MOSCOW}).status_code == 403
