"""Hand-off notices declared in the model: the ``notify`` property of an element says who is told
when the engine enters it (a task becomes ready, an event is reached), the words are Jinja
templates in ``app/templates/notices/``. A process owner who removes an entry and deploys stops
that notice for applications of the new version; no step is named here.

Written in the transaction of the step that caused them, after its case-file entry (a remarks
notice quotes the remarks just made), once per element's task and recipient.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime

from flask import current_app

from ..statuses import NotificationKind
from . import audiences
from .context import notice_context
from .outbox import Message, rows_for, write
from .rules import NotifyInvalid, parse_notify

log = logging.getLogger(__name__)
PREFIX = "notice"


def announce(instance, step, now: datetime, actor: str | None) -> int:
    """Write the notices the elements entered by ``step`` declare; returns how many rows.

    The person whose action caused the step is not told of it (they are on the page), and one
    element tells each person once: its first rule naming them wins (``sender:returned;
    performers`` gives the ЦПЭ employee who sent the step the return, the others the new task).
    """
    ready = {t.id: t for t in step.tasks}
    rows = []  # the step's notices go in one insert
    for element in step.entered:
        spec = element.properties.get("notify")
        if not spec:
            continue
        try:
            rules = parse_notify(spec, human=element.task_id in ready)
        except NotifyInvalid as exc:  # deploy refuses it; a model deployed before the check is logged
            log.warning("instance %s, element %s: %s", instance.id, element.element_id, exc)
            continue
        told = {actor.lower()} if actor else set()
        for rule in rules:
            people = [r for r in audiences.of(rule.audience, instance, element, step)
                      if r.email.lower() not in told]
            if not people:
                continue
            told.update(r.email.lower() for r in people)
            task = ready.get(element.task_id)
            # A link to the task only for who can open it: the client's notice of a ЦПЭ task
            # (originals, selection) opens the application instead.
            mine = task is not None and audiences.role_of(rule.audience, element) == element.role
            message = render(rule.notice, instance, element, task, step, link_task=mine)
            rows += rows_for(people, event_key(instance.id, element.task_id, rule.notice), message,
                             now=now, instance_id=instance.id)
    return write(rows)


def event_key(instance_id: int, task_id: str, notice: str) -> str:
    return f"{PREFIX}:{instance_id}:{task_id}:{notice}"


def notice_task(key: str) -> str | None:
    """The task a notice's event key names (None for other notifications)."""
    parts = key.split(":")
    return parts[2] if len(parts) == 4 and parts[0] == PREFIX else None


def render(notice: str, instance, element, task, step, *, link_task: bool = True) -> Message:
    """The notice's subject, kind, text and link, from its template (``subject`` and ``kind`` are
    set in it; the rest of the file is the text)."""
    template = current_app.jinja_env.get_template(f"notices/{notice}.txt")
    context = notice_context(instance, element, task, step, link_task=link_task)
    module = template.make_module(context)
    kind = getattr(module, "kind", None) or NotificationKind.CASE
    subject = getattr(module, "subject", None) or element.name or notice
    body = re.sub(r"\n{3,}", "\n\n", str(module)).strip()
    return Message(NotificationKind(kind), subject, body, context["link"])
