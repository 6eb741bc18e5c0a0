"""Business-hours deadlines and lead times over columns of µs equal the scalar ones
element by element (hand cases and hypothesis)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.domain.calendar import BusinessCalendar, CalendarError
from monitor.domain.instants import MISSING, Ints, from_us, to_us
from monitor.domain.schedule import BusinessSchedule
from monitor.domain.schedule_arrays import back_from_us, deadlines_us
from tests.conftest import local
from tests.domain.schedule_cases import limits, moments, schedule, schedules

H_US = 3600 * 10**6
WORK = schedule()


def column(*values: int) -> Ints:
    return np.array(values, dtype=np.int64)


def scalar_deadlines(work: BusinessSchedule, starts: Ints, limit_us: int) -> list[int]:
    limit = timedelta(microseconds=limit_us)
    return [
        MISSING if value == MISSING else to_us(work.deadline(from_us(value), limit))
        for value in starts.tolist()
    ]


def scalar_back_from(work: BusinessSchedule, deadlines: Ints, lead_us: int) -> list[int]:
    lead = timedelta(microseconds=lead_us)
    return [
        MISSING if value == MISSING else to_us(work.back_from(from_us(value), lead))
        for value in deadlines.tolist()
    ]


def test_the_glpi_example_as_a_column() -> None:
    start = to_us(local("2024-06-03 17:00"))
    due = deadlines_us(WORK, column(start, MISSING, start), 4 * H_US)
    assert due.tolist() == [to_us(local("2024-06-04 13:30")), MISSING, due[0]]
    warn = back_from_us(WORK, due, H_US)
    assert warn.tolist() == [to_us(local("2024-06-04 11:00")), MISSING, warn[0]]


def test_starts_far_apart_share_one_call() -> None:
    # Starts around two holidays a year apart: the days between are not needed by any clock.
    starts = column(
        to_us(local("2024-09-30 17:00")),  # → 10-08 09:00 after National Day
        to_us(local("2025-09-30 17:00")),  # → 2025-10-09 09:00 after National Day and 中秋
        to_us(local("2024-12-31 17:00")),  # → 2025-01-02 09:00 after 元旦
    )
    assert deadlines_us(WORK, starts, H_US).tolist() == [
        to_us(local("2024-10-08 09:00")),
        to_us(local("2025-10-09 09:00")),
        to_us(local("2025-01-02 09:00")),
    ]


def test_an_empty_or_all_missing_column_stays_so() -> None:
    assert deadlines_us(WORK, column(), H_US).tolist() == []
    assert deadlines_us(WORK, column(MISSING, MISSING), H_US).tolist() == [MISSING, MISSING]
    assert back_from_us(WORK, column(MISSING), H_US).tolist() == [MISSING]


def test_a_zero_lead_is_each_deadline_itself() -> None:
    due = column(to_us(local("2024-06-04 12:45")), MISSING)
    found = back_from_us(WORK, due, 0)
    assert found.tolist() == due.tolist()
    assert found is not due


def test_negative_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        deadlines_us(WORK, column(0), -1)
    with pytest.raises(ValueError, match="negative"):
        back_from_us(WORK, column(0), -1)


def test_a_year_no_calendar_knows_is_raised() -> None:
    starts = column(to_us(local("2024-06-03 10:00")), to_us(local("2035-03-05 10:00")))
    with pytest.raises(CalendarError, match="2035"):
        deadlines_us(WORK, starts, H_US)


def test_days_between_far_apart_starts_are_not_asked() -> None:
    # Only 2030 and 2032 are known: starts in both need no day of 2031.
    declared = BusinessCalendar(use_package=False, declared_years={2030: ((), ()), 2032: ((), ())})
    work = schedule(calendar=declared)
    starts = column(to_us(local("2030-06-03 10:00")), to_us(local("2032-06-01 10:00")))
    assert deadlines_us(work, starts, H_US).tolist() == scalar_deadlines(work, starts, H_US)


def columns(work: BusinessSchedule) -> st.SearchStrategy[list[int]]:
    """Instants (often openings and closings), MISSING among them, a third of them repeated."""
    values = st.one_of(moments(work).map(to_us), st.just(MISSING))
    return st.lists(values, max_size=40).flatmap(
        lambda drawn: st.permutations(drawn + drawn[: len(drawn) // 3])
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_column_deadlines_equal_the_scalar_ones(data: st.DataObject) -> None:
    work = data.draw(schedules())
    starts = column(*data.draw(columns(work)))
    limit_us = data.draw(limits(work)) // timedelta(microseconds=1)
    assert deadlines_us(work, starts, limit_us).tolist() == scalar_deadlines(work, starts, limit_us)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_column_leads_equal_the_scalar_ones(data: st.DataObject) -> None:
    work = data.draw(schedules())
    deadlines = column(*data.draw(columns(work)))
    lead_us = data.draw(limits(work)) // timedelta(microseconds=1)
    assert back_from_us(work, deadlines, lead_us).tolist() == scalar_back_from(
        work, deadlines, lead_us
    )
