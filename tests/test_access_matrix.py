"""The access matrix: every role × every API endpoint and page × an application of the role's own
region and of the other one, with the expected answer.

One world per database backend (users, tokens, logged-in browsers, an application of 77 and one
of 66 at the ЦПЭ check, each with a document) serves every case; a case that changes something
(claim, release, complete, upload, file) works on a fresh application of its own, so the cases
do not depend on each other's order.
"""
from __future__ import annotations

import functools
import io
import itertools
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from app.tasks import claims, saved_filters
from app import create_app
from app.accounts import create_user, invitations
from app.api import tokens
from app.clock import VirtualClock
from app.demo.samples import sample
from app.applications.documents import store_upload
from app.extensions import db
from app.models import ApplicationOperator, ExportCentre, ModelDeploy, Notification, OpenTask
from app.regional.fields import FIELDS, form_value
from app.statuses import DeployState
from app.operators import registry
from app.roles import Role as R
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import complete_task, start_process
from tests.conftest import BACKENDS, PASSWORD, ROOT, FreshRequestClient, _database_config, login, moscow
from tests.helpers import task_named

CHECK = "Проверка Заявки в ЦПЭ"  # a ЦПЭ task: the target of the task rows
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COMPANIES = {"77": ("ООО «Ромашка»", "7707083893"), "66": ("ООО «Уральские самоцветы»", "6658021226")}

# role -> (e-mail, roles, region, company INN); "own" is the role's region, 77 for central staff.
ROLES = {
    "client77": ("client77@m.ru", {R.CLIENT}, "77", "7707083893"),
    "client66": ("client66@m.ru", {R.CLIENT}, "66", "6658021226"),
    "cpe77": ("cpe77@m.ru", {R.CPE}, "77", None),
    "cpe66": ("cpe66@m.ru", {R.CPE}, "66", None),
    "head77": ("head.cpe77@m.ru", {R.CPE, R.MANAGER}, "77", None),  # the manager of ЦПЭ 77
    "mo": ("mo@m.ru", {R.MO_REC}, None, None),
    "ops": ("ops@m.ru", {R.OPS_REC}, None, None),
    "kb": ("kb@m.ru", {R.KB_REC}, None, None),
    "operator": ("operator@m.ru", {R.OPERATOR}, None, None),
    "owner": ("owner@m.ru", {R.PROCESS_OWNER}, None, None),
    "analyst": ("analyst@m.ru", {R.ANALYST}, None, None),
    "admin": ("admin@m.ru", {R.ADMIN}, None, None),
}

