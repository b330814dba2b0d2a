"""ОПС РЭЦ's register of delivered services (step 13): rows, filters, and CSV/XLSX exports."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.accounts import create_user
from app.roles import Role
from tests.conftest import PASSWORD, login, moscow
from tests.helpers import complete
from tests.test_act import ACT, CONFIRMATION, CRM, at_act, model  # noqa: F401  (model is a fixture)


@pytest.fixture
def delivered(app, model, users, clock):
    """Two services delivered (77 on 10.11.2025, recorded in CRM; 66 on 20.11.2025) and one still at the Act."""
    create_user("ops@test.ru", "ОПС РЭЦ", PASSWORD, {Role.OPS_REC})
    moscow_app = complete(at_act(agreement_number="С-1/2025", operator_name="ООО «Экспорт Онлайн»"), ACT)
    ural = complete(at_act("66", "ООО «Уральские самоцветы»", "6658021226", agreement_number="С-2/2025"), ACT)
    at_act(agreement_number="С-3/2025")  # not delivered yet: not in the register
    clock.set(moscow(2025, 11, 10, 12, 0))
    moscow_app = complete(moscow_app, CONFIRMATION, rating=4, feedback="Хорошо")
    complete(moscow_app, CRM, crm_id="CRM-77-1", recorded_on="2025-11-11")
    clock.set(moscow(2025, 11, 20, 12, 0))
    complete(ural, CONFIRMATION, rating=5)
    return moscow_app, ural


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # UTF-8 with BOM for Russian Excel
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_register_lists_delivered_services_with_agreement_rating_and_crm_record(client, delivered):
    moscow_app, ural = delivered
    login(client, "ops@test.ru")
    page = client.get("/accounting").get_data(as_text=True)
    assert "С-1/2025" in page and "С-2/2025" in page and "С-3/2025" not in page
    rows = csv_rows(client.get("/accounting.csv"))
    assert rows[0][:4] == ["№ заявки", "Компания", "ИНН", "Регион"]
    assert rows[1:] == [
        [str(ural.id), "ООО «Уральские самоцветы»", "6658021226", "66", "ООО «Экспорт Онлайн»", "С-2/2025",
         "01.12.2025", "31.05.2026", "20.11.2025", "5", "Спасибо", "", "", "Услуга завершена"],
        [str(moscow_app.id), "ООО «Ромашка»", "7707083893", "77", "ООО «Экспорт Онлайн»", "С-1/2025",
         "01.12.2025", "31.05.2026", "10.11.2025", "4", "Хорошо", "CRM-77-1", "11.11.2025", "Услуга учтена"],
    ]


def test_the_xlsx_export_has_typed_date_and_number_cells(client, delivered):
    moscow_app, _ = delivered
    login(client, "ops@test.ru")
    response = client.get("/accounting.xlsx?region=77")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "№ заявки" and len(rows) == 1
    cells = dict(zip(header, rows[0]))
    assert cells["№ заявки"] == moscow_app.id and isinstance(cells["№ заявки"], int)
    assert cells["Оценка качества"] == 4
    assert cells["Услуга оказана"] == datetime(2025, 11, 10)
    assert cells["Дата учёта в CRM"] == datetime(2025, 11, 11)
    assert sheet.cell(row=2, column=9).number_format == "DD.MM.YYYY"


def test_the_register_filters_by_period_and_region(client, delivered):
    moscow_app, ural = delivered
    login(client, "ops@test.ru")
    ids = lambda url: [r[0] for r in csv_rows(client.get(url))[1:]]  # noqa: E731
    assert ids("/accounting.csv?from=15.11.2025") == [str(ural.id)]
    assert ids("/accounting.csv?to=15.11.2025") == [str(moscow_app.id)]
    assert ids("/accounting.csv?from=01.11.2025&to=30.11.2025&region=66") == [str(ural.id)]
    assert ids("/accounting.csv?from=01.12.2025") == []


def test_a_bad_filter_is_named_in_russian_and_never_exported(client, delivered):
    login(client, "ops@test.ru")
    response = client.get("/accounting?from=31.02.2025")
    assert response.status_code == 422
    assert "Дата «с»: укажите дату в формате ДД.ММ.ГГГГ" in response.get_data(as_text=True)
    assert "Дата «с» позже даты «по»" in client.get("/accounting?from=02.11.2025&to=01.11.2025").get_data(as_text=True)
    assert client.get("/accounting.xlsx?to=вчера").status_code == 400


@pytest.mark.parametrize("who", ["cpe77@test.ru", "client77@test.ru"])
def test_only_accounting_and_central_staff_open_the_register(client, delivered, who):
    login(client, who)
    assert client.get("/accounting").status_code == 403
    assert client.get("/accounting.csv").status_code == 403
