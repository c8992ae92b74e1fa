"""Contacts and organisations: the edits their editors make and the queries their lists read.

No Qt here. Edits are frozen values whose `apply(session)` returns the edit that undoes them
(see `db.edits`). Two guards keep changes from overwriting other people's work:

- `expected_version`: the version the user's editor loaded. A forward edit is refused with
  `StaleRecordError` when the record's version moved since (another process changed it).
- `expected`: what the record must still hold for an undo/redo to run, i.e. exactly what the
  edit being undone wrote. Undo is refused only when someone changed *those* values since;
  a version check would also refuse undoing the second of two edits on the same record.

Queries return plain values (dicts, ids first) for the lists and editors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers
from sqlalchemy import ColumnElement, Select, String, cast, exists, func, inspect, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from db.dates import FlexDate
from db.edits import Delete, Restore, model_for
from db.enums import OrganisationKind
from db.errors import NotFoundError, StaleRecordError, ValidationError
from db.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    Base,
    Contact,
    ContactEmail,
    ContactPhone,
    Milestone,
    MilestoneContact,
    Organisation,
    OrganisationName,
)
from db.queries import term_text
from db.types import utcnow
from db.validation import check_email, normalise_phone, require_text

#: Labels offered for phone numbers and e-mail addresses (stored as these words).
PHONE_LABELS = ("work", "mobile", "home", "other")
EMAIL_LABELS = ("work", "home", "other")
#: Language versions offered for organisation names (any BCP 47 code is accepted).
NAME_LANGUAGES = ("fi", "sv", "en", "se", "de", "fr", "es", "et", "ru", "zh", "ja")
DEFAULT_REGION = "FI"

_PHONE_WORD = re.compile(r"[+\d()\-./]+")
_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


# --- helpers ------------------------------------------------------------------------------


def _load(session: Session, table: str, record_id: int) -> Any:
    obj = session.get(model_for(table), record_id)
    if obj is None:
        raise NotFoundError(
            f"The {table.replace('_', ' ')} was deleted elsewhere; this change cannot be made."
        )
    return obj


def _label_of(obj: Any) -> str:
    return str(getattr(obj, "name", None) or getattr(obj, "title", None) or "The record")


def _check_version(obj: Any, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise StaleRecordError(
            f'"{_label_of(obj)}" was changed elsewhere since you opened it. '
            "Look at the other change, then edit again."
        )


def _check_still(obj: Any, ok: bool) -> None:
    if not ok:
        raise StaleRecordError(
            f'"{_label_of(obj)}" was changed elsewhere since this change was made, so it '
            "cannot be undone or redone automatically. Reload it to see the other change."
        )


def _touch(obj: Any) -> None:
    """Make a change to child rows a new revision of the parent (bumps `version`)."""
    obj.updated_at = utcnow()


def _check_length(field: str, value: Any, column: Any, what: str) -> None:
    length = getattr(column.type, "length", None)
    if (
        isinstance(column.type, String)
        and length
        and isinstance(value, str)
        and len(value) > length
    ):
        raise ValidationError(
            field,
            f"The {what} is {len(value)} characters long; shorten it to {length} or fewer.",
        )


def phone_region(contact: Contact) -> str:
    """The region a number without a country code is read in: the organisation's country."""
    org = contact.organisation
    return (org.country if org is not None and org.country else DEFAULT_REGION).upper()


def format_phone(e164: str, home_region: str | None = None) -> str:
    """A stored number for display: national format at home, international elsewhere."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    home = (home_region or "").upper()
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home and region == home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


# --- creating -----------------------------------------------------------------------------


def new_contact(session: Session, name: str, organisation_id: int | None = None) -> Contact:
    """A contact with just a name (and optionally an organisation): the editor's "New"."""
    if organisation_id is not None:
        _load(session, "organisation", organisation_id)
    contact = Contact(name=name.strip(), organisation_id=organisation_id, notes="")
    session.add(contact)
    session.flush()
    return contact


def new_organisation(session: Session, name: str) -> Organisation:
    org = Organisation(name=name.strip(), notes="")
    session.add(org)
    session.flush()
    return org


