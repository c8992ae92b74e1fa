"""What the Milestones page needs: its table's queries, the editor's record, and edit values.

Queries return plain values (dicts, lists of ids, FlexDate values), never ORM objects, so
Qt models can hold them across transactions. The table loads lazily: `milestone_ids()`
returns the ordered ids of each group (Upcoming, Past, Undated) and `milestone_rows()` a
block of rows by id.

The edit values follow db/edits.py: a frozen dataclass whose `apply(session)` makes the
change and returns the edit that undoes it. Each edit of a milestone's children (focus
areas, contacts, exceptions, attachments) also raises the milestone's version, so that
another process sees the record changed (optimistic locking) and calendar subscribers get
a new SEQUENCE.

Grouping (relative to the `today` the caller passes, never the wall clock):

* Undated: the date is TBD.
* Upcoming: the milestone has not ended (its last covered day is today or later), or it
  is a series with an occurrence today or later.
* Past: everything else.

Upcoming is ordered soonest first, Past most recent first (by first covered day, then
narrower precision first, then the exact time), Undated by title. The date-range filter
keeps milestones whose covered days share a day with the range (a series: one of its
occurrences); undated milestones match no range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from db import recurrence
from db.dates import FlexDate
from db.edits import SetFields
from db.enums import AgreementStatus, MilestoneKind, MilestoneStatus
from db.errors import NotFoundError, StaleRecordError, ValidationError
from db.models import (
    Agreement,
    Attachment,
    Contact,
    FocusArea,
    Milestone,
    MilestoneContact,
    MilestoneFocusArea,
    Organisation,
)
from db.operations.common import as_flexdate
from db.types import new_uid, utcnow
from db.validation import check_recurrence

GROUPS = ("upcoming", "past", "undated")


# ---------------------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------------------


def default_agreement_id(session: Session) -> int | None:
    """The newest agreement in force, else the newest agreement; None when there is none."""
    newest = (
        Agreement.term_starts_on.is_(None),
        Agreement.term_starts_on.desc(),
        Agreement.id.desc(),
    )
    for condition in (Agreement.status == AgreementStatus.IN_FORCE, True):
        found = session.scalars(select(Agreement.id).where(condition).order_by(*newest)).first()
        if found is not None:
            return int(found)
    return None


def new_milestone(
    session: Session,
    agreement_id: int,
    title: str,
    *,
    uid: str | None = None,
    when: FlexDate | str | None = None,
    kind: MilestoneKind | str = MilestoneKind.EVENT,
    status: MilestoneStatus | str = MilestoneStatus.PLANNED,
) -> Milestone:
    """A milestone in an agreement, by id; `uid` lets the caller find it after an undo."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFoundError("The agreement was deleted elsewhere; choose another one.")
    start = as_flexdate("when", when)
    milestone = Milestone(
        agreement=agreement,
        title=title.strip(),
        when=start,
        date_wording=start.original,
        kind=MilestoneKind(kind),
        status=MilestoneStatus(status),
        exdates=[],
        reminders=[],
    )
    if uid is not None:
        milestone.uid = uid
    session.add(milestone)
    session.flush()
    return milestone


def milestone_id_for_uid(session: Session, uid: str) -> int | None:
    found = session.scalars(select(Milestone.id).where(Milestone.uid == uid)).first()
    return None if found is None else int(found)


def milestone_id_for(session: Session, table: str, record_id: int) -> int | None:
    """The milestone a record of `table` belongs to (for links and search hits)."""
    if table == "milestone":
        return record_id if session.get(Milestone, record_id) is not None else None
    if table == "milestone_contact":
        link = session.get(MilestoneContact, record_id)
        return None if link is None else link.milestone_id
    if table == "attachment":
        attachment = session.get(Attachment, record_id)
        return None if attachment is None else attachment.milestone_id
    return None


# ---------------------------------------------------------------------------------------
# Edit values
# ---------------------------------------------------------------------------------------


def _milestone(session: Session, milestone_id: int, expected_version: int | None) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFoundError("The milestone was deleted elsewhere; this change cannot be made.")
    if expected_version is not None and milestone.version != expected_version:
        raise StaleRecordError(
            f'"{milestone.title}" was changed elsewhere since you opened it. '
            "Reload it to see the other change, then edit again."
        )
    return milestone


