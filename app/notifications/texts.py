"""The words of the deadline notifications and invitations (Russian: they go to the regulation's participants).
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


def invitation(instance, full_name: str, email: str, inviter: str, inviter_role: str, expires: datetime,
               link: str) -> Message:
    """The one-time link for a client's representative invited from an application."""
    who = f"{inviter} ({inviter_role})" if inviter_role and inviter_role not in inviter else inviter
    return Message(
        NotificationKind.INVITATION,
        f"Приглашение в Витрину: {_application(instance)}",
        f"Здравствуйте, {one_line(full_name)}!\n\n"
        f"{who} приглашает Вас в Витрину, личный кабинет Клиента РЭЦ, по {_application(instance, 'заявке')} "
        "на размещение и продвижение продукции на электронных торговых площадках. В кабинете Вы заполните "
        "анкету заявки (шаг 1), если её ещё не заполнили за Вас, и будете следить за заявкой.\n\n"
        f"Ваш логин: {email}. Чтобы войти, задайте пароль по ссылке ниже. Ссылка действует до "
        f"{fmt_datetime(expires)} (МСК) и открывается один раз; если срок истёк, попросите пригласить Вас снова.",
        link)