# Each cell is "own/other": the answer for the application of the role's own region and for the
# other region's. A status code, or for a list: L (200, the application or task is listed) or
# - (200, it is not). A row that has no region (/sla, /my …) has the same answer twice. Central
# staff have no region: for them "own" is 77 and "other" 66.
MATRIX = """
endpoint                                   client77 client66 cpe77   cpe66   head77  mo      ops     kb      operator owner   analyst admin
# A client sees their company's applications, ЦПЭ and its manager their region's, an operator's user
# those whose agreement names its operator (here 77's), central staff all.
GET  /api/v1/applications                  L/-      L/-      L/-     L/-     L/-     L/L     L/L     L/L     L/-      L/L     L/L     L/L
GET  /api/v1/applications/{app}            200/404  200/404  200/404 200/404 200/404 200/200 200/200 200/200 200/404  200/200 200/200 200/200
# A client files for their own company, ЦПЭ for a company of its region, КБ РЭЦ for any; nobody else.
POST /api/v1/applications                  201/403  201/403  201/403 201/403 201/403 403/403 403/403 201/201 403/403  403/403 403/403 403/403
# The check is the ЦПЭ's task: listed to the ЦПЭ (and its manager, who holds the ЦПЭ role) of its region.
GET  /api/v1/tasks                         -/-      -/-      L/-     L/-     L/-     -/-     -/-     -/-     -/-      -/-     -/-     -/-
# Acting on the ЦПЭ check: its role in its region; who sees the application but is not of the
# role gets 403, who does not see it 404.
GET  /api/v1/tasks/{task}                  403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 403/404  403/403 403/403 403/403
POST /api/v1/tasks/{task}/claim            403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
POST /api/v1/tasks/{task}/complete         403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
# The task is held by its region's ЦПЭ user: only they release it; the manager, of the role, is told
# someone else holds it (409).
POST /api/v1/tasks/{task}/unclaim          403/404  403/404  200/404 200/404 409/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
# Assigning is for the manager of the task's role and region (and the admin); who sees the
# application without that right gets 403, who does not see it 404.
POST /api/v1/tasks/{task}/assign           403/404  403/404  403/404 403/404 200/404 403/403 403/403 403/403 404/404  403/403 403/403 200/200
# Bulk actions are for managers and admins (403 to anyone else before a task is looked at); each task
# is answered on its own: L — it was assigned, - — reported as not found (another region's).
POST /api/v1/tasks/bulk                    403/403  403/403  403/403 403/403 L/-     403/403 403/403 403/403 403/403  403/403 403/403 L/L
# A draft is kept by whoever may act on the task, as the task rows above.
PUT  /api/v1/tasks/{task}/draft            403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
GET  /api/v1/tasks/{task}/draft            403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
# Upload for the questionnaire (the client's task, it has file fields): the company's clients only.
POST /api/v1/tasks/{client_task}/documents 201/404  201/404  403/404 403/404 403/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
# Step 1 of an application КБ РЭЦ filed on the client's behalf: the company's clients, and the stand-ins
# the model names (КБ РЭЦ anywhere, the ЦПЭ of its region). The stand-ins upload the signed scan; the
# client's own form has no such field (422).
GET  /api/v1/tasks/{behalf_task}           200/404  200/404  200/404 200/404 200/404 403/403 403/403 200/200 404/404  403/403 403/403 403/403
POST /api/v1/tasks/{behalf_task}/documents 422/404  422/404  201/404 201/404 201/404 403/403 403/403 201/201 404/404  403/403 403/403 403/403
# Inviting the client's representative: КБ РЭЦ for any application, a ЦПЭ for its region's; who sees the
# application without that right gets 403, who does not see it 404.
POST /api/v1/applications/{app}/invitations 403/404 403/404  201/404 201/404 201/404 403/403 403/403 201/201 403/404  403/403 403/403 403/403
# The API's description is public.
GET  /api/openapi.json                     200/200  200/200  200/200 200/200 200/200 200/200 200/200 200/200 200/200  200/200 200/200 200/200
# The pages follow the same rules as the API: the task list and the task page as the task rows above.
GET  /tasks                                -/-      -/-      L/-     L/-     L/-     -/-     -/-     -/-     -/-      -/-     -/-     -/-
GET  /tasks/{task}                         403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 403/404  403/403 403/403 403/403
# The page's autosave of the draft: whoever opens the task page.
POST /tasks/{task}/draft                   403/404  403/404  200/404 200/404 200/404 403/403 403/403 403/403 404/404  403/403 403/403 403/403
# Saved filters of the list: anyone logged in saves their own; only its owner (here the ЦПЭ user of
# the region) deletes one.
POST /tasks/filters                        303/303  303/303  303/303 303/303 303/303 303/303 303/303 303/303 303/303  303/303 303/303 303/303
POST /tasks/filters/{filter}/delete        404/404  404/404  303/404 303/404 404/404 404/404 404/404 404/404 404/404  404/404 404/404 404/404
# The applications list's saved filters: the same rules.
POST /applications/filters                 303/303  303/303  303/303 303/303 303/303 303/303 303/303 303/303 303/303  303/303 303/303 303/303
POST /applications/filters/{filter}/delete 404/404  404/404  303/404 303/404 404/404 404/404 404/404 404/404 404/404  404/404 404/404 404/404
# The list's bulk actions as the API's.
POST /tasks/bulk                           403/403  403/403  403/403 403/403 L/-     403/403 403/403 403/403 403/403  403/403 403/403 L/L
# The application list, card and diagram as the application rows above.
GET  /applications                         L/-      L/-      L/-     L/-     L/-     L/L     L/L     L/L     L/-      L/L     L/L     L/L
GET  /applications/{app}                   200/404  200/404  200/404 200/404 200/404 200/200 200/200 200/200 200/404  200/200 200/200 200/200
GET  /applications/{app}/diagram.json      200/404  200/404  200/404 200/404 200/404 200/200 200/200 200/200 200/404  200/200 200/200 200/200
# A file follows its application: whoever sees the application downloads it.
GET  /documents/{doc}                      200/404  200/404  200/404 200/404 200/404 200/200 200/200 200/200 200/404  200/200 200/200 200/200
# SLA dashboard: managers, МО РЭЦ and admins (a regional manager's view is narrowed to the region).
GET  /sla?region={region}                  403/403  403/403  403/403 403/403 200/200 200/200 403/403 403/403 403/403  403/403 403/403 200/200
# Filing on a company's behalf and inviting its representative: pages of КБ РЭЦ and ЦПЭ only (403 to
# anyone else before the application is looked at), a ЦПЭ for its region's applications.
GET  /tasks/{behalf_task}                  200/404  200/404  200/404 200/404 200/404 403/403 403/403 200/200 404/404  403/403 403/403 403/403
GET  /applications/new                     403/403  403/403  200/200 200/200 200/200 403/403 403/403 200/200 403/403  403/403 403/403 403/403
POST /applications/{app}/invitations       403/403  403/403  303/404 303/404 303/404 403/403 403/403 303/303 403/403  403/403 403/403 403/403
# The invitation link is the invitee's key, whoever holds it; a used one opens nothing.
GET  /invitation?t={invitation}            200/200  200/200  200/200 200/200 200/200 200/200 200/200 200/200 200/200  200/200 200/200 200/200
# Everyone has their own notifications.
GET  /notifications                        200/200  200/200  200/200 200/200 200/200 200/200 200/200 200/200 200/200  200/200 200/200 200/200
GET  /notifications/settings               200/200  200/200  200/200 200/200 200/200 200/200 200/200 200/200 200/200  200/200 200/200 200/200
# Everyone's own delivery settings, through the API as on the page.
GET  /api/v1/me/notification-settings      200/200  200/200  200/200 200/200 200/200 200/200 200/200 200/200 200/200  200/200 200/200 200/200
PUT  /api/v1/me/notification-settings      200/200  200/200  200/200 200/200 200/200 200/200 200/200 200/200 200/200  200/200 200/200 200/200
# Accounts are managed by admins only.
GET  /admin/users/                         403/403  403/403  403/403 403/403 403/403 403/403 403/403 403/403 403/403  403/403 403/403 200/200
# Regional settings: admins and МО РЭЦ read and change every region's; a ЦПЭ user (and its manager) reads
# its own region's only; nobody else reaches them.
GET  /admin/regions/                       403/403  403/403  200/200 200/200 200/200 200/200 403/403 403/403 403/403  403/403 403/403 200/200
GET  /admin/regions/{region}               403/403  403/403  200/403 200/403 200/403 200/200 403/403 403/403 403/403  403/403 403/403 200/200
POST /admin/regions/{region}               403/403  403/403  403/403 403/403 403/403 303/303 403/403 403/403 403/403  403/403 403/403 303/303
# The modeller is the process owners' (and admins'): a deploy's state, «Развернуть всё равно»
# (409 here: that deploy is deployed already, not diverged), the scenarios it is checked against.
GET  /modeller/deploys/{deploy}            403/403  403/403  403/403 403/403 403/403 403/403 403/403 403/403 403/403  200/200 403/403 200/200
POST /modeller/deploys/{deploy}/anyway     403/403  403/403  403/403 403/403 403/403 403/403 403/403 403/403 403/403  409/409 403/403 409/409
GET  /modeller/scenarios                   403/403  403/403  403/403 403/403 403/403 403/403 403/403 403/403 403/403  200/200 403/403 200/200
# The client's own pages: clients only.
GET  /my                                   200/200  200/200  403/403 403/403 403/403 403/403 403/403 403/403 403/403  403/403 403/403 403/403
"""