def _still(milestone: Milestone, expected: Any, current: Any) -> None:
    """Undo and redo check the values they wrote are still there (versions move on undo)."""
    if expected is not None and current != expected:
        raise StaleRecordError(
            f'"{milestone.title}" was changed elsewhere since this change was made, so it '
            "cannot be undone or redone automatically. Reload it to see the other change."
        )


def _touch(milestone: Milestone) -> None:
    """Raise the version although only related rows changed (updated_at is untracked)."""
    milestone.updated_at = utcnow()


# Each edit below takes `expected_version` (the version the user saw, checked when the user
# makes the change) and `expect` (the values its inverse wrote, checked on undo and redo,
# as db.edits.SetFields does): every undo step raises the version, so a version cannot
# guard two undos of one record in turn.


@dataclass(frozen=True)
class SetFocusAreas:
    """The milestone's focus areas (ids of its agreement's focus areas), in one step."""

    milestone_id: int
    focus_area_ids: tuple[int, ...]
    expected_version: int | None = None
    expect: tuple[int, ...] | None = None

    def apply(self, session: Session) -> SetFocusAreas:
        milestone = _milestone(session, self.milestone_id, self.expected_version)
        old = tuple(fa.id for fa in milestone.focus_areas)
        _still(milestone, self.expect, old)
        for area_id in self.focus_area_ids:
            if session.get(FocusArea, area_id) is None:
                raise ValidationError(
                    "focus_areas", "A chosen focus area was deleted elsewhere. Choose again."
                )
        SetFields("milestone", self.milestone_id, {"focus_areas": list(self.focus_area_ids)}).apply(
            session
        )
        _touch(milestone)
        session.flush()
        written = tuple(fa.id for fa in milestone.focus_areas)
        return SetFocusAreas(self.milestone_id, old, None, written)


@dataclass(frozen=True)
class SetContacts:
    """The milestone's responsible contacts as (contact id, role) pairs, in order."""

    milestone_id: int
    contacts: tuple[tuple[int, str], ...]
    expected_version: int | None = None
    expect: tuple[tuple[int, str], ...] | None = None

    def apply(self, session: Session) -> SetContacts:
        milestone = _milestone(session, self.milestone_id, self.expected_version)
        old = tuple((link.contact_id, link.role) for link in milestone.contacts)
        _still(milestone, self.expect, old)
        links = []
        for contact_id, role in self.contacts:
            contact = session.get(Contact, contact_id)
            if contact is None:
                raise ValidationError("contacts", "A chosen contact was deleted elsewhere.")
            role = (role or "").strip()
            if not role:
                raise ValidationError(
                    "contacts",
                    f"Give {contact.name}'s role in this milestone, e.g. “event organiser”.",
                )
            if len(role) > 40:
                raise ValidationError(
                    "contacts", f"The role “{role}” is too long: use at most 40 characters."
                )
            links.append(MilestoneContact(contact=contact, role=role))
        if len({(c, r) for c, r in self.contacts}) != len(self.contacts):
            raise ValidationError("contacts", "This contact already has that role here.")
        removed = list(milestone.contacts)
        milestone.contacts = links
        for link in removed:
            # Deleted explicitly: the change log (and so the ChangeSet views refresh from)
            # records explicit deletes, not rows that a flush removes as orphans.
            session.delete(link)
        _touch(milestone)
        session.flush()
        written = tuple((link.contact_id, link.role) for link in milestone.contacts)
        return SetContacts(self.milestone_id, old, None, written)


def _check_exception(milestone: Milestone, day: str) -> None:
    if not milestone.rrule:
        raise ValidationError(
            "exdates", "Only a repeating milestone has exceptions. Enter how it repeats first."
        )
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise ValidationError("exdates", f"“{day}” is not a day such as 2025-04-01.") from None
    if not recurrence.is_occurrence(milestone.rrule, milestone.when, when):
        raise ValidationError(
            "exdates",
            f"The series does not take place on {FlexDate.on_day(when).to_text()}, so that day "
            "cannot be an exception. Choose one of the days it repeats on.",
        )


