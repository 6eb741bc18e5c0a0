"""Business-hours clocks: deadlines, schedule time and lead times over 5×8 and other schedules,
across lunch breaks, evenings, weekends, holidays, 调休 days and DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.domain.calendar import BusinessCalendar, CalendarError
from monitor.domain.instants import to_us
from monitor.domain.schedule import Hours, overlapping_pair
from tests.conftest import local
from tests.domain.schedule_cases import (
    BERLIN,
    H,
    M,
    berlin,
    limits,
    moments,
    schedule,
    schedules,
    turns_near,
    utc,
)

WORK = schedule()

# --- deadlines on the 5×8 schedule (08:30–12:00, 13:30–17:30 on working days) ---


def test_the_glpi_example_a_4h_target_from_monday_17h_runs_out_at_tuesday_lunch() -> None:
    # Mon 17:00–17:30 is 0.5 h, Tue 08:30–12:00 is 3.5 h: the 4 h are used up at Tue 12:00 and
    # the clock shows no more than 4 h until it runs again at 13:30.
    due = WORK.deadline(local("2024-06-03 17:00"), 4 * H)
    assert due == local("2024-06-04 13:30")
    assert WORK.back_from(due, H) == local("2024-06-04 11:00")  # 1 h warning, in working hours


def test_a_3h_target_from_monday_17h_is_due_tuesday_11h_warned_at_10h() -> None:
    due = WORK.deadline(local("2024-06-03 17:00"), 3 * H)
    assert due == local("2024-06-04 11:00")
    assert WORK.back_from(due, H) == local("2024-06-04 10:00")


def test_a_stop_in_the_lunch_break_after_the_limit_ran_out_is_within_it() -> None:
    start, due = local("2024-06-03 17:00"), WORK.deadline(local("2024-06-03 17:00"), 4 * H)
    stop = local("2024-06-04 12:45")
    assert WORK.elapsed(start, stop) == 4 * H
    assert stop <= due
    late = local("2024-06-04 13:31")
    assert WORK.elapsed(start, late) == 4 * H + M
    assert late > due


def test_the_lunch_break_does_not_count() -> None:
    assert WORK.deadline(local("2024-06-03 11:00"), 2 * H) == local("2024-06-03 14:30")


def test_the_evening_and_night_do_not_count() -> None:
    assert WORK.deadline(local("2024-06-03 19:00"), H) == local("2024-06-04 09:30")


def test_the_weekend_and_a_statutory_holiday_do_not_count() -> None:
    # Fri 16:30–17:30 is 1 h; Sat, Sun and Mon 06-10 (端午节) are off; Tue 08:30 + 1 h.
    assert WORK.deadline(local("2024-06-07 16:30"), 2 * H) == local("2024-06-11 09:30")


def test_a_make_up_sunday_counts() -> None:
    # Sun 2024-09-29 is a 调休 working day for National Day.
    assert WORK.deadline(local("2024-09-28 10:00"), H) == local("2024-09-29 09:30")


def test_national_day_2024_does_not_count() -> None:
    # Mon 09-30 17:00–17:30, then 10-01..07 off, Tue 10-08 08:30 + 0.5 h.
    assert WORK.deadline(local("2024-09-30 17:00"), H) == local("2024-10-08 09:00")
    assert WORK.elapsed(local("2024-09-30 17:00"), local("2024-10-08 09:00")) == H


def test_the_make_up_sunday_before_spring_festival_2025_counts() -> None:
    # Sun 2025-01-26 is a 调休 working day: 08:30–11:30.
    assert WORK.deadline(local("2025-01-25 12:00"), 3 * H) == local("2025-01-26 11:30")


def test_the_year_end_across_new_year_2025() -> None:
    # Tue 12-31 17:00–17:30, Wed 01-01 元旦, Thu 01-02 08:30 + 0.5 h.
    assert WORK.deadline(local("2024-12-31 17:00"), H) == local("2025-01-02 09:00")


def test_a_start_exactly_at_an_opening_counts_from_it() -> None:
    assert WORK.deadline(local("2024-06-03 08:30"), H) == local("2024-06-03 09:30")
    assert WORK.deadline(local("2024-06-03 08:30"), timedelta(0)) == local("2024-06-03 08:30")


def test_a_limit_that_runs_out_at_a_closing_is_due_at_the_next_opening() -> None:
    assert WORK.deadline(local("2024-06-03 08:30"), 3.5 * H) == local("2024-06-03 13:30")
    assert WORK.deadline(local("2024-06-03 13:30"), 4 * H) == local("2024-06-04 08:30")


def test_a_start_exactly_at_a_closing_counts_from_the_next_opening() -> None:
    assert WORK.deadline(local("2024-06-03 12:00"), timedelta(0)) == local("2024-06-03 13:30")
    assert WORK.deadline(local("2024-06-03 12:00"), H) == local("2024-06-03 14:30")
    assert WORK.deadline(local("2024-06-07 17:30"), timedelta(0)) == local("2024-06-11 08:30")


def test_a_zero_limit_inside_the_schedule_is_the_start_itself() -> None:
    start = local("2024-06-03 10:17:05.000123")
    assert WORK.deadline(start, timedelta(0)) == start


def test_a_far_deadline_steps_per_day() -> None:
    # 400 h = 53 whole working days of 7.5 h (06-03 … 08-15, 端午 06-10 off) + 2.5 h on 08-16.
    due = WORK.deadline(local("2024-06-03 08:30"), 400 * H)
    assert due == local("2024-08-16 11:00")


def test_a_very_far_every_day_deadline() -> None:
    # 2000 h of 7.5 h a day: 266 whole days (06-03 … 2025-02-23), then 5 h on 2025-02-24.
    daily = schedule("every_day")
    assert daily.deadline(local("2024-06-03 08:30"), 2000 * H) == local("2025-02-24 15:00")


def test_results_are_in_utc() -> None:
    due = WORK.deadline(local("2024-06-03 17:00"), 4 * H)
    assert due.tzinfo is UTC
    assert due == utc("2024-06-04 05:30")
    assert WORK.back_from(due, H).tzinfo is UTC


# --- every_day schedules ---


def test_every_day_counts_the_weekend() -> None:
    daily = schedule("every_day")
    # Sat 17:00–17:30, then Sun 08:30 + 0.5 h.
    assert daily.deadline(local("2024-06-08 17:00"), H) == local("2024-06-09 09:00")


def test_every_day_never_asks_the_calendar() -> None:
    daily = schedule("every_day", calendar=BusinessCalendar(use_package=False))
    assert daily.deadline(local("2035-03-05 17:00"), H) == local("2035-03-06 09:00")


def test_hours_up_to_24h_run_on_across_midnight() -> None:
    night = schedule("every_day", ((time(0), time(6)), (time(22), time(0))))
    assert night.deadline(local("2024-06-03 23:00"), 2 * H) == local("2024-06-04 01:00")
    assert night.elapsed(local("2024-06-03 12:00"), local("2024-06-04 12:00")) == 8 * H


def test_a_whole_day_schedule_is_wall_time() -> None:
    always = schedule("every_day", ((time(0), time(0)),))
    start = local("2024-06-03 10:00")
    assert always.deadline(start, 50 * H) == start + 50 * H


# --- schedule time ---


def test_elapsed_counts_only_the_open_hours() -> None:
    assert WORK.elapsed(local("2024-06-03 11:00"), local("2024-06-03 14:30")) == 2 * H
    # Fri 16:00–17:30, Tue 08:30–09:00 (Mon 06-10 is 端午节).
    assert WORK.elapsed(local("2024-06-07 16:00"), local("2024-06-11 09:00")) == 2 * H


def test_elapsed_is_zero_when_the_end_is_not_after_the_start() -> None:
    start = local("2024-06-03 10:00")
    assert WORK.elapsed(start, start) == timedelta(0)
    assert WORK.elapsed(start, start - H) == timedelta(0)


def test_elapsed_of_a_working_week() -> None:
    assert WORK.elapsed(local("2024-06-17 00:00"), local("2024-06-24 00:00")) == 37.5 * H


# --- lead times ---


def test_a_lead_reaching_back_over_the_night() -> None:
    # 09:00 Tue is 0.5 h after opening: 1 h before it is Mon 17:00.
    assert WORK.back_from(local("2024-06-04 09:00"), H) == local("2024-06-03 17:00")


def test_a_lead_back_to_the_start_of_an_opening_is_that_opening() -> None:
    # Schedule time before Tue 09:30 reaches 1 h at Tue 08:30 (and at Mon 17:30): the later.
    assert WORK.back_from(local("2024-06-04 09:30"), H) == local("2024-06-04 08:30")


def test_a_zero_lead_is_the_deadline_itself() -> None:
    moment = local("2024-06-04 12:45")
    assert WORK.back_from(moment, timedelta(0)) == moment


def test_a_lead_back_over_a_holiday() -> None:
    assert WORK.back_from(local("2024-10-08 09:00"), H) == local("2024-09-30 17:00")


# --- errors ---


def test_a_year_no_calendar_knows_is_raised() -> None:
    with pytest.raises(CalendarError, match="2035"):
        WORK.deadline(local("2035-03-05 10:00"), H)


def test_a_deadline_running_into_an_unknown_year_is_raised() -> None:
    declared = BusinessCalendar(use_package=False, declared_years={2030: ((), ())})
    work = schedule(calendar=declared)
    assert work.deadline(local("2030-12-31 10:00"), H) == local("2030-12-31 11:00")
    with pytest.raises(CalendarError, match="2031"):
        work.deadline(local("2030-12-31 16:00"), 8 * H)


def test_naive_instants_and_negative_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        WORK.deadline(datetime(2024, 6, 3, 10), H)
    with pytest.raises(ValueError, match="negative"):
        WORK.deadline(local("2024-06-03 10:00"), -H)
    with pytest.raises(ValueError, match="negative"):
        WORK.back_from(local("2024-06-03 10:00"), -H)


@pytest.mark.parametrize(
    "hours",
    [
        (),
        ((time(12), time(8, 30)),),
        ((time(9), time(9)),),
        ((time(8, 30), time(12)), (time(11), time(14))),
    ],
    ids=["empty", "backwards", "zero-length", "overlapping"],
)
def test_hours_that_cannot_be_a_schedule_are_refused(hours: tuple[Hours, ...]) -> None:
    with pytest.raises(ValueError, match="工作时间"):
        schedule(hours=hours)


def test_hours_are_kept_in_the_order_of_their_start_and_may_touch() -> None:
    work = schedule(hours=((time(13, 30), time(17, 30)), (time(8, 30), time(13, 30))))
    assert work.hours == ((time(8, 30), time(13, 30)), (time(13, 30), time(17, 30)))
    assert work.deadline(local("2024-06-03 13:00"), H) == local("2024-06-03 14:00")


def test_overlapping_pair_names_the_ranges_in_list_order() -> None:
    hours = ((time(13), time(15)), (time(8), time(12)), (time(11), time(13)))
    assert overlapping_pair(hours) == (1, 2)
    assert overlapping_pair(((time(8), time(12)), (time(12), time(0)))) is None


# --- DST: absolute time, local times read with fold=0 ---


def test_a_whole_day_on_a_spring_forward_day_is_23_hours() -> None:
    always = schedule("every_day", ((time(0), time(0)),), BERLIN)
    assert always.elapsed(berlin("2024-03-31 00:00"), berlin("2024-04-01 00:00")) == 23 * H
    assert always.elapsed(berlin("2024-10-27 00:00"), berlin("2024-10-28 00:00")) == 25 * H


def test_hours_spanning_the_change_count_absolute_time() -> None:
    early = schedule("every_day", ((time(1), time(4)),), BERLIN)
    # 01:00 CET → 04:00 CEST is 2 h; 01:00 CEST → 04:00 CET is 4 h.
    assert early.elapsed(berlin("2024-03-31 00:00"), berlin("2024-03-31 12:00")) == 2 * H
    assert early.elapsed(berlin("2024-10-27 00:00"), berlin("2024-10-27 12:00")) == 4 * H
    assert early.deadline(berlin("2024-10-27 00:00"), 3 * H) == utc("2024-10-27 02:00")


def test_an_opening_the_clocks_skip_opens_as_far_after_the_change_as_it_says() -> None:
    # 02:30 does not exist on 2024-03-31: read as 02:30 CET = 01:30 UTC = 03:30 CEST.
    skipped = schedule("every_day", ((time(2, 30), time(5)),), BERLIN)
    assert skipped.deadline(berlin("2024-03-31 00:00"), timedelta(0)) == utc("2024-03-31 01:30")
    assert skipped.elapsed(berlin("2024-03-31 00:00"), berlin("2024-03-31 12:00")) == 1.5 * H


def test_an_opening_the_clocks_repeat_is_its_first_occurrence() -> None:
    # 02:30 happens twice on 2024-10-27: the first is 02:30 CEST = 00:30 UTC.
    repeated = schedule("every_day", ((time(2, 30), time(5)),), BERLIN)
    assert repeated.deadline(berlin("2024-10-27 00:00"), timedelta(0)) == utc("2024-10-27 00:30")
    assert repeated.elapsed(berlin("2024-10-27 00:00"), berlin("2024-10-27 12:00")) == 3.5 * H


def test_hours_wholly_inside_the_skipped_hour_are_closed_that_day() -> None:
    gone = schedule("every_day", ((time(2), time(3)),), BERLIN)
    assert gone.openings_us(date(2024, 3, 31)) == ()
    assert gone.deadline(berlin("2024-03-31 00:00"), timedelta(0)) == berlin("2024-04-01 02:00")


def test_hours_the_skipped_hour_makes_overlap_are_cut_apart() -> None:
    # 01:00–02:30 reads as 00:00–01:30 UTC, 03:00–04:00 as 01:00–02:00 UTC: cut to 01:30.
    cut = schedule("every_day", ((time(1), time(2, 30)), (time(3), time(4))), BERLIN)
    day = date(2024, 3, 31)
    assert cut.openings_us(day) == (
        (to_us(utc("2024-03-31 00:00")), to_us(utc("2024-03-31 01:30"))),
        (to_us(utc("2024-03-31 01:30")), to_us(utc("2024-03-31 02:00"))),
    )


def test_5x8_in_berlin_over_the_autumn_change() -> None:
    work = schedule("every_day", zone=BERLIN)
    # Sat 10-26 17:00 CEST + 1 h: 0.5 h Saturday, Sun 10-27 08:30 CET + 0.5 h.
    assert work.deadline(berlin("2024-10-26 17:00"), H) == berlin("2024-10-27 09:00")
    assert work.elapsed(berlin("2024-10-26 17:00"), berlin("2024-10-27 09:00")) == H


# --- properties (hypothesis) ---


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_deadline_never_moves_earlier_when_the_start_moves_later(data: st.DataObject) -> None:
    work = data.draw(schedules())
    first, second = sorted((data.draw(moments(work)), data.draw(moments(work))))
    limit = data.draw(limits(work, first))
    assert work.deadline(first, limit) <= work.deadline(second, limit)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_schedule_time_up_to_the_deadline_is_the_limit(data: st.DataObject) -> None:
    work = data.draw(schedules())
    start = data.draw(moments(work))
    limit = data.draw(limits(work, start))
    due = work.deadline(start, limit)
    assert due >= start
    assert work.elapsed(start, due) == limit


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_stop_by_the_deadline_exactly_when_the_schedule_time_is_within_the_limit(
    data: st.DataObject,
) -> None:
    work = data.draw(schedules())
    start = data.draw(moments(work))
    stop = data.draw(moments(work, near=start) if data.draw(st.booleans()) else moments(work))
    limit = data.draw(limits(work, start))
    assert (stop <= work.deadline(start, limit)) == (work.elapsed(start, stop) <= limit)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_lead_back_from_a_deadline_is_the_deadline_of_the_shorter_limit(
    data: st.DataObject,
) -> None:
    # Holds for starts outside the schedule too: both are then counted from its next opening.
    work = data.draw(schedules())
    start = data.draw(moments(work))
    limit, part = data.draw(limits(work, start)), data.draw(limits(work, start))
    # Often the rest of the limit after the schedule time to an opening or closing.
    if part > limit or data.draw(st.booleans()):
        part = timedelta(microseconds=data.draw(st.integers(0, limit // timedelta(microseconds=1))))
    lead = limit - part
    due = work.deadline(start, limit)
    assert work.back_from(due, lead) == work.deadline(start, limit - lead)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_lead_back_from_any_instant_leaves_that_much_schedule_time(data: st.DataObject) -> None:
    work = data.draw(schedules())
    moment = data.draw(moments(work))
    # Often the schedule time back to an opening or closing of the week before.
    turns = turns_near(work, moment, range(-7, 1))
    if turns and data.draw(st.booleans()):
        lead = work.elapsed(data.draw(st.sampled_from(turns)), moment)
    else:
        lead = data.draw(limits(work))
    earlier = work.back_from(moment, lead)
    assert earlier <= moment
    assert work.elapsed(earlier, moment) == lead


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_deadline_in_two_steps_is_the_deadline_in_one(data: st.DataObject) -> None:
    work = data.draw(schedules())
    start = data.draw(moments(work))
    first = data.draw(limits(work, start))
    middle = work.deadline(start, first)
    second = data.draw(limits(work, middle))
    assert work.deadline(start, first + second) == work.deadline(middle, second)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_schedule_time_adds_up_over_consecutive_stretches(data: st.DataObject) -> None:
    work = data.draw(schedules())
    first, middle, last = sorted(data.draw(moments(work)) for _ in range(3))
    assert work.elapsed(first, last) == work.elapsed(first, middle) + work.elapsed(middle, last)
