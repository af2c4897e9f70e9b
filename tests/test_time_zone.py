"""One time-zone rule: stored in UTC, shown and typed in the council's time (Europe/London)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from engage import local_format, london_date, london_time
from engage.platform import clock
from surveys.models import Survey
from tests.conftest import FrozenClock
from tests.residents.conftest import SURVEY, publish_survey
from tests.support.pages import PageClient

__all__ = ["publish_survey"]


def test_a_typed_day_is_that_day_in_london_in_winter_and_in_summer() -> None:
    assert clock.start_of_day(date(2027, 1, 15)).astimezone(UTC) == datetime(2027, 1, 15, 0, 0, tzinfo=UTC)
    assert clock.start_of_day(date(2027, 6, 15)).astimezone(UTC) == datetime(2027, 6, 14, 23, 0, tzinfo=UTC)
    assert clock.end_of_day(date(2027, 6, 15)).astimezone(UTC) == datetime(
        2027, 6, 15, 22, 59, 59, tzinfo=UTC
    )
    # The day the clocks go forward has 23 hours; "to 28 March" ends at the next local midnight.
    start, end = clock.start_of_day(date(2027, 3, 28)), clock.day_after(date(2027, 3, 28))
    assert end.astimezone(UTC) == datetime(2027, 3, 28, 23, 0, tzinfo=UTC)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 23 * 3600


def test_today_is_the_council_s_date_not_utc_s(frozen_clock: FrozenClock) -> None:
    frozen_clock.current = datetime(2027, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
    assert clock.today() == date(2027, 7, 1)
    frozen_clock.current = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)  # GMT: still 31 December
    assert clock.today() == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("moment", "shown", "day", "short"),
    [
        (
            datetime(2027, 6, 30, 23, 30, tzinfo=UTC),
            "Thursday 1 July 2027, 12:30am",
            "1 July 2027",
            "01 Jul 2027 00:30",
        ),
        (
            datetime(2027, 1, 5, 18, 0, tzinfo=UTC),
            "Tuesday 5 January 2027, 6pm",
            "5 January 2027",
            "05 Jan 2027 18:00",
        ),
    ],
)
def test_pages_show_london_time(moment: datetime, shown: str, day: str, short: str) -> None:
    assert london_time(moment) == shown
    assert london_date(moment) == day
    assert local_format(moment, "%d %b %Y %H:%M") == short
    assert london_date(None) == local_format(None, "%H") == ""


def test_residents_read_a_closing_time_as_their_own_day(
    client: PageClient, publish_survey: Callable[..., Survey], frozen_clock: FrozenClock
) -> None:
    """A survey imported with a UTC closing time of 23:30 on 30 June closes, in London, on 1 July."""
    frozen_clock.current = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    survey = publish_survey({**copy.deepcopy(SURVEY), "closes_at": "2027-06-30T23:30:00Z"})
    page = client.get(f"/s/{survey.slug}")
    assert "The survey closes on 1 July 2027." in page.text
    frozen_clock.current = datetime(2027, 7, 2, 9, 0, tzinfo=UTC)
    closed = client.get(f"/s/{survey.slug}", expected_status=410)
    assert "It closed on 1 July 2027." in closed.text
