"""Configuration: the clocks (a rehearsal installation runs a fixed offset ahead) and the environment."""
from __future__ import annotations

from datetime import timedelta

from app import create_app
from app.clock import ShiftedClock, VirtualClock
from app.workflow.runtime import runtime
from tests.conftest import moscow


def test_a_shifted_clock_runs_the_given_days_ahead_of_its_base():
    base = VirtualClock(moscow(2026, 12, 7, 10, 0))
    clock = ShiftedClock(timedelta(days=60), base)
    assert clock.now() == moscow(2027, 2, 5, 10, 0)
    base.advance(hours=1)
    assert clock.now() == moscow(2027, 2, 5, 11, 0)


def test_the_clock_shift_setting_moves_the_apps_clock(tmp_path):
    base = VirtualClock(moscow(2026, 12, 7, 10, 0))
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "VITRINA_CLOCK": base, "VITRINA_CLOCK_SHIFT_DAYS": 3,
                      "VITRINA_ENGINE_ISOLATION": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    with app.app_context():
        assert runtime().clock.now() == moscow(2026, 12, 10, 10, 0)


def test_the_environment_sets_the_mail_server_and_the_base_url(monkeypatch):
    from app.config import from_environment
    monkeypatch.setenv("VITRINA_SMTP_URL", "smtp://127.0.0.1:2525?from=robot@vitrina.test")
    monkeypatch.setenv("VITRINA_BASE_URL", "https://vitrina.example")
    config = from_environment()
    assert config["VITRINA_SMTP_URL"] == "smtp://127.0.0.1:2525?from=robot@vitrina.test"
    assert config["VITRINA_BASE_URL"] == "https://vitrina.example"
