"""Escaping and folding: any text survives a round trip through icalendar, within 75 octets."""

from __future__ import annotations

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.ics.text import content_line, escape_list, escape_text, fmt_duration, fold, param_value


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("line 1\nline 2\r\nline 3\rend", "line 1\\nline 2\\nline 3\\nend"),
        ("bell\x07 and tab\t", "bell and tab\t"),
        ("ääkköset – ok", "ääkköset – ok"),
    ],
)
def test_escape_text(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_escape_list_and_parameters() -> None:
    assert escape_list(["a;b", "c"]) == "a\\;b,c"
    assert param_value("Europe/Helsinki") == "Europe/Helsinki"
    assert param_value("FLE Standard Time") == "FLE Standard Time"
    assert param_value('a:b"c') == '"a:bc"'


def test_fold_steps_back_over_a_multibyte_character() -> None:
    line = ("x" * 74 + "ä" + "y" * 10).encode()
    folded = fold(line)
    first, second = folded.split(b"\r\n")
    assert first == b"x" * 74 and second.startswith(" ä".encode())
    assert fold(b"short") == b"short"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "PT0S"),
        (15, "-PT15M"),
        (90, "-PT1H30M"),
        (1440, "-P1D"),
        (1500, "-P1DT1H"),
        (-5, "PT5M"),
    ],
)
def test_alarm_durations(minutes: int, text: str) -> None:
    assert fmt_duration(minutes) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_folds_within_75_octets_and_reads_back(text: str) -> None:
    line = content_line("DESCRIPTION", escape_text(text)).encode()
    physical = line.split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    for p in physical:
        p.decode("utf-8")
    assert all(p.startswith(b" ") for p in physical[1:])
    data = b"BEGIN:VEVENT\r\n" + line + b"\r\nEND:VEVENT\r\n"
    event = icalendar.Event.from_ical(data)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
    assert str(event.get("DESCRIPTION", "")) == expected