def _parse(table: str) -> list[tuple[str, str, str, str]]:
    """(role, endpoint, "own"|"other", expected) for every cell of the table."""
    lines = [line for line in table.strip().splitlines() if line.strip() and not line.startswith("#")]
    roles = lines[0].split()[1:]
    assert roles == list(ROLES)
    cases = []
    for line in lines[1:]:
        method, path, *cells = line.split()
        assert len(cells) == len(roles), line
        for role, cell in zip(roles, cells):
            own, other = cell.split("/")
            cases += [(role, f"{method} {path}", "own", own), (role, f"{method} {path}", "other", other)]
    return cases


CASES = _parse(MATRIX)


@dataclass
class World:
    app: object
    users: dict
    tokens: dict
    base: dict  # region -> the application at the ЦПЭ check, with a document
    documents: dict  # region -> document id
    deploy: int  # a modeller deploy, deployed
    browsers: dict = field(default_factory=dict)

    def browser(self, role: str):
        if role not in self.browsers:
            self.browsers[role] = self.app.test_client()
            login(self.browsers[role], ROLES[role][0])
        return self.browsers[role]

    def api(self, role: str, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.app.test_client().open(path, method=method, headers=headers, **kwargs)


def new_application(region: str):
    name, inn = COMPANIES[region]
    return start_process("marketplace_support", actor="matrix", region=region, company_name=name, company_inn=inn)


def filed_on_behalf(region: str):
    name, inn = COMPANIES[region]
    return start_process("marketplace_support", actor=ROLES["kb"][0], region=region, company_name=name,
                         company_inn=inn)


INVITEES = itertools.count(1)


def at_check(region: str):
    instance = new_application(region)
    task = task_named(instance, "Подача Заявки")
    name, inn = COMPANIES[region]
    complete_task(instance.id, task.task_id, sample("application_questionnaire", company_name=name, company_inn=inn),
                  actor="matrix")
    return instance


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory, pg_schema):
    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    app = create_app({"TESTING": True, "VITRINA_CLOCK": VirtualClock(moscow(2025, 10, 31, 10, 0)),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      **_database_config(request.param, folder, pg_schema)})
    app.instance_path = str(folder)
    app.test_client_class = FreshRequestClient
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        from werkzeug.security import generate_password_hash
        patch.setattr("app.models.user.generate_password_hash",
                      functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
        db.drop_all()
        db.create_all()
        shipped, _ = deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
        deployed = ModelDeploy(requested_by="owner@m.ru", requested_at=moscow(2025, 10, 31, 10, 0), key=shipped.key,
                               state=DeployState.DEPLOYED, done=0, total=0, deployment_id=shipped.id, created=True)
        db.session.add(deployed)
        db.session.commit()
        users = {}
        for role, (email, roles, region, inn) in ROLES.items():
            company = next((n for n, i in COMPANIES.values() if i == inn), None)
            users[role] = create_user(email, role, PASSWORD, roles, region=region, company_inn=inn,
                                      company_name=company)
        base = {region: at_check(region) for region in COMPANIES}
        for region, (name, _) in COMPANIES.items():
            db.session.add(ExportCentre(region=region, full_name=f"ЦПЭ региона {region}", short_name=f"ЦПЭ {region}"))
        # The operator's account works for an operator that 77's application names (as step 6 records it);
        # fresh applications name no operator, so the operator sees none of them.
        partner = registry.create_operator({"name": "ООО «Экспорт Онлайн»", "inn": "7704123450",
                                            "ogrn": "1177700123457"}, actor="matrix")
        registry.link_user(partner, ROLES["operator"][0], actor="matrix")
        db.session.add(ApplicationOperator(instance_id=base["77"].id, operator_id=partner.id,
                                           assigned_at=moscow(2025, 10, 31, 10, 0)))
        db.session.commit()
        documents = {region: store_upload(FileStorage(io.BytesIO(PDF), filename="scan.pdf"),
                                          instance_id=instance.id, task_id=None, field="promo_materials",
                                          spec={"x-accept": [".pdf"]}, uploaded_by="matrix").id
                     for region, instance in base.items()}
        yield World(app, users, {role: tokens.issue(user, "матрица")[1] for role, user in users.items()},
                    base, documents, deployed.id)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def region_of(role: str, side: str) -> str:
    own = ROLES[role][2] or "77"
    return own if side == "own" else ({"77", "66"} - {own}).pop()


def listed(pages, found) -> str:
    """"L" if ``found(response)`` holds for one of the pages (each a 200), "-" if for none; else the status."""
    for response in pages:
        if response.status_code != 200:
            return str(response.status_code)
        if found(response):
            return "L"
    return "-"


def _html_pages(world, role, url):
    browser = world.browser(role)
    page = 1
    while True:
        response = browser.get(url, query_string={"page": page})
        yield response
        if response.status_code != 200 or "Следующая страница" not in response.get_data(as_text=True):
            return
        page += 1


def _api_pages(world, role, url):
    page = 1
    while True:
        response = world.api(role, "GET", url, query_string={"page": page, "per_page": 100})
        yield response
        body = response.get_json() if response.status_code == 200 else None
        if not body or body["page"] * body["per_page"] >= body["total"]:
            return
        page += 1


def _in_items(key: str, value):
    return lambda response: value in [item[key] for item in response.get_json()["items"]]


def _in_html(text: str):
    return lambda response: text in response.get_data(as_text=True)


def check_task_of(instance) -> str:
    return task_named(instance, CHECK).task_id


def answer(world: World, role: str, endpoint: str, region: str) -> str:
    """What ``role`` gets from ``endpoint`` for the application of ``region``, in the table's terms."""
    base = world.base[region]
    user = world.users[role]
    method, path = endpoint.split(" ", 1)
    if endpoint == "GET /api/v1/applications":
        return listed(_api_pages(world, role, path), _in_items("id", base.id))
    if endpoint == "GET /api/v1/tasks":
        return listed(_api_pages(world, role, path), _in_items("id", check_task_of(base)))
    if endpoint == "GET /tasks":
        return listed(_html_pages(world, role, path), _in_html(f'href="/tasks/{check_task_of(base)}"'))
    if endpoint == "GET /applications":
        return listed(_html_pages(world, role, path), _in_html(f'href="/applications/{base.id}"'))
    if endpoint == "POST /api/v1/applications":
        name, inn = COMPANIES[region]
        body = {} if user.has_role(R.CLIENT) and inn == user.company_inn else {
            "company_name": name, "company_inn": inn, "region": region}
        return str(world.api(role, method, path, json=body).status_code)
    if endpoint == "POST /api/v1/tasks/{client_task}/documents":
        task = task_named(new_application(region), "Подача Заявки").task_id
        return str(world.api(role, method, path.format(client_task=task), content_type="multipart/form-data",
                             data={"field": "promo_materials", "file": (io.BytesIO(PDF), "scan.pdf")}).status_code)
    if endpoint in ("POST /tasks/filters", "POST /applications/filters"):
        return str(world.browser(role).post(path, data={"name": f"Фильтр {next(INVITEES)}"}).status_code)
    if endpoint.endswith("/filters/{filter}/delete"):
        owned = saved_filters.save(world.users[f"cpe{region}"], f"Фильтр {next(INVITEES)}", {},
                                   list_name=path.split("/")[1])
        return str(world.browser(role).post(path.format(filter=owned.id)).status_code)
    if endpoint.endswith("/tasks/bulk"):
        return bulk_answer(world, role, path, region)
    if endpoint == "POST /admin/regions/{region}":
        centre = db.session.get(ExportCentre, region)
        db.session.refresh(centre)
        form = {f.name: form_value(f, getattr(centre, f.name)) for f in FIELDS}
        return str(world.browser(role).post(path.format(region=region), data={**form, "version": centre.version}
                                            ).status_code)
    if endpoint == "PUT /api/v1/me/notification-settings":
        return str(world.api(role, method, path, json={"task": "immediate"}).status_code)
    if "{behalf_task}" in path:
        # КБ РЭЦ filed it: the stand-ins may fill its step 1 (a fresh one when something is uploaded).
        task = task_named(filed_on_behalf(region), "Подача Заявки").task_id
        url = path.format(behalf_task=task)
        if endpoint.endswith("/documents"):
            return str(world.api(role, method, url, content_type="multipart/form-data",
                                 data={"field": "signed_questionnaire", "file": (io.BytesIO(PDF), "scan.pdf")}
                                 ).status_code)
        return str((world.api(role, method, url) if path.startswith("/api/") else world.browser(role).get(url)
                    ).status_code)
    if endpoint.endswith("/invitations"):
        email = f"rep{next(INVITEES)}@{region}.m.ru"  # a new person each time: an existing one is refused
        body = {"full_name": "Пётр Петров", "email": email}
        if path.startswith("/api/"):
            return str(world.api(role, method, path.format(app=base.id), json=body).status_code)
        return str(world.browser(role).post(path.format(app=base.id), data=body).status_code)
    if endpoint == "GET /invitation?t={invitation}":
        invitations.invite(world.users["kb"], base, full_name="Пётр Петров", email=f"rep{next(INVITEES)}@m.ru")
        secret = db.session.scalars(select(Notification.link).order_by(Notification.id.desc())).first().split("t=")[1]
        return str(world.browser(role).get(path.format(invitation=secret)).status_code)
    if endpoint.endswith(("/assign", "/draft")):
        task = check_task_of(at_check(region))  # these change the task: a fresh one each time
        url = path.format(task=task)
        if endpoint.endswith("/assign"):
            status = world.api(role, method, url, json={"assignee": world.users[f"cpe{region}"].email}).status_code
        elif not path.startswith("/api/"):
            status = world.browser(role).post(url, data={"decision": "approve"}).status_code
        else:
            saved = world.api(role, "PUT", url, json={"data": {"decision": "approve"}}).status_code
            status = saved if method == "PUT" else world.api(role, method, url).status_code
        db.session.execute(update(OpenTask).where(OpenTask.task_id == task).values(assignee=None, claimed_at=None))
        db.session.commit()
        return str(status)
    if endpoint.endswith(("/claim", "/complete", "/unclaim")):
        task = check_task_of(at_check(region))  # these change the task: a fresh one each time
        if endpoint.endswith("/unclaim"):
            claims.claim(task, world.users[f"cpe{region}"])
        body = {"json": {"data": {"decision": "approve"}}} if endpoint.endswith("/complete") else {}
        status = world.api(role, method, path.format(task=task), **body).status_code
        # Left claimed, it would be someone's "mine" and change their task list's default section.
        db.session.execute(update(OpenTask).where(OpenTask.task_id == task).values(assignee=None, claimed_at=None))
        db.session.commit()
        return str(status)
    url = path.format(app=base.id, task=check_task_of(base), doc=world.documents[region], region=region,
                      deploy=world.deploy)
    if path.startswith("/api/"):
        return str(world.api(role, method, url).status_code)
    return str(world.browser(role).open(url, method=method).status_code)


def bulk_answer(world: World, role: str, path: str, region: str) -> str:
    """A fresh check of ``region`` assigned in bulk to the region's ЦПЭ user: L if it was, - if the
    answer reported it as not done, else the status."""
    task = check_task_of(at_check(region))
    colleague = world.users[f"cpe{region}"]
    if path.startswith("/api/"):
        response = world.api(role, "POST", path, json={"action": "assign", "task_ids": [task],
                                                       "assignee": colleague.email})
        status = 200
    else:
        response = world.browser(role).post(path, data={"action": "assign", "task": [task],
                                                        "assignee": str(colleague.id)})
        status = 303
    assigned = db.session.scalar(select(OpenTask.assignee).where(OpenTask.task_id == task)) == colleague.email
    db.session.execute(update(OpenTask).where(OpenTask.task_id == task).values(assignee=None, claimed_at=None))
    db.session.commit()
    if response.status_code != status:
        return str(response.status_code)
    return "L" if assigned else "-"


@pytest.mark.parametrize("role,endpoint,side,expected", CASES,
                         ids=[f"{role}-{endpoint}-{side}" for role, endpoint, side, _ in CASES])
def test_access(world, role, endpoint, side, expected):
    got = answer(world, role, endpoint, region_of(role, side))
    assert got != "500"
    assert got == expected, f"{role} {endpoint} ({side} region {region_of(role, side)}): {got}, expected {expected}"


def test_the_matrix_covers_every_api_route_and_the_pages():
    endpoints = {endpoint for _, endpoint, _, _ in CASES}
    from app import create_app as make
    app = make({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                path = re.sub(r"<(?:int:)?(\w+)>", lambda m: "{" + {"application_id": "app"}.get(m[1], m[1]) + "}",
                              rule.rule)
                assert any(e.split(" ", 1)[0] == method and re.sub(r"\{\w+\}", "{}", e.split(" ", 1)[1]) ==
                           re.sub(r"\{\w+\}", "{}", path) for e in endpoints), (method, rule.rule)
    for page in ("/tasks", "/tasks/{task}", "/applications", "/applications/{app}", "/applications/{app}/diagram.json",
                 "/documents/{doc}", "/sla?region={region}", "/notifications", "/notifications/settings", "/admin/users/",
                 "/my", "/modeller/deploys/{deploy}", "/modeller/scenarios",
                 "/tasks/{behalf_task}", "/applications/new", "/invitation?t={invitation}",
                 "/admin/regions/", "/admin/regions/{region}"):
        assert f"GET {page}" in endpoints
