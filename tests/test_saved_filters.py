"""Saved task-list filters: a user's own round trip, a manager's shared with the region's team."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import SavedFilter
from tests.conftest import login
from tests.test_tasklist import HONEY, at_check, model, page  # noqa: F401


def test_a_saved_filter_round_trip_reopens_the_same_list(client, users, model):
    romashka, honey = at_check(), at_check(HONEY)
    login(client, "cpe77@test.ru")
    response = client.post("/tasks/filters", data={"name": "Мёд", "section": "available", "q": "сибирский",
                                                  "sort": "received", "page": "3", "junk": "x"})
    assert response.status_code == 303
    saved = db.session.scalar(select(SavedFilter))
    assert saved.query == "section=available&q=%D1%81%D0%B8%D0%B1%D0%B8%D1%80%D1%81%D0%BA%D0%B8%D0%B9&sort=received"
    html = page(client)
    assert ">Мёд</a>" in html
    reopened = client.get("/tasks?" + saved.query).get_data(as_text=True)
    assert f"№ {honey.id}<" in reopened and f"№ {romashka.id}<" not in reopened
    assert client.post(f"/tasks/filters/{saved.id}/delete").status_code == 303
    assert ">Мёд</a>" not in page(client)


def test_a_filter_needs_a_name_and_one_name_is_kept_once(client, users, model):
    login(client, "cpe77@test.ru")
    client.post("/tasks/filters", data={"name": "  "})
    assert "Укажите название фильтра" in page(client)
    client.post("/tasks/filters", data={"name": "Мои", "section": "mine"})
    client.post("/tasks/filters", data={"name": "Мои", "section": "available"})
    assert "Фильтр «Мои» уже есть" in page(client)
    assert db.session.scalar(select(SavedFilter.query)) == "section=mine"


def test_a_manager_shares_a_filter_with_the_regions_team_only(client, users, model):
    login(client, "head.cpe77@test.ru")
    assert client.post("/tasks/filters", data={"name": "Просрочка региона", "section": "overdue",
                                               "shared": "1"}).status_code == 303
    client.post("/logout")
    login(client, "cpe77@test.ru")
    html = page(client)
    assert ">Просрочка региона</a>" in html and "для команды" in html
    shared = db.session.scalar(select(SavedFilter))
    assert client.post(f"/tasks/filters/{shared.id}/delete").status_code == 404  # only its owner deletes it
    assert client.post("/tasks/filters", data={"name": "Моё", "shared": "1"}).status_code == 403
    client.post("/logout")
    login(client, "cpe66@test.ru")
    assert ">Просрочка региона</a>" not in page(client)
