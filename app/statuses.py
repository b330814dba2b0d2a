"""The status vocabularies. The model decides which status each step sets (see bpmn/README.md);
these enums are the words it may use, checked at deploy."""
from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    NEW = "Новая"
    CPE_REVIEW = "На рассмотрении ЦПЭ"
    MO_APPROVAL = "На согласовании МО РЭЦ"
    AWAITING_DOCUMENTS = "Ожидание документов от Клиента"
    SELECTION = "Проведение отбора"
    IN_WORK = "В работе"
    SERVICE_APPROVAL = "Услуга на согласовании МО РЭЦ"
    SERVICE_APPROVED = "Услуга согласована МО РЭЦ"
    ROADMAP_APPROVAL = "Дорожная карта на согласовании МО РЭЦ"
    ROADMAP_APPROVED = "Дорожная карта согласована МО РЭЦ"
    CLOSING = "Заявка на завершении"
    DONE = "Заявка завершена"
    REWORK = "На доработку"
    REFUSED_CPE = "Отказ ЦПЭ"
    REFUSED_CLIENT = "Отказ Клиента"


class ServiceStatus(StrEnum):
    APPROVAL = "На согласовании"
    IN_WORK = "В работе"
    DONE = "Услуга завершена"
    RECORDED = "Услуга учтена"


class ConsultationStatus(StrEnum):
    OFFERED = "Предложена Клиенту"
    MO_REVIEW = "На рассмотрении МО РЭЦ"
    DONE = "Консультация оказана"
    REFUSED_CLIENT = "Отказ Клиента"


class OperatorStatus(StrEnum):
    """Accreditation of an operator by МО РЭЦ (Appendix 3, 3.6(2))."""

    APPLIED = "Заявка"
    REVIEW = "На проверке"
    ACCREDITED = "Аккредитован"
    REFUSED = "Отказано"
    SUSPENDED = "Аккредитация приостановлена"


class RoadmapState(StrEnum):
    """The detailed roadmap of an application (steps 8–10), read from its completed tasks."""

    APPROVAL = "На согласовании МО РЭЦ"
    RETURNED = "Возвращена ЦПЭ с замечаниями"
    EXECUTION = "Согласована МО РЭЦ, исполняется"
    EXECUTED = "Исполнена: товары размещены"


class ComplaintStatus(StrEnum):
    """A client's complaint about a support measure, handled by the ЦПЭ (3.8(14))."""

    DRAFT = "Черновик"
    FILED = "Подана в ЦПЭ"
    IN_REVIEW = "На рассмотрении ЦПЭ"
    ANSWERED = "Ответ направлен"


class SalesReportState(StrEnum):
    """A filed sales report in the sales register: the ЦПЭ accepts or returns each (3.8(13));
    only accepted reports count in the sums."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"submitted": "На приёмке в ЦПЭ", "accepted": "Принят ЦПЭ",
                "returned": "Возвращён на доработку"}[self.value]


class InstanceState(StrEnum):
    """Lifecycle of a process instance as stored (not a regulation status)."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class AuditAction(StrEnum):
    """What an entry of the audit trail records: who did what to an application, when."""

    STARTED = "started"
    COMPLETED = "completed"
    STATUS = "status"
    TIMER_FIRED = "timer_fired"
    DECIDED = "decided"
    CLAIMED = "claimed"
    UNCLAIMED = "unclaimed"
    ASSIGNED = "assigned"
    ROADMAP_MARKED = "roadmap_marked"
    MIGRATED = "migrated"

    @property
    def label(self) -> str:
        return {"started": "Создание", "completed": "Выполнение задачи", "status": "Смена статуса",
                "timer_fired": "Срабатывание срока", "claimed": "Взятие задачи в работу",
                "unclaimed": "Возврат задачи", "assigned": "Назначение задачи",
                "roadmap_marked": "Отметка о выполнении шага дорожной карты", "decided": "Решение по таблице",
                "migrated": "Перенос на новую версию модели"}[self.value]


