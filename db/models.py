"""The entities of a partnership, as SQLAlchemy 2 typed declarative classes.

Rules every entity keeps, whichever code path writes it, are checked in `check()` and run
by the session before each flush (see `db.tracking`): a row that breaks one never reaches
the database. Records that are published (.ics, reports) carry a stable random `uid` and a
`version` that SQLAlchemy raises on every update (`version_id_col`), which gives both
optimistic locking and the .ics SEQUENCE.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy import text as text_sql
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from db.dates import FlexDate, Precision
from db.enums import (
    AgreementStatus,
    ChangeAction,
    MilestoneKind,
    MilestoneStatus,
    OrganisationKind,
)
from db.errors import ValidationError
from db.types import FlexDateType, UTCDateTime, json_list, new_uid, str40, str200, text, utcnow
from db.validation import check_colour, check_recurrence, require_text

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        FlexDate: FlexDateType(),
        datetime: UTCDateTime(),
        AgreementStatus: _enum(AgreementStatus),
        MilestoneKind: _enum(MilestoneKind),
        MilestoneStatus: _enum(MilestoneStatus),
        OrganisationKind: _enum(OrganisationKind),
        ChangeAction: _enum(ChangeAction),
    }

    #: Attributes the change log does not record (derived or bookkeeping values).
    untracked: ClassVar[frozenset[str]] = frozenset()

    def check(self) -> None:
        """Raise ValidationError when the record breaks a rule; run before every flush."""


class Published:
    """A record with a stable UID and a revision counter."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    untracked: ClassVar[frozenset[str]] = frozenset({"version", "created_at", "updated_at"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


# --- organisations and people -------------------------------------------------------------


class Organisation(Published, Base):
    __tablename__ = "organisation"

    name: Mapped[str200]
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[OrganisationKind] = mapped_column(default=OrganisationKind.OTHER)
    country: Mapped[str] = mapped_column(String(2), default="FI")
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[text]

    names: Mapped[list[OrganisationName]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationName.lang",
    )
    contacts: Mapped[list[Contact]] = relationship(back_populates="organisation")

    def check(self) -> None:
        require_text("name", self.name, "organisation name")

    def name_in(self, lang: str) -> str:
        """The language version of the name, falling back to the main name."""
        for n in self.names:
            if n.lang == lang:
                return n.name
        return self.name


class OrganisationName(Base):
    __tablename__ = "organisation_name"
    __table_args__ = (UniqueConstraint("organisation_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    name: Mapped[str200]

    organisation: Mapped[Organisation] = relationship(back_populates="names")

    def check(self) -> None:
        require_text("name", self.name, "name")


class Contact(Published, Base):
    __tablename__ = "contact"

    name: Mapped[str200]
    title: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    notes: Mapped[text]

    organisation: Mapped[Organisation | None] = relationship(back_populates="contacts")
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position"
    )
    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position"
    )

    def check(self) -> None:
        require_text("name", self.name, "contact's name")


class ContactPhone(Base):
    """A phone number as the user typed it, with its E.164 form for dialling and matching."""

    __tablename__ = "contact_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str40] = mapped_column(default="work")
    raw: Mapped[str] = mapped_column(String(60))
    e164: Mapped[str] = mapped_column(String(20))

    contact: Mapped[Contact] = relationship(back_populates="phones")


class ContactEmail(Base):
    __tablename__ = "contact_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str40] = mapped_column(default="work")
    address: Mapped[str] = mapped_column(String(254))

    contact: Mapped[Contact] = relationship(back_populates="emails")


# --- agreements ---------------------------------------------------------------------------


class Agreement(Published, Base):
    __tablename__ = "agreement"

    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[AgreementStatus] = mapped_column(default=AgreementStatus.DRAFT)
    signed: Mapped[FlexDate] = mapped_column(default=FlexDate.tbd)
    term_start: Mapped[FlexDate] = mapped_column(default=FlexDate.tbd)
    term_end: Mapped[FlexDate] = mapped_column(default=FlexDate.tbd)
    #: First and last day the term covers, derived from term_start/term_end for queries.
    term_starts_on: Mapped[date | None]
    term_ends_on: Mapped[date | None]
    aims: Mapped[text]
    notes: Mapped[text]
    document: Mapped[str | None] = mapped_column(String(1000))
    renews_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), unique=True
    )

    renews: Mapped[Agreement | None] = relationship(
        remote_side="Agreement.id", back_populates="renewed_by", foreign_keys=[renews_id]
    )
    renewed_by: Mapped[Agreement | None] = relationship(
        back_populates="renews", foreign_keys=[renews_id], uselist=False
    )
    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.position"
    )
    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="FocusArea.position"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[AgreementContact]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan"
    )

    untracked = Published.untracked | {"term_starts_on", "term_ends_on"}

    def check(self) -> None:
        require_text("title", self.title, "agreement's title")
        self.term_starts_on = self.term_start.start
        self.term_ends_on = self.term_end.end
        if self.term_start.is_known and self.term_end.is_known:
            assert self.term_start.start is not None and self.term_end.end is not None
            if self.term_end.end < self.term_start.start:
                raise ValidationError(
                    "term_end",
                    f"The term ends ({self.term_end.to_text()}) before it starts "
                    f"({self.term_start.to_text()}). Enter an end on or after the start.",
                )
        seen: set[int] = set()
        link: Agreement | None = self.renews
        while link is not None:
            if link is self or id(link) in seen:
                raise ValidationError(
                    "renews", "An agreement cannot renew itself or one that renews it."
                )
            seen.add(id(link))
            link = link.renews


