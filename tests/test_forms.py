import copy
import json
from datetime import date

import pytest
from jsonschema import Draft202012Validator
from stdnum.ru import ogrn as stdnum_ogrn

from app.demo.samples import forms_with_samples, sample
from app.forms.schema import (FieldError, FormFileInvalid, FormNotFound, check_schema, list_forms, load_form,
    validate)
from app.tasks.fields import undeclared_fields

EXPECTED_FORMS = {
    "application_questionnaire", "application_check", "remarks_to_client", "application_rework",
    "refusal_notice", "application_approval", "originals_receipt", "selection", "agreement",
    "service_approval", "service_remarks", "roadmap", "roadmap_approval", "roadmap_correction",
    "roadmap_execution", "act_upload", "service_confirmation", "crm_record", "sales_report",
    "consultation_request", "consultation", "scoring",
    "complaint_submission", "complaint_registration", "complaint_answer",
}

# Real registrations: Sberbank (ИНН, ОГРН) and a published ИП record.
INN_10 = "7707083893"
INN_12 = "500100732259"
OGRN_13 = "1027700132195"
OGRNIP = "304500116000157"  # 30450011600015 mod 13 = 7
# 31677460000001 mod 13 = 10, so the check digit is 0; python-stdnum rejects it.
OGRNIP_REMAINDER_10 = "316774600000010"

TESTS_TODAY = date(2025, 10, 31)  # the day of the tests' clock (conftest)

# The shared sample answers (also the demo data): one valid answer per form, its examples.
SAMPLES = {form: sample(form) for form in forms_with_samples()}


def fields(errors):
    return [e.field for e in errors]


def message_for(errors, field):
    return {e.field: e.message for e in errors}[field]


# --- files --------------------------------------------------------------------


def test_all_forms_named_in_the_brief_exist():
    assert EXPECTED_FORMS <= set(list_forms())


@pytest.mark.parametrize("name", sorted(set(list_forms())))
def test_form_file_loads_and_is_a_valid_draft_2020_12_schema(name):
    schema = load_form(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMS))
def test_form_follows_the_form_conventions(name):
    assert check_schema(load_form(name)) == []


@pytest.mark.parametrize("name", sorted(list_forms()))
def test_every_forms_example_is_a_valid_answer_to_the_form_itself(name):
    # Checked on the day the suite's applications start (tests' clock): dates "not in the future"
    # must already have passed then, and the example may carry nothing the form does not declare.
    example = load_form(name)["examples"][0]
    assert validate(name, example, today=TESTS_TODAY) + undeclared_fields(load_form(name), example) == []
    assert sample(name) == example


def test_every_form_has_a_valid_sample():
    assert set(SAMPLES) == set(list_forms())


def test_missing_form_raises_form_not_found_naming_the_file(tmp_path):
    with pytest.raises(FormNotFound, match=r"nope\.json"):
        load_form("nope", forms_dir=tmp_path)


def test_form_name_cannot_escape_the_forms_directory():
    with pytest.raises(FormNotFound):
        load_form("../app/forms")


def test_broken_json_raises_form_file_invalid(tmp_path):
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(FormFileInvalid, match="broken.json"):
        load_form("broken", forms_dir=tmp_path)


def test_load_form_returns_a_copy_that_callers_may_change():
    load_form("crm_record")["properties"].clear()
    assert "crm_id" in load_form("crm_record")["properties"]
    assert validate("crm_record", {}) == [FieldError("crm_id", "Обязательное поле")]


def test_forms_dir_argument_reads_other_directories(tmp_path):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Т", "type": "object",
              "properties": {"x": {"type": "string", "title": "Икс"}}, "required": ["x"]}
    (tmp_path / "tiny.json").write_text(json.dumps(schema), encoding="utf-8")
    assert list_forms(tmp_path) == ["tiny"]
    # The one change on loading: a string field without its own limit gets the default one.
    schema["properties"]["x"]["maxLength"] = 500
    assert load_form("tiny", forms_dir=tmp_path) == schema
    assert validate("tiny", {}, forms_dir=tmp_path) == [FieldError("x", "Обязательное поле")]


# --- INN / OGRN -----------------------------------------------------------------


def company_errors(**values):
    return validate("application_questionnaire", {**SAMPLES["application_questionnaire"], **values})


@pytest.mark.parametrize("inn", [INN_10, INN_12])
def test_inn_with_valid_check_digits_passes(inn):
    assert company_errors(company_inn=inn) == []


