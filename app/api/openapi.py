"""The OpenAPI 3.1 document of the API, built once from the Python below.

Kept next to the views and checked by the tests against the registered routes (every /api
route is described) and against the OpenAPI 3.1 schema, so it cannot silently fall behind.
"""
from __future__ import annotations

from functools import cache

from ..tasks.worklist import OPEN, SECTIONS
from ..statuses import AuditAction, InvitationState

VERSION = "1.0.0"


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): {"$ref": f"#/components/responses/{ERROR_RESPONSES[code][0]}"} for code in codes}


ERROR_RESPONSES = {
    400: ("BadRequest", "Неверный запрос: тело не JSON-объект, нет поля, неверный параметр"),
    401: ("Unauthorized", "Нет токена, токен неизвестен или отозван, учётная запись отключена"),
    403: ("Forbidden", "Недостаточно прав: другая роль, другой регион, задачу взял другой пользователь"),
    404: ("NotFound", "Не найдено или недоступно вызывающему (как если бы не существовало)"),
    409: ("Conflict", "Задача уже выполнена, уже взята или заявку одновременно изменили; model_incident — код модели "
               "остановил шаг, ничего не сохранено, данные в инциденте (поле incident)"),
    422: ("Invalid", "Данные не прошли проверку; errors называет каждое поле"),
    429: ("TooManyAttempts", "Слишком много запросов с неверным токеном с этого адреса; заголовок Retry-After "
                             "говорит, через сколько секунд повторить"),
    503: ("Unavailable", "Модель процесса не развёрнута"),
}