@dataclass(frozen=True)
class SetRepetition:
    """How the series repeats (RRULE value; None: it does not) and the days it skips."""

    milestone_id: int
    rrule: str | None
    exdates: tuple[str, ...] = ()
    expected_version: int | None = None
    expect: tuple[str | None, tuple[str, ...]] | None = None

    def apply(self, session: Session) -> SetRepetition:
        milestone = _milestone(session, self.milestone_id, self.expected_version)
        old = (milestone.rrule, tuple(milestone.exdates or ()))
        _still(milestone, self.expect, old)
        rule = (self.rrule or "").strip() or None
        if rule is None:
            milestone.rrule, milestone.exdates = None, []
        else:
            milestone.rrule = check_recurrence("rrule", rule, milestone.when)
            for day in self.exdates:
                _check_exception(milestone, day)
            milestone.exdates = sorted(set(self.exdates))
        session.flush()
        written = (milestone.rrule, tuple(milestone.exdates))
        return SetRepetition(self.milestone_id, old[0], old[1], None, written)


@dataclass(frozen=True)
class AddException:
    """A day on which an occurrence of the series does not take place."""

    milestone_id: int
    day: str  # ISO date
    expected_version: int | None = None

    def apply(self, session: Session) -> RemoveException:
        milestone = _milestone(session, self.milestone_id, self.expected_version)
        _check_exception(milestone, self.day)
        if self.day in milestone.exdates:
            raise ValidationError(
                "exdates",
                f"{FlexDate.on_day(date.fromisoformat(self.day)).to_text()} is already an "
                "exception.",
            )
        milestone.exdates = sorted([*milestone.exdates, self.day])
        session.flush()
        return RemoveException(self.milestone_id, self.day)


@dataclass(frozen=True)
class RemoveException:
    milestone_id: int
    day: str
    expected_version: int | None = None

    def apply(self, session: Session) -> AddException:
        milestone = _milestone(session, self.milestone_id, self.expected_version)
        if self.day not in milestone.exdates:
            raise StaleRecordError(
                f"{FlexDate.on_day(date.fromisoformat(self.day)).to_text()} is no longer an "
                f'exception of "{milestone.title}": it was changed elsewhere.'
            )
        milestone.exdates = [d for d in milestone.exdates if d != self.day]
        session.flush()
        return AddException(self.milestone_id, self.day)


@dataclass(frozen=True)
class AddAttachment:
    """A file path or web address attached to the milestone (never the file's bytes)."""

    milestone_id: int
    label: str
    location: str
    attachment_id: int | None = None  # set when an undo puts back a removed attachment
    expected_version: int | None = None

    def apply(self, session: Session) -> RemoveAttachment:
        milestone = _milestone(session, self.milestone_id, self.expected_version)
        location = (self.location or "").strip()
        if not location:
            raise ValidationError(
                "attachments", "Type a file path or a web address, or choose a file."
            )
        if self.attachment_id is not None and session.get(Attachment, self.attachment_id):
            raise StaleRecordError(
                f'The attachments of "{milestone.title}" were changed elsewhere; '
                "this change cannot be undone automatically."
            )
        label = (self.label or "").strip() or location.rstrip("/").rsplit("/", 1)[-1][:200]
        attachment = Attachment(label=label[:200], location=location)
        if self.attachment_id is not None:
            attachment.id = self.attachment_id
        milestone.attachments.append(attachment)
        _touch(milestone)
        session.flush()
        return RemoveAttachment(attachment.id)


@dataclass(frozen=True)
class RemoveAttachment:
    attachment_id: int
    expected_version: int | None = None  # the milestone's

    def apply(self, session: Session) -> AddAttachment:
        attachment = session.get(Attachment, self.attachment_id)
        if attachment is None or attachment.milestone_id is None:
            raise NotFoundError("The attachment was removed elsewhere.")
        milestone = _milestone(session, attachment.milestone_id, self.expected_version)
        label, location, attachment_id = attachment.label, attachment.location, attachment.id
        milestone.attachments.remove(attachment)
        session.delete(attachment)
        _touch(milestone)
        session.flush()
        return AddAttachment(milestone.id, label, location, attachment_id)


# ---------------------------------------------------------------------------------------
# Queries for the table
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneFilter:
    """What the table shows; None (or "") means no restriction."""

    agreement_id: int | None = None
    focus_area_id: int | None = None
    kind: str | None = None
    status: str | None = None
    start: date | None = None  # the range, inclusive
    end: date | None = None
    text: str = ""

    @property
    def has_range(self) -> bool:
        return self.start is not None or self.end is not None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(filters: MilestoneFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if filters.agreement_id is not None:
        out.append(Milestone.agreement_id == filters.agreement_id)
    if filters.focus_area_id is not None:
        out.append(
            exists().where(
                MilestoneFocusArea.milestone_id == Milestone.id,
                MilestoneFocusArea.focus_area_id == filters.focus_area_id,
            )
        )
    if filters.kind:
        out.append(Milestone.kind == MilestoneKind(filters.kind))
    if filters.status:
        out.append(Milestone.status == MilestoneStatus(filters.status))
    for word in filters.text.split():
        pattern = f"%{_escape_like(word)}%"
        out.append(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        Milestone.title,
                        Milestone.description,
                        Milestone.location,
                        Milestone.audience,
                        Milestone.outcome,
                        Milestone.date_wording,
                    )
                )
            )
        )
    if filters.end is not None:
        out.append(Milestone.starts_on <= filters.end)
    return out


