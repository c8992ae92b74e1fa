"""Repetition in plain words ↔ RFC 5545 RRULE values, and the expansion the editor previews."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.dates import FlexDate, Part
from db.errors import ValidationError
from db.recurrence import (
    WEEKDAYS,
    describe_rule,
    is_occurrence,
    last_occurrence,
    occurrences,
    occurs_between,
    parse_exceptions,
    parse_words,
    rebase,
)

EXACT = FlexDate.parse("2025-01-07 18:00")  # a Tuesday, Europe/Helsinki
DAY = FlexDate.parse("2025-01-07")
EARLY = FlexDate.part(2025, Part.EARLY)


# --- words → rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        ("daily", "FREQ=DAILY"),
        ("every day", "FREQ=DAILY"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("weekly", "FREQ=WEEKLY"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 2 weeks on Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every Wednesday and Monday", "FREQ=WEEKLY;BYDAY=MO,WE"),
        ("weekly on Tuesdays and Thursdays", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("monthly", "FREQ=MONTHLY"),
        ("every month on the first Tuesday", "FREQ=MONTHLY;BYDAY=1TU"),
        ("Every month on the first tuesday.", "FREQ=MONTHLY;BYDAY=1TU"),
        ("every last Friday", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("every first and third Tuesday", "FREQ=MONTHLY;BYDAY=1TU,3TU"),
        ("every month on the second to last Friday", "FREQ=MONTHLY;BYDAY=-2FR"),
        ("monthly on day 15", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("on the 15th of every month", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("every month on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every 3 months", "FREQ=MONTHLY;INTERVAL=3"),
        ("yearly", "FREQ=YEARLY"),
        ("annually", "FREQ=YEARLY"),
        ("every 2 years", "FREQ=YEARLY;INTERVAL=2"),
        ("monthly on day 15, 6 times", "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6"),
        ("every week for 10 times", "FREQ=WEEKLY;COUNT=10"),
        ("repeats every day, once", "FREQ=DAILY;COUNT=1"),
    ],
)
def test_words_become_rules(words: str, rule: str) -> None:
    assert parse_words(words, DAY) == rule


def test_until_is_the_end_of_the_named_day_in_utc_for_a_timed_series() -> None:
    # The end of 30 Jun 2025 in Helsinki (UTC+3 in summer) is 20:59:59 UTC.
    rule = parse_words("every month on the first Tuesday, until June 2025", EXACT)
    assert rule == "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630T205959Z"
    winter = parse_words("every week until 15 Jan 2025", EXACT)
    assert winter.endswith("UNTIL=20250115T215959Z")  # UTC+2 in winter


def test_until_is_a_date_for_an_all_day_series() -> None:
    assert parse_words("every month on the first Tuesday, until June 2025", DAY) == (
        "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630"
    )
    assert parse_words("weekly until the end of March 2025", EARLY).endswith("UNTIL=20250331")


def test_until_an_exact_time_keeps_that_instant() -> None:
    rule = parse_words("every day until 2025-01-20 12:00", EXACT)
    assert rule == "FREQ=DAILY;UNTIL=20250120T100000Z"
    assert describe_rule(rule, EXACT) == "every day, until 2025-01-20 12:00"


def test_until_follows_the_start_zone() -> None:
    start = FlexDate.parse("2025-01-07 18:00 America/New_York")
    rule = parse_words("weekly until 31 Jan 2025", start)
    assert rule == "FREQ=WEEKLY;UNTIL=20250201T045959Z"
    assert describe_rule(rule, start) == "every week, until the end of January 2025"
    assert occurrences(rule, start, limit=10)[-1] == datetime(
        2025, 1, 28, 18, 0, tzinfo=ZoneInfo("America/New_York")
    )


def test_rrule_text_is_accepted_as_is() -> None:
    assert (
        parse_words("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", DAY) == "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"
    )
    assert describe_rule("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", DAY) == (
        "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("sometimes", "every month on the first Tuesday"),
        ("every month until", "every month on the first Tuesday"),
        ("", "every month on the first Tuesday"),
        ("every 0 days", "at least once"),
        ("monthly 5 times until June 2025", "not both"),
        ("every month until 2024", "before the series starts"),
        ("every week until someday", "end of the repetition"),
    ],
)
def test_words_not_understood_say_why_with_an_example(words: str, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_words(words, EXACT)
    assert caught.value.field == "rrule"
    assert expected in caught.value.message


def test_an_undated_milestone_cannot_repeat() -> None:
    with pytest.raises(ValidationError, match="undated"):
        parse_words("weekly", FlexDate.tbd())


# --- rule → words --------------------------------------------------------------------------


def test_describe_in_plain_words_with_exceptions() -> None:
    rule = parse_words("every month on the first Tuesday until June 2025", EXACT)
    assert describe_rule(rule, EXACT, ["2025-04-01"]) == (
        "every month on the first Tuesday, until the end of June 2025, except 1 Apr 2025"
    )
    assert describe_rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", DAY) == "every weekday"
    assert describe_rule("FREQ=MONTHLY;BYMONTHDAY=1,15,-1;COUNT=3", DAY) == (
        "every month on days 1, 15 and the last day, 3 times"
    )
    assert describe_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR", DAY) == (
        "every 2 weeks on Monday, Wednesday and Friday"
    )
    assert describe_rule("FREQ=DAILY;UNTIL=20250115", DAY, ["2025-01-09", "2025-01-08"]) == (
        "every day, until 15 Jan 2025, except 8 Jan 2025 and 9 Jan 2025"
    )


def test_an_until_that_is_not_the_end_of_a_day_is_described_as_a_time() -> None:
    # Google writes UNTIL as the last occurrence's start; that time is kept exactly.
    rule = "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250603T150000Z"
    words = describe_rule(rule, EXACT)
    assert words == "every month on the first Tuesday, until 2025-06-03 18:00"
    assert parse_words(words, EXACT) == rule


def test_exceptions_are_read_from_the_words() -> None:
    assert parse_exceptions("every month, except 1 Apr 2025 and 6 May 2025", EXACT) == [
        "2025-04-01",
        "2025-05-06",
    ]
    assert parse_exceptions("1.4.2025, 2025-05-06", EXACT) == ["2025-04-01", "2025-05-06"]
    assert parse_exceptions("every month", EXACT) == []
    with pytest.raises(ValidationError) as caught:
        parse_exceptions("except April 2025", EXACT)
    assert caught.value.field == "exdates"


def test_changing_the_start_rebases_until() -> None:
    rule = parse_words("monthly until June 2025", EXACT)
    assert rebase(rule, EXACT, DAY) == "FREQ=MONTHLY;UNTIL=20250630"
    assert rebase("FREQ=MONTHLY;UNTIL=20250630", DAY, EXACT) == rule


# --- expansion -----------------------------------------------------------------------------


def test_occurrences_skip_exceptions_and_start_after_a_day() -> None:
    rule = parse_words("every month on the first Tuesday, until June 2025", EXACT)
    days = [o.date() for o in occurrences(rule, EXACT, ["2025-04-01"], limit=10)]  # type: ignore[union-attr]
    assert days == [
        date(2025, 1, 7),
        date(2025, 2, 4),
        date(2025, 3, 4),
        date(2025, 5, 6),
        date(2025, 6, 3),
    ]
    later = occurrences(rule, EXACT, after=date(2025, 3, 5), limit=2)
    assert [o.date() for o in later] == [date(2025, 4, 1), date(2025, 5, 6)]  # type: ignore[union-attr]
    # The wall time stays 18:00 across the clock change in March.
    assert {o.hour for o in occurrences(rule, EXACT, limit=10)} == {18}  # type: ignore[union-attr]
    all_day = parse_words("every month on the first Tuesday, until June 2025", DAY)
    assert occurrences(all_day, DAY, limit=1) == [date(2025, 1, 7)]
    # A window: none after `until`, the day itself included.
    window = occurrences(all_day, DAY, after=date(2025, 2, 1), limit=10, until=date(2025, 4, 1))
    assert window == [date(2025, 2, 4), date(2025, 3, 4), date(2025, 4, 1)]
    assert occurrences(all_day, DAY, after=date(2025, 2, 5), until=date(2025, 3, 3)) == []
    assert occurrences(rule, DAY) == []  # a timed UNTIL does not fit an all-day start


def test_last_occurrence_and_ranges() -> None:
    rule = parse_words("every month on the first Tuesday, until June 2025", DAY)
    assert last_occurrence(rule, DAY) == date(2025, 6, 3)
    assert last_occurrence(rule, DAY, ["2025-06-03"]) == date(2025, 5, 6)
    assert last_occurrence("FREQ=MONTHLY", DAY) is None
    assert occurs_between(rule, DAY, [], date(2025, 3, 5), date(2025, 4, 30))
    assert not occurs_between(rule, DAY, ["2025-04-01"], date(2025, 3, 5), date(2025, 4, 30))
    assert not occurs_between(rule, DAY, [], date(2025, 7, 1), None)
    assert is_occurrence(rule, DAY, date(2025, 2, 4))
    assert not is_occurrence(rule, DAY, date(2025, 2, 5))


def test_expansion_agrees_with_dateutil() -> None:
    rule = parse_words("every 2 weeks on Monday and Thursday, 9 times", EXACT)
    expected = list(rrulestr("RRULE:" + rule, dtstart=EXACT.start_datetime))
    assert occurrences(rule, EXACT, limit=20) == expected


# --- the round trip over the supported subset ------------------------------------------------

_ZONES = ("Europe/Helsinki", "UTC", "America/New_York", "Asia/Tokyo")


@st.composite
def starts(draw: st.DrawFn) -> FlexDate:
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
    kind = draw(st.sampled_from(["exact", "day", "month"]))
    if kind == "exact":
        hour = draw(st.integers(8, 20))
        minute = draw(st.sampled_from([0, 15, 30, 45]))
        zone = draw(st.sampled_from(_ZONES))
        return FlexDate.exact(datetime(day.year, day.month, day.day, hour, minute), zone)
    if kind == "day":
        return FlexDate.on_day(day)
    return FlexDate.month(day.year, day.month)


def _byday_key(item: tuple[int, str]) -> tuple[int, int]:
    ordinal, weekday = item
    return WEEKDAYS.index(weekday), ordinal if ordinal >= 0 else 10 + ordinal


@st.composite
def rules(draw: st.DrawFn) -> tuple[FlexDate, str]:
    """A start and a rule in canonical form, built independently of the parser."""
    start = draw(starts())
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    interval = draw(st.integers(1, 12))
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if freq == "WEEKLY":
        days = draw(st.sets(st.sampled_from(WEEKDAYS)))
        if days:
            parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in days))
    elif freq == "MONTHLY":
        choice = draw(st.sampled_from(["none", "same-weekday", "weekdays", "monthdays"]))
        ordinals = st.sampled_from([1, 2, 3, 4, -1, -2])
        if choice == "same-weekday":
            weekday = draw(st.sampled_from(WEEKDAYS))
            items = {(o, weekday) for o in draw(st.sets(ordinals, min_size=1, max_size=3))}
        elif choice == "weekdays":
            items = {
                (draw(ordinals), weekday)
                for weekday in draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1, max_size=3))
            }
        else:
            items = set()
        if items:
            ordered = sorted(items, key=_byday_key)
            parts.append("BYDAY=" + ",".join(f"{o}{d}" for o, d in ordered))
        if choice == "monthdays":
            days = draw(st.sets(st.sampled_from([*range(1, 29), -1]), min_size=1, max_size=4))
            ordered_days = sorted(days, key=lambda n: n if n > 0 else 100 - n)
            parts.append("BYMONTHDAY=" + ",".join(str(n) for n in ordered_days))
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 60))}")
    elif end == "until":
        assert start.start is not None
        last = start.start + timedelta(days=draw(st.integers(12 * 366 + 40, 30 * 366)))
        if start.start_datetime is not None and start.tz is not None:
            local_end = datetime(
                last.year, last.month, last.day, 23, 59, 59, tzinfo=ZoneInfo(start.tz)
            )
            parts.append("UNTIL=" + local_end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        else:
            parts.append("UNTIL=" + last.strftime("%Y%m%d"))
    return start, ";".join(parts)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules())
def test_words_round_trip_over_the_supported_subset(case: tuple[FlexDate, str]) -> None:
    start, rule = case
    words = describe_rule(rule, start)
    assert "FREQ=" not in words, words  # every rule of the subset has words
    assert parse_words(words, start) == rule


@settings(max_examples=60, deadline=None)
@given(rules(), st.integers(0, 3))
def test_exceptions_round_trip(case: tuple[FlexDate, str], how_many: int) -> None:
    start, rule = case
    skipped = sorted(
        {
            (o.date() if isinstance(o, datetime) else o).isoformat()
            for o in occurrences(rule, start, limit=how_many)
        }
    )
    words = describe_rule(rule, start, skipped)
    assert parse_words(words, start) == rule
    assert parse_exceptions(words, start) == skipped
