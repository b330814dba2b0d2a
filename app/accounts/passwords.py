"""Which passwords may be set: at least 10 characters, and none that an attacker tries early.

"Tries early" is zxcvbn's estimate (the Dropbox library, here its maintained Python port): it
knows the 30,000 most common passwords of leaked password lists, English words and names, and
also finds them capitalised, reversed and in l33t spelling, and it prices repeats, sequences,
dates and keyboard rows ("qwertyuiop", "1q2w3e4r5t"). A password it guesses in under 10^6 tries
(its score below 2, "protection from throttled online attacks") is refused: logins are throttled
(app/throttle.py), so that is the attack left to stand.
"""
from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MIN_SCORE = 2
# zxcvbn refuses longer input (its cost grows with the length); a prefix this long that is hard
# to guess makes the whole password hard to guess.
_ESTIMATED_LENGTH = 72

TOO_SHORT = f"Пароль должен быть не короче {MIN_LENGTH} символов"
COMMON = "Пароль входит в список самых распространённых паролей: придумайте другой"
GUESSABLE = ("Пароль легко подобрать: в нём распространённые слова или пароли, повторы, последовательности "
             "или ряд клавиатуры; придумайте длиннее или необычнее")


def problem(password: str | None, personal: Iterable[str] = ()) -> str | None:
    """Why ``password`` may not be set (a Russian sentence naming the field), or None.

    ``personal`` are the account's own words (e-mail, name): a password made of them is weak too.
    """
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=[w for w in personal if w])
    if estimate["score"] >= MIN_SCORE:
        return None
    matches = estimate["sequence"]
    if len(matches) == 1 and matches[0].get("dictionary_name") == "passwords":
        return COMMON
    return GUESSABLE


def personal_words(email: str | None, full_name: str | None) -> list[str]:
    """The words of an account a password should not be built from."""
    local_part = (email or "").partition("@")[0]
    return [w for w in [email or "", local_part, *(full_name or "").split()] if len(w) >= 3]
