"""Admin pages for API tokens: issued with the secret shown once, listed, revoked."""
from __future__ import annotations

import re

import pytest

from tests.conftest import login


def _issue(client, user, name="ЛК РЭЦ"):
    return client.post(f"/admin/users/{user.id}/tokens/", data={"name": name})


def test_admin_issues_a_token_that_opens_the_api_and_is_shown_once(client, users):
    login(client, "admin@test.ru")
    issued = _issue(client, users["cpe77"])
    assert issued.status_code == 200
    secret = re.search(r'id="token-secret" value="([^"]+)"', issued.get_data(as_text=True)).group(1)
    edit = client.get(f"/admin/users/{users['cpe77'].id}").get_data(as_text=True)
    assert "ЛК РЭЦ" in edit and "действует" in edit and secret not in edit
    client.post("/logout")
    answer = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200


def test_admin_revokes_a_token_and_it_opens_nothing(client, users):
    login(client, "admin@test.ru")
    page = _issue(client, users["cpe77"]).get_data(as_text=True)
    secret = re.search(r'id="token-secret" value="([^"]+)"', page).group(1)
    token_id = re.search(r"Токен (\d+) «ЛК РЭЦ» выпущен", page).group(1)
    revoked = client.post(f"/admin/users/{users['cpe77'].id}/tokens/{token_id}/revoke", follow_redirects=True)
    assert "Токен " + token_id + " «ЛК РЭЦ» отозван" in revoked.get_data(as_text=True)
    assert "отозван" in client.get(f"/admin/users/{users['cpe77'].id}").get_data(as_text=True)
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    # A token id of another user's page is not found there.
    assert client.post(f"/admin/users/{users['mo'].id}/tokens/{token_id}/revoke").status_code == 404


def test_token_without_a_purpose_is_refused_with_the_reason(client, users):
    login(client, "admin@test.ru")
    refused = _issue(client, users["cpe77"], name="  ")
    assert refused.status_code == 422 and "Укажите назначение токена" in refused.get_data(as_text=True)


@pytest.mark.parametrize("who", ["cpe77", "head_mo", "client77"])
def test_token_pages_are_for_admins_only(client, users, who):
    login(client, users[who].email)
    assert _issue(client, users[who]).status_code == 403
    assert client.post(f"/admin/users/{users[who].id}/tokens/1/revoke").status_code == 403