class TimerKind(StrEnum):
    """The kind of a boundary timer, as the model's ``deadline_kind`` property names it."""

    NORMATIVE = "normative"
    INDICATIVE = "indicative"
    CLIENT_WAIT = "client_wait"
    REPORT_PERIOD = "report_period"

    @property
    def label(self) -> str:
        return {"normative": "нормативный срок", "indicative": "индикативный срок",
                "client_wait": "ожидание Клиента", "report_period": "отчётный период"}[self.value]


class ClientWaitKind(StrEnum):
    """What the client is waited for: the first argument of ``client_wait(kind, region)``; the
    number of working days of each is configured (``VITRINA_CLIENT_WAITS``)."""

    REMARKS = "remarks"
    ORIGINALS = "originals"
    CONSULTATION_OFFER = "consultation_offer"

    @property
    def label(self) -> str:
        return {"remarks": "ответ Клиента на замечания", "originals": "оригиналы документов от Клиента",
                "consultation_offer": "ответ Клиента на предложение консультации"}[self.value]

    @property
    def timeout_name(self) -> str:
        """The name of the timer that ends the wait, as the diagram shows it."""
        return {"remarks": "Истёк срок ожидания ответа Клиента", "originals": "Истёк срок предоставления оригиналов",
                "consultation_offer": "Истёк срок ответа на предложение"}[self.value]


class ProcessId(StrEnum):
    """The deployed processes Vitrina's own code refers to by id."""

    MARKETPLACE_SUPPORT = "marketplace_support"
    CONSULTATION = "consultation"
    COMPLAINT = "complaint"

    @property
    def label(self) -> str:
        return {"marketplace_support": "Размещение на ЭТП", "consultation": "Консультация",
                "complaint": "Жалоба"}[self.value]


class CaseKind(StrEnum):
    """What a case-file entry is, as its form declares it (``"x-case"``), so readers ask for «the
    agreement» and not for a form file's name. DECISION is a decision table's outputs."""

    QUESTIONNAIRE = "questionnaire"
    CHECK = "check"
    APPROVAL = "approval"
    REMARKS = "remarks"
    REWORK = "rework"
    REFUSAL = "refusal"
    ORIGINALS = "originals"
    SELECTION = "selection"
    AGREEMENT = "agreement"
    SERVICE_APPROVAL = "service_approval"
    SERVICE_REMARKS = "service_remarks"
    ROADMAP = "roadmap"
    ROADMAP_APPROVAL = "roadmap_approval"
    ROADMAP_EXECUTION = "roadmap_execution"
    ACT = "act"
    SERVICE_CONFIRMATION = "service_confirmation"
    CRM_RECORD = "crm_record"
    SALES_REPORT = "sales_report"
    SALES_ACCEPTANCE = "sales_acceptance"
    COMPLAINT = "complaint"
    COMPLAINT_REGISTRATION = "complaint_registration"
    COMPLAINT_ANSWER = "complaint_answer"
    CONSULTATION_REQUEST = "consultation_request"
    CONSULTATION = "consultation"
    DECISION = "decision"

    @property
    def label(self) -> str:
        return _CASE_LABELS[self.value]


_CASE_LABELS = {
    "questionnaire": "Анкета и скоринг", "check": "Решение ЦПЭ по заявке", "approval": "Решение МО РЭЦ по заявке",
    "remarks": "Замечания Клиенту", "rework": "Ответ Клиента на замечания", "refusal": "Уведомление об отказе",
    "originals": "Получение оригиналов", "selection": "Решение по отбору", "agreement": "Соглашение",
    "service_approval": "Согласование услуги МО РЭЦ", "service_remarks": "Замечания по услуге",
    "roadmap": "Детальная дорожная карта", "roadmap_approval": "Решение МО РЭЦ по дорожной карте",
    "roadmap_execution": "Исполнение дорожной карты", "act": "Акт о размещении",
    "service_confirmation": "Подтверждение услуги Клиентом", "crm_record": "Учёт услуги в CRM",
    "sales_report": "Отчёт о продажах", "sales_acceptance": "Приёмка Отчёта о продажах ЦПЭ",
    "complaint": "Жалоба", "complaint_registration": "Регистрация жалобы",
    "complaint_answer": "Ответ на жалобу", "consultation_request": "Запрос консультации",
    "consultation": "Консультация", "decision": "Решение по таблице",
}


