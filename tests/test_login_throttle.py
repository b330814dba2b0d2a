"""Login throttling per account and per client address, counted in the database by the injected
clock; wrong API tokens are throttled per address too."""
from __future__ import annotations

import pytest

from app import create_app
from app.api.tokens import issue
from tests.conftest import PASSWORD

THROTTLED = "Слишком много неудачных попыток входа. Повторите через {} мин."
OTHER_ADDRESS = {"REMOTE_ADDR": "127.0.0.2"}


def _attempt(client, email, password=PASSWORD, environ=None):
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ or {})


def _fail(client, email, times=1, environ=None):
    for _ in range(times):
        assert _attempt(client, email, "wrong-password", environ).status_code == 200


def _api(client, token, environ=None):
    return client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}, environ_base=environ or {})


@pytest.fixture
def token(users):
    return issue(users["cpe77"], "ЛК РЭЦ")[1]


def test_five_failures_lock_the_account_even_for_the_right_password(client, users):
    _fail(client, "mo@test.ru", 5)
    locked = _attempt(client, "mo@test.ru")
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "900"
    assert THROTTLED.format(15) in locked.get_data(as_text=True)
    assert client.get("/applications").status_code == 302
    # The lock is the account's: another account from the same address logs in.
    assert _attempt(client, "cpe77@test.ru").status_code == 302


def test_the_lock_lifts_when_the_virtual_clock_passes_the_window(client, users, clock):
    _fail(client, "mo@test.ru", 5)
    clock.advance(minutes=10)
    assert THROTTLED.format(5) in _attempt(client, "mo@test.ru").get_data(as_text=True)
    clock.advance(minutes=5)
    assert _attempt(client, "mo@test.ru").status_code == 302


def test_failures_spread_over_time_count_only_inside_the_window(client, users, clock):
    _fail(client, "mo@test.ru", 3)
    clock.advance(minutes=10)
    _fail(client, "mo@test.ru", 2)
    assert _attempt(client, "mo@test.ru", "wrong-password").status_code == 429
    clock.advance(minutes=5)  # the first three have aged out, the last two still count
    _fail(client, "mo@test.ru", 3)
    assert THROTTLED.format(10) in _attempt(client, "mo@test.ru").get_data(as_text=True)


def test_a_successful_login_clears_the_accounts_count(client, users):
    _fail(client, "mo@test.ru", 4)
    assert _attempt(client, "mo@test.ru").status_code == 302
    client.post("/logout")
    _fail(client, "mo@test.ru", 4)
    assert _attempt(client, "mo@test.ru").status_code == 302


def test_an_unknown_email_is_throttled_like_a_known_one(client, users):
    _fail(client, "Nobody@test.ru", 5)
    assert _attempt(client, "nobody@test.ru ", "anything").status_code == 429


def test_twenty_failures_from_one_address_lock_it_for_every_account(client, users):
    emails = [user.email for user in users.values()]
    for attempt in range(20):
        _fail(client, emails[attempt % len(emails)])  # at most three per account
    locked = _attempt(client, "admin@test.ru")
    assert locked.status_code == 429 and THROTTLED.format(15) in locked.get_data(as_text=True)
    assert _attempt(client, "admin@test.ru", environ=OTHER_ADDRESS).status_code == 302


def test_failures_counted_by_one_web_process_lock_the_login_in_another(app, client, users):
    keep = ("TESTING", "SECRET_KEY", "WTF_CSRF_ENABLED", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS",
            "VITRINA_CLOCK")
    other = create_app({key: app.config[key] for key in keep})
    _fail(client, "mo@test.ru", 5)
    assert _attempt(other.test_client(), "mo@test.ru").status_code == 429


def test_the_limits_are_configurable(app, client, users):
    app.config["VITRINA_LOGIN_LIMITS"] = {"account": {"failures": 2, "minutes": 60}}
    _fail(client, "mo@test.ru", 2)
    assert THROTTLED.format(60) in _attempt(client, "mo@test.ru").get_data(as_text=True)


def test_wrong_api_tokens_are_throttled_per_address_with_a_json_error(client, token, clock):
    for _ in range(20):
        assert _api(client, "wrong-token").status_code == 401
    refused = _api(client, token)
    error = refused.get_json()["error"]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert error["code"] == "too_many_attempts" and error["field"] is None
    assert error["message"] == "Слишком много запросов с неверным токеном. Повторите через 15 мин."
    assert _api(client, token, OTHER_ADDRESS).status_code == 200
    clock.advance(minutes=15)
    assert _api(client, token).status_code == 200


def test_right_tokens_and_missing_headers_are_not_counted(client, token):
    for _ in range(25):
        assert _api(client, token).status_code == 200
        assert client.get("/api/v1/tasks").status_code == 401
    assert _api(client, token).status_code == 200


def test_login_throttling_and_token_throttling_are_counted_apart(client, users, token):
    for _ in range(20):
        _api(client, "wrong-token")
    assert _attempt(client, "mo@test.ru").status_code == 302
    client.post("/logout")
    emails = [user.email for user in users.values()]
    for attempt in range(20):
        _fail(client, emails[attempt % len(emails)], environ=OTHER_ADDRESS)
    assert _api(client, token, OTHER_ADDRESS).status_code == 200