@pytest.mark.parametrize("inn", ["7707083894", "500100732258"])
def test_inn_with_wrong_check_digit_is_rejected(inn):
    assert company_errors(company_inn=inn) == [
        FieldError("company_inn", "Неверный ИНН: контрольная сумма не сходится")
    ]


@pytest.mark.parametrize("inn", ["77070838", "77070838931", "7707O83893", "7707 083893"])
def test_inn_of_wrong_length_or_with_non_digits_is_rejected(inn):
    assert fields(company_errors(company_inn=inn)) == ["company_inn"]
    assert message_for(company_errors(company_inn=inn), "company_inn").startswith("Неверный ИНН")


@pytest.mark.parametrize("ogrn", [OGRN_13, OGRNIP, OGRNIP_REMAINDER_10])
def test_ogrn_and_ogrnip_with_valid_check_digits_pass(ogrn):
    assert company_errors(company_ogrn=ogrn) == []


def test_ogrnip_with_remainder_10_is_valid_although_python_stdnum_rejects_it():
    assert int(OGRNIP_REMAINDER_10[:14]) % 13 == 10
    assert not stdnum_ogrn.is_valid(OGRNIP_REMAINDER_10)
    assert company_errors(company_ogrn=OGRNIP_REMAINDER_10) == []


@pytest.mark.parametrize(
    "ogrn, message",
    [
        ("1027700132194", "Неверный ОГРН: контрольная сумма не сходится"),
        ("304500116000158", "Неверный ОГРНИП: контрольная сумма не сходится"),
        ("316774600000011", "Неверный ОГРНИП: контрольная сумма не сходится"),
        ("31677460000001A", "Неверный ОГРН: допускаются только цифры"),
        ("10277001321", "Неверный ОГРН: ожидается 13 цифр (ОГРН) или 15 цифр (ОГРНИП)"),
    ],
)
def test_ogrn_with_wrong_check_digit_or_length_is_rejected(ogrn, message):
    assert company_errors(company_ogrn=ogrn) == [FieldError("company_ogrn", message)]


# --- decisions -----------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["remarks", "reject"])
def test_comment_is_required_for_remarks_and_reject(decision):
    assert validate("application_check", {"decision": decision}) == [
        FieldError("comment", "Укажите комментарий: он будет направлен Клиенту")
    ]
    assert validate("application_check", {"decision": decision, "comment": "Нет доверенности"}) == []


def test_comment_is_optional_for_approve():
    assert validate("application_check", {"decision": "approve"}) == []


def test_blank_comment_counts_as_missing():
    assert fields(validate("application_approval", {"decision": "remarks", "comment": "  \n"})) == ["comment"]


@pytest.mark.parametrize("name", ["application_approval", "service_approval", "roadmap_approval"])
def test_mo_rec_approval_steps_cannot_reject(name):
    errors = validate(name, {"decision": "reject", "comment": "нет"})
    assert errors == [FieldError("decision", "Выберите значение из списка")]


def test_decision_is_required():
    assert validate("service_approval", {}) == [FieldError("decision", "Обязательное поле")]


def test_selection_needs_a_reason_only_when_not_passed():
    base = {"selection_protocol": "№ 5 от 25.02.2025"}
    assert validate("selection", {**base, "decision": "approve"}) == []
    assert fields(validate("selection", {**base, "decision": "reject"})) == ["comment"]


def test_decision_titles_are_russian_and_match_the_enum():
    decision = load_form("selection")["properties"]["decision"]
    assert dict(zip(decision["enum"], decision["x-enum-titles"])) == {
        "approve": "Прошёл отбор", "reject": "Не прошёл отбор",
    }


AGREEMENT_FIELDS = ["operator_id", "agreement_number", "agreement_date", "agreement_end",
                    "sales_reporter", "report_period_months", "report_days", "agreement_scan"]


def test_agreement_fields_are_required_when_signed():
    errors = validate("agreement", {"decision": "approve"})
    assert errors == [FieldError(f, "Обязательное поле") for f in AGREEMENT_FIELDS]


def test_agreement_fields_are_not_required_when_not_signed():
    assert validate("agreement", {"decision": "reject", "comment": "Клиент отказался"}) == []
    assert fields(validate("agreement", {"decision": "reject"})) == ["comment"]


@pytest.mark.parametrize("field, value", [("report_period_months", 13), ("report_period_months", 0),
                                          ("report_days", 61), ("report_days", 2.5)])
def test_agreement_report_settings_are_bounded_integers(field, value):
    assert fields(validate("agreement", {**SAMPLES["agreement"], field: value})) == [field]


