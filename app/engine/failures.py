"""What a failed piece of model code is called in a message a process owner and a participant read.

SpiffWorkflow's text is English and says where inside the engine it failed ("Error occurred in
the Post-Script"); people need where in the model (a script, a condition) and what the code did.
"""
from __future__ import annotations

import re

_PLACES = (("Pre-Script", "в прескрипте"), ("Post-Script", "в постскрипте"),
           ("Error evaluating expression", "в выражении"))
_CAUSES = (
    (re.compile(r"name '(\w+)' is not defined"), "имя «{0}» не определено"),
    (re.compile(r"^(?:integer |float )?(?:division|modulo) by zero$"), "деление на ноль"),
)


def describe(exc: Exception) -> str:
    """«в постскрипте, строка 2: ZeroDivisionError: деление на ноль» for a failed script."""
    cause = exc.__cause__ or exc.__context__ or getattr(exc, "error", None)
    text = " ".join([str(exc), *(getattr(exc, "notes", None) or [])])
    where = next((ru for en, ru in _PLACES if en in text), "в коде модели")
    line = getattr(exc, "line_number", 0) or 0
    if line:
        where += f", строка {line}"
    if cause is None:
        return f"{where}: {exc}"
    return f"{where}: {type(cause).__name__}: {_russian(cause)}"


def _russian(cause: BaseException) -> str:
    if isinstance(cause, KeyError) and cause.args:
        return f"нет ключа {cause.args[0]!r}"
    message = str(cause)
    for pattern, text in _CAUSES:
        if match := pattern.search(message):
            return text.format(*match.groups())
    return message
