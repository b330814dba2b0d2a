"""People in the documents' Russian: «в лице директора Соколовой Анны Викторовны, действующей…»
and the signature «А. В. Соколова», from a name typed once in the nominative.

Declension is pymorphy3's (OpenCorpora dictionaries, which know surnames, first names and
patronymics by gender); only the choice among its parses is ours: the gender comes from the
patronymic, else the first name, else the surname, and each part is declined as the part it is.
A word the dictionary cannot decline (a foreign surname, «Шевченко») stays as typed, which is
what Russian grammar does with such names.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

FEMININE, MASCULINE = "femn", "masc"
_PARTS = ("Surn", "Name", "Patr")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3  # loading the dictionaries takes a moment: only when a document is made

    return pymorphy3.MorphAnalyzer()


@dataclass(frozen=True)
class Person:
    surname: str
    name: str = ""
    patronymic: str = ""

    @property
    def gender(self) -> str | None:
        for word, part in ((self.patronymic, "Patr"), (self.name, "Name"), (self.surname, "Surn")):
            if word and (gender := _gender_of(word, part)):
                return gender
        return None

    @property
    def feminine(self) -> bool:
        return self.gender == FEMININE

    def genitive(self) -> str:
        gender = self.gender
        return " ".join(_decline(word, part, gender) for word, part in
                        ((self.surname, "Surn"), (self.name, "Name"), (self.patronymic, "Patr")) if word)

    def initials(self) -> str:
        """«А. В. Соколова»: initials first, as a signature is transcribed."""
        letters = " ".join(f"{word[0]}." for word in (self.name, self.patronymic) if word)
        return f"{letters} {self.surname}".strip()


def parse(full_name: str | None) -> Person | None:
    """«Соколова Анна Викторовна» (surname first, as documents list people) or «Анна Викторовна
    Соколова»; None for a blank. Already abbreviated names («Иванов И. И.») are kept as typed."""
    words = (full_name or "").split()
    if not words:
        return None
    if len(words) == 3 and _is(words[1], "Patr") and _is(words[0], "Name"):
        return Person(words[2], words[0], words[1])  # «Анна Викторовна Соколова»
    surname, rest = words[0], words[1:]
    return Person(surname, rest[0] if rest else "", " ".join(rest[1:]))


def acting(person: Person | None) -> str:
    return "действующей" if person and person.feminine else "действующего"


def position_genitive(position: str | None) -> str:
    """«Генеральный директор» → «генерального директора»: the adjectives and the first noun are
    declined, what follows («по развитию», «филиала») already is in its case and stays."""
    words = (position or "").split()
    result = []
    for index, word in enumerate(words):
        parse_ = next((p for p in _morph().parse(word) if "nomn" in p.tag and {"ADJF", "NOUN"} & {p.tag.POS}), None)
        declined = parse_.inflect({"gent", "sing"}) if parse_ else None
        if declined is None:
            result.extend(words[index:])
            break
        result.append(_like(word, declined.word) if index else declined.word)
        if parse_.tag.POS == "NOUN":
            result.extend(words[index + 1:])
            break
    return " ".join(result)


def _is(word: str, part: str) -> bool:
    return any(part in p.tag and "nomn" in p.tag for p in _morph().parse(word))


def _gender_of(word: str, part: str) -> str | None:
    genders = {p.tag.gender for p in _morph().parse(word) if part in p.tag and "nomn" in p.tag}
    genders &= {FEMININE, MASCULINE}
    return genders.pop() if len(genders) == 1 else None


def _decline(word: str, part: str, gender: str | None) -> str:
    # A double surname declines part by part: «Римская-Корсакова» → «Римской-Корсаковой».
    if "-" in word:
        return "-".join(_decline(piece, part, gender) for piece in word.split("-"))
    candidates = [p for p in _morph().parse(word) if "nomn" in p.tag and "sing" in p.tag
                  and (gender is None or p.tag.gender in (gender, "ms-f"))]
    chosen = next((p for p in candidates if part in p.tag), None) or next(
        (p for p in candidates if p.tag.POS == "NOUN" and "anim" in p.tag), None)
    if chosen is None or "Fixd" in chosen.tag:
        return word
    declined = chosen.inflect({"gent"})
    return _like(word, declined.word) if declined else word


def _like(original: str, word: str) -> str:
    """``word`` in the letter case of ``original`` (the dictionary answers in lower case; «ё» kept
    as typed when the dictionary spells it «е»)."""
    if original[:1].isupper():
        word = word[:1].upper() + word[1:]
    if "ё" not in original.lower() and "ё" in word:
        word = word.replace("ё", "е")
    return word