def test_consultation_questions_required_only_when_wanted():
    assert validate("consultation_request", {"decision": "reject"}) == []
    assert validate("consultation_request", {"decision": "approve"}) == [
        FieldError("questions", "Опишите вопросы, по которым нужна консультация")
    ]


# --- paths and messages ----------------------------------------------------------------


def test_errors_in_table_rows_carry_the_row_index():
    goods = copy.deepcopy(SAMPLES["act_upload"]["act_goods"]) * 2
    goods[1] = {**goods[1], "tnved": "04090000", "link": "tmall.com/item/1"}
    del goods[1]["name"]
    errors = validate("act_upload", {**SAMPLES["act_upload"], "act_goods": goods})
    assert errors == [
        FieldError("act_goods.1.name", "Обязательное поле"),
        FieldError("act_goods.1.tnved", "Неверный код ТН ВЭД: ожидается 10 цифр (для группы — 2, 4 или 6)"),
        FieldError("act_goods.1.link", "Неверная ссылка: ожидается адрес вида https://…"),
    ]


def test_errors_in_nested_objects_and_numbers_of_the_sales_report():
    report = copy.deepcopy(SAMPLES["sales_report"])
    report["sales"][0]["value_total"] = -1
    report["sales"][0]["transactions_total"] = 1.5
    report["responsible"] = {"name": "Сидоров", "phone": "12-34"}
    assert validate("sales_report", report) == [
        FieldError("sales.0.transactions_total", "Введите целое число"),
        FieldError("sales.0.value_total", "Значение должно быть не меньше 0"),
        FieldError("responsible.phone", "Неверный номер телефона: ожидается, например, +7 912 345-67-89"),
        FieldError("responsible.email", "Обязательное поле"),
    ]


def test_missing_property_is_named_as_the_field_not_its_parent():
    steps = [{"stage": "1", "step": "Подбор Оператора", "responsible": "ЦПЭ"}]
    assert validate("roadmap", {"roadmap_steps": steps}) == [FieldError("roadmap_steps.0.due", "Обязательное поле")]


def test_empty_table_asks_for_a_row_and_empty_checkboxes_for_an_option():
    assert validate("roadmap", {"roadmap_steps": []}) == [
        FieldError("roadmap_steps", "Добавьте хотя бы одну строку")
    ]
    assert message_for(company_errors(trade_types=[]), "trade_types") == "Выберите хотя бы один вариант"


@pytest.mark.parametrize("value, message", [
    ("20.02.2025", "Неверный формат даты, ожидается ДД.ММ.ГГГГ"),
    ("20250220", "Неверный формат даты, ожидается ДД.ММ.ГГГГ"),
    ("2025-02-30", "Такой даты не существует"),
])
def test_dates_must_be_iso_and_real(value, message):
    data = {**SAMPLES["originals_receipt"], "received_on": value}
    assert validate("originals_receipt", data) == [FieldError("received_on", message)]


def test_blank_optional_fields_are_not_errors():
    assert validate("crm_record", {"crm_id": "CRM-2026-0001", "recorded_on": ""}) == []


def test_checkbox_that_must_be_ticked_explains_why():
    expected = [FieldError("complete_set", "Подтвердите, что получен полный комплект оригиналов")]
    data = {k: v for k, v in SAMPLES["originals_receipt"].items() if k != "complete_set"}
    assert validate("originals_receipt", data, today=TESTS_TODAY) == expected
    assert validate("originals_receipt", {**data, "complete_set": False}, today=TESTS_TODAY) == expected


def test_questionnaire_follow_up_fields_are_required_only_when_they_apply():
    sample = SAMPLES["application_questionnaire"]
    assert company_errors(export_experience="none", export_countries_volumes="") == []
    assert fields(company_errors(export_experience="regular", export_countries_volumes="")) == [
        "export_countries_volumes"
    ]
    assert fields(company_errors(ready_to_pay=True, budget=None)) == ["budget"]
    assert company_errors(ready_to_pay=False, budget=None) == []
    assert fields(company_errors(ecommerce_abroad=True)) == ["ecommerce_abroad_marketplaces"]
    assert fields(company_errors(ecommerce_home=True, ecommerce_home_marketplaces="")) == [
        "ecommerce_home_marketplaces"
    ]
    assert sample["signatory_authorised"] is True
    assert message_for(company_errors(signatory_authorised=False), "signatory_authorised") == (
        "Подтвердите, что анкету подписывает уполномоченное лицо"
    )


@pytest.mark.parametrize("code, ok", [("04", True), ("0409", True), ("040900", True), ("0409000000", True),
                                      ("04090000", False), ("0409 000000", False), ("040900000A", False)])