# --- edits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeFields:
    """Set column values of one record; see the module docstring for the two guards."""

    table: str
    id: int
    values: Mapping[str, Any]
    expected_version: int | None = None
    expected: Mapping[str, Any] | None = None

    def apply(self, session: Session) -> ChangeFields:
        obj = _load(session, self.table, self.id)
        _check_version(obj, self.expected_version)
        columns = inspect(type(obj)).columns
        if self.expected is not None:
            _check_still(obj, all(getattr(obj, k) == v for k, v in self.expected.items()))
        old: dict[str, Any] = {}
        for name, value in self.values.items():
            if name not in columns or name in ("id", "uid", "version"):
                raise ValidationError(name, f"{type(obj).__name__} has no field {name!r}.")
            if name == "kind" and self.table == "organisation":
                value = _organisation_kind(value)
            _check_length(name, value, columns[name], name.replace("_", " "))
            old[name] = getattr(obj, name)
            setattr(obj, name, value)
        session.flush()
        return ChangeFields(self.table, self.id, old, None, dict(self.values))


def _organisation_kind(value: Any) -> OrganisationKind:
    try:
        return OrganisationKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in OrganisationKind)
        raise ValidationError(
            "kind", f'"{value}" is not a kind of organisation. Choose one of: {choices}.'
        ) from None


@dataclass(frozen=True)
class PhoneRow:
    """A number as typed; `e164` is filled in by `SetPhones` (or given back by an undo)."""

    label: str
    raw: str
    e164: str | None = None


@dataclass(frozen=True)
class SetPhones:
    """Replace a contact's phone numbers; each row is validated, none is saved if one fails."""

    contact_id: int
    rows: tuple[PhoneRow, ...]
    expected_version: int | None = None
    expected: tuple[PhoneRow, ...] | None = None

    def apply(self, session: Session) -> SetPhones:
        contact: Contact = _load(session, "contact", self.contact_id)
        _check_version(contact, self.expected_version)
        current = tuple(PhoneRow(p.label, p.raw, p.e164) for p in contact.phones)
        if self.expected is not None:
            _check_still(contact, current == self.expected)
        region = phone_region(contact)
        known = {p.raw: p.e164 for p in contact.phones}
        new: list[PhoneRow] = []
        for i, row in enumerate(self.rows):
            field = f"phones[{i}]"
            raw = row.raw.strip()
            e164 = row.e164 or known.get(raw) or normalise_phone(field, raw, region)
            if len(raw) > 60:
                raise ValidationError(
                    field, "The phone number is too long (60 characters at most)."
                )
            for j, other in enumerate(new):
                if other.e164 == e164:
                    raise ValidationError(
                        field,
                        f'"{raw}" is the same number as phone {j + 1}. Remove one of them.',
                    )
            new.append(PhoneRow(_row_label(field, row.label), raw, e164))
        if tuple(new) != current:
            phones = contact.phones
            for i, row in enumerate(new):
                if i < len(phones):
                    p = phones[i]
                    p.position, p.label, p.raw, p.e164 = i, row.label, row.raw, str(row.e164)
                else:
                    phones.append(
                        ContactPhone(position=i, label=row.label, raw=row.raw, e164=row.e164)
                    )
            del phones[len(new) :]
            _touch(contact)
            session.flush()
        return SetPhones(self.contact_id, current, None, tuple(new))


def _row_label(field: str, label: str) -> str:
    text = (label or "").strip() or "work"
    if len(text) > 40:
        raise ValidationError(field, "The label is too long (40 characters at most).")
    return text


@dataclass(frozen=True)
class EmailRow:
    label: str
    address: str


