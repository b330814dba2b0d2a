from datetime import date, datetime, timedelta, timezone

import pytest

from app import calendar as cal_module
from app.calendar import MOSCOW, WorkingCalendar, add_working_days

# Facts from the Government decrees on transfers of days off:
# 2024 — No. 1314 of 10.08.2023, 2025 — No. 1335 of 04.10.2024, 2026 — the September 2025
# decree (consultant.ru LAW_515170); 09.03 and 11.05.2026 move by Labour Code art. 112.
WORKING_SATURDAYS = [
    date(2024, 4, 27),
    date(2024, 11, 2),
    date(2024, 12, 28),
    date(2025, 11, 1),
]

TRANSFERRED_DAYS_OFF = [
    date(2024, 4, 29),  # from Sat 27.04.2024
    date(2024, 4, 30),  # from Sat 02.11.2024
    date(2024, 5, 10),  # from Sat 06.01.2024
    date(2024, 12, 30),  # from Sat 28.12.2024
    date(2024, 12, 31),  # from Sun 07.01.2024
    date(2025, 5, 2),  # from Sat 04.01.2025
    date(2025, 5, 8),  # from Sun 23.02.2025
    date(2025, 6, 13),  # from Sat 08.03.2025
    date(2025, 11, 3),  # from Sat 01.11.2025
    date(2025, 12, 31),  # from Sun 05.01.2025
    date(2026, 1, 9),  # from Sat 03.01.2026
    date(2026, 3, 9),  # 08.03.2026 falls on a Sunday
    date(2026, 5, 11),  # 09.05.2026 falls on a Saturday
    date(2026, 12, 31),  # from Sun 04.01.2026
]

ORDINARY_WORKING_DAYS = [
    date(2024, 5, 13),  # Monday after the 9–12 May 2024 break
    date(2025, 5, 5),
    date(2025, 5, 12),
    date(2025, 11, 5),
    date(2026, 1, 12),  # first working day of 2026
    date(2026, 2, 20),
]


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


@pytest.mark.parametrize("d", WORKING_SATURDAYS, ids=str)
def test_working_saturdays_are_working_days(cal, d):
    assert d.weekday() == 5
    assert cal.is_working_day(d)


@pytest.mark.parametrize("d", TRANSFERRED_DAYS_OFF, ids=str)
def test_transferred_weekdays_off_are_days_off(cal, d):
    assert d.weekday() < 5
    assert not cal.is_working_day(d)


@pytest.mark.parametrize("d", ORDINARY_WORKING_DAYS, ids=str)
def test_ordinary_weekdays_next_to_breaks_are_working(cal, d):
    assert cal.is_working_day(d)


def test_may_2024_break_runs_9_to_12_may(cal):
    assert [cal.is_working_day(date(2024, 5, d)) for d in range(8, 14)] == [
        True, False, False, False, False, True,
    ]


def test_new_year_2025_2026_break_runs_31_december_to_11_january(cal):
    assert cal.is_working_day(date(2025, 12, 30))
    off = [date(2025, 12, 31)] + [date(2026, 1, d) for d in range(1, 12)]
    assert not any(cal.is_working_day(d) for d in off)
    assert cal.is_working_day(date(2026, 1, 12))


def test_ordinary_weekends_are_days_off(cal):
    assert not cal.is_working_day(date(2025, 11, 8))  # Saturday
    assert not cal.is_working_day(date(2025, 11, 9))  # Sunday


def test_deadline_skips_transferred_holiday(cal):
    ready = datetime(2025, 10, 31, 12, 0, tzinfo=MOSCOW)  # Friday
    assert cal.deadline(ready, 2) == datetime(2025, 11, 5, 23, 59, 59, tzinfo=MOSCOW)
    # the indicative 1-day deadline lands on the working Saturday
    assert cal.deadline(ready, 1) == datetime(2025, 11, 1, 23, 59, 59, tzinfo=MOSCOW)


def test_deadline_crosses_new_year_break(cal):
    ready = datetime(2025, 12, 30, 10, 0, tzinfo=MOSCOW)
    assert cal.deadline(ready, 1) == datetime(2026, 1, 12, 23, 59, 59, tzinfo=MOSCOW)
    assert cal.deadline(ready, 2) == datetime(2026, 1, 13, 23, 59, 59, tzinfo=MOSCOW)


def test_deadline_is_end_of_day_in_moscow(cal):
    due = cal.deadline(datetime(2025, 10, 31, 9, 0, tzinfo=timezone.utc), 2)
    assert due.tzinfo is MOSCOW
    assert due.astimezone(timezone.utc) == datetime(2025, 11, 5, 20, 59, 59, tzinfo=timezone.utc)