def test_tnved_accepts_10_digits_and_group_codes(code, ok):
    assert (fields(company_errors(tnved_codes=[code])) == []) is ok


@pytest.mark.parametrize("code, ok", [("10", True), ("10.8", True), ("10.89", True), ("10.89.9", True),
                                      ("10.89.91", True), ("10.8.9", False), ("108", False), ("10.89.911", False)])
def test_okved_accepts_its_five_shapes(code, ok):
    errors = company_errors(okved_codes=["01.49", code])
    assert (errors == []) is ok
    if not ok:
        assert fields(errors) == ["okved_codes.1"]


@pytest.mark.parametrize("phone, ok", [("+7 (495) 123-45-67", True), ("89123456789", True),
                                       ("+44 20 7946 0958", True), ("123-45", False), ("+7 495 CALL-ME", False)])
def test_phone_format(phone, ok):
    assert (company_errors(contact_phone=phone) == []) is ok


@pytest.mark.parametrize("email, ok", [("a@b.ru", True), ("a.b+c@mail.example.com", True),
                                       ("a@b", False), ("a b@c.ru", False), ("@c.ru", False)])
def test_email_format(email, ok):
    assert (company_errors(contact_email=email) == []) is ok


def test_one_message_per_field():
    errors = validate("service_confirmation", {"confirmed": True, "rating": 7})
    assert errors == [FieldError("rating", "Выберите значение из списка")]


def test_data_that_is_not_an_object_is_reported_for_the_whole_form():
    assert fields(validate("crm_record", ["CRM-1"])) == [""]


def test_validate_accepts_a_schema_instead_of_a_name():
    schema = {"type": "object", "properties": {"inn": {"type": "string", "format": "inn"}}, "required": ["inn"]}
    assert validate(schema, {"inn": INN_12}) == []
    assert validate(schema, {"inn": "500100732258"}) == [
        FieldError("inn", "Неверный ИНН: контрольная сумма не сходится")
    ]


# --- roadmap ---------------------------------------------------------------------------


def test_roadmap_correction_edits_the_same_table_as_roadmap():
    original = load_form("roadmap")["properties"]["roadmap_steps"]
    corrected = load_form("roadmap_correction")["properties"]["roadmap_steps"]
    assert corrected["items"] == original["items"]


def test_roadmap_starts_from_the_base_roadmap_of_appendix_4():
    from app.roadmap import load_base_roadmap  # the base is data (forms/base_roadmap.yaml), not a default
    steps = load_form("roadmap")["properties"]["roadmap_steps"]
    stages = steps["items"]["properties"]["stage"]["enum"]
    assert stages == ["0", "1", "2", "2.1", "3", "4"]
    base_rows = load_base_roadmap().rows()
    assert {row["stage"] for row in base_rows} == set(stages)
    # the base rows have no dates yet: the ЦПЭ must set them before sending
    assert fields(validate("roadmap", {"roadmap_steps": base_rows}))[0] == "roadmap_steps.0.due"


# --- check_schema ----------------------------------------------------------------------


def test_check_schema_reports_an_invalid_json_schema():
    problems = check_schema({"type": "object", "properties": {"x": {"type": 5}}})
    assert problems and problems[0].startswith("properties.x.type")


def test_check_schema_refuses_an_unknown_reopening_or_acceptance():
    schema = load_form("sales_report")
    assert (schema["x-opens-with"], schema["x-accepted-by"]) == ("returned", "sales_acceptance")
    schema["x-opens-with"], schema["x-accepted-by"] = "previous", "approval"
    assert [p.split(":")[0] for p in check_schema(schema)] == ["x-opens-with", "x-accepted-by"]
    schema["x-opens-with"] = "returned"
    del schema["x-remarks"]
    assert "x-opens-with: «returned» needs x-remarks" in "\n".join(check_schema(schema))


def test_check_schema_reports_broken_form_conventions():
    schema = load_form("application_check")
    schema["properties"]["decision"]["x-enum-titles"].pop()
    schema["properties"]["comment"]["format"] = "snils"
    schema["properties"]["comment"]["x-widget"] = "wysiwyg"
    schema["allOf"][0]["then"]["required"] = ["komment"]
    schema["x-layout"] = [{"title": "Решение", "fields": ["decision", "nothing"]}]
    problems = "\n".join(check_schema(schema))
    for expected in ["properties.decision: x-enum-titles", "unknown format 'snils'", "unknown x-widget 'wysiwyg'",
                     "'komment' is not among the properties", "'nothing' is not among the properties",
                     "'comment' is in no section"]:
        assert expected in problems