class TimerState(StrEnum):
    WAITING = "waiting"
    FIRED = "fired"  # recorded by the sweep; the engine fires it when the instance next moves
    HELD = "held"  # its firing failed in the model's code: an incident holds it until a retry


class TimerEffect(StrEnum):
    """What firing a timer takes: only recording it, or running the engine."""

    SIGNAL = "signal"
    ADVANCE = "advance"


class ConflictReason(StrEnum):
    """Why a change was refused with 409 (the conflicts metric's label)."""

    CONCURRENT_UPDATE = "concurrent_update"  # the application's revision moved on meanwhile
    TASK_DONE = "task_done"  # the task was completed or withdrawn meanwhile


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry
    KEPT = "kept"  # no SMTP configured: shown in the app only
    IN_APP = "in_app"  # the user chose «Только в Витрине» for its kind: never e-mailed
    DIGEST = "digest"  # waits for the user's daily digest e-mail (next_attempt_at is its time)


class DeliveryMode(StrEnum):
    """How a user wants notifications of one kind to reach them (app/notifications/preferences.py)."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    IN_APP = "in_app"

    @property
    def label(self) -> str:
        return {"immediate": "Сразу", "digest": "Сводка в 9:00",
                "in_app": "Только в Витрине"}[self.value]

    @property
    def hint(self) -> str:
        return {"immediate": "письмо на электронную почту, как только событие произошло",
                "digest": "одно письмо со всеми уведомлениями в 9:00 (МСК) рабочего дня",
                "in_app": "без писем: уведомление видно только на странице «Уведомления»"}[self.value]


class NotificationKind(StrEnum):
    """What a notification is about; a user chooses per kind how it reaches them."""

    TASK = "task"  # a new task for the user's role (hand-off)
    CASE = "case"  # news of an application: remarks, decisions, a request to the client
    INVITATION = "invitation"  # a link to set a password: always sent at once
    DEADLINE_NEAR = "deadline_near"
    DEADLINE_BREACHED = "deadline_breached"
    REFUSAL = "refusal"
    STATUS = "status"

    @property
    def label(self) -> str:
        return {"task": "Новые задачи", "case": "Новости по заявке", "invitation": "Приглашение в Витрину",
                "deadline_near": "Подходит срок", "deadline_breached": "Нарушен нормативный срок",
                "refusal": "Отказ по заявке", "status": "Смена статуса заявки"}[self.value]

    @property
    def hint(self) -> str:
        return {"task": "задача передана Вашей роли или назначена Вам",
                "case": "замечания, решения, запросы Клиенту",
                "invitation": "ссылка, чтобы задать пароль",
                "deadline_near": "наступил индикативный срок шага",
                "deadline_breached": "нормативный срок шага истёк, а шаг не завершён",
                "refusal": "заявка закрыта с отказом",
                "status": "заявка перешла в другой статус"}[self.value]

    @property
    def configurable(self) -> bool:
        # An invitation is how a person without an account gets in: it cannot wait for a digest.
        return self is not NotificationKind.INVITATION


class NoticeAudience(StrEnum):
    """Who a model's ``notify`` property tells when its element is entered (bpmn/README.md)."""

    PERFORMERS = "performers"  # the people of the element's lane (its role in the region)
    CLIENT = "client"  # the client's users, or the questionnaire's contact e-mail
    SENDER = "sender"  # the ЦПЭ employee who last completed a step of the application


class ThrottleScope(StrEnum):
    """What a run of failed sign-ins is counted against (app/throttle.py)."""

    ACCOUNT = "account"  # the e-mail typed on the login page, known or not
    ADDRESS = "address"  # the client address of login attempts, whichever accounts it tries
    TOKEN_ADDRESS = "token_address"  # the client address presenting unknown or revoked API tokens


