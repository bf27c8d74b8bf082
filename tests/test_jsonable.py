"""``gendan.timeline.jsonable``: what a JSON field stores of a history entry's or a pay
statement line's data (its fast path by exact type gives what the general rules give)."""

import datetime as dt
from collections import OrderedDict
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from gendan.timeline import jsonable
from kpi.models import ComponentKind


def test_decimals_dates_and_times_become_text_exactly():
    assert jsonable(Decimal("12345.60")) == "12345.60"
    assert jsonable(dt.date(2026, 11, 30)) == "2026-11-30"
    assert jsonable(dt.datetime(2026, 11, 30, 8, 5, tzinfo=dt.UTC)) == "2026-11-30 08:05:00+00:00"
    assert jsonable(dt.time(8, 5)) == "08:05:00"


def test_scalars_stay_what_they_are():
    for value in (None, True, False, 0, 7, "", "订单"):
        assert jsonable(value) is value


def test_containers_are_walked_tuples_become_lists():
    data = {
        "orders": [{"number": "GD-1", "total": Decimal("1.50")}, ("a", Decimal("2"))],
        "on": dt.date(2026, 1, 2),
        "n": 3,
    }
    assert jsonable(data) == {
        "orders": [{"number": "GD-1", "total": "1.50"}, ["a", "2"]],
        "on": "2026-01-02",
        "n": 3,
    }


def test_subclasses_follow_the_general_rules():
    # A str subclass (choices, safe strings) is kept; a lazy translation becomes text;
    # an OrderedDict is walked into a dict.
    assert jsonable(ComponentKind.COMMISSION) is ComponentKind.COMMISSION
    safe = mark_safe("<b>")
    assert jsonable(safe) is safe
    assert jsonable(gettext_lazy("加班工资")) == str(gettext_lazy("加班工资"))
    walked = jsonable(OrderedDict(a=Decimal("1")))
    assert type(walked) is dict and walked == {"a": "1"}
