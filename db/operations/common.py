"""Operations on organisations, contacts, agreements, focus areas and milestones.

Callers run them through `Database.run(...)` (or inside `Database.transaction()`), so an
action is one transaction: it validates, writes, and either commits whole or not at all.
Text inputs for dates are parsed here, so every caller gets the same messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.dates import FlexDate
from db.enums import AgreementStatus, MilestoneKind, MilestoneStatus, OrganisationKind
from db.errors import NotFoundError, StaleRecordError, ValidationError
from db.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    Attachment,
    Base,
    Contact,
    ContactEmail,
    ContactPhone,
    FocusArea,
    IndicatorValue,
    Milestone,
    MilestoneContact,
    Objective,
    Organisation,
    OrganisationName,
)
from db.validation import check_email, normalise_phone

DateInput = FlexDate | str | None
M = TypeVar("M", bound=Base)


def as_flexdate(field: str, value: DateInput, reference: date | None = None) -> FlexDate:
    """A FlexDate from a value or from text, with errors naming `field`."""
    if value is None:
        return FlexDate.tbd()
    if isinstance(value, FlexDate):
        return value
    try:
        return FlexDate.parse(value, reference=reference)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


def _enum_value(field: str, enum_type: Any, value: Any) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum_type)
        raise ValidationError(
            field, f'"{value}" is not a {field}. Choose one of: {choices}.'
        ) from None


# --- references ---------------------------------------------------------------------------


def find_by_ref(session: Session, model: type[M], ref: str | int, attr: str) -> M:
    """A record by id or by its exact title/name; ambiguity is an error, not a guess."""
    what = model.__tablename__.replace("_", " ")
    text = str(ref).strip()
    if text.isdigit():
        obj = session.get(model, int(text))
        if obj is not None:
            return obj
    column = getattr(model, attr)
    hits = session.scalars(select(model).where(column == text)).all()
    if not hits:
        hits = session.scalars(select(model).where(func.lower(column) == text.lower())).all()
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        ids = ", ".join(str(h.id) for h in hits)  # type: ignore[attr-defined]
        raise NotFoundError(f'Several {what}s are called "{text}" (ids {ids}). Use the id.')
    raise NotFoundError(
        f'No {what} has the id or {attr} "{text}". List them with: accord list {what}s'.replace(
            "focus areas", "focus-areas"
        )
    )


def find_agreement(session: Session, ref: str | int) -> Agreement:
    return find_by_ref(session, Agreement, ref, "title")


def _check_version(obj: Base, expected: int | None) -> None:
    if expected is not None and getattr(obj, "version", None) != expected:
        raise StaleRecordError(
            f'"{getattr(obj, "title", None) or getattr(obj, "name", "")}" was changed '
            "elsewhere since you opened it. Reload it to see the changes, then edit again."
        )


# --- organisations and contacts -------------------------------------------------------------


def add_organisation(
    session: Session,
    name: str,
    *,
    short_name: str | None = None,
    kind: OrganisationKind | str = OrganisationKind.OTHER,
    country: str = "FI",
    website: str | None = None,
    names: dict[str, str] | None = None,
    notes: str = "",
) -> Organisation:
    org = Organisation(
        name=name.strip(),
        short_name=short_name,
        kind=_enum_value("kind", OrganisationKind, kind),
        country=country.upper(),
        website=website,
        notes=notes,
        names=[OrganisationName(lang=lang, name=text) for lang, text in (names or {}).items()],
    )
    session.add(org)
    session.flush()
    return org


def add_contact(
    session: Session,
    name: str,
    *,
    title: str | None = None,
    organisation: Organisation | None = None,
    phones: Iterable[tuple[str, str]] = (),
    emails: Iterable[tuple[str, str]] = (),
    notes: str = "",
) -> Contact:
    """`phones` and `emails` are (label, text) pairs; numbers keep what the user typed."""
    region = organisation.country if organisation is not None else "FI"
    contact = Contact(name=name.strip(), title=title, organisation=organisation, notes=notes)
    for i, (label, raw) in enumerate(phones):
        e164 = normalise_phone(f"phones[{i}]", raw, region)
        contact.phones.append(ContactPhone(position=i, label=label, raw=raw.strip(), e164=e164))
    for i, (label, address) in enumerate(emails):
        contact.emails.append(
            ContactEmail(position=i, label=label, address=check_email(f"emails[{i}]", address))
        )
    session.add(contact)
    session.flush()
    return contact


# --- agreements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    organisation: Organisation
    role: str = "party"
    signatory: Contact | None = None


def add_agreement(
    session: Session,
    title: str,
    *,
    parties: Sequence[Party] = (),
    signed: DateInput = None,
    term_start: DateInput = None,
    term_end: DateInput = None,
    status: AgreementStatus | str = AgreementStatus.DRAFT,
    aims: str = "",
    notes: str = "",
    document: str | None = None,
    renews: Agreement | None = None,
    reference: date | None = None,
) -> Agreement:
    agreement = Agreement(
        title=title.strip(),
        status=_enum_value("status", AgreementStatus, status),
        signed=as_flexdate("signed", signed, reference),
        term_start=as_flexdate("term_start", term_start, reference),
        term_end=as_flexdate("term_end", term_end, reference),
        aims=aims,
        notes=notes,
        document=document,
        renews=renews,
        parties=[
            AgreementParty(
                position=i, organisation=p.organisation, role=p.role, signatory=p.signatory
            )
            for i, p in enumerate(parties)
        ],
    )
    session.add(agreement)
    session.flush()
    return agreement


def add_focus_area(
    session: Session,
    agreement: Agreement,
    name: str,
    *,
    colour: str = "#4E79A7",
    description: str = "",
    continues: FocusArea | None = None,
) -> FocusArea:
    area = FocusArea(
        name=name.strip(),
        colour=colour,
        description=description,
        position=len(agreement.focus_areas),
        continues=continues,
    )
    agreement.focus_areas.append(area)
    session.flush()
    return area


def add_objective(
    session: Session,
    area: FocusArea,
    text: str,
    *,
    indicator: str | None = None,
    unit: str | None = None,
    target: float | None = None,
    values: dict[int, float] | None = None,
) -> Objective:
    objective = Objective(
        text=text.strip(),
        indicator=indicator,
        unit=unit,
        target=target,
        position=len(area.objectives),
        values=[IndicatorValue(year=y, value=v) for y, v in sorted((values or {}).items())],
    )
    area.objectives.append(objective)
    session.flush()
    return objective


def add_agreement_contact(
    session: Session,
    agreement: Agreement,
    contact: Contact,
    role: str,
    focus_area: FocusArea | None = None,
) -> AgreementContact:
    link = AgreementContact(contact=contact, role=role, focus_area=focus_area)
    agreement.contacts.append(link)
    session.flush()
    return link


# --- milestones ---------------------------------------------------------------------------


def add_milestone(
    session: Session,
    agreement: Agreement,
    title: str,
    *,
    when: DateInput = None,
    end: DateInput = None,
    kind: MilestoneKind | str = MilestoneKind.EVENT,
    status: MilestoneStatus | str = MilestoneStatus.PLANNED,
    description: str = "",
    location: str | None = None,
    audience: str | None = None,
    focus_areas: Sequence[FocusArea] = (),
    contacts: Sequence[tuple[Contact, str]] = (),
    rrule: str | None = None,
    exdates: Sequence[str] = (),
    reminders: Sequence[int] = (),
    outcome: str = "",
    url: str | None = None,
    attachments: Sequence[tuple[str, str]] = (),
    date_wording: str | None = None,
    reference: date | None = None,
) -> Milestone:
    start = as_flexdate("when", when, reference)
    milestone = Milestone(
        agreement=agreement,
        title=title.strip(),
        when=start,
        end=None if end is None else as_flexdate("end", end, reference),
        date_wording=date_wording or start.original,
        kind=_enum_value("kind", MilestoneKind, kind),
        status=_enum_value("status", MilestoneStatus, status),
        description=description,
        location=location,
        audience=audience,
        focus_areas=list(focus_areas),
        contacts=[MilestoneContact(contact=c, role=r) for c, r in contacts],
        rrule=rrule,
        exdates=list(exdates),
        reminders=list(reminders),
        outcome=outcome,
        url=url,
        attachments=[Attachment(label=label, location=loc) for label, loc in attachments],
    )
    session.add(milestone)
    session.flush()
    return milestone


# --- generic edits ------------------------------------------------------------------------

_DATE_FIELDS = {"signed", "term_start", "term_end", "when", "end"}


def update_fields(
    session: Session, obj: Base, expected_version: int | None = None, **fields: Any
) -> Base:
    """Set plain fields of one record, refusing if another process changed it meanwhile."""
    _check_version(obj, expected_version)
    for name, value in fields.items():
        if not hasattr(type(obj), name):
            raise ValidationError(name, f"{type(obj).__name__} has no field {name!r}.")
        if name in _DATE_FIELDS and not (name == "end" and value is None):
            value = as_flexdate(name, value)
        setattr(obj, name, value)
    session.flush()
    return obj


def delete(session: Session, obj: Base, expected_version: int | None = None) -> None:
    _check_version(obj, expected_version)
    session.delete(obj)
    session.flush()
