"""The SLA dashboard (4.3): figures per region and step from real runs on the virtual clock,
region isolation, the period and region filters, the chart and the CSV export."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.accounts import create_user
from app.deadlines import sla
from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import User
from app.roles import Role
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import PASSWORD, ROOT, login, moscow
from tests.helpers import complete
from tests.test_regulation_paths import CHECK


def _start(region: str):
    inn, company = {"77": ("7707083893", "ООО «Ромашка»"), "66": ("6658021226", "ООО «Уральские самоцветы»")}[region]
    instance = start_process("marketplace_support", actor="client@test.ru", region=region, company_name=company,
                             company_inn=inn)
    return complete_step(instance, "Подача Заявки")


def complete_step(instance, name, **data):
    return complete(get_instance(instance.id), name, **data)


@pytest.fixture
def scenario(app, users, clock):
    """Step 2 (check, 2 working days) in region 77: done on time, done 2 working days late, and
    one still open past its deadline; region 66 has one open breach of its own.

    All become ready on Friday 31.10.2025 10:00; the deadline is the end of 05.11 (01.11 is a
    working Saturday, 03–04.11 are days off).
    """
    create_user("head.cpe66@test.ru", "Руководитель ЦПЭ Екатеринбург", PASSWORD, {Role.CPE, Role.MANAGER},
                region="66")
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    on_time, late, still_open, other_region = _start("77"), _start("77"), _start("77"), _start("66")
    clock.set(moscow(2025, 11, 5, 12, 0))
    complete_step(on_time, CHECK, decision="approve")  # 2 working days: 01.11 and 05.11
    clock.set(moscow(2025, 11, 6, 9, 0))
    fire_due_timers(clock.now())  # three breaches open: late, still_open, other_region
    clock.set(moscow(2025, 11, 7, 15, 0))
    complete_step(late, CHECK, decision="approve")  # 06.11 and 07.11 late: 4 working days in all
    return {"on_time": on_time, "late": late, "open": still_open, "other": other_region}


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _row(report, region, step):
    [row] = [f for f in report.rows if (f.region, f.step) == (region, step)]
    return row


def test_figures_of_a_known_scenario(scenario, clock):
    report = sla.report(_user("head.mo@test.ru"), sla.default_period(clock.now()))
    step_2 = _row(report, "77", "2")
    assert (step_2.completed, step_2.on_time, step_2.on_time_share) == (2, 1, 50.0)
    assert (step_2.open_breaches, step_2.closed_breaches, step_2.avg_late_days) == (1, 1, 2.0)
    assert (step_2.avg_duration_days, step_2.normative, step_2.over_normative) == (3.0, 2, True)
    assert step_2.task_name == CHECK
    assert _row(report, "66", "2").open_breaches == 1
    assert report.open_total == 2
    assert sorted((b.instance_id, b.step, b.region, b.late_days) for b in report.open_breaches) == sorted(
        [(scenario["open"].id, "2", "77", 2), (scenario["other"].id, "2", "66", 2)])


def test_period_counts_steps_by_their_completion_time(scenario, clock):
    period = sla.parse_period("06.11.2025", "07.11.2025", clock.now())
    step_2 = _row(sla.report(_user("head.mo@test.ru"), period), "77", "2")
    assert (step_2.completed, step_2.on_time, step_2.closed_breaches) == (1, 0, 1)
    assert step_2.open_breaches == 1  # open now, whatever the period


def test_default_period_is_the_last_90_days_by_the_clock(clock):
    period = sla.default_period(moscow(2025, 11, 7, 1, 0))
    assert (period.start.isoformat(), period.end.isoformat()) == ("2025-08-10", "2025-11-07")
    with pytest.raises(sla.PeriodError):
        sla.parse_period("2025-11-01", None, clock.now())
    with pytest.raises(sla.PeriodError):
        sla.parse_period("08.11.2025", "07.11.2025", clock.now())


def test_normatives_come_from_the_deployed_model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    known = sla.normatives()
    assert (known["2"].days, known["8"].days, known["12"].days, known["14"].days) == (2, 60, 5, sla.ON_AGREEMENT)
    assert known["2"].task_name == CHECK


def test_the_page_shows_the_table_the_chart_and_open_breaches(scenario, client):
    login(client, "head.mo@test.ru")
    page = client.get("/sla").get_data(as_text=True)
    assert "Сроки (SLA)" in page and "<svg" in page and "г. Москва" in page and "Свердловская область" in page
    assert "50,0 % (1 из 2)" in page  # the chart's bar of step 2, both regions together
    assert "05.11.2025 23:59" in page  # the open breaches' deadline, Moscow time
    assert f'href="/applications/{scenario["open"].id}"' in page
    assert 'value="10.08.2025"' in page and 'value="06.11.2025"' not in page


def test_central_staff_filter_by_region(scenario, client):
    login(client, "mo@test.ru")
    page = client.get("/sla?region=66").get_data(as_text=True)
    # The table's rows by region (the filter still lists every region by name).
    assert '<th colspan="10">Свердловская область</th>' in page and '<th colspan="10">г. Москва</th>' not in page
    assert f'/applications/{scenario["open"].id}"' not in page


def test_a_regional_manager_sees_only_their_region(scenario, client):
    login(client, "head.cpe66@test.ru")
    for url in ("/sla", "/sla?region=77"):
        page = client.get(url).get_data(as_text=True)
        assert "Свердловская область" in page and "г. Москва" not in page
        assert f'/applications/{scenario["open"].id}"' not in page
        assert f'/applications/{scenario["other"].id}"' in page
    rows = list(csv.reader(io.StringIO(client.get("/sla.csv?region=77").get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert {r[0] for r in rows[1:]} == {"66"}


def test_performers_and_clients_are_refused(scenario, client):
    for email in ("cpe77@test.ru", "client77@test.ru"):
        login(client, email)
        assert client.get("/sla").status_code == 403
        assert client.get("/sla.csv").status_code == 403
        assert "Сроки (SLA)" not in client.get("/notifications").get_data(as_text=True)
        client.post("/logout")
    assert client.get("/sla").status_code == 302  # to the login page


def test_csv_export_parses_with_russian_headers_and_dates(scenario, client):
    login(client, "head.cpe77@test.ru")
    response = client.get("/sla.csv?from=01.11.2025&to=07.11.2025")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    assert header[:3] == ["Регион", "Шаг", "Задача"] and "Доля в срок, %" in header
    by_step = {(r[0], r[1]): dict(zip(header, r)) for r in rows}
    assert set(by_step) == {("77", "2")}
    row = by_step[("77", "2")]
    assert (row["Период с"], row["Период по"]) == ("01.11.2025", "07.11.2025")
    assert (row["Выполнено шагов"], row["Выполнено в срок"], row["Доля в срок, %"]) == ("2", "1", "50,0")
    assert (row["Открытых нарушений сейчас"], row["Средняя просрочка, раб. дн."]) == ("1", "2,0")
    assert (row["Средняя длительность, раб. дн."], row["Нормативный срок, раб. дн."]) == ("3,0", "2")


def test_a_bad_date_falls_back_on_the_page_and_refuses_the_file(scenario, client):
    login(client, "head.mo@test.ru")
    page = client.get("/sla?from=31.02.2025")
    assert page.status_code == 200 and "ДД.ММ.ГГГГ" in page.get_data(as_text=True)
    assert client.get("/sla.csv?from=2025-11-01").status_code == 400
    assert client.get("/sla?region=<script>").status_code == 200


def test_an_empty_dashboard_before_any_deployment(app, users, client):
    login(client, "admin@test.ru")
    page = client.get("/sla").get_data(as_text=True)
    assert "Данных за период нет" in page and "Открытых нарушений нет" in page