_DATE_TEXT = type_coerce(Milestone.__table__.c.date, String)
# The sort keys are the columns of ix_milestone_list_order, in its order, and every column
# the query reads is in it: SQLite walks that index alone, neither reading table rows nor
# sorting (0.2 s instead of 1.7–3.5 s for 200,000 milestones). A dated milestone always has
# starts_on, so it needs no coalesce (which would hide the index).
_START = Milestone.starts_on
_KEY_COLUMNS = (_START, Milestone.precision_rank, _DATE_TEXT, Milestone.id)


def milestone_ids(session: Session, filters: MilestoneFilter, today: date) -> dict[str, list[int]]:
    """The ids of each group ("upcoming", "past", "undated"), in display order.

    One scan over the dated milestones in ascending order: Upcoming is taken in that order
    and Past in reverse. Series whose first occurrence ended before today (or before the
    range) are "candidates": their rule is expanded to decide where they belong.
    """
    conditions = _conditions(filters)
    lower = filters.start
    threshold = max(today, lower) if lower is not None else today
    is_candidate = and_(Milestone.rrule.is_not(None), Milestone.ends_on < threshold)
    # ends_on is NULL exactly when the milestone is undated, so comparing it picks dated ones.
    in_range = Milestone.ends_on.is_not(None)
    if lower is not None:
        in_range = or_(Milestone.ends_on >= lower, is_candidate)
    query = (
        select(
            Milestone.id,
            type_coerce(Milestone.ends_on >= today, Integer),
            type_coerce(is_candidate, Integer),
        )
        .where(*conditions, in_range)
        .order_by(*_KEY_COLUMNS)
    )
    # Core rows, not ORM rows: a plain tuple per milestone keeps 200,000 ids fast to read.
    rows = session.connection().execute(query).all()
    candidates = [int(mid) for mid, _, candidate in rows if candidate]
    moved: set[int] = set()  # candidates with an occurrence today or later
    dropped: set[int] = set()  # candidates with no occurrence in the range
    if candidates:
        series = session.execute(
            select(
                Milestone.id, Milestone.when, Milestone.rrule, Milestone.exdates, Milestone.ends_on
            ).where(Milestone.id.in_(candidates))
        )
        for mid, when, rule, exdates, ends_on in series:
            skipped = exdates or ()
            if (
                lower is not None
                and ends_on < lower
                and not recurrence.occurs_between(rule, when, skipped, lower, filters.end)
            ):
                dropped.add(mid)
            elif recurrence.occurs_between(rule, when, skipped, today, None):
                moved.add(mid)
    upcoming: list[int] = []
    past: list[int] = []
    for mid, not_ended, _ in rows:
        if mid in dropped:
            continue
        (upcoming if not_ended or mid in moved else past).append(int(mid))
    past.reverse()
    undated: list[int] = []
    if not filters.has_range:
        query = (
            select(Milestone.id)
            .where(*conditions, Milestone.starts_on.is_(None))
            .order_by(Milestone.title, Milestone.id)
        )
        undated = [int(i) for i in session.connection().execute(query).scalars()]
    return {"upcoming": upcoming, "past": past, "undated": undated}


def _row_statements() -> tuple[Select[Any], Select[Any]]:
    """The two queries behind `milestone_rows`, built once: building a statement per call
    left reference cycles for the garbage collector, and the table calls this for every
    block of rows it scrolls into view."""
    ids = bindparam("ids", expanding=True)
    rows = (
        select(
            Milestone.id,
            Milestone.version,
            Milestone.title,
            Milestone.agreement_id,
            Agreement.title,
            Milestone.kind,
            Milestone.status,
            Milestone.when,
            Milestone.end,
            Milestone.date_wording,
            Milestone.rrule,
            Milestone.location,
        )
        .join(Agreement, Agreement.id == Milestone.agreement_id)
        .where(Milestone.id.in_(ids))
    )
    links = (
        select(MilestoneFocusArea.milestone_id, FocusArea.name)
        .join(FocusArea, FocusArea.id == MilestoneFocusArea.focus_area_id)
        .where(MilestoneFocusArea.milestone_id.in_(ids))
        .order_by(FocusArea.position)
    )
    return rows, links