@dataclass(frozen=True)
class SetEmails:
    """Replace a contact's e-mail addresses (checked and normalised, all or none)."""

    contact_id: int
    rows: tuple[EmailRow, ...]
    expected_version: int | None = None
    expected: tuple[EmailRow, ...] | None = None

    def apply(self, session: Session) -> SetEmails:
        contact: Contact = _load(session, "contact", self.contact_id)
        _check_version(contact, self.expected_version)
        current = tuple(EmailRow(e.label, e.address) for e in contact.emails)
        if self.expected is not None:
            _check_still(contact, current == self.expected)
        new: list[EmailRow] = []
        for i, row in enumerate(self.rows):
            field = f"emails[{i}]"
            address = check_email(field, row.address)
            if len(address) > 254:
                raise ValidationError(field, "The address is too long (254 characters at most).")
            for j, other in enumerate(new):
                if other.address.casefold() == address.casefold():
                    raise ValidationError(
                        field, f'"{address}" is already e-mail {j + 1}. Remove one of them.'
                    )
            new.append(EmailRow(_row_label(field, row.label), address))
        if tuple(new) != current:
            emails = contact.emails
            for i, row in enumerate(new):
                if i < len(emails):
                    e = emails[i]
                    e.position, e.label, e.address = i, row.label, row.address
                else:
                    emails.append(ContactEmail(position=i, label=row.label, address=row.address))
            del emails[len(new) :]
            _touch(contact)
            session.flush()
        return SetEmails(self.contact_id, current, None, tuple(new))


@dataclass(frozen=True)
class NameRow:
    lang: str
    name: str


@dataclass(frozen=True)
class SetOrganisationNames:
    """Replace an organisation's language versions of its name (one per language)."""

    organisation_id: int
    rows: tuple[NameRow, ...]
    expected_version: int | None = None
    expected: tuple[NameRow, ...] | None = None

    def apply(self, session: Session) -> SetOrganisationNames:
        org: Organisation = _load(session, "organisation", self.organisation_id)
        _check_version(org, self.expected_version)
        current = tuple(NameRow(n.lang, n.name) for n in org.names)
        if self.expected is not None:
            _check_still(org, _by_lang(current) == _by_lang(self.expected))
        new: list[NameRow] = []
        for i, row in enumerate(self.rows):
            lang = row.lang.strip()
            if not _LANG_CODE.fullmatch(lang) or len(lang) > 8:
                raise ValidationError(
                    f"names[{i}].lang",
                    f'"{lang}" is not a language code. Use a code such as "fi", "sv" or "en".',
                )
            name = require_text(f"names[{i}]", row.name, "name")
            if len(name) > 200:
                raise ValidationError(
                    f"names[{i}]", "The name is too long (200 characters at most)."
                )
            if any(other.lang.casefold() == lang.casefold() for other in new):
                raise ValidationError(
                    f"names[{i}].lang",
                    f'The name in "{lang}" is given twice. Give each language one name.',
                )
            new.append(NameRow(lang, name))
        if _by_lang(new) != _by_lang(current):
            # Match existing rows by language (unique per organisation) so that no insert
            # collides with a row that is about to be deleted.
            by_lang = {n.lang.casefold(): n for n in org.names}
            for row in new:
                existing = by_lang.pop(row.lang.casefold(), None)
                if existing is None:
                    org.names.append(OrganisationName(lang=row.lang, name=row.name))
                else:
                    existing.lang, existing.name = row.lang, row.name
            for gone in by_lang.values():
                org.names.remove(gone)
            _touch(org)
            session.flush()
        return SetOrganisationNames(self.organisation_id, current, None, tuple(new))


def _by_lang(rows: Sequence[NameRow]) -> list[NameRow]:
    return sorted(rows, key=lambda r: (r.lang.casefold(), r.name))


