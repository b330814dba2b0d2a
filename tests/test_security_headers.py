"""Security headers on every response (pages, API, static files, errors), pages without inline
scripts for the CSP to allow, and the session cookie's flags."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.api.tokens import issue
from app.config import from_environment
from app.extensions import db
from app.models import LoginFailure, SimulationRun
from app.statuses import SimulationState, ThrottleScope
from tests.conftest import PASSWORD, FreshRequestClient, login

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"


def _assert_protected(response, frame_ancestors="'none'", frame_options="DENY"):
    csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == frame_ancestors
    assert response.headers["X-Frame-Options"] == frame_options
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_an_html_page_carries_the_security_headers(client, users):
    login(client, "cpe77@test.ru")
    page = client.get("/applications")
    assert page.status_code == 200 and page.mimetype == "text/html"
    _assert_protected(page)
    _assert_protected(client.get("/login"))


def test_an_api_response_carries_them(client, users):
    _, secret = issue(users["cpe77"], "ЛК РЭЦ")
    answer = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer.is_json
    _assert_protected(answer)
    _assert_protected(client.get("/api/v1/tasks"))  # the 401 as well
    _assert_protected(client.get("/api/openapi.json"))


def test_static_files_and_errors_carry_them(client, users):
    script = client.get("/static/js/diagram.js")
    assert script.status_code == 200
    _assert_protected(script)
    script.close()
    _assert_protected(client.get("/no-such-page"))


def test_the_simulation_report_may_be_framed_by_its_own_run_page_only(app, client, users):
    from app.accounts import create_user
    from app.roles import Role
    create_user("analyst@test.ru", "Аналитик", PASSWORD, {Role.ANALYST})
    run = SimulationRun(name="Малый", state=SimulationState.DONE, params_text="", created_by="analyst@test.ru",
                        created_at=app.extensions["vitrina"].clock.now(), report_html="<html><body>отчёт</body></html>")
    db.session.add(run)
    db.session.commit()
    login(client, "analyst@test.ru")
    assert f'<iframe src="/simulation/{run.id}/report"' in client.get(f"/simulation/{run.id}").get_data(as_text=True)
    _assert_protected(client.get(f"/simulation/{run.id}/report"), "'self'", "SAMEORIGIN")
    _assert_protected(client.get(f"/simulation/{run.id}"))


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_the_policy_would_block(template):
    html = template.read_text("utf-8")
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_the_session_cookie_is_httponly_and_lax_and_not_secure_over_plain_http(client, users):
    cookie = _session_cookie(client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD}))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured(app, client, users):
    app.config["SESSION_COOKIE_SECURE"] = True
    cookie = _session_cookie(client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD}))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_the_session_cookie_is_secure_on_https(client, users):
    response = client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD},
                           base_url="https://localhost")
    assert "Secure" in _session_cookie(response)


def test_behind_a_trusted_proxy_its_scheme_and_client_address_count(app, users):
    keep = ("TESTING", "SECRET_KEY", "WTF_CSRF_ENABLED", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS",
            "VITRINA_CLOCK")
    proxied = create_app({**{key: app.config[key] for key in keep}, "VITRINA_TRUSTED_PROXIES": 1})
    client = proxied.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.9"}
    response = client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD}, headers=headers)
    assert "Secure" in _session_cookie(response)
    proxied.test_client().post("/login", data={"email": "mo@test.ru", "password": "wrong-password"}, headers=headers)
    # Without trusting the proxy, the headers are just text: plain HTTP, the proxy's own address.
    app.test_client_class = FreshRequestClient
    plain = app.test_client()
    assert "Secure" not in _session_cookie(plain.post("/login", data={"email": "mo@test.ru", "password": PASSWORD},
                                                      headers=headers))
    app.test_client().post("/login", data={"email": "mo@test.ru", "password": "wrong-password"}, headers=headers)
    counted = db.session.scalars(select(LoginFailure.key).where(LoginFailure.scope == ThrottleScope.ADDRESS.value)
                                 .order_by(LoginFailure.id)).all()
    assert counted == ["127.0.0.9", "127.0.0.1"]


@pytest.mark.parametrize("value,secure", [("1", True), ("true", True), ("0", False), ("", False)])
def test_vitrina_secure_cookies_sets_the_flag(monkeypatch, value, secure):
    monkeypatch.setenv("VITRINA_SECURE_COOKIES", value)
    assert from_environment()["SESSION_COOKIE_SECURE"] is secure