DATETIME = _nullable("string", format="date-time")

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "field", "errors"],
            "properties": {
                "code": {"type": "string", "description": "Стабильный код для программы", "examples": ["invalid_data"]},
                "message": {"type": "string", "description": "Сообщение для человека, по-русски"},
                "field": _nullable("string", description="Первое поле с ошибкой (путь через точку)"),
                "errors": {"type": "array", "items": {
                    "type": "object", "required": ["field", "message"],
                    "properties": {"field": _nullable("string"), "message": {"type": "string"}}}},
                "incident": {"type": "integer", "description": "С кодом model_incident: номер инцидента, "
                             "который хранит отправленные данные; администратор повторит шаг после исправления модели"},
            }}},
    },
    "Company": {"type": "object", "properties": {"name": _nullable("string"), "inn": _nullable("string")}},
    "ApplicationBrief": {
        "type": "object", "required": ["id"],
        "properties": {"id": {"type": "integer"}, "company": _ref("Company"), "region": _nullable("string"),
                       "application_status": _nullable("string"), "service_status": _nullable("string")},
    },
    "ApplicationSummary": {
        "type": "object", "required": ["id", "process", "state", "started_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"}, "process": {"type": "string", "examples": ["marketplace_support"]},
            "parent_id": _nullable("integer"), "company": _ref("Company"), "region": _nullable("string"),
            "application_status": _nullable("string", examples=["На рассмотрении ЦПЭ"]),
            "service_status": _nullable("string"),
            "state": {"type": "string", "enum": ["running", "completed", "failed"]},
            "started_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"}, "completed_at": DATETIME,
        },
    },
    "Application": {"allOf": [_ref("ApplicationSummary"), {
        "type": "object", "required": ["tasks", "history"],
        "properties": {"tasks": {"type": "array", "items": _ref("Task")},
                       "history": {"type": "array", "items": _ref("HistoryItem")}}}]},
    "HistoryItem": {
        "type": "object", "required": ["at", "actor", "action"],
        "properties": {
            "at": {"type": "string", "format": "date-time"}, "actor": {"type": "string"},
            "on_behalf_of": _nullable("string", description="Роль, за которую действовал (МО РЭЦ за Оператора, "
                                      "КБ РЭЦ или ЦПЭ за Клиента на шаге 1)"),
            "action": {"type": "string", "enum": [str(a) for a in AuditAction]},
            "element": _nullable("string"), "element_id": _nullable("string"), "task_id": _nullable("string"),
            "status_line": _nullable("string", enum=["application_status", "service_status", None]),
            "status_from": _nullable("string"), "status_to": _nullable("string"), "assignee": _nullable("string"),
        },
    },
    "Task": {
        "type": "object", "required": ["id", "application_id", "name", "role"],
        "properties": {
            "id": {"type": "string"}, "application_id": {"type": "integer"}, "name": {"type": "string"},
            "step": _nullable("string", description="Строка таблицы 5.9 регламента"),
            "role": _nullable("string", enum=["client", "cpe", "mo_rec", "ops_rec", "kb_rec", "operator", None]),
            "region": _nullable("string"), "form": _nullable("string", description="Имя формы: forms/<form>.json"),
            "assignee": _nullable("string"), "claimed_at": DATETIME, "ready_at": DATETIME,
            "normative_due": DATETIME, "indicative_due": DATETIME, "wait_due": DATETIME,
            "deadline_state": _nullable("string", enum=["warned", "breached", None]),
            "application": _ref("ApplicationBrief"),
        },
    },
    "TaskDetail": {"allOf": [_ref("Task"), {
        "type": "object", "required": ["form_schema"],
        "properties": {"form_schema": {"type": "object", "description": "JSON Schema 2020-12 формы с подсказками "
                                                                          "вёрстки x-widget, x-layout, x-enum-titles"},
                       "initial_data": {"type": "object", "description": "С чем открывается форма: для доработки "
                                        "(x-opens-with) — анкета в последней поданной версии, отчёт о "
                                        "продажах, возвращённый ЦПЭ, — как был направлен; иначе пусто"},
                       "remarks": {"type": ["object", "null"], "description": "Замечания, на которые отвечает "
                                   "доработка (x-remarks): общий комментарий, комментарий ЦПЭ и замечания к полям",
                                   "properties": {"at": {"type": "string", "format": "date-time"},
                                                  "by": {"type": "string"}, "step": _nullable("string"),
                                                  "comment": _nullable("string"),
                                                  "forwarded_comment": _nullable("string"),
                                                  "fields": {"type": "array", "items": {
                                                      "type": "object", "required": ["field", "title", "remarks"],
                                                      "properties": {"field": {"type": "string"},
                                                                     "title": {"type": "string"},
                                                                     "remarks": {"type": "array",
                                                                                 "items": {"type": "string"}}}}}}},
                       "on_behalf_of": _nullable("string")}}]},
    "Page": {"type": "object", "required": ["page", "per_page", "total"],
             "properties": {"page": {"type": "integer", "minimum": 1},
                            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                            "total": {"type": "integer", "minimum": 0}}},
    "ApplicationList": {"allOf": [_ref("Page"), {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("ApplicationSummary")}}}]},
    "TaskList": {"allOf": [_ref("Page"), {
        "type": "object", "required": ["section", "items", "counts"],
        "properties": {"section": {"type": "string"}, "items": {"type": "array", "items": _ref("Task")},
                       "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}}]},
    "NewApplication": {
        "type": "object",
        "description": "Клиент подаёт заявку своей компании (тело можно не передавать); ЦПЭ (только своего "
                       "региона) и КБ РЭЦ — от имени компании, указывая все три поля.",
        "properties": {"company_name": {"type": "string"},
                       "company_inn": {"type": "string", "pattern": "^(\\d{10}|\\d{12})$",
                                       "description": "ИНН с верной контрольной суммой"},
                       "region": {"type": "string", "pattern": "^\\d{2}$", "examples": ["77"]}},
    },
    "NewInvitation": {
        "type": "object", "required": ["full_name", "email"],
        "description": "Представитель Клиента, которого КБ РЭЦ или ЦПЭ региона заявки приглашают заполнить её шаги",
        "properties": {"full_name": {"type": "string"}, "email": {"type": "string", "format": "email"}},
    },
    "Invitation": {
        "type": "object", "required": ["id", "application_id", "full_name", "email", "state", "expires_at"],
        "description": "Приглашение; одноразовая ссылка уходит только в письмо приглашённому",
        "properties": {"id": {"type": "integer"}, "application_id": _nullable("integer"),
                       "full_name": {"type": "string"}, "email": {"type": "string"},
                       "state": {"type": "string", "enum": [str(s) for s in InvitationState]},
                       "created_at": {"type": "string", "format": "date-time"},
                       "expires_at": {"type": "string", "format": "date-time"},
                       "e_mailed": {"type": "boolean", "description": "Отправка писем настроена (иначе письмо не уйдёт)"}},
    },
    "Completion": {"type": "object", "required": ["data"],
                   "properties": {"data": {"type": "object", "description": "Ответы по форме задачи (form_schema)"}}},
    "Draft": {"type": "object", "required": ["data"],
              "properties": {"data": {"type": "object", "description": "Ответы как введены, без проверки"},
                             "saved_at": DATETIME}},
    "NotificationSettings": {
        "type": "object", "required": ["settings", "modes"],
        "properties": {"settings": {"type": "object", "description": "Вид уведомления → способ доставки",
                                    "additionalProperties": {"enum": ["immediate", "digest", "in_app"]}},
                       "modes": {"type": "array", "items": {"type": "string"}}}},
    "NotificationSettingsChange": {
        "type": "object", "description": "Вид уведомления (task, case, deadline_near, deadline_breached, refusal, "
                                         "status) → immediate, digest или in_app",
        "additionalProperties": {"enum": ["immediate", "digest", "in_app"]}},
    "Assignment": {"type": "object", "required": ["assignee"],
                   "properties": {"assignee": {"type": "string", "format": "email",
                                               "description": "E-mail сотрудника роли и региона задачи"}}},
    "BulkRequest": {
        "type": "object", "required": ["action", "task_ids"],
        "properties": {"action": {"type": "string", "enum": ["claim", "assign", "release"]},
                       "task_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 100},
                       "assignee": {"type": "string", "format": "email", "description": "Для assign: e-mail сотрудника"}}},
    "BulkResult": {
        "type": "object", "required": ["action", "summary", "done", "failed"],
        "properties": {"action": {"type": "string"}, "summary": {"type": "string"},
                       "done": {"type": "array", "items": _ref("BulkItem")},
                       "failed": {"type": "array", "items": {"allOf": [_ref("BulkItem"), {
                           "type": "object", "required": ["reason"],
                           "properties": {"reason": {"type": "string", "description": "По-русски: заявка, шаг, причина"}}}]}}}},
    "BulkItem": {"type": "object", "required": ["task_id"],
                 "properties": {"task_id": {"type": "string"},
                                "application_id": _nullable("integer", description="null — задача не найдена или недоступна"),
                                "step": _nullable("string", description="Название шага")}},
    "Upload": {"type": "object", "required": ["field", "file"],
               "properties": {"field": {"type": "string", "description": "Поле файла в форме задачи"},
                              "file": {"type": "string", "contentMediaType": "application/octet-stream"}}},
    "Document": {"type": "object", "required": ["id", "value", "field"],
                 "properties": {"id": {"type": "integer"},
                                "value": {"type": "string", "description": "Что указать в поле формы при выполнении"},
                                "field": {"type": "string"}, "name": {"type": "string"},
                                "content_type": {"type": "string"}, "size": {"type": "integer"},
                                "sha256": {"type": "string"}}},
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PARAMETERS = {
    "page": _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Номер страницы"),
    "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
                       "Записей на странице"),
    "applicationId": {"name": "application_id", "in": "path", "required": True, "schema": {"type": "integer"}},
    "taskId": {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}},
}
PAGING = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
TASK_ID = [{"$ref": "#/components/parameters/taskId"}]


def _operation(op_id: str, summary: str, ok: dict, *errors: int, body: dict | None = None, params=(),
               description: str | None = None) -> dict:
    operation = {"operationId": op_id, "summary": summary, "parameters": list(params),
                 "responses": {**ok, **_errors(401, 429, *errors)}}
    if description:
        operation["description"] = description
    if body:
        operation["requestBody"] = body
    return operation


def _body(schema: str, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": _ref(schema)}}}


PATHS = {
    "/api/v1/applications": {
        "post": _operation("createApplication", "Подать заявку",
                           {"201": _json(_ref("Application"), "Заявка создана")}, 400, 403, 409, 422, 503,
                           body=_body("NewApplication", required=False),
                           description="Вне окна приёма заявок региона (п. 5.2) — 409 intake_closed с датой "
                                       "next_opens следующего окна и предложением консультации (consultation)."),
        "get": _operation("listApplications", "Заявки, видимые вызывающему, новые первыми",
                          {"200": _json(_ref("ApplicationList"), "Страница заявок")}, 400,
                          params=PAGING + [_query("status", {"type": "string"}, "Статус заявки")]),
    },
    "/api/v1/applications/{application_id}": {
        "get": _operation("getApplication", "Заявка со статусами, открытыми задачами и историей",
                          {"200": _json(_ref("Application"), "Заявка")}, 404,
                          params=[{"$ref": "#/components/parameters/applicationId"}]),
    },
    "/api/v1/applications/{application_id}/invitations": {
        "post": _operation("inviteRepresentative", "Пригласить представителя Клиента по e-mail",
                           {"201": _json(_ref("Invitation"), "Учётная запись Клиента создана, письмо со ссылкой "
                                         "для пароля поставлено в отправку")}, 400, 403, 404, 422,
                           params=[{"$ref": "#/components/parameters/applicationId"}], body=_body("NewInvitation"),
                           description="КБ РЭЦ — для любой заявки, ЦПЭ — для заявок своего региона. Создаётся "
                                       "учётная запись Клиента компании заявки, неактивная до пароля; ссылка "
                                       "одноразовая, действует VITRINA_INVITATION_DAYS дней (7); повторное "
                                       "приглашение заменяет прежнюю ссылку. E-mail, у которого уже есть учётная "
                                       "запись, — 422 с полем email."),
    },
    "/api/v1/tasks": {
        "get": _operation(
            "listTasks", "Задачи вызывающего: его и доступные для взятия",
            {"200": _json(_ref("TaskList"), "Страница задач")}, 400,
            params=PAGING + [
                _query("section", {"type": "string", "enum": [OPEN, *SECTIONS], "default": OPEN},
                       "open — мои и доступные; all — только руководителю и администратору"),
                _query("step", {"type": "string"}, "Шаг регламента"), _query("status", {"type": "string"}, "Статус"),
                _query("region", {"type": "string"}, "Регион (только центральным сотрудникам)"),
                _query("company", {"type": "string"}, "Часть названия или ИНН компании")]),
    },
    "/api/v1/tasks/bulk": {
        "post": _operation("bulkTasks", "Взять, назначить или освободить несколько задач (руководитель)",
                           {"200": _json(_ref("BulkResult"), "Каждая задача отдельно: выполненные и нет, с причиной")},
                           400, 403, 422, body=_body("BulkRequest"),
                           description="Каждая задача меняется и записывается в историю отдельно; задача, "
                                       "которую нельзя изменить (выполнена, не своей роли или региона, взята "
                                       "другим), попадает в failed, остальные меняются."),
    },
    "/api/v1/tasks/{task_id}": {
        "get": _operation("getTask", "Задача с формой (JSON Schema) для отображения",
                          {"200": _json(_ref("TaskDetail"), "Задача")}, 403, 404, 409, params=TASK_ID),
    },
    "/api/v1/tasks/{task_id}/claim": {
        "post": _operation("claimTask", "Взять задачу в работу", {"200": _json(_ref("Task"), "Задача взята")},
                           403, 404, 409, params=TASK_ID),
    },
    "/api/v1/tasks/{task_id}/unclaim": {
        "post": _operation("unclaimTask", "Вернуть задачу в доступные",
                           {"200": _json(_ref("Task"), "Задача возвращена")}, 403, 404, 409, params=TASK_ID),
    },
    "/api/v1/tasks/{task_id}/assign": {
        "post": _operation("assignTask", "Назначить задачу сотруднику (руководитель роли и региона)",
                           {"200": _json(_ref("Task"), "Задача назначена")}, 400, 403, 404, 409, params=TASK_ID,
                           body=_body("Assignment")),
    },
    "/api/v1/tasks/{task_id}/draft": {
        "get": _operation("getDraft", "Мой черновик формы задачи", {"200": _json(_ref("Draft"), "Черновик")},
                          403, 404, params=TASK_ID),
        "put": _operation("saveDraft", "Сохранить черновик формы (без проверки, один на пользователя и задачу)",
                          {"200": _json(_ref("Draft"), "Черновик сохранён")}, 400, 403, 404, 409, params=TASK_ID,
                          body=_body("Draft")),
    },
    "/api/v1/tasks/{task_id}/documents": {
        "post": _operation("uploadDocument", "Загрузить файл для поля файла формы",
                           {"201": _json(_ref("Document"), "Файл сохранён")}, 403, 404, 409, 422, params=TASK_ID,
                           body={"required": True, "content": {"multipart/form-data": {"schema": _ref("Upload")}}}),
    },
    "/api/v1/tasks/{task_id}/complete": {
        "post": _operation("completeTask", "Выполнить задачу с данными формы",
                           {"200": _json(_ref("Application"), "Задача выполнена; заявка после шага")},
                           400, 403, 404, 409, 422, params=TASK_ID, body=_body("Completion")),
    },
    "/api/v1/me/notification-settings": {
        "get": _operation("getNotificationSettings", "Как до меня доходят уведомления каждого вида",
                          {"200": _json(_ref("NotificationSettings"), "Настройки")}),
        "put": _operation("saveNotificationSettings", "Изменить: immediate (сразу), digest (сводка в 9:00 по "
                          "рабочим дням) или in_app (только в Витрине); не названные виды не меняются",
                          {"200": _json(_ref("NotificationSettings"), "Настройки сохранены")}, 400,
                          body=_body("NotificationSettingsChange")),
    },
    "/api/openapi.json": {
        "get": {"operationId": "getOpenApi", "summary": "Этот документ", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}},
    },
}


@cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Витрина API", "version": VERSION,
                 "description": "Заявки и задачи регламента РЭЦ/ЦПЭ для ЛК РЭЦ и других систем. Токен выдаёт "
                                "администратор: `vitrina users token EMAIL --name НАЗНАЧЕНИЕ`. Ошибки — JSON "
                                "с кодом, сообщением и полем."},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Authorization: Bearer <токен>"}},
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": {name: _json(_ref("Error"), text) for name, text in ERROR_RESPONSES.values()},
        },
    }
