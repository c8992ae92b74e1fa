"""What the agreement editor does beyond plain field edits, and the reads it shows.

Writes are functions that take the session of one transaction (like the rest of
`db.operations`); the ones the GUI undoes field by field also exist as frozen edit values
(`MoveFocusArea`, `SetParties`, `SetIndicatorValues`, `SetRenews`) whose `apply(session)`
returns the edit that undoes them, as `db.edits` describes. Edits that replace a small
list (parties, indicator values) carry the list the user saw in `expected`: if another
process changed it meanwhile, they raise StaleRecordError instead of overwriting it.

Reads return plain dicts (FlexDate values stay FlexDates: they are immutable values, not
ORM state). Lists are read in two steps, ids first (`agreement_ids`, `milestone_ids`,
`history_ids`) and rows for a batch of ids after (`agreement_rows`, ...), so that a view
over 200,000 records loads only what is on screen.

Renewal (`renew_agreement`): the new agreement renews the old one (`renews`, and the old
one's `renewed_by` follows from it), starts as a draft, takes the chosen organisations as
parties with the roles they had (not the signatories: a renewal is signed anew), and copies
the chosen focus areas with their objectives (not the measured values, which belong to the
old period); each copy `continues` the focus area it came from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from db.dates import FlexDate, Precision
from db.edits import Batch, SetFields, model_for
from db.enums import AgreementStatus, MilestoneStatus
from db.errors import NotFoundError, StaleRecordError, ValidationError
from db.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    Attachment,
    ChangeLog,
    Contact,
    FocusArea,
    IndicatorValue,
    Milestone,
    Objective,
    Organisation,
)
from db.operations.common import (
    DateInput,
    Party,
    add_agreement,
    add_focus_area,
    add_milestone,
    add_objective,
)
from db.validation import require_text

#: Colours given to new focus areas in turn (Okabe–Ito: told apart with any colour vision).
FOCUS_AREA_PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
)  # fmt: skip

#: Sort keys of the agreements list, in the list's column order.
AGREEMENT_SORT_KEYS = ("title", "parties", "term", "status", "days_to_expiry", "next_milestone")

_CLOSED = (MilestoneStatus.DONE, MilestoneStatus.CANCELLED)
_STATUS_ORDER = {status: rank for rank, status in enumerate(AgreementStatus)}

#: (organisation id, role, signatory contact id) of one party, as the editor shows it.
PartyValue = tuple[int, str, int | None]


def _get(session: Session, model: type[Any], record_id: int | None, what: str) -> Any:
    obj = session.get(model, record_id) if record_id is not None else None
    if obj is None:
        raise NotFoundError(f"The {what} was deleted elsewhere; this change cannot be made.")
    return obj


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- the agreements list --------------------------------------------------------------------


def _next_milestone_start(today: date) -> Any:
    return (
        select(func.min(Milestone.starts_on))
        .where(
            Milestone.agreement_id == Agreement.id,
            Milestone.starts_on >= today,
            Milestone.status.not_in(_CLOSED),
        )
        .correlate(Agreement)
        .scalar_subquery()
    )


def _first_party_name() -> Any:
    return (
        select(func.lower(Organisation.name))
        .join(AgreementParty, AgreementParty.organisation_id == Organisation.id)
        .where(AgreementParty.agreement_id == Agreement.id)
        .order_by(AgreementParty.position, AgreementParty.id)
        .limit(1)
        .correlate(Agreement)
        .scalar_subquery()
    )


def _search_condition(search: str) -> ColumnElement[bool] | None:
    words = search.split()
    if not words:
        return None
    conditions = []
    for word in words:  # every word must match the title or a party's name
        pattern = _like(word)
        party = exists().where(
            AgreementParty.agreement_id == Agreement.id,
            AgreementParty.organisation_id == Organisation.id,
            or_(
                Organisation.name.ilike(pattern, escape="\\"),
                Organisation.short_name.ilike(pattern, escape="\\"),
            ),
        )
        conditions.append(or_(Agreement.title.ilike(pattern, escape="\\"), party))
    return and_(*conditions)


def agreement_ids(
    session: Session,
    *,
    today: date,
    search: str = "",
    sort: str = "term",
    descending: bool = False,
) -> list[int]:
    """Ids of the agreements matching `search` (words in the title or a party's name), in
    the order of `sort` (one of AGREEMENT_SORT_KEYS); empty values sort last either way."""
    keys: dict[str, list[Any]] = {
        "title": [func.lower(Agreement.title)],
        "parties": [_first_party_name()],
        "term": [Agreement.term_starts_on, Agreement.term_ends_on],
        "status": [case(_STATUS_ORDER, value=Agreement.status, else_=len(_STATUS_ORDER))],
        "days_to_expiry": [Agreement.term_ends_on],
        "next_milestone": [_next_milestone_start(today)],
    }
    if sort not in keys:
        raise ValueError(f"unknown sort key {sort!r}")
    order: list[Any] = []
    for column in keys[sort]:
        order += [column.is_(None), column.desc() if descending else column.asc()]
    query = select(Agreement.id).order_by(*order, Agreement.term_starts_on, Agreement.id)
    condition = _search_condition(search)
    if condition is not None:
        query = query.where(condition)
    return list(session.scalars(query))


def next_milestones(
    session: Session, agreement_ids: Sequence[int], today: date
) -> dict[int, dict[str, Any]]:
    """Per agreement, its earliest milestone on or after `today` that is not done or
    cancelled: {agreement id: {"id", "title", "when"}}. Undated milestones do not count.

    One statement with a LIMIT 1 subquery per agreement, so that an index on
    (agreement_id, starts_on) answers each from its first entry."""
    if not agreement_ids:
        return {}
    first = (
        select(Milestone.id)
        .where(
            Milestone.agreement_id == Agreement.id,
            Milestone.starts_on >= today,
            Milestone.status.not_in(_CLOSED),
        )
        .order_by(Milestone.starts_on, Milestone.precision_rank, Milestone.id)
        .limit(1)
        .correlate(Agreement)
        .scalar_subquery()
    )
    pairs: dict[int, int | None] = {
        row[0]: row[1]
        for row in session.execute(
            select(Agreement.id, first).where(Agreement.id.in_(list(agreement_ids)))
        )
    }
    wanted = [m for m in pairs.values() if m is not None]
    if not wanted:
        return {}
    found = {
        r.id: r
        for r in session.execute(
            select(Milestone.id, Milestone.title, Milestone.when).where(Milestone.id.in_(wanted))
        )
    }
    return {
        agreement: {"id": m, "title": found[m].title, "when": found[m].when}
        for agreement, m in pairs.items()
        if m is not None and m in found
    }


def agreement_rows(session: Session, ids: Sequence[int], *, today: date) -> list[dict[str, Any]]:
    """List rows for `ids`, in that order (ids deleted meanwhile are left out).

    Plain column reads, not entities: a batch of a hundred rows is read as the list
    scrolls, and must not stall it."""
    if not ids:
        return []
    found = {
        r.id: r
        for r in session.execute(
            select(
                Agreement.id,
                Agreement.version,
                Agreement.title,
                Agreement.term_start,
                Agreement.term_end,
                Agreement.status,
                Agreement.term_ends_on,
                Agreement.renews_id,
            ).where(Agreement.id.in_(list(ids)))
        )
    }
    parties: dict[int, list[str]] = {}
    for agreement_id, name in session.execute(
        select(AgreementParty.agreement_id, Organisation.name)
        .join(Organisation, Organisation.id == AgreementParty.organisation_id)
        .where(AgreementParty.agreement_id.in_(list(found)))
        .order_by(AgreementParty.agreement_id, AgreementParty.position, AgreementParty.id)
    ):
        parties.setdefault(agreement_id, []).append(name)
    upcoming = next_milestones(session, list(found), today)
    rows = []
    for agreement_id in ids:
        a = found.get(agreement_id)
        if a is None:
            continue
        rows.append(
            {
                "id": a.id,
                "version": a.version,
                "title": a.title,
                "parties": parties.get(a.id, []),
                "term_start": a.term_start,
                "term_end": a.term_end,
                "status": a.status.value,
                "term_ends_on": a.term_ends_on,
                "days_to_expiry": (
                    None if a.term_ends_on is None else (a.term_ends_on - today).days
                ),
                "next_milestone": upcoming.get(a.id),
                "renews_id": a.renews_id,
            }
        )
    return rows


# --- one agreement ------------------------------------------------------------------------


def _objective(o: Objective) -> dict[str, Any]:
    return {
        "id": o.id,
        "version": o.version,
        "position": o.position,
        "text": o.text,
        "indicator": o.indicator,
        "unit": o.unit,
        "target": o.target,
        "values": {v.year: v.value for v in o.values},
    }


def agreement_detail(session: Session, agreement_id: int) -> dict[str, Any]:
    """Everything the editor shows of one agreement except its milestones and history."""
    a = session.scalar(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            selectinload(Agreement.parties).selectinload(AgreementParty.organisation),
            selectinload(Agreement.parties).selectinload(AgreementParty.signatory),
            selectinload(Agreement.focus_areas)
            .selectinload(FocusArea.objectives)
            .selectinload(Objective.values),
            selectinload(Agreement.focus_areas).selectinload(FocusArea.continues),
            selectinload(Agreement.contacts).selectinload(AgreementContact.contact),
            selectinload(Agreement.contacts).selectinload(AgreementContact.focus_area),
            selectinload(Agreement.attachments),
        )
    )
    if a is None:
        raise NotFoundError("The agreement was deleted elsewhere.")
    renewed_by = session.execute(
        select(Agreement.id, Agreement.title).where(Agreement.renews_id == a.id)
    ).first()
    renews = (
        None
        if a.renews_id is None
        else session.execute(
            select(Agreement.id, Agreement.title).where(Agreement.id == a.renews_id)
        ).first()
    )
    areas = sorted(a.focus_areas, key=lambda f: (f.position, f.id))
    return {
        "id": a.id,
        "version": a.version,
        "title": a.title,
        "status": a.status.value,
        "signed": a.signed,
        "term_start": a.term_start,
        "term_end": a.term_end,
        "aims": a.aims,
        "notes": a.notes,
        "renews": None if renews is None else {"id": renews.id, "title": renews.title},
        "renewed_by": (
            None if renewed_by is None else {"id": renewed_by.id, "title": renewed_by.title}
        ),
        "parties": [
            {
                "id": p.id,
                "organisation_id": p.organisation_id,
                "organisation": p.organisation.name,
                "role": p.role,
                "signatory_id": p.signatory_id,
                "signatory": p.signatory.name if p.signatory else None,
            }
            for p in a.parties
        ],
        "focus_areas": [
            {
                "id": f.id,
                "version": f.version,
                "position": f.position,
                "name": f.name,
                "colour": f.colour,
                "description": f.description,
                "continues_id": f.continues_id,
                "continues": f.continues.name if f.continues else None,
                "objectives": [_objective(o) for o in f.objectives],
            }
            for f in areas
        ],
        "contacts": [
            {
                "id": c.id,
                "contact_id": c.contact_id,
                "name": c.contact.name,
                "title": c.contact.title,
                "role": c.role,
                "focus_area_id": c.focus_area_id,
                "focus_area": c.focus_area.name if c.focus_area else None,
            }
            for c in sorted(a.contacts, key=lambda c: (c.contact.name.casefold(), c.id))
        ],
        "attachments": [
            {"id": t.id, "label": t.label, "location": t.location, "is_url": t.is_url}
            for t in sorted(a.attachments, key=lambda t: (t.label.casefold(), t.id))
        ],
    }


def agreement_of(session: Session, table: str, record_id: int) -> tuple[int | None, int | None]:
    """(agreement id, focus area id or None) of a record shown in the agreement editor;
    (None, None) when it does not exist."""
    if table == "agreement":
        return (record_id if session.get(Agreement, record_id) else None), None
    if table == "focus_area":
        area = session.get(FocusArea, record_id)
        return (area.agreement_id, area.id) if area else (None, None)
    if table == "objective":
        objective = session.get(Objective, record_id)
        if objective is None:
            return None, None
        return objective.focus_area.agreement_id, objective.focus_area_id
    models: dict[str, Any] = {
        "agreement_party": AgreementParty,
        "agreement_contact": AgreementContact,
        "attachment": Attachment,
    }
    record = session.get(models[table], record_id) if table in models else None
    return (getattr(record, "agreement_id", None) if record else None), None


def party_values(session: Session, agreement_id: int) -> tuple[PartyValue, ...]:
    agreement = _get(session, Agreement, agreement_id, "agreement")
    return _party_values(agreement)


def _party_values(agreement: Agreement) -> tuple[PartyValue, ...]:
    parties = sorted(agreement.parties, key=lambda p: (p.position, p.id))
    return tuple((p.organisation_id, p.role, p.signatory_id) for p in parties)


def milestone_ids(session: Session, agreement_id: int) -> list[int]:
    """Ids of an agreement's milestones by date (undated last)."""
    return list(
        session.scalars(
            select(Milestone.id)
            .where(Milestone.agreement_id == agreement_id)
            .order_by(
                Milestone.starts_on.is_(None),
                Milestone.starts_on,
                Milestone.precision_rank,
                Milestone.id,
            )
        )
    )


def milestone_rows(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    found = {
        r.id: r
        for r in session.execute(
            select(
                Milestone.id,
                Milestone.title,
                Milestone.when,
                Milestone.date_wording,
                Milestone.status,
                Milestone.kind,
            ).where(Milestone.id.in_(list(ids)))
        )
    }
    return [
        {
            "id": r.id,
            "title": r.title,
            "when": r.when,
            "date_wording": r.date_wording,
            "status": r.status.value,
            "kind": r.kind.value,
        }
        for i in ids
        if (r := found.get(i)) is not None
    ]


_HISTORY_CHILDREN: tuple[tuple[str, Any], ...] = (
    ("focus_area", lambda aid: select(FocusArea.id).where(FocusArea.agreement_id == aid)),
    (
        "objective",
        lambda aid: (
            select(Objective.id)
            .join(FocusArea, FocusArea.id == Objective.focus_area_id)
            .where(FocusArea.agreement_id == aid)
        ),
    ),
    (
        "indicator_value",
        lambda aid: (
            select(IndicatorValue.id)
            .join(Objective, Objective.id == IndicatorValue.objective_id)
            .join(FocusArea, FocusArea.id == Objective.focus_area_id)
            .where(FocusArea.agreement_id == aid)
        ),
    ),
    ("milestone", lambda aid: select(Milestone.id).where(Milestone.agreement_id == aid)),
    (
        "agreement_party",
        lambda aid: select(AgreementParty.id).where(AgreementParty.agreement_id == aid),
    ),
    (
        "agreement_contact",
        lambda aid: select(AgreementContact.id).where(AgreementContact.agreement_id == aid),
    ),
    ("attachment", lambda aid: select(Attachment.id).where(Attachment.agreement_id == aid)),
)


def history_ids(session: Session, agreement_id: int) -> list[int]:
    """Change-log ids of an agreement and of its current focus areas, objectives,
    indicator values, milestones, parties, contacts and attachments, newest first."""
    conditions = [and_(ChangeLog.entity == "agreement", ChangeLog.entity_id == agreement_id)]
    for entity, ids in _HISTORY_CHILDREN:
        conditions.append(
            and_(ChangeLog.entity == entity, ChangeLog.entity_id.in_(ids(agreement_id)))
        )
    return list(
        session.scalars(
            select(ChangeLog.id)
            .where(or_(*conditions))
            .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        )
    )


_REFERENCES: dict[str, tuple[type[Any], str]] = {
    "renews_id": (Agreement, "title"),
    "agreement_id": (Agreement, "title"),
    "signatory_id": (Contact, "name"),
    "contact_id": (Contact, "name"),
    "organisation_id": (Organisation, "name"),
    "continues_id": (FocusArea, "name"),
    "focus_area_id": (FocusArea, "name"),
}


def history_rows(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Change-log rows for `ids`, in that order. A changed reference (e.g. `renews_id`)
    also gets `old_label`/`new_label`: the title or name it points to, when it still exists."""
    if not ids:
        return []
    found = {c.id: c for c in session.scalars(select(ChangeLog).where(ChangeLog.id.in_(ids)))}
    wanted: dict[str, set[int]] = {}
    for c in found.values():
        if c.field in _REFERENCES:
            for value in (c.old, c.new):
                if value and value.isdigit():
                    wanted.setdefault(c.field, set()).add(int(value))
    names: dict[tuple[str, int], str] = {}
    for field, record_ids in wanted.items():
        model, attr = _REFERENCES[field]
        for record_id, name in session.execute(
            select(model.id, getattr(model, attr)).where(model.id.in_(record_ids))
        ):
            names[(field, record_id)] = name
    # parties and contacts' roles have no name of their own: name them after who they are
    unnamed: dict[str, set[int]] = {}
    for c in found.values():
        if (
            not c.label
            and c.entity_id
            and c.entity
            in (
                "agreement_party",
                "agreement_contact",
                "indicator_value",
            )
        ):
            unnamed.setdefault(c.entity, set()).add(c.entity_id)
    labels: dict[tuple[str, int], str] = {}
    if unnamed.get("agreement_party"):
        for record_id, name in session.execute(
            select(AgreementParty.id, Organisation.name)
            .join(Organisation, Organisation.id == AgreementParty.organisation_id)
            .where(AgreementParty.id.in_(unnamed["agreement_party"]))
        ):
            labels[("agreement_party", record_id)] = name
    if unnamed.get("agreement_contact"):
        for record_id, name, role in session.execute(
            select(AgreementContact.id, Contact.name, AgreementContact.role)
            .join(Contact, Contact.id == AgreementContact.contact_id)
            .where(AgreementContact.id.in_(unnamed["agreement_contact"]))
        ):
            labels[("agreement_contact", record_id)] = f"{name} ({role})"
    if unnamed.get("indicator_value"):
        for record_id, year, value, text in session.execute(
            select(IndicatorValue.id, IndicatorValue.year, IndicatorValue.value, Objective.text)
            .join(Objective, Objective.id == IndicatorValue.objective_id)
            .where(IndicatorValue.id.in_(unnamed["indicator_value"]))
        ):
            short = text if len(text) <= 40 else text[:39] + "…"
            labels[("indicator_value", record_id)] = f"{year} = {value:g} ({short})"
    rows = []
    for i in ids:
        c = found.get(i)
        if c is None:
            continue
        row = {
            "id": c.id,
            "at": c.at,
            "who": c.who,
            "action": c.action.value,
            "entity": c.entity,
            "entity_id": c.entity_id,
            "label": c.label or labels.get((c.entity, c.entity_id or 0)),
            "field": c.field,
            "old": c.old,
            "new": c.new,
        }
        for key, value in (("old_label", c.old), ("new_label", c.new)):
            if c.field in _REFERENCES and value and value.isdigit():
                row[key] = names.get((c.field, int(value)))
        rows.append(row)
    return rows


def latest_change(session: Session, table: str, record_id: int) -> dict[str, Any] | None:
    """Who changed a record last, and when (for "changed elsewhere" messages)."""
    row = session.execute(
        select(ChangeLog.who, ChangeLog.at)
        .where(ChangeLog.entity == table, ChangeLog.entity_id == record_id)
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(1)
    ).first()
    return None if row is None else {"who": row.who, "at": row.at}


def record_values(session: Session, table: str, record_id: int) -> dict[str, Any] | None:
    """The column values of one record as stored now (None when it was deleted)."""
    obj = session.get(model_for(table), record_id)
    if obj is None:
        return None
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}


def organisation_choices(session: Session) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "name": r.name}
        for r in session.execute(
            select(Organisation.id, Organisation.name).order_by(
                func.lower(Organisation.name), Organisation.id
            )
        )
    ]


def contact_choices(session: Session) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "name": r.name, "title": r.title, "organisation_id": r.organisation_id}
        for r in session.execute(
            select(Contact.id, Contact.name, Contact.title, Contact.organisation_id).order_by(
                func.lower(Contact.name), Contact.id
            )
        )
    ]


def agreement_choices(session: Session) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "title": r.title}
        for r in session.execute(
            select(Agreement.id, Agreement.title).order_by(
                Agreement.term_starts_on.is_(None), Agreement.term_starts_on, Agreement.id
            )
        )
    ]


# --- creating records the editor adds -------------------------------------------------------


def add_focus_area_to(
    session: Session,
    agreement_id: int,
    name: str,
    *,
    colour: str | None = None,
    description: str = "",
) -> FocusArea:
    """A focus area at the end of the agreement's list; without a colour it gets the first
    palette colour the agreement does not use yet."""
    agreement = _get(session, Agreement, agreement_id, "agreement")
    if colour is None:
        used = {f.colour.lower() for f in agreement.focus_areas}
        colour = next(
            (c for c in FOCUS_AREA_PALETTE if c not in used),
            FOCUS_AREA_PALETTE[len(agreement.focus_areas) % len(FOCUS_AREA_PALETTE)],
        )
    area = add_focus_area(session, agreement, name, colour=colour, description=description)
    # positions may have gaps after deletes: place the new one after the last
    area.position = 1 + max(
        (f.position for f in agreement.focus_areas if f is not area), default=-1
    )
    session.flush()
    return area


def add_objective_to(session: Session, focus_area_id: int, text: str, **kwargs: Any) -> Objective:
    area = _get(session, FocusArea, focus_area_id, "focus area")
    objective = add_objective(session, area, text, **kwargs)
    objective.position = 1 + max(
        (o.position for o in area.objectives if o is not objective), default=-1
    )
    session.flush()
    return objective


def add_milestone_to(session: Session, agreement_id: int, title: str, **kwargs: Any) -> Milestone:
    """`db.operations.add_milestone` by agreement id (edit values hold ids, never objects)."""
    agreement = _get(session, Agreement, agreement_id, "agreement")
    return add_milestone(session, agreement, title, **kwargs)


def _label_for(location: str) -> str:
    text = location.rstrip("/\\")
    if "://" in text:
        text = text.split("://", 1)[1]
    return (re.split(r"[/\\]", text)[-1] or location)[:200]


def add_attachment(
    session: Session, agreement_id: int, location: str, label: str | None = None
) -> Attachment:
    """Attach a file path or a URL (never the file's bytes) to an agreement."""
    agreement = _get(session, Agreement, agreement_id, "agreement")
    location = require_text("location", location, "attachment's file or address")
    label = (label or "").strip() or _label_for(location)
    attachment = Attachment(label=label, location=location)
    agreement.attachments.append(attachment)
    session.flush()
    return attachment


def remove_attachment(session: Session, attachment_id: int) -> None:
    session.delete(_get(session, Attachment, attachment_id, "attachment"))
    session.flush()


def add_contact_to_agreement(
    session: Session,
    agreement_id: int,
    contact_id: int,
    role: str,
    focus_area_id: int | None = None,
) -> AgreementContact:
    """Give a person a role on an agreement, optionally for one of its focus areas."""
    agreement = _get(session, Agreement, agreement_id, "agreement")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise ValidationError("contact", "Choose a contact from the list.")
    role = require_text("role", role, "contact's role")
    if len(role) > 40:
        raise ValidationError("role", "A role is at most 40 characters. Shorten it.")
    area = None
    if focus_area_id is not None:
        area = session.get(FocusArea, focus_area_id)
        if area is None or area.agreement_id != agreement.id:
            raise ValidationError(
                "focus_area", "Choose one of this agreement's focus areas, or none."
            )
    for link in agreement.contacts:
        if (
            link.contact_id == contact.id
            and link.role.casefold() == role.casefold()
            and link.focus_area_id == focus_area_id
        ):
            raise ValidationError(
                "role", f"{contact.name} already has the role “{role}” on this agreement."
            )
    link = AgreementContact(contact=contact, role=role, focus_area=area)
    agreement.contacts.append(link)
    session.flush()
    return link


def remove_agreement_contact(session: Session, link_id: int) -> None:
    session.delete(_get(session, AgreementContact, link_id, "contact's role"))
    session.flush()


# --- renewal ----------------------------------------------------------------------------------


def _following(value: FlexDate) -> FlexDate:
    """When a term that ends with `value` is followed: an approximate end ("2029",
    "fall 2029") is itself when the next term starts, as in the sample's chain
    (2020–2025 → 2025–2029); a day or a moment is followed by the next day."""
    if not value.is_known or value.end is None:
        return FlexDate.tbd()
    if value.is_approximate:
        return value
    try:
        return FlexDate.on_day(value.end + timedelta(days=1))
    except ValidationError:
        return FlexDate.tbd()


def suggest_renewal(session: Session, agreement_id: int) -> dict[str, Any]:
    """What the renewal dialog proposes: a title, a term as long as the old one starting
    when the old one ends, and every party and focus area (the user unticks some)."""
    old = _get(session, Agreement, agreement_id, "agreement")
    start = _following(old.term_end)
    end = FlexDate.tbd()
    if (
        start.is_known
        and old.term_start.is_known
        and old.term_end.precision is Precision.YEAR
        and start.start is not None
        and old.term_start.start is not None
        and old.term_end.start is not None
    ):
        years = old.term_end.start.year - old.term_start.start.year
        try:
            end = FlexDate.year_only(start.start.year + max(years, 0))
        except ValidationError:
            end = FlexDate.tbd()
    title = old.title
    span = re.search(r"(\d{4})(\s*[–-]\s*)(\d{4})", title)
    if span and start.is_known and end.is_known and start.start and end.start:
        title = f"{title[: span.start()]}{start.start.year}{span.group(2)}{end.start.year}"
        title += old.title[span.end() :]
    else:
        title = f"{old.title} (renewal)"
    return {
        "title": title,
        "term_start": start,
        "term_end": end,
        "renewed_by": old.renewed_by.title if old.renewed_by else None,
        "parties": [
            {"organisation_id": p.organisation_id, "name": p.organisation.name, "role": p.role}
            for p in sorted(old.parties, key=lambda p: (p.position, p.id))
        ],
        "focus_areas": [
            {"id": f.id, "name": f.name, "colour": f.colour}
            for f in sorted(old.focus_areas, key=lambda f: (f.position, f.id))
        ],
    }


def renew_agreement(
    session: Session,
    agreement_id: int,
    *,
    title: str,
    party_ids: Iterable[int],
    focus_area_ids: Iterable[int],
    term_start: DateInput,
    term_end: DateInput,
    reference: date | None = None,
) -> Agreement:
    """The next agreement in the chain: it renews `agreement_id`; `party_ids` are the
    organisations that are parties to it, `focus_area_ids` the old agreement's focus areas
    it carries over (copied with their objectives, each copy continuing its original)."""
    old = _get(session, Agreement, agreement_id, "agreement")
    if old.renewed_by is not None:
        raise ValidationError(
            "renews",
            f"“{old.title}” is already renewed by “{old.renewed_by.title}”. Renew that one "
            "instead, or remove its link first.",
        )
    roles = {p.organisation_id: p.role for p in old.parties}
    parties: list[Party] = []
    for organisation_id in dict.fromkeys(party_ids):
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise ValidationError("parties", "One of the parties was deleted. Choose again.")
        parties.append(Party(organisation, roles.get(organisation_id, "party")))
    areas: list[FocusArea] = []
    for focus_area_id in dict.fromkeys(focus_area_ids):
        area = session.get(FocusArea, focus_area_id)
        if area is None or area.agreement_id != old.id:
            raise ValidationError(
                "focus_areas",
                f"Only focus areas of “{old.title}” can be carried over to its renewal.",
            )
        areas.append(area)
    agreement = add_agreement(
        session,
        title,
        parties=parties,
        term_start=term_start,
        term_end=term_end,
        renews=old,
        reference=reference,
    )
    for area in sorted(areas, key=lambda f: (f.position, f.id)):
        copy = add_focus_area(
            session,
            agreement,
            area.name,
            colour=area.colour,
            description=area.description,
            continues=area,
        )
        for objective in area.objectives:
            add_objective(
                session,
                copy,
                objective.text,
                indicator=objective.indicator,
                unit=objective.unit,
                target=objective.target,
            )
    return agreement


# --- focus areas, parties, indicators: edits that undo themselves ----------------------------


def _stored(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    """The stored values of `names` (a many-to-one relationship as its id, a many-to-many
    one as its sorted ids), as SetFields reads and writes them."""
    mapper = inspect(type(obj))
    out: dict[str, Any] = {}
    for name in names:
        rel = mapper.relationships.get(name)
        if rel is not None and rel.secondary is not None:
            out[name] = sorted(o.id for o in getattr(obj, name))
        elif rel is not None:
            out[name] = getattr(obj, next(iter(rel.local_columns)).key)
        else:
            out[name] = getattr(obj, name)
    return out


def _label(obj: Any) -> str:
    return str(getattr(obj, "title", None) or getattr(obj, "name", None) or "The record")


@dataclass(frozen=True)
class SetValues:
    """`db.edits.SetFields` with an undo that checks the values it set, not the version.

    SetFields' inverse expects the version its own change produced, so after undoing a
    later edit of the same record (which raises the version again) the earlier undo is
    refused as "changed elsewhere": two renames of one agreement cannot both be undone.
    This edit checks `expected_version` only for the user's own edit (the version they
    saw); its inverse checks that the fields still hold what was set, which is exactly
    "nobody else changed them", whatever the version counter says.
    """

    table: str
    id: int
    values: Mapping[str, Any]
    expected_version: int | None = None
    expected_values: Mapping[str, Any] | None = None

    def apply(self, session: Session) -> SetValues:
        obj = _get(session, model_for(self.table), self.id, self.table.replace("_", " "))
        version = getattr(obj, "version", None)
        if self.expected_version is not None and version != self.expected_version:
            raise StaleRecordError(
                f"“{_label(obj)}” was changed elsewhere since you opened it. Reload it to "
                "see the changes, then edit again."
            )
        if self.expected_values is not None:
            now = _stored(obj, self.expected_values)
            if any(now[k] != v for k, v in self.expected_values.items()):
                raise StaleRecordError(
                    f"“{_label(obj)}” was changed elsewhere since this change was made, so "
                    "it cannot be undone automatically. Reload it to see the other change."
                )
        inverse = SetFields(self.table, self.id, self.values).apply(session)
        return SetValues(
            self.table, self.id, dict(inverse.values), expected_values=_stored(obj, self.values)
        )


@dataclass(frozen=True)
class MoveFocusArea:
    """Move a focus area `delta` places (-1 up, +1 down): a Batch of field edits on
    `position` (SetValues, see there why not SetFields), whose inverse puts them back."""

    focus_area_id: int
    delta: int

    def apply(self, session: Session) -> Batch:
        area = _get(session, FocusArea, self.focus_area_id, "focus area")
        areas = sorted(area.agreement.focus_areas, key=lambda f: (f.position, f.id))
        old = areas.index(area)
        new = min(max(old + self.delta, 0), len(areas) - 1)
        if new == old:
            where = "first" if self.delta < 0 else "last"
            raise ValidationError("position", f"“{area.name}” is already the {where} focus area.")
        areas.insert(new, areas.pop(old))
        edits = [
            SetValues("focus_area", f.id, {"position": position})
            for position, f in enumerate(areas)
            if f.position != position
        ]
        return Batch(edits).apply(session)


def move_focus_area(session: Session, focus_area_id: int, delta: int) -> Batch:
    """Move a focus area; returns the edit that moves it back."""
    return MoveFocusArea(focus_area_id, delta).apply(session)


def set_parties(session: Session, agreement_id: int, parties: Sequence[PartyValue]) -> None:
    """Make the agreement's parties exactly `parties`, in that order. Rows of
    organisations that stay are updated in place; the others are removed or added."""
    agreement = _get(session, Agreement, agreement_id, "agreement")
    existing = {p.organisation_id: p for p in agreement.parties}
    seen: set[int] = set()
    for position, (organisation_id, role, signatory_id) in enumerate(parties):
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise ValidationError("parties", "That organisation was deleted. Choose another.")
        if organisation_id in seen:
            raise ValidationError(
                "parties",
                f"{organisation.name} is already a party to this agreement. "
                "Each organisation takes part once.",
            )
        seen.add(organisation_id)
        role = require_text("role", role, "party's role")
        if len(role) > 40:
            raise ValidationError("role", "A role is at most 40 characters. Shorten it.")
        if signatory_id is not None and session.get(Contact, signatory_id) is None:
            raise ValidationError("signatory", "That signatory was deleted. Choose another.")
        party = existing.get(organisation_id)
        if party is None:
            party = AgreementParty(organisation=organisation)
            agreement.parties.append(party)
        party.position = position
        party.role = role
        party.signatory_id = signatory_id
    for organisation_id, party in existing.items():
        if organisation_id not in seen:
            agreement.parties.remove(party)
    session.flush()


@dataclass(frozen=True)
class SetParties:
    """Replace an agreement's parties (organisation id, role, signatory id) as one edit."""

    agreement_id: int
    parties: tuple[PartyValue, ...]
    #: The parties the user saw; None skips the check.
    expected: tuple[PartyValue, ...] | None = None

    def apply(self, session: Session) -> SetParties:
        agreement = _get(session, Agreement, self.agreement_id, "agreement")
        old = _party_values(agreement)
        if self.expected is not None and old != tuple(tuple(p) for p in self.expected):
            raise StaleRecordError(
                f"The parties of “{agreement.title}” were changed elsewhere since you opened "
                "it. Reload it to see the changes, then edit again."
            )
        new = tuple((int(o), str(r), None if s is None else int(s)) for o, r, s in self.parties)
        set_parties(session, self.agreement_id, new)
        return SetParties(self.agreement_id, old, _party_values(agreement))


def parse_number(field: str, text: str) -> float | None:
    """A number as a coordinator types it ("12.5", "12,5", "1 234,5"); empty text is None."""
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", text or "")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:  # the last one is the decimal mark
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace("−", "-")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(
            field, f"“{text.strip()}” is not a number. Type digits, e.g. 12 or 12.5."
        ) from None
    if not math.isfinite(value):
        raise ValidationError(field, f"“{text.strip()}” is not a number Accord can store.")
    return value


def set_indicator_values(
    session: Session, objective_id: int, values: Mapping[int, float] | Iterable[tuple[int, float]]
) -> None:
    """Make an objective's measured values exactly `values` ({year: value})."""
    objective = _get(session, Objective, objective_id, "objective")
    wanted = dict(values.items() if isinstance(values, Mapping) else values)
    existing = {v.year: v for v in objective.values}
    for year, value in sorted(wanted.items()):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError("value", f"The value for {year} is not a number.")
        row = existing.get(year)
        if row is None:
            objective.values.append(IndicatorValue(year=int(year), value=float(value)))
        elif row.value != value:
            row.value = float(value)
    for year, row in existing.items():
        if year not in wanted:
            objective.values.remove(row)
    session.flush()


def _indicator_values(objective: Objective) -> tuple[tuple[int, float], ...]:
    return tuple(sorted((v.year, v.value) for v in objective.values))


@dataclass(frozen=True)
class SetIndicatorValues:
    """Replace an objective's measured values per year as one edit."""

    objective_id: int
    values: tuple[tuple[int, float], ...]
    #: The values the user saw; None skips the check.
    expected: tuple[tuple[int, float], ...] | None = None

    def apply(self, session: Session) -> SetIndicatorValues:
        objective = _get(session, Objective, self.objective_id, "objective")
        old = _indicator_values(objective)
        if self.expected is not None and old != tuple(sorted(self.expected)):
            raise StaleRecordError(
                "The indicator values of this objective were changed elsewhere since you "
                "opened it. Reload it to see the changes, then edit again."
            )
        set_indicator_values(session, self.objective_id, self.values)
        return SetIndicatorValues(self.objective_id, old, _indicator_values(objective))


@dataclass(frozen=True)
class SetRenews:
    """Set which agreement this one renews (None: none). An agreement is renewed by at
    most one other; choosing one that is already renewed is refused with a message."""

    agreement_id: int
    renews_id: int | None
    expected_version: int | None = None
    #: For undo: the link must still be what the undone edit set.
    expected_values: Mapping[str, Any] | None = None

    def apply(self, session: Session) -> SetRenews:
        agreement = _get(session, Agreement, self.agreement_id, "agreement")
        if self.renews_id is not None:
            other = session.get(Agreement, self.renews_id)
            if other is None:
                raise ValidationError("renews", "That agreement was deleted. Choose another.")
            holder = session.scalar(
                select(Agreement).where(
                    Agreement.renews_id == self.renews_id, Agreement.id != agreement.id
                )
            )
            if holder is not None:
                raise ValidationError(
                    "renews",
                    f"“{other.title}” is already renewed by “{holder.title}”. "
                    "An agreement is renewed by one agreement only.",
                )
        inverse = SetValues(
            "agreement",
            agreement.id,
            {"renews": self.renews_id},
            self.expected_version,
            self.expected_values,
        ).apply(session)
        return SetRenews(
            agreement.id, inverse.values["renews"], expected_values=inverse.expected_values
        )


def changed_fields(
    session: Session, table: str, record_id: int, shown: Mapping[str, Any]
) -> list[tuple[str, Any, Any]] | None:
    """(field, value shown, value stored now) for each field of `shown` that differs;
    None when the record was deleted."""
    current = record_values(session, table, record_id)
    if current is None:
        return None
    return [
        (name, value, current[name])
        for name, value in shown.items()
        if name in current and name != "version" and current[name] != value
    ]
