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


def test_card_shows_both_status_lines_and_the_case_file_not_loose_uploads(client, app, users, clock):
    import hashlib
    from app.extensions import db
    from app.models import Document
    login(client, "mo@test.ru")
    deploy_bundle(read_bundle(FIXTURES / "small"), actor="owner")
    instance = start_process("small", actor="client@test", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    content = b"%PDF-1.4 test"
    db.session.add(Document(instance_id=instance.id, task_id=None, field="agreement_scan",
                            original_name="Соглашение.pdf", content_type="application/pdf", size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), path="x.pdf", uploaded_by="cpe77@test.ru",
                            uploaded_at=clock.now()))
    db.session.commit()
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    timeline = card[card.index("Ход заявки"):card.index("Текущие задачи")]
    assert timeline.index("Новая") < timeline.index("На рассмотрении ЦПЭ")
    assert "31.10.2025" in timeline
    # Documents are on the card with the step that filed them (the case file); an upload no step
    # has taken in yet (a draft's) is its uploader's, on the task page.
    assert "Дело заявки: документы и версии" in card and "ни один шаг ещё не выполнен" in card
    assert "Соглашение.pdf" not in card and "agreement_scan" not in card and "cpe77@test.ru" not in card
