"""Accounts, login, CSRF, admin pages, and who sees which application."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from app.access import can_see_instance, visible_instances
from app.accounts import AccountError, create_user, deactivate, managers_of
from app.demo.seed import DEMO_PASSWORD, DEMO_USERS, seed_demo_users
from app.extensions import db
from app.models import ProcessInstance, User
from app.roles import Role
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import FIXTURES, PASSWORD, login

WRONG = "Неверный e-mail или пароль"


def _applications():
    deploy_bundle(read_bundle(FIXTURES / "small"), actor="owner")
    return {
        "romashka": start_process("small", actor="t", region="77", company_name="ООО «Ромашка»",
                                  company_inn="7707083893"),
        "honey": start_process("small", actor="t", region="77", company_name="АО «Сибирский мёд»",
                               company_inn="7736050003"),
        "gems": start_process("small", actor="t", region="66", company_name="ООО «Уральские самоцветы»",
                              company_inn="6658021226"),
    }


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


# --- passwords and login ----------------------------------------------------------------------

def test_password_is_stored_as_a_hash_never_in_plain(app):
    user = create_user("Ivan@Example.RU", "Иван", "s3cret-password", [Role.ANALYST])
    stored = db.session.execute(text("select password_hash from users")).scalar_one()
    assert "s3cret-password" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert user.email == "ivan@example.ru"
    assert user.check_password("s3cret-password") and not user.check_password("s3cret-passwore")
    assert user.created_at == app.extensions["vitrina"].clock.now()  # the injected clock, not the wall


def test_login_shows_the_name_and_logout_ends_the_session(client, users):
    page = login(client, "CPE77@test.ru ").get_data(as_text=True)  # e-mail in any case, spaces trimmed
    assert "ЦПЭ Москва" in page and "Выйти" in page and 'action="/logout"' in page
    after = client.post("/logout", follow_redirects=True)
    assert "Вы вышли из системы" in after.get_data(as_text=True)
    assert client.get("/applications").status_code == 302


@pytest.mark.parametrize("email,password", [("cpe77@test.ru", "wrong-password"), ("nobody@test.ru", PASSWORD)])
def test_wrong_password_or_unknown_email_give_one_message(client, users, email, password):
    response = login(client, email, password)
    assert WRONG in response.get_data(as_text=True)
    assert client.get("/applications").status_code == 302


def test_deactivated_user_cannot_log_in_and_loses_open_session(client, users):
    login(client, "mo@test.ru")
    assert client.get("/applications").status_code == 200
    deactivate(users["mo"])
    assert client.get("/applications").status_code == 302
    assert WRONG in login(client, "mo@test.ru").get_data(as_text=True)


def test_pages_send_anonymous_visitors_to_login_and_back(client, users):
    response = client.get("/applications/5?tab=history")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.get("/applications").status_code == 302
    assert client.get("/health").status_code == 200
    back = client.post("/login?next=/applications/5%3Ftab%3Dhistory",
                       data={"email": "mo@test.ru", "password": PASSWORD})
    assert back.headers["Location"] == "/applications/5?tab=history"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example", "/\t/evil.example"])
def test_next_never_redirects_off_site(client, users, target):
    response = client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_posts_without_the_csrf_token_are_refused(app, client, users):
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD})
    assert refused.status_code == 400 and "Форма устарела" in refused.get_data(as_text=True)
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    accepted = client.post("/login", data={"email": "mo@test.ru", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    page = client.get("/applications").get_data(as_text=True)
    assert client.post("/logout").status_code == 400  # logging out is a form too
    assert client.post("/logout", data={"csrf_token": _csrf_token(page)}).status_code == 302
    assert client.get("/applications").status_code == 302


# --- admin pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["cpe77", "client77", "mo", "head_mo"])
def test_admin_pages_are_forbidden_to_everyone_else(client, users, who):
    login(client, users[who].email)
    assert client.get("/admin/users/").status_code == 403
    assert client.post("/admin/users/new", data={"email": "x@test.ru"}).status_code == 403
    assert client.get(f"/admin/users/{users[who].id}").status_code == 403
    assert client.post(f"/admin/users/{users[who].id}/password", data={"password": "x" * 10}).status_code == 403


def test_admin_pages_need_a_login(client, users):
    assert client.get("/admin/users/").status_code == 302


def test_admin_lists_creates_and_edits_users(client, users):
    login(client, "admin@test.ru")
    listing = client.get("/admin/users/").get_data(as_text=True)
    assert "cpe77@test.ru" in listing and "ЦПЭ, Руководитель" in listing and "ИНН 7707083893" in listing
    created = client.post("/admin/users/new", data={
        "email": "New.CPE@test.ru", "full_name": "Новый сотрудник", "password": "long-enough",
        "roles": ["cpe"], "region": "66"}, follow_redirects=True)
    assert "Пользователь new.cpe@test.ru создан" in created.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new.cpe@test.ru"))
    assert user.roles == {Role.CPE} and user.region == "66"
    client.post(f"/admin/users/{user.id}", data={"full_name": "Новый руководитель", "roles": ["cpe", "manager"],
                                                 "region": "66", "is_active": "on"})
    db.session.expire_all()
    assert user.roles == {Role.CPE, Role.MANAGER} and user.full_name == "Новый руководитель"
    client.post(f"/admin/users/{user.id}", data={"full_name": "Новый руководитель", "roles": ["cpe"],
                                                 "region": "66"})
    db.session.expire_all()
    assert user.roles == {Role.CPE} and not user.is_active


def test_admin_resets_a_password(client, users):
    login(client, "admin@test.ru")
    short = client.post(f"/admin/users/{users['mo'].id}/password", data={"password": "short"})
    assert short.status_code == 422 and "не короче 10 символов" in short.get_data(as_text=True)
    client.post(f"/admin/users/{users['mo'].id}/password", data={"password": "brand-new-pass"})
    client.post("/logout")
    assert WRONG in login(client, "mo@test.ru").get_data(as_text=True)
    assert "МО РЭЦ" in login(client, "mo@test.ru", "brand-new-pass").get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(client, users):
    login(client, "admin@test.ru")
    response = client.post(f"/admin/users/{users['admin'].id}", data={"full_name": "Админ", "roles": ["analyst"],
                                                                      "is_active": "on"})
    assert response.status_code == 422 and "Нельзя снять с себя роль администратора" in response.get_data(as_text=True)
    assert users["admin"].has_role(Role.ADMIN)


@pytest.mark.parametrize("changes,field,message", [
    ({"email": "not-an-email"}, "email", "Неверный e-mail"),
    ({"email": "cpe77@test.ru"}, "email", "Пользователь с таким e-mail уже есть"),
    ({"password": "123456789"}, "password", "Пароль должен быть не короче 10 символов"),
    ({"password": "password123"}, "password", "Пароль входит в список самых распространённых паролей"),
    ({"roles": ["boss"]}, "roles", "Неизвестная роль «boss»"),
    ({"roles": []}, "roles", "Выберите хотя бы одну роль"),
    ({"region": ""}, "region", "Пользователю ЦПЭ и клиенту нужен регион"),
    ({"region": "777"}, "region", "Неверный код региона"),
    ({"company_inn": ""}, "company_inn", "Клиенту нужен ИНН компании"),
    ({"company_inn": "7707083894"}, "company_inn", "Неверный ИНН: контрольная сумма не сходится"),
    ({"company_inn": "12345"}, "company_inn", "Неверный ИНН: ожидается 10 цифр"),
    ({"full_name": "  "}, "full_name", "Укажите имя пользователя"),
])
def test_create_user_refuses_with_a_russian_message_naming_the_field(client, users, changes, field, message):
    form = {"email": "c2@test.ru", "full_name": "Клиент", "password": "long-enough", "roles": ["client"],
            "region": "77", "company_inn": "7707083893", "company_name": "ООО «Ромашка»", **changes}
    with pytest.raises(AccountError) as refused:
        create_user(form["email"], form["full_name"], form["password"], form["roles"], region=form["region"],
                    company_inn=form["company_inn"], company_name=form["company_name"])
    assert refused.value.field == field and message in refused.value.message
    db.session.rollback()
    login(client, "admin@test.ru")
    page = client.post("/admin/users/new", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    # The message sits next to its field: after its (last) input, before the next field's label.
    start = html.rindex(f'name="{field}"')
    end = html.find("<label for=", start)
    # The error is shown beside its field (and linked to it: aria-describedby names its id).
    assert re.search(r'<p class="field-error"[^>]*role="alert">' + re.escape(message), html[start:end if end > 0 else None])


# --- managers ---------------------------------------------------------------------------------

def test_managers_of_a_role_are_the_regional_and_the_central_ones(users):
    assert [u.email for u in managers_of(Role.CPE, "77")] == ["head.cpe77@test.ru"]
    assert managers_of(Role.CPE, "66") == []
    assert [u.email for u in managers_of(Role.MO_REC, "66")] == ["head.mo@test.ru"]
    central = create_user("head.cpe@test.ru", "Куратор ЦПЭ", PASSWORD, [Role.CPE, Role.MANAGER], region="50")
    central.region = None  # past create_user, which asks any ЦПЭ account for a region
    db.session.commit()
    assert [u.email for u in managers_of(Role.CPE, "77")] == ["head.cpe77@test.ru", "head.cpe@test.ru"]
    deactivate(users["head77"])
    assert [u.email for u in managers_of(Role.CPE, "77")] == ["head.cpe@test.ru"]


# --- region and company isolation -------------------------------------------------------------

@pytest.mark.parametrize("who,sees", [
    ("cpe77", {"romashka", "honey"}),
    ("head77", {"romashka", "honey"}),
    ("cpe66", {"gems"}),
    ("client77", {"romashka"}),
    ("client66", {"gems"}),
    ("mo", {"romashka", "honey", "gems"}),
    ("head_mo", {"romashka", "honey", "gems"}),
    ("admin", {"romashka", "honey", "gems"}),
])
def test_each_user_sees_only_their_region_or_company_on_list_and_card(client, users, who, sees):
    apps = _applications()
    login(client, users[who].email)
    listing = client.get("/applications").get_data(as_text=True)
    assert f"Всего: {len(sees)}" in listing
    for key, instance in apps.items():
        card = client.get(f"/applications/{instance.id}")
        assert card.status_code == (200 if key in sees else 404), key
        assert (f'href="/applications/{instance.id}"' in listing) == (key in sees), key


def test_an_account_with_an_incomplete_scope_sees_nothing(app):
    apps = _applications()
    for roles, region, inn in [({Role.CPE}, None, None), ({Role.CLIENT}, "77", None), (set(), None, None),
                               ({Role.CLIENT, Role.ADMIN}, "77", None)]:
        user = User(email="x@test.ru", full_name="x", is_active=True, region=region, company_inn=inn)
        user.roles = roles
        assert db.session.scalars(visible_instances(select(ProcessInstance), user)).all() == []
        assert not any(can_see_instance(user, i) for i in apps.values())
    assert not can_see_instance(None, apps["gems"])


# --- demo users and the CLI -------------------------------------------------------------------

def test_demo_users_are_created_once_and_can_log_in(client, fast_hashing):
    assert seed_demo_users() == len(DEMO_USERS) == 15
    assert seed_demo_users() == 0
    head = db.session.scalar(select(User).where(User.email == "head.cpe77@demo.ru"))
    assert head.roles == {Role.CPE, Role.MANAGER} and head.region == "77"
    client66 = db.session.scalar(select(User).where(User.email == "client66@demo.ru"))
    assert (client66.company_inn, client66.company_name) == ("6658021226", "ООО «Уральские самоцветы»")
    assert set().union(*(roles for _, _, roles, *_ in DEMO_USERS)) == set(Role)  # every role has a demo user
    assert "Выйти" in login(client, "cpe66@demo.ru", DEMO_PASSWORD).get_data(as_text=True)


def test_users_from_the_shell(app, fast_hashing):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "--email", "Kb@Test.ru", "--name", "КБ РЭЦ", "--role", "kb_rec",
                               "--role", "manager", "--password", "long-enough"])
    assert made.exit_code == 0 and "kb@test.ru создан" in made.output
    refused = runner.invoke(args=["users", "create", "--email", "c@test.ru", "--name", "Клиент", "--role", "client",
                                  "--region", "77", "--company-inn", "123", "--password", "long-enough"])
    assert refused.exit_code == 1 and "--company-inn: Неверный ИНН" in refused.output
    listed = runner.invoke(args=["users", "list"]).output
    assert "kb@test.ru" in listed and "КБ РЭЦ, Руководитель" in listed and "c@test.ru" not in listed
    assert runner.invoke(args=["users", "set-password", "kb@test.ru", "--password", "other-pass"]).exit_code == 0
    assert db.session.scalar(select(User).where(User.email == "kb@test.ru")).check_password("other-pass")
    assert runner.invoke(args=["users", "set-password", "nobody@test.ru", "--password", "other-pass"]).exit_code == 1
