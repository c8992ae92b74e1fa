"""Field checks shared by entities and operations; each raises ValidationError for users."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import phonenumbers
from dateutil.rrule import rrulestr
from email_validator import EmailNotValidError, validate_email

from db.dates import FlexDate, Precision
from db.errors import ValidationError

_HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def require_text(field: str, value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(field, f"The {what} is empty. Type at least one character.")
    return value


def check_colour(field: str, value: str) -> str:
    """Normalise '#abc' or 'AABBCC' to '#aabbcc'."""
    m = _HEX_COLOUR.fullmatch((value or "").strip())
    if not m:
        raise ValidationError(
            field, f'"{value}" is not a colour. Use a hex colour such as "#4E79A7".'
        )
    digits = m.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.lower()


def normalise_phone(field: str, raw: str, default_region: str = "FI") -> str:
    """Return the E.164 form of a phone number typed by a user, or explain what is wrong."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(field, "The phone number is empty. Type a number or remove the row.")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            field,
            f'"{text}" is not a phone number. Type it with its country code, '
            'for example "+358 9 816 21".',
        ) from None
    if not phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_number(number) or default_region
        raise ValidationError(
            field,
            f'"{text}" is not a valid phone number for {region}. Check the digits, '
            "or type the country code first (e.g. +358 for Finland).",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_email(field: str, address: str) -> str:
    """Return the normalised address (syntax only: Accord works offline)."""
    text = (address or "").strip()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(
            field, f'"{text}" is not a valid e-mail address: {exc} Example: name@espoo.fi.'
        ) from None
    return result.normalized


def check_recurrence(field: str, rule: str, start: FlexDate) -> str:
    """Validate an RFC 5545 RRULE value and return it normalised (upper case, no prefix)."""
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    text = text.upper()
    if not text:
        raise ValidationError(field, "The repetition rule is empty.")
    if "FREQ=" not in text:
        raise ValidationError(
            field,
            f'The repetition rule "{rule}" has no frequency. '
            'Start it with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, e.g. "FREQ=MONTHLY;BYDAY=1TU".',
        )
    if "COUNT=" in text and "UNTIL=" in text:
        raise ValidationError(
            field, "A repetition ends either after a number of times or on a date, not both."
        )
    if not start.is_known:
        raise ValidationError(
            field, "An undated milestone cannot repeat. Enter the date of the first occurrence."
        )
    anchor = start.start_datetime if start.precision is Precision.EXACT else None
    if anchor is None:
        assert start.start is not None
        anchor = datetime(start.start.year, start.start.month, start.start.day)
    else:
        anchor = anchor.astimezone(UTC)
        if "UNTIL=" in text and not re.search(r"UNTIL=\d{8}T\d{6}Z", text):
            raise ValidationError(
                field,
                "For a timed series the end of the repetition must be given in UTC, "
                'e.g. "UNTIL=20250630T210000Z".',
            )
    try:
        rrulestr("RRULE:" + text, dtstart=anchor)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            field,
            f'The repetition rule "{rule}" is not valid ({exc}). '
            'Example of a valid rule: "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630".',
        ) from None
    return text
