"""Exports never carry a live formula: text that a spreadsheet would run is neutralised in CSV and
written as text in XLSX, while numbers and dates keep their types."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from app import tabular
from app.accounts import create_user
from app.roles import Role
from tests.conftest import PASSWORD, login, moscow
from tests.helpers import complete
from tests.test_act import ACT, CONFIRMATION, CRM, at_act, model, new_application  # noqa: F401  (model: a fixture)
from tests.test_sales import add_report, row

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = [HYPERLINK, "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:]), delimiter=";"))


@pytest.fixture
def formula_service(app, model, users, clock):
    """A delivered service whose every client-typed text begins like a formula."""
    create_user("ops@test.ru", "ОПС РЭЦ", PASSWORD, {Role.OPS_REC})
    instance = complete(at_act(name=HYPERLINK, agreement_number="-2+3"), ACT)
    clock.set(moscow(2025, 11, 10, 12, 0))
    instance = complete(instance, CONFIRMATION, rating=4, feedback="+1")
    return complete(instance, CRM, crm_id="@SUM(1)", recorded_on="2025-11-11")


def test_the_accounting_csv_prefixes_formula_text_with_a_quote(client, formula_service):
    login(client, "ops@test.ru")
    header, line = csv_rows(client.get("/accounting.csv"))
    cells = dict(zip(header, line))
    assert cells["Компания"] == "'" + HYPERLINK
    assert (cells["№ Соглашения"], cells["Отзыв Клиента"], cells["№ записи в CRM"]) == ("'-2+3", "'+1", "'@SUM(1)")
    assert cells["№ заявки"] == str(formula_service.id) and cells["Оценка качества"] == "4"
    assert cells["Услуга оказана"] == "10.11.2025"


def test_the_accounting_xlsx_writes_formula_text_as_plain_strings(client, formula_service):
    login(client, "ops@test.ru")
    response = client.get("/accounting.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    cells = {name: cell for name, cell in zip(header, sheet[2])}
    for name, text in (("Компания", HYPERLINK), ("№ Соглашения", "-2+3"), ("Отзыв Клиента", "+1"),
                       ("№ записи в CRM", "@SUM(1)")):
        assert cells[name].data_type == "s" and cells[name].value == text, name
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)
    assert cells["№ заявки"].data_type == "n" and cells["Оценка качества"].value == 4
    assert cells["Услуга оказана"].is_date


def test_the_sales_csv_neutralises_client_text_and_keeps_negative_figures(client, app, model, users):
    instance = new_application(name="@SUM(1)")
    add_report(instance, date(2026, 1, 1), [row(HYPERLINK, "+1", "-2+3", 3, -5, 100)])
    login(client, "mo@test.ru")
    _, product = csv_rows(client.get("/sales.csv?by=product"))
    assert product[1:7] == ["'@SUM(1)", "77", "'" + HYPERLINK, "0409000000", "'+1", "'-2+3"]
    assert product[9] == "-5"  # the month's figure: a number, not text
    _, market = csv_rows(client.get("/sales.csv?by=marketplace"))
    assert market[0] == "'+1"


def test_the_sla_export_is_written_by_the_same_table_writer(client, users):
    login(client, "head.mo@test.ru")
    text = client.get("/sla.csv").get_data(as_text=True)
    assert text.startswith("\ufeffРегион;Шаг;")


@pytest.mark.parametrize("text", FORMULAS)
def test_a_csv_cell_that_begins_like_a_formula_gets_a_quote(text):
    assert tabular.csv_cell(text) == "'" + text


def test_numbers_dates_and_the_apps_own_figures_stay_as_they_are():
    assert [tabular.csv_cell(v) for v in (-2, -2.5, Decimal("-3"), date(2025, 1, 2), None)] == \
        [-2, -2.5, Decimal("-3"), date(2025, 1, 2), ""]
    assert tabular.csv_cell(tabular.Figure("-1 234,50")) == "-1 234,50"
    assert tabular.csv_cell("ООО «Ромашка» = лучшая") == "ООО «Ромашка» = лучшая"


def test_an_xlsx_row_holds_no_formula_and_keeps_typed_values():
    book = Workbook()
    tabular.append_row(book.active, [*FORMULAS, -7, 1.5, date(2025, 1, 2)])
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(out).active[1])
    assert [(c.data_type, c.value) for c in cells[:len(FORMULAS)]] == [("s", text) for text in FORMULAS]
    assert [c.value for c in cells[len(FORMULAS):-1]] == [-7, 1.5] and cells[-1].is_date
