"""iCalendar content lines as bytes: escaping, parameters, folding (RFC 5545 3.1, 3.3.11).

A small, careful serializer instead of icalendar's objects, because an export of 10,000
milestones must take well under a second. The rules DOMAIN.md item 10 lists are all here:
TEXT values escape backslash, semicolon, comma and line breaks; lines are folded at 75
octets, never inside a UTF-8 character; the file is UTF-8 with CRLF and no BOM.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

CRLF = "\r\n"
MAX_OCTETS = 75

# RFC 5545 3.3.11: TEXT may hold any character except the controls (HTAB aside).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_QUOTES = re.compile(r"[:;,]")
_PARAM_FORBIDDEN = re.compile(r'["\x00-\x08\x0a-\x1f\x7f]')


_SPECIAL = re.compile(r"[\\;,\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped; controls removed."""
    if not _SPECIAL.search(value):  # most values: nothing to do
        return value
    return _escape(value)


def _escape(value: str) -> str:
    if _CONTROLS.search(value):
        value = _CONTROLS.sub("", value)
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def escape_list(values: Iterable[str]) -> str:
    """A list of TEXT values (CATEGORIES): each escaped, joined with commas."""
    return ",".join(escape_text(v) for v in values)


@lru_cache(maxsize=256)
def param_value(value: str) -> str:
    """A parameter value, quoted when it holds ':', ';' or ','; '"' cannot appear at all."""
    value = _PARAM_FORBIDDEN.sub("", value)
    return f'"{value}"' if _NEEDS_QUOTES.search(value) else value


def fold(line: bytes) -> bytes:
    """Folds one content line so no physical line exceeds 75 octets.

    A continuation line starts with a space that counts toward its 75 octets. Splits
    step back over UTF-8 continuation bytes (0b10xxxxxx), so a character is never cut:
    ical.js and icalendar lose a character split across a fold (DOMAIN.md item 10).
    """
    if len(line) <= MAX_OCTETS:
        return line
    parts: list[bytes] = []
    start, limit, size = 0, MAX_OCTETS, len(line)
    while size - start > limit:
        cut = start + limit
        while line[cut] & 0xC0 == 0x80:  # inside a multi-byte character: cut before it
            cut -= 1
        parts.append(line[start:cut])
        start, limit = cut, MAX_OCTETS - 1
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def fold_text(line: str) -> str:
    """`fold()` for text, with fast paths: the file is encoded once, at the end."""
    if line.isascii():
        if len(line) <= MAX_OCTETS:
            return line
        rest = range(MAX_OCTETS, len(line), MAX_OCTETS - 1)
        return "\r\n ".join([line[:MAX_OCTETS], *(line[i : i + MAX_OCTETS - 1] for i in rest)])
    encoded = line.encode()
    if len(encoded) <= MAX_OCTETS:
        return line
    return fold(encoded).decode()


def text_line(name: str, value: str) -> str:
    """`content_line(name, escape_text(value))` with one call instead of two: an export
    writes tens of thousands of TEXT lines, most of them needing neither step."""
    if _SPECIAL.search(value):
        value = _escape(value)
    line = f"{name}:{value}"
    if len(line) <= 18 or (len(line) <= MAX_OCTETS and line.isascii()):
        return line
    return fold_text(line)


def content_line(name: str, value: str, params: str = "") -> str:
    """`NAME;PARAMS:value` folded; `value` must already be escaped for its type."""
    line = f"{name}{params}:{value}"
    if len(line) <= 18 or (len(line) <= MAX_OCTETS and line.isascii()):
        return line  # fits whatever the characters: 18 × 4 octets < 75
    return fold_text(line)


# --- values ---------------------------------------------------------------------------------


def fmt_date(d: date) -> str:
    return "%04d%02d%02d" % (d.year, d.month, d.day)  # noqa: UP031 (twice as fast)


def fmt_local(dt: datetime) -> str:
    """A wall-clock DATE-TIME (for a TZID= or floating value), seconds included."""
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 (twice as fast as an f-string here)
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
    )  # fmt: skip


def fmt_utc(dt: datetime) -> str:
    """A UTC DATE-TIME with the Z suffix; naive values are taken as UTC already."""
    if dt.tzinfo is not None and dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    return fmt_local(dt) + "Z"


def fmt_offset(offset: timedelta) -> str:
    """A UTC-OFFSET (+HHMM, seconds only when the zone has them: local mean time)."""
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}{minutes:02d}"
    return f"{text}{seconds:02d}" if seconds else text


def fmt_duration(minutes: int) -> str:
    """A DURATION for an alarm `minutes` before the start: -P1D, -PT1H30M, PT0S."""
    if minutes == 0:
        return "PT0S"
    sign = "-" if minutes > 0 else ""
    minutes = abs(minutes)
    if minutes % 1440 == 0:
        return f"{sign}P{minutes // 1440}D"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    text = f"{sign}P{days}D" if days else f"{sign}P"
    text += "T"
    if hours:
        text += f"{hours}H"
    if mins:
        text += f"{mins}M"
    return text