_ROWS, _ROW_LINKS = _row_statements()


def milestone_rows(session: Session | Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Table rows for these ids (any order in, keyed by id out); deleted ids are left out.

    Plain columns only, so a connection does (`Database.reading`), at half a session's cost
    per call: the table reads a block with every screenful it scrolls."""
    if not ids:
        return {}
    rows: dict[int, dict[str, Any]] = {}
    for r in session.execute(_ROWS, {"ids": list(ids)}):
        rows[r[0]] = {
            "id": r[0],
            "version": r[1],
            "title": r[2],
            "agreement_id": r[3],
            "agreement": r[4],
            "kind": r[5].value,
            "status": r[6].value,
            "when": r[7],
            "end": r[8],
            "date_wording": r[9],
            "rrule": r[10],
            "location": r[11],
            "focus_areas": [],
        }
    for milestone_id, name in session.execute(_ROW_LINKS, {"ids": list(rows)}):
        rows[milestone_id]["focus_areas"].append(name)
    return rows


# ---------------------------------------------------------------------------------------
# The editor's record and choices
# ---------------------------------------------------------------------------------------


def milestone_detail(session: Session, milestone_id: int) -> dict[str, Any] | None:
    """Everything the editor shows of one milestone, or None when it no longer exists."""
    m = session.scalars(
        select(Milestone)
        .where(Milestone.id == milestone_id)
        .options(
            selectinload(Milestone.focus_areas),
            selectinload(Milestone.contacts).selectinload(MilestoneContact.contact),
            selectinload(Milestone.attachments),
        )
    ).first()
    if m is None:
        return None
    return {
        "id": m.id,
        "uid": m.uid,
        "version": m.version,
        "title": m.title,
        "agreement_id": m.agreement_id,
        "kind": m.kind.value,
        "status": m.status.value,
        "when": m.when,
        "end": m.end,
        "date_wording": m.date_wording,
        "rrule": m.rrule,
        "exdates": list(m.exdates or []),
        "location": m.location or "",
        "audience": m.audience or "",
        "description": m.description or "",
        "outcome": m.outcome or "",
        "url": m.url or "",
        "focus_area_ids": [fa.id for fa in m.focus_areas],
        "focus_areas": [fa.name for fa in m.focus_areas],
        "contacts": [
            {"id": c.id, "contact_id": c.contact_id, "name": c.contact.name, "role": c.role}
            for c in m.contacts
        ],
        "attachments": [
            {"id": a.id, "label": a.label, "location": a.location, "is_url": a.is_url}
            for a in sorted(m.attachments, key=lambda a: a.id)
        ],
    }


def agreement_choices(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Agreement.id, Agreement.title, Agreement.status).order_by(
            Agreement.term_starts_on.is_(None), Agreement.term_starts_on.desc(), Agreement.id.desc()
        )
    )
    return [{"id": i, "title": t, "status": s.value} for i, t, s in rows]


def focus_area_choices(session: Session, agreement_id: int | None = None) -> list[dict[str, Any]]:
    query = select(FocusArea.id, FocusArea.name, FocusArea.agreement_id, FocusArea.colour)
    if agreement_id is not None:
        query = query.where(FocusArea.agreement_id == agreement_id)
    query = query.order_by(FocusArea.agreement_id, FocusArea.position)
    return [
        {"id": i, "name": n, "agreement_id": a, "colour": c}
        for i, n, a, c in session.execute(query)
    ]


def contact_choices(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Contact.id, Contact.name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Contact.organisation_id)
        .order_by(Contact.name)
    )
    return [{"id": i, "name": n, "organisation": o} for i, n, o in rows]


@dataclass(frozen=True)
class Choices:
    """The editor's lists, read in one session."""

    agreements: list[dict[str, Any]] = field(default_factory=list)
    focus_areas: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)


def choices(session: Session) -> Choices:
    return Choices(
        agreement_choices(session), focus_area_choices(session), contact_choices(session)
    )


def new_uid_for_milestone() -> str:
    """A uid for `new_milestone`, chosen before the edit so the caller can find the record."""
    return new_uid()
