"""Sessions carry the user's session version: a password change or «Выйти на всех устройствах»
ends every other session, deactivation still does."""
from __future__ import annotations

import pytest

from app.accounts import deactivate, user_for_session
from app.extensions import db
from tests.conftest import FreshRequestClient, login

NEW_PASSWORD = "brand-new-pass"


@pytest.fixture
def second_client(app):
    """Another browser: a client with cookies of its own."""
    app.test_client_class = FreshRequestClient
    return app.test_client()


def _logged_in(client) -> bool:
    return client.get("/applications").status_code == 200


def test_an_admin_password_reset_ends_the_users_other_sessions(client, second_client, users, app):
    login(second_client, "mo@test.ru")
    assert _logged_in(second_client)
    admin = app.test_client()
    login(admin, "admin@test.ru")
    reset = admin.post(f"/admin/users/{users['mo'].id}/password", data={"password": NEW_PASSWORD},
                       follow_redirects=True)
    assert "открытые с прежним паролем сеансы завершены" in reset.get_data(as_text=True)
    assert not _logged_in(second_client)
    login(client, "mo@test.ru", NEW_PASSWORD)
    assert _logged_in(client)


def test_an_admin_resetting_their_own_password_stays_logged_in_here_only(client, second_client, users):
    login(client, "admin@test.ru")
    login(second_client, "admin@test.ru")
    client.post(f"/admin/users/{users['admin'].id}/password", data={"password": NEW_PASSWORD})
    assert _logged_in(client)
    assert not _logged_in(second_client)


def test_a_password_set_from_the_shell_ends_open_sessions(app, client, users):
    login(client, "cpe77@test.ru")
    assert _logged_in(client)
    result = app.test_cli_runner().invoke(args=["users", "set-password", "cpe77@test.ru", "--password", NEW_PASSWORD])
    assert result.exit_code == 0 and "открытые сеансы завершены" in result.output
    assert not _logged_in(client)


def test_logout_everywhere_ends_every_session_of_the_user_only(client, second_client, users, app):
    other_user = app.test_client()
    login(client, "cpe77@test.ru")
    login(second_client, "cpe77@test.ru")
    login(other_user, "mo@test.ru")
    page = client.get("/applications").get_data(as_text=True)
    assert "Выйти на всех устройствах" in page and 'action="/logout/everywhere"' in page
    out = client.post("/logout/everywhere", follow_redirects=True)
    assert "Вы вышли на всех устройствах" in out.get_data(as_text=True)
    assert not _logged_in(client) and not _logged_in(second_client)
    assert _logged_in(other_user)
    login(second_client, "cpe77@test.ru")
    assert _logged_in(second_client)


def test_logout_everywhere_needs_a_login(client, users):
    response = client.post("/logout/everywhere")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivation_still_ends_open_sessions(client, users):
    login(client, "mo@test.ru")
    deactivate(users["mo"])
    assert not _logged_in(client)


@pytest.mark.parametrize("session_id", ["", "abc", "1", "1:", "1:x", ":1", None])
def test_a_malformed_or_pre_versioning_session_id_opens_nothing(users, session_id):
    assert user_for_session(session_id) is None


def test_the_session_id_names_the_user_and_the_current_version(users):
    mo = users["mo"]
    assert user_for_session(mo.get_id()) is mo
    old = mo.get_id()
    mo.end_sessions()
    db.session.commit()
    assert user_for_session(old) is None and user_for_session(mo.get_id()) is mo
