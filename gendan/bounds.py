"""Bounds on what people and clients enter (conventions §5, trap 5), in one place.

- Dates and moments: every date or time a service takes lies within the horizon
  (``GENDAN_DATE_HORIZON_YEARS`` around today, ±10 years by default) and in its order
  relations (a finish not before its start, a delivery not before the goods left, a
  receipt not in the future). ``check_date`` and ``check_moment`` name the bad field
  in the service's ``errors`` (``check_day_done`` and ``check_moment_done``: something
  that happened, today or now when not given; ``require_*``: raise at once); a moment
  comes back in UTC, whatever offset it was given with (``+05:30:15`` included), so
  nothing odd is stored or echoed.
- Text: PostgreSQL stores no NUL byte and no lone surrogate. ``storable`` refuses
  them in any keyword argument of a service (nested lists and dicts included), named
  the way the API names fields (``lines[0].description``).
- Arithmetic on stored dates: ``shift`` adds days without overflowing at 0001-01-01 or
  9999-12-31, so a page shows an extreme but valid value instead of a server error.
- Output: ``rfc3339`` writes a moment as RFC 3339 (whole-minute offsets only: the
  local time zone's historical offsets such as +08:05:43 become UTC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import ValidationFailed

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_HORIZON_YEARS = 10

Errors = dict[str, list[Any]]


# --------------------------------------------------------------------------
# The horizon
# --------------------------------------------------------------------------


def horizon_years() -> int:
    return int(getattr(settings, "GENDAN_DATE_HORIZON_YEARS", DEFAULT_HORIZON_YEARS))


def _years_from(day: dt.date, years: int) -> dt.date:
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return day.replace(year=year, day=28)


def horizon(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last date anyone may enter: today ± ``GENDAN_DATE_HORIZON_YEARS``."""
    today = today or timezone.localdate()
    years = horizon_years()
    return _years_from(today, -years), _years_from(today, years)


def in_horizon(day: dt.date, today: dt.date | None = None) -> bool:
    low, high = horizon(today)
    return low <= day <= high


