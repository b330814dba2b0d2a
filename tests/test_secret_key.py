"""No default secret: setup generates the session key, serve refuses the public one, a cookie
forged with it opens nothing."""
from __future__ import annotations

import stat

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app import create_app, secret_key
from app.secret_key import DEVELOPMENT_KEY, InsecureSecretKey, refuse_insecure


@pytest.fixture
def bare_instance(tmp_path, monkeypatch):
    """An instance folder with no config.py and no key, and no key in the environment."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("VITRINA_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("VITRINA_SECRET_KEY", raising=False)
    return folder


def _restart(tmp_path):
    """A new app as a restarted server makes it: no SECRET_KEY given."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'restart.sqlite3'}"})


def _cookie(key: str, data: dict) -> str:
    signer = Flask("forger")
    signer.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(data)


def test_setup_writes_a_private_key_that_every_restart_uses(app, tmp_path, bare_instance, migrations):
    assert _restart(tmp_path).config["SECRET_KEY"] is None
    app.instance_path = str(bare_instance)
    first = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert first.exit_code == 0, first.output
    assert "Секретный ключ сессий записан" in first.output
    key_file = bare_instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64 and key != DEVELOPMENT_KEY
    again = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert again.exit_code == 0 and "Секретный ключ" not in again.output
    assert key_file.read_text().strip() == key
    assert _restart(tmp_path).config["SECRET_KEY"] == key
    assert _restart(tmp_path).config["SECRET_KEY"] == key


def test_instance_config_and_environment_win_over_the_generated_key(tmp_path, bare_instance, monkeypatch):
    secret_key.ensure(bare_instance)
    (bare_instance / "config.py").write_text('SECRET_KEY = "from-instance-config"\n')
    assert _restart(tmp_path).config["SECRET_KEY"] == "from-instance-config"
    monkeypatch.setenv("VITRINA_SECRET_KEY", "from-environment")
    assert _restart(tmp_path).config["SECRET_KEY"] == "from-environment"


@pytest.mark.parametrize("key,reason", [(None, "Не задан секретный ключ"), ("", "Не задан секретный ключ"),
                                        (DEVELOPMENT_KEY, "общеизвестен")])
def test_serving_refuses_no_key_or_the_development_key(key, reason):
    with pytest.raises(InsecureSecretKey) as refused:
        refuse_insecure({"SECRET_KEY": key})
    assert reason in str(refused.value) and "vitrina setup" in str(refused.value)


def test_serving_accepts_a_real_key_and_tests_bring_their_own():
    refuse_insecure({"SECRET_KEY": "4f" * 32})
    refuse_insecure({"SECRET_KEY": DEVELOPMENT_KEY, "TESTING": True})


def test_serve_command_exits_with_the_message_before_starting_anything(app, monkeypatch):
    def no_server(*args, **kwargs):
        raise AssertionError("the server must not start")
    monkeypatch.setattr("waitress.serve", no_server)
    monkeypatch.setattr("app.deadlines.alarm.Alarm.start", no_server)
    app.config.update(TESTING=False, SECRET_KEY=DEVELOPMENT_KEY)
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 1 and "общеизвестен" in result.output


def test_a_cookie_signed_with_the_development_key_does_not_log_in(client, users):
    session = {"_user_id": users["admin"].get_id(), "_fresh": True}
    client.set_cookie("session", _cookie(DEVELOPMENT_KEY, session))
    assert client.get("/admin/users/").status_code == 302
    # The same cookie signed with the app's own key does: the forgery above was well made.
    client.set_cookie("session", _cookie(client.application.secret_key, session))
    assert client.get("/admin/users/").status_code == 200