class AgreementParty(Base):
    """An organisation's part in an agreement, with who signed for it."""

    __tablename__ = "agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str40] = mapped_column(default="party")
    signatory_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()
    signatory: Mapped[Contact | None] = relationship()


class AgreementContact(Base):
    """A person's role on an agreement, optionally for one focus area (e.g. its lead)."""

    __tablename__ = "agreement_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    focus_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("focus_area.id", ondelete="CASCADE")
    )
    role: Mapped[str40]

    agreement: Mapped[Agreement] = relationship(back_populates="contacts")
    contact: Mapped[Contact] = relationship()
    focus_area: Mapped[FocusArea | None] = relationship()


class FocusArea(Published, Base):
    __tablename__ = "focus_area"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str200]
    colour: Mapped[str] = mapped_column(String(7), default="#4E79A7")
    description: Mapped[text]
    #: The focus area of the renewed agreement this one continues (None: new here).
    continues_id: Mapped[int | None] = mapped_column(
        ForeignKey("focus_area.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship(back_populates="focus_areas")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="focus_area", cascade="all, delete-orphan", order_by="Objective.position"
    )
    continues: Mapped[FocusArea | None] = relationship(remote_side="FocusArea.id")

    def check(self) -> None:
        require_text("name", self.name, "focus area's name")
        self.colour = check_colour("colour", self.colour)
        key = self.name.strip().casefold()
        if self.agreement is not None and any(
            other is not self and other.name.strip().casefold() == key
            for other in self.agreement.focus_areas
        ):
            raise ValidationError(
                "name",
                f'This agreement already has a focus area called "{self.name.strip()}". '
                "Give each focus area a different name.",
            )


class Objective(Published, Base):
    """An objective of a focus area; with an indicator when progress is measured."""

    __tablename__ = "objective"

    focus_area_id: Mapped[int] = mapped_column(ForeignKey("focus_area.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[float | None] = mapped_column(Float)

    focus_area: Mapped[FocusArea] = relationship(back_populates="objectives")
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="objective", cascade="all, delete-orphan", order_by="IndicatorValue.year"
    )

    def check(self) -> None:
        require_text("text", self.text, "objective")


class IndicatorValue(Base):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("objective_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)

    objective: Mapped[Objective] = relationship(back_populates="values")

    def check(self) -> None:
        if not 1900 <= self.year <= 2200:
            raise ValidationError("year", f"{self.year} is not a plausible year for a measurement.")


# --- milestones ---------------------------------------------------------------------------


#: Milestones that reach more than a year past their start: series and long explicit ends.
#: The partial index's predicate; a query must repeat it word for word to use the index.
SPREAD_SQLITE = "rrule IS NOT NULL OR ends_on > date(starts_on, '+366 days')"
SPREAD_POSTGRESQL = "rrule IS NOT NULL OR ends_on > starts_on + 366"


class MilestoneFocusArea(Base):
    __tablename__ = "milestone_focus_area"

    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True
    )
    focus_area_id: Mapped[int] = mapped_column(
        ForeignKey("focus_area.id", ondelete="CASCADE"), primary_key=True
    )


class Milestone(Published, Base):
    """Anything dated that matters to an agreement, events and event series included."""

    __tablename__ = "milestone"
    #: "Next milestone of each agreement" and per-agreement date ranges read the first index;
    #: the Overview and the Calendar read series and long spans through the second (0004).
    __table_args__ = (
        Index("ix_milestone_agreement_starts_on", "agreement_id", "starts_on"),
        Index(
            "ix_milestone_spread_starts_on",
            "starts_on",
            sqlite_where=text_sql(SPREAD_SQLITE),
            postgresql_where=text_sql(SPREAD_POSTGRESQL),
        ),
        # The Milestones list reads every id in display order from this index alone (0005):
        # no table rows, no sort; the filter columns ride along. See milestone_ids().
        Index(
            "ix_milestone_list_order",
            "starts_on",
            "precision_rank",
            "date",
            "id",
            "ends_on",
            "rrule",
            "agreement_id",
            "kind",
            "status",
        ),
    )

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MilestoneKind] = mapped_column(default=MilestoneKind.EVENT)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[text]
    location: Mapped[str | None] = mapped_column(String(300))
    audience: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[MilestoneStatus] = mapped_column(default=MilestoneStatus.PLANNED)
    when: Mapped[FlexDate] = mapped_column("date", default=FlexDate.tbd)
    #: End of the milestone when it is not the end of `when` itself (a timed event's end).
    end: Mapped[FlexDate | None]
    #: The user's own words when they were relative ("early next year").
    date_wording: Mapped[str | None] = mapped_column(String(200))
    #: Derived from when/end for range queries and sorting; None while undated.
    starts_on: Mapped[date | None] = mapped_column(index=True)
    ends_on: Mapped[date | None]
    precision_rank: Mapped[int] = mapped_column(default=Precision.NONE.rank)
    #: RFC 5545 RRULE value (without "RRULE:"), for an event series whose rule is known.
    rrule: Mapped[str | None] = mapped_column(String(500))
    #: Dates (ISO) of occurrences that do not take place.
    exdates: Mapped[json_list]
    #: Reminders as minutes before the start.
    reminders: Mapped[list[int]] = mapped_column(JSON, default=list)
    outcome: Mapped[text]
    url: Mapped[str | None] = mapped_column(String(1000))

    agreement: Mapped[Agreement] = relationship(back_populates="milestones")
    focus_areas: Mapped[list[FocusArea]] = relationship(
        secondary="milestone_focus_area", order_by="FocusArea.position"
    )
    contacts: Mapped[list[MilestoneContact]] = relationship(
        back_populates="milestone", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="milestone", cascade="all, delete-orphan"
    )

    untracked = Published.untracked | {"starts_on", "ends_on", "precision_rank"}

    def check(self) -> None:
        require_text("title", self.title, "milestone's title")
        last = self.end if self.end is not None else self.when
        self.starts_on = self.when.start
        self.ends_on = last.end if last.is_known else self.when.end
        self.precision_rank = self.when.precision.rank
        if self.end is not None:
            if not self.when.is_known:
                raise ValidationError(
                    "end", "An undated milestone cannot have an end. Enter its date first."
                )
            if self.end.is_known and self.end.sort_key() < self.when.sort_key():
                raise ValidationError(
                    "end",
                    f"The milestone ends ({self.end.to_text()}) before it starts "
                    f"({self.when.to_text()}). Enter an end after the start.",
                )
        if self.rrule:
            self.rrule = check_recurrence("rrule", self.rrule, self.when)
        state = inspect(self)
        if state.persistent and not any(
            state.attrs[name].history.has_changes()
            for name in ("focus_areas", "agreement", "agreement_id")
        ):
            return  # links unchanged: checked when made; loading them costs an edit 30 %
        for fa in self.focus_areas:
            if fa.agreement is not self.agreement:
                raise ValidationError(
                    "focus_areas",
                    f'The focus area "{fa.name}" belongs to another agreement. '
                    "Choose focus areas of this milestone's agreement.",
                )


class MilestoneContact(Base):
    __tablename__ = "milestone_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    role: Mapped[str40]

    milestone: Mapped[Milestone] = relationship(back_populates="contacts")
    contact: Mapped[Contact] = relationship()


class Attachment(Base):
    """A file path or URL attached to an agreement or a milestone (never the bytes)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    label: Mapped[str200]
    location: Mapped[str] = mapped_column(String(2000))

    agreement: Mapped[Agreement | None] = relationship(back_populates="attachments")
    milestone: Mapped[Milestone | None] = relationship(back_populates="attachments")

    @property
    def is_url(self) -> bool:
        return "://" in self.location or self.location.startswith("mailto:")

    def check(self) -> None:
        require_text("location", self.location, "attachment's file or address")
        if (self.agreement_id is None and self.agreement is None) == (
            self.milestone_id is None and self.milestone is None
        ):
            raise ValidationError(
                "attachment", "An attachment belongs to exactly one agreement or milestone."
            )


# --- history ------------------------------------------------------------------------------


class ChangeLog(Base):
    """One changed field of one record: the audit trail and the change history view."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[ChangeAction]
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    entity_uid: Mapped[str | None] = mapped_column(String(36), index=True)
    label: Mapped[str | None] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
