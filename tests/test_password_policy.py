"""The password policy: at least 10 characters and not a common or easily guessed one, wherever a
password is set (admin pages, the shell), with a Russian message naming the field."""
from __future__ import annotations

import re

import pytest

from app.accounts import AccountError, create_user, set_password
from app.accounts.passwords import COMMON, GUESSABLE, TOO_SHORT, problem
from app.roles import Role
from tests.conftest import login

GOOD = "Ледокол-Сибирь-1937"


@pytest.mark.parametrize("password,message", [
    ("", TOO_SHORT), ("kor0tkiy!", TOO_SHORT),
    ("password123", COMMON), ("qwertyuiop", COMMON), ("1234567890", COMMON), ("1q2w3e4r5t", COMMON),
    ("iloveyou12", GUESSABLE), ("P@ssw0rd123", GUESSABLE), ("aaaaaaaaaaaa", GUESSABLE), ("abcdefghijk", GUESSABLE),
])
def test_short_common_and_guessable_passwords_are_refused(password, message):
    assert problem(password) == message
    assert message.startswith("Пароль ")


@pytest.mark.parametrize("password", [GOOD, "correct-horse-42", "vitrina-demo", "x7#Lk-p0Qz", "a" * 5 + "Zq8#w" * 20])
def test_good_passwords_are_accepted(password):
    assert problem(password) is None


def test_a_password_made_of_the_accounts_own_words_is_refused(app):
    with pytest.raises(AccountError) as refused:
        create_user("stepan.kovalenko@test.ru", "Степан Коваленко", "stepan.kovalenko", [Role.ANALYST])
    assert refused.value.field == "password" and refused.value.message == GUESSABLE


def test_every_way_of_setting_a_password_applies_the_policy(app, users):
    for password, message in [("short", TOO_SHORT), ("qwertyuiop", COMMON)]:
        with pytest.raises(AccountError) as refused:
            create_user("new@test.ru", "Новый", password, [Role.ANALYST])
        assert (refused.value.field, refused.value.message) == ("password", message)
        with pytest.raises(AccountError) as refused:
            set_password(users["mo"], password)
        assert (refused.value.field, refused.value.message) == ("password", message)
    set_password(users["mo"], GOOD)
    assert users["mo"].check_password(GOOD)


def test_the_admin_pages_show_the_refusal_next_to_the_field(client, users):
    login(client, "admin@test.ru")
    created = client.post("/admin/users/new", data={"email": "a@test.ru", "full_name": "Аналитик",
                                                    "password": "password123", "roles": ["analyst"]})
    html = created.get_data(as_text=True)
    assert created.status_code == 422
    assert re.search(r'<p class="field-error"[^>]*role="alert">' + re.escape(COMMON), html[html.rindex('name="password"'):])
    reset = client.post(f"/admin/users/{users['mo'].id}/password", data={"password": "qwertyuiop"})
    html = reset.get_data(as_text=True)
    assert reset.status_code == 422
    assert re.search(r'<p class="field-error"[^>]*role="alert">' + re.escape(COMMON), html[html.index('id="new_password"'):])
    assert client.post(f"/admin/users/{users['mo'].id}/password", data={"password": GOOD}).status_code == 302


def test_the_shell_names_the_option_and_refuses(app, users):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "--email", "kb@test.ru", "--name", "КБ РЭЦ", "--role", "kb_rec",
                               "--password", "password123"])
    assert made.exit_code == 1 and f"--password: {COMMON}" in made.output
    reset = runner.invoke(args=["users", "set-password", "mo@test.ru", "--password", "qwertyuiop"])
    assert reset.exit_code == 1 and f"--password: {COMMON}" in reset.output
    reset = runner.invoke(args=["users", "set-password", "mo@test.ru", "--password", "123456789"])
    assert reset.exit_code == 1 and f"--password: {TOO_SHORT}" in reset.output
    assert runner.invoke(args=["users", "set-password", "mo@test.ru", "--password", GOOD]).exit_code == 0
