"""The Act of publication (Appendix 5) at step 11: prefilled from the agreement, generated as a
DOCX from the goods typed on the task page, downloadable from the card once signed and uploaded."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import stat

import pytest
from docx import Document as Docx

from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import ROOT, login
from tests.form_posts import as_post
from tests.helpers import complete, task_named

ACT = "Завершение Заявки: загрузка подписанного Акта"
CONFIRMATION = "Подтверждение факта оказания услуги"
CRM = "Учёт услуги в CRM"
# The happy path up to the Act, with the decisions that lead on.
TO_ACT = [("Подача Заявки", {}), ("Проверка Заявки в ЦПЭ", {"decision": "approve"}),
          ("Согласование Заявки в МО РЭЦ", {"decision": "approve"}), ("Получение оригиналов документов", {}),
          ("Проведение отбора Заявок", {"decision": "approve"}),
          ("Заключение Соглашения с участием ЦПЭ, Оператора и Клиента", {"decision": "approve"}),
          ("Согласование Услуги в МО РЭЦ", {"decision": "approve"}),
          ("Формирование детализированной Дорожной карты", {}),
          ("Согласование детализированной Дорожной карты", {"decision": "approve"}),
          ("Реализация Дорожной карты", {})]
GOODS = [
    {"name": "Мёд цветочный, 250 г", "tnved": "0409000000", "marketplace": "Tmall Global",
     "link": "https://tmall.example/item/1"},
    {"name": "Мёд липовый, 500 г", "tnved": "0409000000", "marketplace": "JD.com",
     "link": "https://jd.example/item/77"},
]


def new_application(region="77", name="ООО «Ромашка»", inn="7707083893"):
    return start_process("marketplace_support", actor="client", region=region, company_name=name, company_inn=inn)


def at_act(region="77", name="ООО «Ромашка»", inn="7707083893", **agreement):
    """A new application driven along the happy path to the open Act task (step 11)."""
    instance = new_application(region, name, inn)
    for task, data in TO_ACT:
        if task.startswith("Заключение Соглашения"):
            data = {**data, **agreement}
        instance = complete(instance, task, **data)
    return instance


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def docx_of(response) -> Docx:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return Docx(io.BytesIO(response.data))


def table_rows(document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def text_of(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_act_form_starts_from_the_agreement_of_step_6(client, users, model):
    instance = at_act(agreement_number="С-99/2025", operator_name="ООО «Площадка Плюс»")
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task_named(instance, ACT).task_id}").get_data(as_text=True)
    assert 'value="С-99/2025"' in page
    assert "ООО «Площадка Плюс»" in page
    assert "Сформировать акт о публикации (DOCX)" in page


def test_a_generated_act_is_a_docx_whose_table_holds_the_goods_entered(client, users, model):
    instance = at_act()
    task = task_named(instance, ACT)
    login(client, "cpe77@test.ru")
    values = {"act_date": "2026-03-20", "act_place": "г. Москва", "act_cpe_name": "ЦПЭ г. Москвы",
              "act_cpe_position": "директор", "act_cpe_person": "Иванов Иван Иванович", "act_cpe_basis": "устава",
              "act_operator_name": "ООО «Экспорт Онлайн»", "act_company_name": "ООО «Ромашка»",
              "act_agreement_number": "С-12/2025", "act_agreement_date": "2025-12-01", "act_goods": GOODS}
    # No signed scan yet: the document to sign comes first.
    document = docx_of(client.post(f"/tasks/{task.task_id}", data=as_post("act_upload", values, "paper_docx")))
    assert table_rows(document) == [
        ["№", "Наименование товара", "Код ТН ВЭД", "Наименование площадки", "Ссылка на страницу с размещенным товаром"],
        ["1", "Мёд цветочный, 250 г", "0409000000", "Tmall Global", "https://tmall.example/item/1"],
        ["2", "Мёд липовый, 500 г", "0409000000", "JD.com", "https://jd.example/item/77"],
    ]
    text = text_of(document)
    assert "к Соглашению № С-12/2025 от «01» декабря 2025 г." in text
    assert "ЦПЭ г. Москвы (далее – «ЦПЭ»), в лице директора Иванова Ивана Ивановича, действующего на основании устава" in text
    assert "опубликованы на площадках Tmall Global, JD.com." in text
    assert "«20» марта 2026 г." in text
    # What was typed is kept as a draft: the page shows it again.
    assert "Мёд липовый, 500 г" in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)


def test_bad_goods_rows_are_refused_with_russian_messages_naming_row_and_column(client, users, model):
    instance = at_act()
    task = task_named(instance, ACT)
    login(client, "cpe77@test.ru")
    bad = [GOODS[0], {"name": "Мёд", "tnved": "04090", "marketplace": "", "link": "tmall.example/item"}]
    response = client.post(f"/tasks/{task.task_id}", data=as_post(
        "act_upload", {"act_date": "2026-03-20", "act_goods": bad}, "paper_docx"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Номенклатура товаров, строка 2: Код ТН ВЭД</a> — Неверный код ТН ВЭД: ожидается 10 цифр" in page
    assert "Номенклатура товаров, строка 2: Наименование площадки</a> — Обязательное поле" in page
    assert "Номенклатура товаров, строка 2: Ссылка на страницу с размещённым товаром</a> — Неверная ссылка" in page
    assert "Номенклатура товаров, строка 1" not in page
    assert get_instance(instance.id).application_status == "В работе"  # nothing was completed


def test_the_signed_act_downloads_from_the_card_and_pdf_is_explained_without_libreoffice(
        client, users, model, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no LibreOffice here, whatever the machine has
    instance = complete(at_act(), ACT, act_goods=GOODS)
    login(client, "cpe77@test.ru")
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert "Акт о публикации товаров (прил. 5)" in card
    assert "PDF недоступен: на сервере не установлен LibreOffice" in card
    document = docx_of(client.get(f"/applications/{instance.id}/act.docx"))
    assert [row[1] for row in table_rows(document)[1:]] == ["Мёд цветочный, 250 г", "Мёд липовый, 500 г"]
    pdf = client.get(f"/applications/{instance.id}/act.pdf")
    assert pdf.status_code == 503
    assert "LibreOffice не установлен на сервере" in pdf.get_data(as_text=True)


def test_the_act_of_another_region_is_not_found(client, users, model):
    instance = complete(at_act(), ACT)
    login(client, "cpe66@test.ru")
    assert client.get(f"/applications/{instance.id}/act.docx").status_code == 404


def test_the_act_is_converted_to_pdf_when_libreoffice_is_on_the_path(client, users, model, monkeypatch, tmp_path):
    # A stand-in for soffice that writes what LibreOffice would: <outdir>/<name>.pdf.
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\n'
                    'printf "%%PDF-1.4 converted" > "$2/document.pdf"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    instance = complete(at_act(), ACT)
    login(client, "cpe77@test.ru")
    response = client.get(f"/applications/{instance.id}/act.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.data.startswith(b"%PDF-")


def act_values(**changes) -> dict:
    values = {"act_date": "2026-03-20", "act_place": "г. Москва", "act_cpe_name": "ЦПЭ г. Москвы",
              "act_cpe_position": "директор", "act_cpe_person": "Соколова Анна Викторовна", "act_cpe_basis": "устава",
              "act_operator_name": "ООО «Экспорт Онлайн»", "act_operator_position": "генеральный директор",
              "act_operator_person": "Лихачёв Дмитрий Сергеевич", "act_operator_basis": "устава",
              "act_company_name": "ООО «Ромашка»", "act_company_position": "генеральный директор",
              "act_company_person": "Петров Пётр Петрович", "act_agreement_number": "С-12/2025",
              "act_agreement_date": "2025-12-01", "act_goods": GOODS}
    return {**values, **changes}


def signature_lines(document) -> list[str]:
    return [p.text for cell in document.tables[1]._cells for p in cell.paragraphs if p.text.startswith("____")]


def test_a_female_director_is_declined_and_signs_with_her_initials(client, users, model):
    task = task_named(at_act(), ACT)
    login(client, "cpe77@test.ru")
    document = docx_of(client.post(f"/tasks/{task.task_id}", data=as_post("act_upload", act_values(), "paper_docx")))
    text = text_of(document)
    assert ("ЦПЭ г. Москвы (далее – «ЦПЭ»), в лице директора Соколовой Анны Викторовны, действующей на основании "
            "устава, и") in text
    assert "/А. В. Соколова/" in signature_lines(document)[0]
    assert "Соколовой Анны Викторовны/" not in "\n".join(signature_lines(document))


def test_a_male_signatory_is_declined_with_his_position_and_acts_in_the_masculine(client, users, model):
    task = task_named(at_act(), ACT)
    login(client, "cpe77@test.ru")
    document = docx_of(client.post(f"/tasks/{task.task_id}", data=as_post("act_upload", act_values(), "paper_docx")))
    assert ("ООО «Экспорт Онлайн» (далее – «Оператор»), в лице генерального директора Лихачёва Дмитрия Сергеевича, "
            "действующего на основании устава") in text_of(document)
    assert [line.rsplit("/", 2)[1] for line in signature_lines(document)] == ["А. В. Соколова", "П. П. Петров",
                                                                               "Д. С. Лихачёв"]


def test_the_act_starts_with_the_company_head_from_the_questionnaire_and_the_goods_of_step_10(client, users, model):
    placed = [{"name": "Мёд гречишный, 1 кг", "tnved": "0409000000", "marketplace": "Ozon Global",
               "link": "https://ozon.example/p/5"}]
    instance = new_application()
    for task_name, data in TO_ACT:
        instance = complete(instance, task_name, **({**data, "placed_goods": placed, "placed_on": ["Ozon Global"]}
                                                    if task_name == "Реализация Дорожной карты" else data))
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task_named(instance, ACT).task_id}").get_data(as_text=True)
    assert "Мёд гречишный, 1 кг" in page and "https://ozon.example/p/5" in page
    assert 'value="Петров Пётр Петрович"' in page and 'value="Генеральный директор"' in page


def test_without_goods_listed_at_step_10_the_act_starts_with_a_row_per_marketplace_placed_on(app):
    from app.paperwork import act

    rows = act.placed_goods({"placed_on": ["Tmall Global", "JD.com", "Tmall Global"]})
    assert rows == [{"name": "", "tnved": "", "marketplace": "Tmall Global", "link": ""},
                    {"name": "", "tnved": "", "marketplace": "JD.com", "link": ""}]


def test_an_act_drafted_with_the_old_signatory_phrase_still_renders_it_as_typed(app):
    from app.paperwork import act

    document = Docx(io.BytesIO(act.render({"act_cpe_name": "ЦПЭ", "act_cpe_signatory": "директора Иванова И. И.",
                                           "act_cpe_basis": "устава", "act_goods": GOODS})))
    assert "в лице директора Иванова И. И., действующего на основании устава" in text_of(document)
    assert "/директора Иванова И. И./" in signature_lines(document)[0]


@pytest.mark.skipif(not ((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) or pdftotext is not installed: ./scripts/test installs "
                           "libreoffice-writer and poppler-utils when run as root")
def test_libreoffice_renders_the_act_to_a_pdf_with_its_text(app, tmp_path):
    from app.paperwork import act, layout

    (tmp_path / "act.pdf").write_bytes(layout.to_pdf(act.render(act_values())))
    extracted = subprocess.run(["pdftotext", str(tmp_path / "act.pdf"), "-"], check=True,
                               capture_output=True, text=True).stdout
    text = " ".join(extracted.split())
    assert "АКТ о публикации товаров" in text
    assert "в лице директора Соколовой Анны Викторовны, действующей на основании устава" in text
    assert "/А. В. Соколова/" in text and "Мёд липовый, 500 г" in text