def organisation_in_use(session: Session, organisation_id: int) -> str | None:
    """Why this organisation cannot be deleted (it is a party to agreements), or None."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        return None
    titles = session.scalars(
        select(Agreement.title)
        .join(AgreementParty, AgreementParty.agreement_id == Agreement.id)
        .where(AgreementParty.organisation_id == organisation_id)
        .order_by(Agreement.term_starts_on.is_(None), Agreement.term_starts_on, Agreement.id)
    ).all()
    if not titles:
        return None
    listed = ", ".join(f'"{t}"' for t in titles)
    many = len(titles) != 1
    return (
        f'"{org.name}" cannot be deleted: it is a party to {len(titles)} '
        f"agreement{'s' if many else ''} ({listed}). Remove it from "
        f"{'those agreements' if many else 'that agreement'} first, or keep it."
    )


@dataclass(frozen=True)
class DeleteOrganisation:
    """Delete an organisation unless it is a party to an agreement (the FK is RESTRICT)."""

    id: int
    expected_version: int | None = None

    def apply(self, session: Session) -> RestoreOrganisation:
        reason = organisation_in_use(session, self.id)
        if reason is not None:
            raise ValidationError("organisation", reason)
        return RestoreOrganisation(
            Delete("organisation", self.id, self.expected_version).apply(session)
        )


@dataclass(frozen=True)
class RestoreOrganisation:
    restore: Restore

    def apply(self, session: Session) -> DeleteOrganisation:
        self.restore.apply(session)
        return DeleteOrganisation(self.restore.snapshot.id)


# --- list queries -------------------------------------------------------------------------

#: Sort keys of the contact list, in column order.
CONTACT_SORTS = ("name", "organisation", "phone", "email", "title")
#: Sort keys of the organisation list, in column order.
ORGANISATION_SORTS = ("name", "short_name", "kind", "country", "contacts", "agreements")


def _pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ilike(column: Any, word: str) -> ColumnElement[bool]:
    return column.ilike(_pattern(word), escape="\\")  # type: ignore[no-any-return]


def _order(query: Select[Any], key: Any, descending: bool, *tie: Any) -> Select[Any]:
    ordered = key.desc() if descending else key.asc()
    return query.order_by(key.is_(None), ordered, *tie)


def contact_ids(
    session: Session, text: str = "", sort: str = "name", descending: bool = False
) -> list[int]:
    """Ids of the contacts matching every word of `text`, in list order."""
    query = select(Contact.id).outerjoin(Organisation, Contact.organisation_id == Organisation.id)
    for word in text.split():
        conditions = [
            _ilike(Contact.name, word),
            _ilike(Contact.title, word),
            _ilike(Organisation.name, word),
            _ilike(Organisation.short_name, word),
            exists().where(
                ContactEmail.contact_id == Contact.id, _ilike(ContactEmail.address, word)
            ),
            exists().where(ContactPhone.contact_id == Contact.id, _ilike(ContactPhone.raw, word)),
        ]
        digits = re.sub(r"\D", "", word)
        if len(digits) >= 3 and _PHONE_WORD.fullmatch(word):
            conditions.append(
                exists().where(
                    ContactPhone.contact_id == Contact.id, ContactPhone.e164.contains(digits)
                )
            )
        query = query.where(or_(*conditions))
    first_phone = (
        select(ContactPhone.e164)
        .where(ContactPhone.contact_id == Contact.id)
        .order_by(ContactPhone.position)
        .limit(1)
        .scalar_subquery()
    )
    first_email = (
        select(func.lower(ContactEmail.address))
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(ContactEmail.position)
        .limit(1)
        .scalar_subquery()
    )
    keys = {
        "name": func.lower(Contact.name),
        "title": func.lower(Contact.title),
        "organisation": func.lower(Organisation.name),
        "phone": first_phone,
        "email": first_email,
    }
    if sort not in keys:
        raise ValueError(f"unknown sort key {sort!r}")
    query = _order(query, keys[sort], descending, func.lower(Contact.name), Contact.id)
    return list(session.scalars(query).all())


def contact_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """List values of these contacts, by id (ids that no longer exist are left out)."""
    if not ids:
        return {}
    contacts = session.scalars(
        select(Contact)
        .where(Contact.id.in_(list(ids)))
        .options(
            selectinload(Contact.phones),
            selectinload(Contact.emails),
            joinedload(Contact.organisation),
        )
    ).all()
    return {
        c.id: {
            "id": c.id,
            "version": c.version,
            "name": c.name,
            "title": c.title,
            "organisation": c.organisation.name if c.organisation else None,
            "organisation_id": c.organisation_id,
            "phones": [{"label": p.label, "raw": p.raw, "e164": p.e164} for p in c.phones],
            "emails": [{"label": e.label, "address": e.address} for e in c.emails],
        }
        for c in contacts
    }


def _contacts_count() -> Any:
    return (
        select(func.count(Contact.id))
        .where(Contact.organisation_id == Organisation.id)
        .scalar_subquery()
    )


def _agreements_count() -> Any:
    return (
        select(func.count(AgreementParty.id))
        .where(AgreementParty.organisation_id == Organisation.id)
        .scalar_subquery()
    )


def organisation_ids(
    session: Session, text: str = "", sort: str = "name", descending: bool = False
) -> list[int]:
    """Ids of the organisations matching every word of `text` (any language version)."""
    query = select(Organisation.id)
    for word in text.split():
        query = query.where(
            or_(
                _ilike(Organisation.name, word),
                _ilike(Organisation.short_name, word),
                _ilike(Organisation.website, word),
                _ilike(Organisation.country, word),
                _ilike(cast(Organisation.kind, String), word),
                exists().where(
                    OrganisationName.organisation_id == Organisation.id,
                    _ilike(OrganisationName.name, word),
                ),
            )
        )
    keys = {
        "name": func.lower(Organisation.name),
        "short_name": func.lower(Organisation.short_name),
        "kind": Organisation.kind,
        "country": Organisation.country,
        "contacts": _contacts_count(),
        "agreements": _agreements_count(),
    }
    if sort not in keys:
        raise ValueError(f"unknown sort key {sort!r}")
    query = _order(query, keys[sort], descending, func.lower(Organisation.name), Organisation.id)
    return list(session.scalars(query).all())


def organisation_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation, _contacts_count(), _agreements_count())
        .where(Organisation.id.in_(list(ids)))
        .options(selectinload(Organisation.names))
    ).all()
    return {
        org.id: {
            "id": org.id,
            "version": org.version,
            "name": org.name,
            "short_name": org.short_name,
            "kind": org.kind.value,
            "country": org.country,
            "website": org.website,
            "names": [(n.lang, n.name) for n in org.names],
            "contacts": contacts,
            "agreements": agreements,
        }
        for org, contacts, agreements in rows
    }


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every organisation, for a contact's organisation field."""
    rows = session.execute(
        select(Organisation.id, Organisation.name).order_by(
            func.lower(Organisation.name), Organisation.id
        )
    ).all()
    return [(i, n) for i, n in rows]