class SimulationState(StrEnum):
    """Lifecycle of a simulation run started from the analysts' page."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"running": "Выполняется", "done": "Готово", "failed": "Ошибка"}[self.value]


class IncidentState(StrEnum):
    """An operation that failed in the model's code, until an administrator retries or closes it."""

    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return {"open": "Открыт", "resolved": "Устранён", "dismissed": "Закрыт без повтора"}[self.value]


class IncidentKind(StrEnum):
    """What failed, and so what a retry runs again."""

    START = "start"
    COMPLETION = "completion"
    TIMERS = "timers"

    @property
    def label(self) -> str:
        return {"start": "Создание заявки", "completion": "Выполнение задачи",
                "timers": "Срабатывание таймеров"}[self.value]


class JobKind(StrEnum):
    """Background work run by the job queue (app/jobs/): one kind per job function."""

    TIMER_SWEEP = "timer_sweep"
    MAIL_DELIVERY = "mail_delivery"
    SIMULATION_RUN = "simulation_run"
    NOTIFICATION_DIGEST = "notification_digest"
    DEPLOY_WITH_SCENARIOS = "deploy_with_scenarios"

    @property
    def label(self) -> str:
        return {"timer_sweep": "Срабатывание сроков", "mail_delivery": "Отправка писем",
                "simulation_run": "Прогон симуляции",
                "notification_digest": "Сводка уведомлений",
                "deploy_with_scenarios": "Развёртывание модели со сценариями"}[self.value]


class DeployState(StrEnum):
    """A deploy asked for in the modeller (``model_deploys``): its scenarios run as a job first."""

    QUEUED = "queued"
    RUNNING = "running"      # the scenarios run
    PASSED = "passed"        # all passed; the version is being stored
    DIVERGED = "diverged"    # a scenario diverged: not deployed, unless the owner deploys anyway
    DEPLOYED = "deployed"
    FAILED = "failed"        # the model or a scenario file was refused, or the job broke

    @property
    def label(self) -> str:
        return {"queued": "В очереди", "running": "Проверяются сценарии", "passed": "Сценарии пройдены",
                "diverged": "Расходится со сценариями", "deployed": "Развёрнута", "failed": "Ошибка"}[self.value]

    @property
    def finished(self) -> bool:
        """A job that reached one of these is done: running it again changes nothing. A failed one
        runs again when retried (a refused model is refused again, a broken run gets its chance)."""
        return self in (DeployState.DIVERGED, DeployState.DEPLOYED)


class JobState(StrEnum):
    """A background job as the admins' page shows it (``background_jobs``)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "В очереди", "running": "Выполняется", "done": "Выполнено",
                "failed": "Ошибка"}[self.value]



class InvitationState(StrEnum):
    """Where an invitation of a client's representative stands (app/accounts/invitations.py)."""

    SENT = "sent"  # the link is out and usable
    ACCEPTED = "accepted"  # the password was set from it
    REPLACED = "replaced"  # a newer invitation of the same person took its place
    EXPIRED = "expired"  # not used within VITRINA_INVITATION_DAYS


# Which words each status line of each process may use.
VOCABULARY: dict[tuple[str, str], type[StrEnum]] = {
    ("marketplace_support", "application_status"): ApplicationStatus,
    ("marketplace_support", "service_status"): ServiceStatus,
    ("consultation", "application_status"): ConsultationStatus,
    ("complaint", "application_status"): ComplaintStatus,
}
DEFAULT_VOCABULARY = {"application_status": ApplicationStatus, "service_status": ServiceStatus}


def vocabulary(process_id: str, line: str) -> type[StrEnum]:
    return VOCABULARY.get((process_id, line), DEFAULT_VOCABULARY[line])


class FilterList(StrEnum):
    """Which list a saved filter reopens."""

    TASKS = "tasks"
    APPLICATIONS = "applications"


class BulkAction(StrEnum):
    """What a manager does to the ticked tasks of the list at once."""

    CLAIM = "claim"
    ASSIGN = "assign"
    RELEASE = "release"

    @property
    def done_label(self) -> str:
        return {"claim": "Взято в работу", "assign": "Назначено", "release": "Освобождено"}[self.value]
