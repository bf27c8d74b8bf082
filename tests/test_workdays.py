"""Working days skip weekends and configured holidays, and count make-up working days."""

import datetime as dt

import pytest

from gendan import workdays
from gendan.models import Holiday

D = dt.date


@pytest.fixture
def national_day(db):
    # 2026: National Day holiday 1–7 October; Saturday 10 October is a make-up working day.
    for day in range(1, 8):
        Holiday.objects.create(date=D(2026, 10, day), name="国庆节")
    Holiday.objects.create(date=D(2026, 10, 10), name="国庆调休", is_working_day=True)


def test_weekends_are_not_working_days(db):
    assert workdays.is_working_day(D(2026, 11, 20))  # Friday
    assert not workdays.is_working_day(D(2026, 11, 21))  # Saturday
    assert not workdays.is_working_day(D(2026, 11, 22))  # Sunday


def test_holidays_and_make_up_days(national_day):
    assert not workdays.is_working_day(D(2026, 10, 5))  # Monday, holiday
    assert workdays.is_working_day(D(2026, 10, 10))  # Saturday, make-up day


def test_nth_working_day_of_a_month_starting_with_a_holiday_week(national_day):
    # October 2026: 1–7 holiday, 8 Thu, 9 Fri, 10 Sat (make-up), 12 Mon.
    assert workdays.nth_working_day_of_month(2026, 10, 1) == D(2026, 10, 8)
    assert workdays.nth_working_day_of_month(2026, 10, 3) == D(2026, 10, 10)
    assert workdays.nth_working_day_of_month(2026, 10, 4) == D(2026, 10, 12)


def test_nth_working_day_of_a_month_starting_on_a_weekend(db):
    # August 2026 starts on a Saturday.
    assert workdays.nth_working_day_of_month(2026, 8, 1) == D(2026, 8, 3)
    assert workdays.nth_working_day_of_month(2026, 8, 5) == D(2026, 8, 7)


def test_add_working_days_and_count_them_back(national_day):
    start = D(2026, 9, 30)  # Wednesday before the holiday
    assert workdays.add_working_days(start, 1) == D(2026, 10, 8)
    assert workdays.add_working_days(start, 4) == D(2026, 10, 12)
    assert workdays.working_days_between(start, D(2026, 10, 12)) == 4
    assert workdays.working_days_between(D(2026, 10, 12), start) == 0
    assert workdays.add_working_days(start, 0) == start


def test_a_long_span_is_computed_with_one_calendar_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert workdays.working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 260


def test_subtract_working_days_is_where_more_than_n_working_days_begin(national_day):
    # Around National Day: holidays 1–7 October, make-up working day Saturday 10 October.
    for end in (D(2026, 9, 28) + dt.timedelta(days=i) for i in range(20)):
        for n in range(4):
            cutoff = workdays.subtract_working_days(end, n)
            assert workdays.is_working_day(cutoff)
            assert workdays.working_days_between(cutoff, end) == n, (end, n)
            before = cutoff - dt.timedelta(days=1)
            assert workdays.working_days_between(before, end) > n, (end, n)
    # Thursday 8 October, 1 working day back: Wednesday 30 September.
    assert workdays.subtract_working_days(D(2026, 10, 8), 1) == D(2026, 9, 30)
