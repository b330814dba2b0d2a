"""Reading a model's ``notify`` property: ``performers; client:remarks`` → who is told what.

Kept apart from the writing of notices so the model check can read the property without the
database."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..statuses import NoticeAudience

NOTICES_DIR = Path(__file__).resolve().parent.parent / "templates" / "notices"
DEFAULT_NOTICE = "task_ready"  # what a user task's performers are told unless the model names a text
_NAME = re.compile(r"[a-z][a-z0-9_]{0,60}")


class NotifyInvalid(ValueError):
    """A ``notify`` property that cannot be read: the message says what to write instead (Russian,
    for the modeller's problem list)."""


@dataclass(frozen=True)
class NoticeRule:
    audience: NoticeAudience
    notice: str


@cache
def known_notices() -> tuple[str, ...]:
    # The texts ship with the application: read the folder once, not on every step.
    return tuple(sorted(p.stem for p in NOTICES_DIR.glob("*.txt") if _NAME.fullmatch(p.stem)))


def parse_notify(value: str | None, *, human: bool) -> list[NoticeRule]:
    """``performers; client:remarks`` → rules; raises NotifyInvalid naming the wrong entry."""
    rules: list[NoticeRule] = []
    for part in re.split(r"[;\n]", value or ""):
        if not part.strip():
            continue
        word, _, notice = (p.strip() for p in part.partition(":"))
        try:
            audience = NoticeAudience(word)
        except ValueError:
            raise NotifyInvalid(f"«{word}» — неизвестный получатель уведомления: допустимы "
                                f"{', '.join(a.value for a in NoticeAudience)}") from None
        if not notice:
            if not human:
                raise NotifyInvalid(f"у «{word}» не указан текст: напишите {word}:<текст>, например "
                                    f"{word}:refusal (у события нет задачи, о которой сообщить по умолчанию)")
            notice = DEFAULT_NOTICE
        if notice not in known_notices():
            raise NotifyInvalid(f"текста уведомления «{notice}» нет: есть {', '.join(known_notices())} "
                                "(файлы app/templates/notices/<текст>.txt)")
        rules.append(NoticeRule(audience, notice))
    return rules
