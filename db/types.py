"""Column types shared by the entities.

`FlexDateType` stores a `FlexDate` as its canonical text, so one column holds the whole
value on every backend; the entities keep derived start/end columns next to it for
range queries and sorting.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from db.dates import FlexDate


def new_uid() -> str:
    """A random id that stays with the record forever (the .ics UID)."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class FlexDateType(TypeDecorator[FlexDate]):
    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: FlexDate | None, dialect: Dialect) -> str | None:
        return None if value is None else value.canonical()

    def process_result_value(self, value: str | None, dialect: Dialect) -> FlexDate | None:
        return None if value is None else FlexDate.from_canonical(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


str40 = Annotated[str, mapped_column(String(40))]
str200 = Annotated[str, mapped_column(String(200))]
text = Annotated[str, mapped_column(Text, default="")]
uid = Annotated[str, mapped_column(String(36), unique=True, default=new_uid)]
json_list = Annotated[list[Any], mapped_column(JSON, default=list)]