# --- editor queries -----------------------------------------------------------------------


def contact_detail(session: Session, contact_id: int) -> dict[str, Any] | None:
    """Everything the contact editor shows except its links; None when it does not exist."""
    c = session.get(
        Contact,
        contact_id,
        options=[
            selectinload(Contact.phones),
            selectinload(Contact.emails),
            joinedload(Contact.organisation),
        ],
        populate_existing=True,
    )
    if c is None:
        return None
    return {
        "id": c.id,
        "version": c.version,
        "name": c.name,
        "title": c.title,
        "notes": c.notes or "",
        "organisation_id": c.organisation_id,
        "organisation": c.organisation.name if c.organisation else None,
        "region": phone_region(c),
        "phones": tuple(PhoneRow(p.label, p.raw, p.e164) for p in c.phones),
        "emails": tuple(EmailRow(e.label, e.address) for e in c.emails),
    }


def _date_fields(value: FlexDate) -> dict[str, Any]:
    return {
        "date_start": value.start,
        "date_precision": value.precision.value,
        "date_text": value.to_text(),
    }


def contact_links(session: Session, contact_id: int) -> list[dict[str, Any]]:
    """Every agreement and milestone this contact is linked to, and in which role.

    `kind` is "role" (a role on an agreement, optionally for a focus area), "signatory"
    (signed an agreement for `organisation`) or "milestone" (a role on a milestone).
    """
    out: list[dict[str, Any]] = []
    for link in session.scalars(
        select(AgreementContact)
        .where(AgreementContact.contact_id == contact_id)
        .options(joinedload(AgreementContact.agreement), joinedload(AgreementContact.focus_area))
    ):
        a = link.agreement
        out.append(
            {
                "table": "agreement",
                "id": a.id,
                "kind": "role",
                "title": a.title,
                "role": link.role,
                "focus_area": link.focus_area.name if link.focus_area else None,
                "organisation": None,
                "agreement": None,
                "sort": a.term_starts_on,
                **_date_fields(a.term_start),
                "date_text": term_text(a.term_start, a.term_end),
                "date_precision": "term",
            }
        )
    for party in session.scalars(
        select(AgreementParty)
        .where(AgreementParty.signatory_id == contact_id)
        .options(joinedload(AgreementParty.agreement), joinedload(AgreementParty.organisation))
    ):
        a = party.agreement
        out.append(
            {
                "table": "agreement",
                "id": a.id,
                "kind": "signatory",
                "title": a.title,
                "role": "signatory",
                "focus_area": None,
                "organisation": party.organisation.name,
                "agreement": None,
                "sort": a.signed.start or a.term_starts_on,
                **_date_fields(a.signed),
            }
        )
    for mlink in session.scalars(
        select(MilestoneContact)
        .where(MilestoneContact.contact_id == contact_id)
        .options(joinedload(MilestoneContact.milestone).joinedload(Milestone.agreement))
    ):
        m = mlink.milestone
        out.append(
            {
                "table": "milestone",
                "id": m.id,
                "kind": "milestone",
                "title": m.title,
                "role": mlink.role,
                "focus_area": None,
                "organisation": None,
                "agreement": m.agreement.title,
                "sort": m.starts_on,
                **_date_fields(m.when),
            }
        )
    out.sort(key=lambda r: (r["sort"] is None, r["sort"] or date.min, r["table"], r["title"]))
    for r in out:
        del r["sort"]
    return out


