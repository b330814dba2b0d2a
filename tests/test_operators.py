"""Operators (Appendix 3): the registry, accreditation by МО РЭЦ against the nine requirements
with evidence and history, and who may manage or see what. The helpers here also serve
test_operators_step6.py and the browser test."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import OperatorEvent, OperatorEvidence
from app.operators import accreditation, registry
from app.operators.errors import OperatorError, TransitionRefused
from app.operators.requirements import REQUIREMENTS
from app.statuses import OperatorStatus
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login
from tests.helpers import complete

AGREEMENT = "Заключение Соглашения с участием ЦПЭ, Оператора и Клиента"
BEFORE_AGREEMENT = ["Подача Заявки", "Проверка Заявки в ЦПЭ", "Согласование Заявки в МО РЭЦ",
                    "Получение оригиналов документов", "Проведение отбора Заявок"]
# Valid INN/ОГРН pairs (check digits right), one per test operator.
IDS = [("7704123450", "1177700123457"), ("7710987659", "1197745000012"), ("6670123457", "1166658000013")]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_operator(name: str, index: int = 0, *, accredited: bool = False, actor: str = "mo@test.ru"):
    inn, ogrn = IDS[index]
    created = registry.create_operator({"name": name, "inn": inn, "ogrn": ogrn, "marketplaces": "Tmall Global",
                                        "countries": "Китай"}, actor=actor)
    if accredited:
        accreditation.decide(created, "review", None, actor=actor)
        meet_all(created, actor)
        accreditation.decide(created, "accredit", None, actor=actor)
    return created


def meet_all(operator, actor: str = "mo@test.ru", but: int | None = None) -> None:
    for item in REQUIREMENTS:
        met = item.number != but
        accreditation.mark_requirement(operator, item.number, met, None if met else "Нет выписки", actor=actor)


def at_agreement(region: str = "77", name: str = "ООО «Ромашка»", inn: str = "7707083893"):
    instance = start_process("marketplace_support", actor="client", region=region, company_name=name,
                             company_inn=inn)
    for step in BEFORE_AGREEMENT:
        instance = complete(instance, step)
    return instance


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


# -- the registry ----------------------------------------------------------------------------
def test_a_new_operator_is_registered_as_an_application_with_history(app, clock):
    operator = make_operator("ООО «Экспорт Онлайн»")
    assert operator.status == OperatorStatus.APPLIED
    assert (operator.status_by, operator.status_at) == ("mo@test.ru", clock.now())
    event = db.session.scalar(select(OperatorEvent).where(OperatorEvent.operator_id == operator.id))
    assert (event.action, event.actor, event.status_to) == ("registered", "mo@test.ru", "Заявка")


@pytest.mark.parametrize("field, value, message", [
    ("inn", "7704123451", "Неверный ИНН: контрольная сумма не сходится"),
    ("ogrn", "12345", "Неверный ОГРН: ожидается 13 цифр (ОГРН) или 15 цифр (ОГРНИП)"),
    ("name", "", "Укажите наименование Оператора"),
    ("email", "нет", "Неверный адрес электронной почты"),
])
def test_registration_names_the_wrong_field_in_russian(app, field, value, message):
    values = {"name": "ООО «Экспорт Онлайн»", "inn": IDS[0][0], "ogrn": IDS[0][1], field: value}
    with pytest.raises(OperatorError) as refused:
        registry.create_operator(values, actor="mo@test.ru")
    assert (refused.value.field, refused.value.message) == (field, message)


def test_an_inn_is_registered_once(app):
    make_operator("ООО «Экспорт Онлайн»")
    with pytest.raises(OperatorError, match="уже есть в реестре"):
        registry.create_operator({"name": "Другое", "inn": IDS[0][0], "ogrn": IDS[0][1]}, actor="mo@test.ru")


def test_the_registration_page_shows_the_error_by_its_field(client, users):
    login(client, "mo@test.ru")
    response = client.post("/operators/new", data={"name": "ООО «Тест»", "inn": "123", "ogrn": IDS[0][1]})
    assert response.status_code == 422
    assert 'id="inn-error" role="alert">Неверный ИНН: ожидается 10 цифр' in response.get_data(as_text=True)
    created = client.post("/operators/new", data={"name": "ООО «Тест»", "inn": IDS[0][0], "ogrn": IDS[0][1]})
    assert created.status_code == 303 and registry.all_operators()[0].name == "ООО «Тест»"


# -- accreditation ---------------------------------------------------------------------------
def test_accreditation_is_refused_unless_all_nine_requirements_are_met(app):
    operator = make_operator("ООО «Экспорт Онлайн»")
    accreditation.decide(operator, "review", None, actor="mo@test.ru")
    with pytest.raises(TransitionRefused, match="не выполнены или не проверены: 1, 2, 3, 4, 5, 6, 7, 8, 9"):
        accreditation.decide(operator, "accredit", None, actor="mo@test.ru")
    meet_all(operator, but=7)
    with pytest.raises(TransitionRefused, match="не проверены: 7$"):
        accreditation.decide(operator, "accredit", None, actor="mo@test.ru")
    accreditation.mark_requirement(operator, 7, True, "Справка ФНС", actor="mo@test.ru")
    assert accreditation.decide(operator, "accredit", None, actor="head.mo@test.ru").status == "Аккредитован"
    assert operator.status_by == "head.mo@test.ru"
    assert [o.name for o in registry.accredited()] == ["ООО «Экспорт Онлайн»"]


def test_the_accredit_button_is_a_conflict_while_a_requirement_is_unmet(client, users):
    operator = make_operator("ООО «Экспорт Онлайн»")
    accreditation.decide(operator, "review", None, actor="mo@test.ru")
    meet_all(operator, but=3)
    login(client, "mo@test.ru")
    response = client.post(f"/operators/{operator.id}/decision", data={"decision": "accredit"})
    assert response.status_code == 409
    assert "не выполнены или не проверены: 3" in response.get_data(as_text=True)
    assert db.session.get(type(operator), operator.id).status == OperatorStatus.REVIEW


def test_an_unmet_requirement_needs_a_comment_and_a_refusal_or_suspension_a_reason(app):
    operator = make_operator("ООО «Экспорт Онлайн»")
    with pytest.raises(OperatorError) as refused:
        accreditation.mark_requirement(operator, 8, False, " ", actor="mo@test.ru")
    assert refused.value.field == "comment_8"
    with pytest.raises(OperatorError) as refused:
        accreditation.decide(operator, "refuse", "", actor="mo@test.ru")
    assert refused.value.field == "reason"
    accreditation.decide(operator, "refuse", "В реестре недобросовестных поставщиков", actor="mo@test.ru")
    assert (operator.status, operator.status_reason) == ("Отказано", "В реестре недобросовестных поставщиков")


def test_suspension_takes_the_operator_off_the_list_and_freezes_nothing_after(app):
    operator = make_operator("ООО «Экспорт Онлайн»", accredited=True)
    with pytest.raises(TransitionRefused, match="приостановите"):
        accreditation.mark_requirement(operator, 5, False, "Долги", actor="mo@test.ru")
    with pytest.raises(OperatorError):
        accreditation.decide(operator, "suspend", None, actor="mo@test.ru")
    accreditation.decide(operator, "suspend", "Истекла лицензия", actor="mo@test.ru")
    assert registry.accredited() == []
    accreditation.mark_requirement(operator, 2, True, "Новая лицензия", actor="mo@test.ru")
    accreditation.decide(operator, "accredit", None, actor="mo@test.ru")
    assert registry.accredited() == [operator]
    decisions = [(e.status_from, e.status_to) for e in registry.events_of(operator) if e.action == "decision"]
    assert decisions == [("Заявка", "На проверке"), ("На проверке", "Аккредитован"),
                         ("Аккредитован", "Аккредитация приостановлена"),
                         ("Аккредитация приостановлена", "Аккредитован")]


def test_a_decision_out_of_turn_is_refused(app):
    operator = make_operator("ООО «Экспорт Онлайн»")
    with pytest.raises(TransitionRefused, match="невозможно в статусе «Заявка»"):
        accreditation.decide(operator, "suspend", "причина", actor="mo@test.ru")


def test_evidence_is_stored_by_checksum_never_overwritten_and_audited(client, users, app):
    operator = make_operator("ООО «Экспорт Онлайн»")
    login(client, "mo@test.ru")
    for name in ("egrul.pdf", "egrul-copy.pdf"):
        response = client.post(f"/operators/{operator.id}/requirements/1", content_type="multipart/form-data",
                               data={"met": "true", "comment": "Выписка ЕГРЮЛ", "file": (io.BytesIO(PDF), name)})
        assert response.status_code == 303
    files = db.session.scalars(select(OperatorEvidence).order_by(OperatorEvidence.id)).all()
    assert [f.original_name for f in files] == ["egrul.pdf", "egrul-copy.pdf"]
    assert files[0].path == files[1].path == f"uploads/operators/{operator.id}/{files[0].sha256}.pdf"
    download = client.get(f"/operators/evidence/{files[0].id}")
    assert download.status_code == 200 and download.data == PDF
    fake = client.post(f"/operators/{operator.id}/requirements/2", content_type="multipart/form-data",
                       data={"met": "true", "file": (io.BytesIO(b"MZ..."), "licence.pdf")})
    assert fake.status_code == 422 and "не похоже на PDF" in fake.get_data(as_text=True)
    assert [e.action for e in registry.events_of(operator)].count("evidence") == 2


def test_with_evidence_from_a_file_storage_the_service_refuses_a_missing_file(app):
    operator = make_operator("ООО «Экспорт Онлайн»")
    with pytest.raises(OperatorError) as refused:
        accreditation.add_evidence(operator, 4, FileStorage(io.BytesIO(b""), filename=""), actor="mo@test.ru")
    assert refused.value.field == "file_4"


# -- who manages, who sees -------------------------------------------------------------------
def test_only_mo_rec_and_admins_manage_others_see_the_accredited_list(app, client, users):
    accredited = make_operator("ООО «Экспорт Онлайн»", accredited=True)
    pending = make_operator("ООО «Урал Трейд»", 1)
    login(client, "cpe77@test.ru")
    listing = client.get("/operators/").get_data(as_text=True)
    assert "ООО «Экспорт Онлайн»" in listing and "ООО «Урал Трейд»" not in listing
    assert client.get(f"/operators/{accredited.id}").status_code == 200
    assert client.get(f"/operators/{pending.id}").status_code == 404
    assert client.get("/operators/new").status_code == 403
    assert client.post(f"/operators/{accredited.id}/decision", data={"decision": "suspend", "reason": "x"}
                       ).status_code == 403
    admin = app.test_client()
    login(admin, "admin@test.ru")
    page = admin.get(f"/operators/{pending.id}").get_data(as_text=True)
    assert "Проверка требований" in page and page.count('name="met" value="true"') == 9


def test_only_an_operator_account_is_linked_and_to_one_operator(app, users, fast_hashing):
    from app.accounts import create_user
    from app.roles import Role
    first, second = make_operator("ООО «Экспорт Онлайн»"), make_operator("АО «Глобал Маркет»", 1)
    with pytest.raises(OperatorError, match="нет роли «Оператор»"):
        registry.link_user(first, "cpe77@test.ru", actor="mo@test.ru")
    create_user("op@test.ru", "Оператор", "correct-horse-42", {Role.OPERATOR})
    assert not registry.has_access(first)
    registry.link_user(first, "op@test.ru", actor="mo@test.ru")
    assert registry.has_access(first)
    with pytest.raises(OperatorError, match="уже работает за Оператора"):
        registry.link_user(second, "op@test.ru", actor="mo@test.ru")
