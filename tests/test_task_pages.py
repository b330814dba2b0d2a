"""Task pages: every form renders, values convert, errors sit by their fields, drafts, uploads,
conflicts and who may open a task."""
from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.demo.samples import sample
from app.applications.documents import UploadRejected, store_upload
from app.applications import casefile
from app.extensions import db
from app.forms.input import read_form
from app.forms.render import widget_of
from app.forms.on_behalf import as_filed
from app.forms.schema import list_forms, load_form
from app.models import AuditEvent, Document, OpenTask, TaskDraft, Timer
from app.tasks import claims
from app.deadlines.sweep import fire_due_timers
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import ROOT, login
from tests.form_posts import as_post
from tests.helpers import complete, task_named

CHECK = "Проверка Заявки в ЦПЭ"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def new(region="77", name="ООО «Ромашка»", inn="7707083893"):
    return start_process("marketplace_support", actor="client", region=region, company_name=name, company_inn=inn)


def first_task(instance) -> OpenTask:
    return task_named(instance, "Подача Заявки")


def field_block(html: str, name: str) -> str:
    """The page from the input named ``name`` to the next field: where its error must be."""
    start = html.index(f'name="{name}"')
    following = re.compile(r'class="field[ "]|<td>').search(html, start)
    return html[start:following.start() if following else None]


@pytest.mark.parametrize("form", list_forms())
def test_every_form_reads_back_what_a_browser_posts(form):
    schema = load_form(form)
    data = sample(form)
    assert read_form(schema, as_post(form, data)) == data