def start_of_day(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day``, aware."""
    return dt.datetime.combine(day, dt.time.min).replace(tzinfo=timezone.get_current_timezone())


def local_date(moment: dt.datetime) -> dt.date:
    """The local date of an aware moment (no overflow for a stored extreme)."""
    try:
        return timezone.localtime(moment).date()
    except OverflowError:
        return moment.date()


# --------------------------------------------------------------------------
# Dates and moments a service takes
# --------------------------------------------------------------------------

MISSING_DATE = gettext_lazy("请填写日期。")
INVALID_DATE = gettext_lazy("请输入有效的日期。")
MISSING_MOMENT = gettext_lazy("请填写时间。")
INVALID_MOMENT = gettext_lazy("请输入有效的时间。")
OUTSIDE_HORIZON = gettext_lazy("日期须在 %(low)s 至 %(high)s 之间。")
TOO_EARLY = gettext_lazy("不能早于 %(d)s。")
TOO_LATE = gettext_lazy("不能晚于 %(d)s。")
IN_FUTURE = gettext_lazy("不能晚于今天。")


def _say(message: Any, bound: Any) -> str:
    text = str(message)
    if "%(d)s" in text:
        if isinstance(bound, dt.datetime):
            bound = timezone.localtime(bound).strftime("%Y-%m-%d %H:%M")
        text = text % {"d": bound}
    return text


def check_date(
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = True,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
    too_early: Any = TOO_EARLY,
    too_late: Any = TOO_LATE,
    missing: Any = MISSING_DATE,
) -> dt.date | None:
    """Check a date a caller entered: a ``date`` (not a datetime), within the horizon,
    not before ``earliest`` nor after ``latest`` (the messages may use ``%(d)s``).

    A bad value is named in ``errors`` under ``field`` (the caller raises them all
    together) and None returned; a valid one is returned, None when it is absent and
    not ``required``.
    """
    if value is None or value == "":
        if required:
            errors[field] = [str(missing)]
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = [str(INVALID_DATE)]
        return None
    low, high = horizon()
    if not low <= value <= high:
        errors[field] = [str(OUTSIDE_HORIZON) % {"low": low, "high": high}]
        return None
    return value if _in_order(errors, field, value, earliest, too_early, latest, too_late) else None


def check_moment(
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = True,
    earliest: dt.datetime | dt.date | None = None,
    latest: dt.datetime | dt.date | None = None,
    too_early: Any = TOO_EARLY,
    too_late: Any = TOO_LATE,
    missing: Any = MISSING_MOMENT,
) -> dt.datetime | None:
    """Check a moment a caller entered, as ``check_date`` does a date: an aware
    ``datetime`` (a naive one is taken as local time) within the horizon, not before
    ``earliest`` nor after ``latest`` (a date there means its local midnight, and for
    ``latest`` the end of that day). Returns it in UTC, or None (see ``check_date``)."""
    if value is None or value == "":
        if required:
            errors[field] = [str(missing)]
        return None
    if not isinstance(value, dt.datetime):
        errors[field] = [str(INVALID_MOMENT)]
        return None
    low, high = horizon()
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        outside = not start_of_day(low) <= value < start_of_day(high) + dt.timedelta(days=1)
    except (OverflowError, ValueError):
        outside = True
    if outside:
        errors[field] = [str(OUTSIDE_HORIZON) % {"low": low, "high": high}]
        return None
    if isinstance(earliest, dt.date) and not isinstance(earliest, dt.datetime):
        earliest = start_of_day(earliest)
    if isinstance(latest, dt.date) and not isinstance(latest, dt.datetime):
        latest = start_of_day(latest) + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    if not _in_order(errors, field, value, earliest, too_early, latest, too_late):
        return None
    return value.astimezone(dt.UTC)


def _in_order(errors: Errors, field: str, value, earliest, too_early, latest, too_late) -> bool:
    """Whether ``value`` is neither before ``earliest`` nor after ``latest`` (either may
    be None); else it is named in ``errors`` with the message for that side."""
    if earliest is not None and value < earliest:
        errors[field] = [_say(too_early, earliest)]
        return False
    if latest is not None and value > latest:
        errors[field] = [_say(too_late, latest)]
        return False
    return True


def check_day_done(errors: Errors, field: str, value: Any, **kwargs: Any) -> dt.date | None:
    """``check_date`` of the day something happened: today when not given, never in
    the future (``kwargs``: ``earliest`` and its message)."""
    today = timezone.localdate()
    return check_date(errors, field, value or today, latest=today, too_late=IN_FUTURE, **kwargs)


def check_day_ahead(errors: Errors, field: str, value: Any, **kwargs: Any) -> dt.date | None:
    """``check_date`` of a day still to come (a due date, a delivery date): not before
    today (``too_early`` words the refusal)."""
    return check_date(errors, field, value, earliest=timezone.localdate(), **kwargs)


def check_moment_done(errors: Errors, field: str, value: Any, **kwargs: Any) -> dt.datetime | None:
    """``check_moment`` of the moment something happened: now when not given, never in
    the future (``kwargs``: ``earliest`` and the messages)."""
    now = timezone.now()
    kwargs.setdefault("too_late", IN_FUTURE)
    return check_moment(errors, field, value or now, latest=now, **kwargs)


def require_date(field: str, value: Any, **kwargs: Any) -> dt.date | None:
    """``check_date`` raising ValidationFailed at once (for a service with one date)."""
    return _at_once(check_date, field, value, **kwargs)


def require_moment(field: str, value: Any, **kwargs: Any) -> dt.datetime | None:
    """``check_moment`` raising ValidationFailed at once."""
    return _at_once(check_moment, field, value, **kwargs)


def require_days(field: str, value: Any, **kwargs: Any) -> int | None:
    """``check_days`` raising ValidationFailed at once."""
    return _at_once(check_days, field, value, **kwargs)


def _at_once(check: Callable[..., Any], field: str, value: Any, **kwargs: Any) -> Any:
    errors: Errors = {}
    value = check(errors, field, value, **kwargs)
    if errors:
        raise ValidationFailed(fields=errors)
    return value


def check_days(errors: Errors, field: str, value: Any, *, low: int = 0) -> int | None:
    """A number of days (a due date's distance, payment terms): a whole number from
    ``low`` up to the horizon's length, so that ``today + days`` stays a sane date."""
    high = horizon_years() * 366
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = [_("请输入 %(low)s 到 %(high)s 之间的天数。") % {"low": low, "high": high}]
        return None
    return value


# --------------------------------------------------------------------------
# Text the database can store
# --------------------------------------------------------------------------

UNSTORABLE_TEXT = gettext_lazy("文本含有不允许的字符（如 NUL 空字符）。")


def _is_unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800")
        return True
    return False


def unstorable_fields(value: Any, name: str = "") -> list[str]:
    """The names of the strings in ``value`` (nested in lists, tuples and mappings)
    that PostgreSQL refuses to store, named as the API names fields."""
    if isinstance(value, str):
        return [name] if _is_unstorable(value) else []
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            child = f"{name}.{key}" if name else str(key)
            if isinstance(key, str) and _is_unstorable(key):
                found.append(child)
            found += unstorable_fields(item, child)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += unstorable_fields(item, f"{name}[{i}]")
    return found


def refuse_unstorable(values: Mapping[str, Any]) -> None:
    """Raise ValidationFailed naming each field of ``values`` that holds text the
    database cannot store (a NUL byte, a lone surrogate)."""
    bad = unstorable_fields(dict(values))
    if bad:
        raise ValidationFailed(fields={name: [str(UNSTORABLE_TEXT)] for name in bad})


def storable(func: F) -> F:
    """Decorate a service: its keyword arguments are checked by ``refuse_unstorable``
    before anything is locked or written, so a NUL byte is a ValidationFailed naming
    the field (400 on the API, a field error on a page), never a database error."""

    @wraps(func)
    def checked(*args: Any, **kwargs: Any):
        refuse_unstorable(kwargs)
        return func(*args, **kwargs)

    return checked  # type: ignore[return-value]


# --------------------------------------------------------------------------
# Arithmetic and output that stored extremes do not break
# --------------------------------------------------------------------------


def shift(day: dt.date, days: int) -> dt.date:
    """``day + days``, held at the first or last date there is instead of overflowing
    (a stored 9999-12-31 plus one day is still 9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def rfc3339(value: dt.datetime) -> str:
    """An aware moment as RFC 3339 text: its own offset when that is whole minutes,
    else UTC (``Z``); ``+00:00`` is written ``Z`` as DRF does."""
    offset = value.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        value = value.astimezone(dt.UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
