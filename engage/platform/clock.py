"""One place to ask the time, so tests can move the clock (session timeouts, retention),
and the one time-zone rule: **times are stored in UTC and shown, and typed, in the
council's time (Europe/London)**. A date an officer types (a survey's opening or closing
day, a report's "from" and "to") means that day in London, midnight to midnight."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: The council's time zone: every time shown or typed is in it (GMT in winter, BST in summer).
LONDON = ZoneInfo("Europe/London")

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current time in UTC, timezone-aware."""
    return _now()


def local(moment: datetime) -> datetime:
    """``moment`` (timezone-aware) as a clock in the council's area reads it."""
    return moment.astimezone(LONDON)


def at_local(day: date, clock_time: time) -> datetime:
    """``clock_time`` on ``day`` as a clock in the council's area reads it, in UTC."""
    return datetime.combine(day, clock_time, LONDON).astimezone(UTC)


def today() -> date:
    """Today's date in the council's area (not in UTC: they differ after 11pm in summer)."""
    return local(now()).date()


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the council's area (timezone-aware)."""
    return datetime.combine(day, time.min, LONDON)


def end_of_day(day: date) -> datetime:
    """The last whole second of ``day`` in the council's area (timezone-aware)."""
    return datetime.combine(day, time(23, 59, 59), LONDON)


def day_after(day: date) -> datetime:
    """The first moment after ``day`` in the council's area: the end of a "to" filter."""
    return start_of_day(day + timedelta(days=1))


def set_clock(func: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests only); ``None`` restores the real one."""
    global _now
    _now = func if func is not None else (lambda: datetime.now(UTC))