@pytest.mark.parametrize("form", list_forms())
def test_every_form_renders_on_a_task_page_with_its_values(client, users, model, form):
    instance = complete(new(), "Подача Заявки")
    task_id = f"render-{form}"[:36]
    db.session.execute(insert(OpenTask).values(
        instance_id=instance.id, task_id=task_id, element_id="x", name=f"Форма {form}", step="2", role="cpe",
        region="77", form=form))
    data = sample(form)
    db.session.add(TaskDraft(task_id=task_id, user_id=users["cpe77"].id, data=data,
                             saved_at=users["cpe77"].created_at))
    db.session.commit()
    login(client, "cpe77@test.ru")
    response = client.get(f"/tasks/{task_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    schema = as_filed(load_form(form), on_behalf=False)  # filed by the task's own role
    assert schema["title"] in html
    for key, prop in schema["properties"].items():
        assert f'name="{key}"' in html or f'name="{key}.' in html, key
        assert prop["title"] in html.replace("&#34;", '"'), key
        if widget_of(prop) in ("text", "textarea") and isinstance(data.get(key), str):
            assert data[key].replace("«", "").split()[0] in html, key
    for section in schema.get("x-layout", []):
        assert f"<h2>{section['title']}</h2>" in html
    if any(widget_of(p) == "file" for p in schema["properties"].values()):
        assert 'enctype="multipart/form-data"' in html and 'type="file"' in html


def test_errors_are_shown_by_their_fields_in_russian_and_values_are_kept(client, users, model):
    task = first_task(new())
    login(client, "client77@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert 'value="ООО «Ромашка»"' in page and 'value="7707083893"' in page  # known from the application
    data = sample("application_questionnaire", company_inn="123", contact_email="anna(at)romashka",
                  tnved_codes=["0409000000", "12345"], head_name="Петров П. П.")
    del data["products_description"]
    response = client.post(f"/tasks/{task.task_id}", data=as_post("application_questionnaire", data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Форма заполнена с ошибками" in html
    assert "Неверный ИНН: ожидается 10 цифр для организации или 12 для ИП" in field_block(html, "company_inn")
    assert "Неверный адрес электронной почты" in field_block(html, "contact_email")
    assert "Обязательное поле" in field_block(html, "products_description")
    assert "Неверный код ТН ВЭД" in field_block(html, "tnved_codes.1")
    assert "Неверный код ТН ВЭД" not in field_block(html, "tnved_codes.0")
    assert 'value="123"' in html and 'value="Петров П. П."' in html and 'value="12345"' in html
    assert "Классификация (код по ТН ВЭД), строка 2</a> — Неверный код ТН ВЭД" in html  # the summary names the row
    assert task_named(get_instance(task.instance_id), "Подача Заявки")  # nothing was completed


def test_remarks_and_refusals_need_a_comment(client, users, model):
    instance = complete(new(), "Подача Заявки")
    task = task_named(instance, CHECK)
    login(client, "cpe77@test.ru")
    for decision in ("remarks", "reject"):
        response = client.post(f"/tasks/{task.task_id}", data={"decision": decision, "comment": "  "})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Укажите комментарий: он будет направлен Клиенту" in field_block(html, "comment")
        assert f'value="{decision}" checked' in html
    response = client.post(f"/tasks/{task.task_id}", data={"decision": "remarks", "comment": "Нет ОГРН"})
    assert response.status_code == 303 and response.headers["Location"] == "/tasks"
    assert task_named(get_instance(instance.id), "Доработка Заявки Клиентом")  # the remarks went to the client


def test_the_filed_questionnaire_is_shown_to_who_checks_it_and_to_the_client_reworking_it(client, users, model):
    questionnaire = task_named(new(), "Подача Заявки")
    login(client, "client77@test.ru")
    assert 'id="questionnaire"' not in client.get(f"/tasks/{questionnaire.task_id}").get_data(as_text=True)
    instance = complete(get_instance(questionnaire.instance_id), "Подача Заявки",
                        tnved_codes=["0409000000", "040900"], trade_types=["b2b", "b2c"], budget="151_500")
    client.post("/logout")
    login(client, "cpe77@test.ru")
    html = client.get(f"/tasks/{task_named(instance, CHECK).task_id}").get_data(as_text=True)
    assert '<details class="filed" id="questionnaire" open>' in html and "Анкета Клиента, поданная" in html
    shown = html[html.index('id="questionnaire"'):html.index("</details>")]
    for text in ("<dt>ОГРН</dt><dd>1027700132195</dd>", "<dd>Разовые поставки</dd>", "<dd>0409000000, 040900</dd>",
                 "<dd>B2B (оптовая), B2C (розничная)</dd>", "<dd>151–500 тыс. рублей</dd>", "<h3>Подписание</h3>"):
        assert text in shown, text
    assert "Иные меры поддержки" not in shown  # not answered, not listed
    instance = complete(instance, CHECK, decision="remarks", comment="Нет доверенности")
    client.post("/logout")
    login(client, "client77@test.ru")
    html = client.get(f"/tasks/{task_named(instance, 'Доработка Заявки Клиентом').task_id}").get_data(as_text=True)
    # The client reworks the questionnaire itself, opened as filed, with the remarks on top.
    assert 'id="questionnaire"' not in html and 'value="1027700132195"' in html
    assert html.index("Нет доверенности") < html.index('name="company_ogrn"')


def test_a_draft_is_kept_unvalidated_for_its_author_and_dropped_on_completion(client, users, model):
    instance = complete(new(), "Подача Заявки")
    task = task_named(instance, CHECK)
    login(client, "cpe77@test.ru")
    saved = client.post(f"/tasks/{task.task_id}", data={"_action": "draft", "decision": "remarks"})
    assert saved.status_code == 303  # no comment yet, and no complaint: it is a draft
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert "Черновик сохранён" in page and 'value="remarks" checked' in page
    client.post(f"/tasks/{task.task_id}", data={"_action": "draft", "decision": "remarks", "comment": "Нет ОГРН"})
    assert "Нет ОГРН</textarea>" in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert db.session.scalar(select(TaskDraft.data).where(TaskDraft.task_id == task.task_id)) == {
        "decision": "remarks", "comment": "Нет ОГРН"}
    client.post("/logout")
    login(client, "head.cpe77@test.ru")
    assert "Нет ОГРН" not in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)  # drafts are personal
    client.post("/logout")
    login(client, "cpe77@test.ru")
    client.post(f"/tasks/{task.task_id}", data={"decision": "remarks", "comment": "Нет ОГРН"})
    assert db.session.scalar(select(TaskDraft).where(TaskDraft.task_id == task.task_id)) is None


def upload(client, task, name: str, content: bytes, field="promo_materials"):
    return client.post(f"/tasks/{task.task_id}", content_type="multipart/form-data",
                       data={"_action": "draft", field: (io.BytesIO(content), name)})


def test_uploads_are_checked_by_extension_and_content(client, users, model):
    task = first_task(new())
    login(client, "client77@test.ru")
    wrong_type = upload(client, task, "virus.exe", b"MZ\x90\x00")
    assert wrong_type.status_code == 422
    assert "Недопустимый тип файла: можно PDF, JPG, PNG" in field_block(wrong_type.get_data(as_text=True),
                                                                         "promo_materials")
    disguised = upload(client, task, "scan.pdf", PNG)
    assert "Содержимое файла не похоже на PDF" in disguised.get_data(as_text=True)
    assert upload(client, task, "photo.png", PNG).status_code == 303
    assert db.session.scalars(select(Document.original_name)).all() == ["photo.png"]


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(app, model):
    instance = new()
    spec = {"x-accept": [".pdf"], "x-max-size-mb": 1}
    from werkzeug.datastructures import FileStorage
    big = FileStorage(io.BytesIO(PDF + b"0" * (1024 * 1024)), filename="big.pdf")
    with pytest.raises(UploadRejected, match="Файл больше 1 МБ"):
        store_upload(big, instance_id=instance.id, task_id=None, field="scan", spec=spec, uploaded_by="x")
    folder = Path(app.instance_path) / "uploads" / str(instance.id)
    assert list(folder.iterdir()) == []
    assert db.session.scalar(select(Document)) is None


def test_files_are_stored_by_checksum_and_never_overwritten(app, client, users, model):
    task = first_task(new())
    login(client, "client77@test.ru")
    assert upload(client, task, "Презентация.pdf", PDF).status_code == 303
    [document] = db.session.scalars(select(Document)).all()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (document.sha256, document.size, document.content_type) == (digest, len(PDF), "application/pdf")
    assert document.path == f"uploads/{task.instance_id}/{digest}.pdf"
    stored = Path(app.instance_path) / document.path
    assert stored.read_bytes() == PDF
    before = os.stat(stored)
    # The same content again, under another name: a second record, the same untouched file.
    assert upload(client, task, "копия.pdf", PDF).status_code == 303
    second = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert second.id != document.id and second.path == document.path
    after = os.stat(stored)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(os.listdir(stored.parent)) == [f"{digest}.pdf"]
    # The draft's value is the document id, and the page links the file.
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert f'href="/documents/{second.id}"' in page and "копия.pdf" in page


@pytest.mark.parametrize("who,status", [("client77", 200), ("cpe77", 200), ("mo", 200), ("cpe66", 404),
                                        ("client66", 404)])
def test_documents_download_only_for_who_sees_the_application(client, users, model, who, status):
    task = first_task(new())
    login(client, "client77@test.ru")
    upload(client, task, "scan.pdf", PDF)
    document = db.session.scalar(select(Document))
    client.post("/logout")
    login(client, users[who].email)
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF and "attachment" in response.headers["Content-Disposition"]
    assert client.get("/documents/999999").status_code == 404


def test_a_file_of_another_application_cannot_be_linked_in(client, users, model):
    theirs, mine = first_task(new()), first_task(new())
    login(client, "client77@test.ru")
    upload(client, theirs, "scan.pdf", PDF)
    document = db.session.scalar(select(Document))
    response = client.post(f"/tasks/{mine.task_id}", data={"_action": "draft", "promo_materials": str(document.id)})
    assert response.status_code == 422 and "Файл не найден: загрузите его снова" in response.get_data(as_text=True)


def test_a_task_done_meanwhile_answers_409(client, users, model):
    instance = complete(new(), "Подача Заявки")
    task = task_named(instance, CHECK)
    login(client, "cpe77@test.ru")
    assert client.get(f"/tasks/{task.task_id}").status_code == 200
    complete(instance, CHECK, actor="head.cpe77@test.ru", decision="approve")
    response = client.post(f"/tasks/{task.task_id}", data={"decision": "approve"})
    assert response.status_code == 409
    assert "Задачу уже выполнил другой пользователь" in response.get_data(as_text=True)
    assert client.get(f"/tasks/{task.task_id}").status_code == 409


def test_a_claimed_task_is_its_assignees_alone(client, users, model):
    task = task_named(complete(new(), "Подача Заявки"), CHECK)
    claims.claim(task.task_id, users["head77"])
    login(client, "cpe77@test.ru")
    response = client.get(f"/tasks/{task.task_id}")
    assert response.status_code == 403 and "Руководитель ЦПЭ Москва" in response.get_data(as_text=True)
    assert client.post(f"/tasks/{task.task_id}", data={"decision": "approve"}).status_code == 403


@pytest.mark.parametrize("who,status", [("cpe77", 403), ("client66", 404), ("cpe66", 404), ("mo", 403),
                                        ("client77", 200)])
def test_only_the_tasks_role_in_its_company_or_region_opens_it(client, users, model, who, status):
    task = first_task(new())
    login(client, users[who].email)
    assert client.get(f"/tasks/{task.task_id}").status_code == status


def test_mo_rec_completes_an_operator_task_on_its_behalf(client, users, model, clock):
    instance = complete(new(), "Подача Заявки")
    for name, changes in [(CHECK, {}), ("Согласование Заявки в МО РЭЦ", {}), ("Получение оригиналов документов", {}),
                          ("Проведение отбора Заявок", {}),
                          ("Заключение Соглашения с участием ЦПЭ, Оператора и Клиента", {}),
                          ("Согласование Услуги в МО РЭЦ", {}), ("Формирование детализированной Дорожной карты", {}),
                          ("Согласование детализированной Дорожной карты", {}), ("Реализация Дорожной карты", {}),
                          ("Завершение Заявки: загрузка подписанного Акта", {})]:
        instance = complete(instance, name, **changes)
    timer = db.session.scalar(select(Timer).where(Timer.instance_id == instance.id, Timer.kind == "report_period"))
    clock.set(timer.due_at + timedelta(seconds=1))
    fire_due_timers(clock.now())
    task = task_named(get_instance(instance.id), "Направление первого Отчёта о продажах")
    login(client, "mo@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert "от её имени" in page and 'name="responsible.email"' in page and 'name="sales.0.product"' in page
    data = sample("sales_report")
    response = client.post(f"/tasks/{task.task_id}", data=as_post("sales_report", data))
    assert response.status_code == 303, re.findall(r'role="alert">([^<]+)', response.get_data(as_text=True))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.task_id == task.task_id,
                                                       AuditEvent.action == "completed"))
    assert (event.actor, event.on_behalf_of) == ("mo@test.ru", "operator")
    entry = casefile.of_task(task.task_id)
    assert entry.data["sales"][0]["value_total"] == 18000
    assert entry.data["responsible"]["phone"] == "+7 495 765-43-21"
