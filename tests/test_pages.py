"""The read-only pages: list of applications and the application card."""
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import FIXTURES, login


def test_list_and_card_show_statuses_tasks_deadlines_and_history(client, app, users):
    login(client, "mo@test.ru")
    deploy_bundle(read_bundle(FIXTURES / "small"), actor="owner")
    instance = start_process("small", actor="client@test", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    page = client.get("/applications").get_data(as_text=True)
    assert "ООО «Ромашка»" in page and "На рассмотрении ЦПЭ" in page
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert "Проверка заявки" in card and "ЦПЭ" in card
    assert "05.11.2025 23:59" in card  # the normative deadline, in Moscow time
    assert "Новая → На рассмотрении ЦПЭ" in card


def test_unknown_application_is_404(client, users):
    login(client, "mo@test.ru")
    assert client.get("/applications/999999").status_code == 404


def test_health_needs_no_login(client):
    assert client.get("/health").get_json() == {"status": "ok"}
