"""Names and positions in the documents' Russian (pymorphy3), gender from the patronymic."""
from __future__ import annotations

import pytest

from app.paperwork import names


@pytest.mark.parametrize("typed, genitive, acting, initials", [
    ("Соколова Анна Викторовна", "Соколовой Анны Викторовны", "действующей", "А. В. Соколова"),
    ("Анна Викторовна Соколова", "Соколовой Анны Викторовны", "действующей", "А. В. Соколова"),
    ("Петров Пётр Петрович", "Петрова Петра Петровича", "действующего", "П. П. Петров"),
    ("Кузнецов Никита Ильич", "Кузнецова Никиты Ильича", "действующего", "Н. И. Кузнецов"),
    ("Шевченко Ольга Ивановна", "Шевченко Ольги Ивановны", "действующей", "О. И. Шевченко"),
    ("Римская-Корсакова Мария Ивановна", "Римской-Корсаковой Марии Ивановны", "действующей", "М. И. Римская-Корсакова"),
])
def test_a_full_name_is_declined_by_the_gender_its_patronymic_tells(typed, genitive, acting, initials):
    person = names.parse(typed)
    assert (person.genitive(), names.acting(person), person.initials()) == (genitive, acting, initials)


@pytest.mark.parametrize("typed, genitive", [
    ("директор", "директора"), ("Генеральный директор", "генерального директора"),
    ("директор по развитию", "директора по развитию"),
    ("заместитель генерального директора", "заместителя генерального директора"),
])
def test_a_position_declines_up_to_its_noun(typed, genitive):
    assert names.position_genitive(typed) == genitive


def test_a_blank_name_is_no_person():
    assert names.parse("  ") is None and names.acting(None) == "действующего"
