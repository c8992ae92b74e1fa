"""Closed vocabularies stored as their string values (portable, readable in SQL)."""

from __future__ import annotations

from enum import StrEnum


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    NEGOTIATION = "negotiation"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


class MilestoneKind(StrEnum):
    SIGNING = "signing"
    TERM_START = "term_start"
    TERM_END = "term_end"
    REVIEW = "review"
    REPORT_DEADLINE = "report_deadline"
    EVENT = "event"
    EVENT_SERIES = "event_series"
    OTHER = "other"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"


class OrganisationKind(StrEnum):
    CITY = "city"
    UNIVERSITY = "university"
    COMPANY = "company"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class ChangeAction(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
