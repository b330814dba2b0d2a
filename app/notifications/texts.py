"""The words of the deadline notifications (Russian: they go to the regulation's participants).
Notices the model declares are templates: app/templates/notices/."""
from __future__ import annotations

from datetime import datetime

from ..dates import fmt_datetime
from ..plain_text import one_line
from ..statuses import NotificationKind
from .outbox import Message


def _application(instance, form: str = "заявка") -> str:
    """«заявка № 7 (ООО «Ромашка»)»; ``form`` is the word's case the sentence needs."""
    # One line: the name goes into e-mail subjects, and older rows were not checked for line breaks.
    company = f" ({one_line(instance.company_name)})" if instance.company_name else ""
    return f"{form} № {instance.id}{company}"


def deadline_near(instance, task_name: str, step: str | None, due: datetime | None) -> Message:
    return Message(
        NotificationKind.DEADLINE_NEAR,
        f"Срок подходит: {task_name}, {_application(instance)}",
        f"Наступил индикативный срок шага {step or ''} «{task_name}» по {_application(instance, 'заявке')}. "
        f"Нормативный срок истекает {fmt_datetime(due)} (МСК). Исполнителю — завершить шаг, "
        "руководителю — проверить статус и качество исполнения (п. 4.3 Регламента).",
        f"/applications/{instance.id}")


def deadline_breached(instance, task_name: str, step: str | None, due: datetime | None) -> Message:
    return Message(
        NotificationKind.DEADLINE_BREACHED,
        f"Нарушен нормативный срок: {task_name}, {_application(instance)}",
        f"Нормативный срок шага {step or ''} «{task_name}» по {_application(instance, 'заявке')} истёк "
        f"{fmt_datetime(due)} (МСК), шаг не завершён. Нарушение внесено в реестр нарушений сроков.",
        f"/applications/{instance.id}")