def test_deadline_counts_from_moscow_date_of_late_utc_evening(cal):
    # 21:30 UTC on Thu 30.10.2025 is already 00:30 on Fri 31.10.2025 in Moscow
    started = datetime(2025, 10, 30, 21, 30, tzinfo=timezone.utc)
    assert cal.deadline(started, 1) == datetime(2025, 11, 1, 23, 59, 59, tzinfo=MOSCOW)
    assert cal.deadline(started, 2) == datetime(2025, 11, 5, 23, 59, 59, tzinfo=MOSCOW)


def test_deadline_rejects_naive_datetime(cal):
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.deadline(datetime(2025, 10, 31, 12, 0), 2)


def test_deadline_zero_days_is_end_of_start_day(cal):
    ready = datetime(2025, 11, 2, 12, 0, tzinfo=MOSCOW)  # Sunday
    assert cal.deadline(ready, 0) == datetime(2025, 11, 2, 23, 59, 59, tzinfo=MOSCOW)


def test_counting_starts_the_day_after_start(cal):
    assert cal.add_working_days(date(2025, 11, 5), 1) == date(2025, 11, 6)  # Wed -> Thu
    assert cal.add_working_days(date(2025, 11, 7), 1) == date(2025, 11, 10)  # Fri -> Mon


def test_counting_starts_the_day_after_when_start_is_a_day_off(cal):
    # Sunday 02.11.2025: next are Mon 03.11 (transferred off), Tue 04.11 (holiday)
    assert cal.add_working_days(date(2025, 11, 2), 1) == date(2025, 11, 5)
    # Saturday that is a working day still does not count itself
    assert cal.add_working_days(date(2025, 11, 1), 1) == date(2025, 11, 5)


def test_zero_working_days_returns_start(cal):
    assert cal.add_working_days(date(2025, 11, 2), 0) == date(2025, 11, 2)


def test_negative_working_days_rejected(cal):
    with pytest.raises(ValueError, match="n must be >= 0"):
        cal.add_working_days(date(2025, 11, 5), -1)


def test_datetime_rejected_where_a_date_is_expected(cal):
    with pytest.raises(TypeError):
        cal.add_working_days(datetime(2025, 11, 5, tzinfo=MOSCOW), 1)


def test_sixty_working_days_span_the_new_year(cal):
    start = date(2025, 11, 20)
    end = cal.add_working_days(start, 60)
    assert end.year == 2026
    assert cal.working_days_between(start, end) == 60
    assert cal.is_working_day(end)


def test_add_and_between_agree_over_several_years(cal):
    start = date(2023, 12, 29)
    for n in (1, 5, 17, 60, 250, 600):
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n
        assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1


def test_working_days_between_counts_half_open_interval(cal):
    assert cal.working_days_between(date(2025, 10, 31), date(2025, 11, 5)) == 2
    assert cal.working_days_between(date(2025, 10, 31), date(2025, 11, 4)) == 1
    assert cal.working_days_between(date(2025, 12, 30), date(2026, 1, 12)) == 1
    assert cal.working_days_between(date(2025, 11, 2), date(2025, 11, 4)) == 0


def test_working_days_between_is_zero_when_end_not_after_start(cal):
    assert cal.working_days_between(date(2025, 11, 5), date(2025, 11, 5)) == 0
    assert cal.working_days_between(date(2025, 11, 6), date(2025, 11, 5)) == 0


def test_override_makes_package_working_day_a_day_off():
    d = date(2025, 11, 5)
    cal = WorkingCalendar({d: False})
    assert not cal.is_working_day(d)
    assert cal.add_working_days(date(2025, 10, 31), 2) == date(2025, 11, 6)
    assert cal.working_days_between(date(2025, 10, 31), date(2025, 11, 6)) == 2


def test_override_makes_weekend_a_working_day():
    d = date(2025, 11, 8)  # ordinary Saturday
    cal = WorkingCalendar({d: True})
    assert cal.is_working_day(d)
    assert cal.add_working_days(date(2025, 11, 7), 1) == d


def test_override_can_undo_a_package_transfer():
    cal = WorkingCalendar({date(2025, 11, 1): False, date(2025, 11, 3): True})
    assert not cal.is_working_day(date(2025, 11, 1))
    assert cal.add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 3)


def test_module_function_uses_default_calendar_or_the_given_one():
    assert add_working_days(date(2025, 10, 31), 2) == date(2025, 11, 5)
    custom = WorkingCalendar({date(2025, 11, 5): False})
    assert add_working_days(date(2025, 10, 31), 2, calendar=custom) == date(2025, 11, 6)
    assert cal_module.add_working_days(date(2025, 12, 30), 2) == date(2026, 1, 13)