def organisation_detail(session: Session, organisation_id: int) -> dict[str, Any] | None:
    org = session.get(
        Organisation,
        organisation_id,
        options=[selectinload(Organisation.names)],
        populate_existing=True,
    )
    if org is None:
        return None
    return {
        "id": org.id,
        "version": org.version,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind.value,
        "country": org.country,
        "website": org.website,
        "notes": org.notes or "",
        "names": tuple(NameRow(n.lang, n.name) for n in org.names),
    }


def organisation_contacts(session: Session, organisation_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Contact)
        .where(Contact.organisation_id == organisation_id)
        .options(selectinload(Contact.phones), selectinload(Contact.emails))
        .order_by(func.lower(Contact.name), Contact.id)
    ).all()
    return [
        {
            "id": c.id,
            "name": c.name,
            "title": c.title,
            "phone": c.phones[0].e164 if c.phones else None,
            "email": c.emails[0].address if c.emails else None,
        }
        for c in rows
    ]


def organisation_agreements(session: Session, organisation_id: int) -> list[dict[str, Any]]:
    """The agreements this organisation is a party to, oldest first."""
    parties = session.scalars(
        select(AgreementParty)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(AgreementParty.organisation_id == organisation_id)
        .options(joinedload(AgreementParty.agreement), joinedload(AgreementParty.signatory))
        .order_by(Agreement.term_starts_on.is_(None), Agreement.term_starts_on, Agreement.id)
    ).all()
    return [
        {
            "id": p.agreement.id,
            "title": p.agreement.title,
            "role": p.role,
            "term_text": term_text(p.agreement.term_start, p.agreement.term_end),
            "status": p.agreement.status.value,
            "signatory": p.signatory.name if p.signatory else None,
            "signatory_id": p.signatory_id,
        }
        for p in parties
    ]


def owner_of(session: Session, table: str, record_id: int) -> int | None:
    """The contact or organisation a child row (phone, e-mail, name version) belongs to."""
    model: type[Base] = model_for(table)
    obj = session.get(model, record_id)
    if obj is None:
        return None
    if isinstance(obj, ContactPhone | ContactEmail):
        return obj.contact_id
    if isinstance(obj, OrganisationName):
        return obj.organisation_id
    return record_id
