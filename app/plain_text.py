"""What typed text may hold, wherever it comes from: a task form, the API, an admin page.

Text goes on to e-mail headers, exports, documents and other systems, where a line break or a
control character changes what the text means (a header injected, a CSV row split). So a
single-line field refuses every control character (C0, DEL, C1, the Unicode line and
paragraph separators); a multi-line one keeps line breaks and tabs and refuses the rest.
``one_line`` is for what must be one line whatever old data holds, such as an e-mail subject.
"""
from __future__ import annotations

import re

MAX_TEXT_LENGTH = 10_000  # a multi-line text (a comment, a reason) outside the task forms

# C0 controls, DEL, C1 controls (NEL among them) and the Unicode line/paragraph separators.
_LINE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, but line feed, carriage return and tab are what a multi-line text is made of.
_TEXT_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_RUNS = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")

_NAMES = {
    "\n": "перевод строки",
    "\r": "возврат каретки (перевод строки)",
    "\t": "табуляция",
    "\x00": "нулевой символ (NUL)",
    "\u2028": "разделитель строк U+2028",
    "\u2029": "разделитель абзацев U+2029",
}


def problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` is refused, in Russian and naming the character ("недопустимый символ —
    перевод строки …"), or None when it may be kept."""
    found = (_TEXT_REFUSED if multiline else _LINE_REFUSED).search(text)
    if found is None:
        return None
    char = found.group()
    name = _NAMES.get(char) or f"управляющий символ U+{ord(char):04X}"
    if multiline:
        return f"недопустимый символ — {name}: уберите его из текста"
    return f"недопустимый символ — {name}: это поле однострочное, уберите переводы строк, табуляцию и управляющие символы"


def refusal(text: str | None, *, multiline: bool = False, limit: int | None = None) -> str | None:
    """Why ``text`` is refused: a character it may not hold (``problem``) or more than ``limit``
    characters; None when it may be kept (blank included)."""
    if not text:
        return None
    if reason := problem(text, multiline=multiline):
        return reason
    if limit is not None and len(text) > limit:
        return f"не длиннее {limit} символов"
    return None


def one_line(text: str | None) -> str:
    """``text`` as one line: every run of whitespace and control characters becomes one space."""
    return _RUNS.sub(" ", text or "").strip()
