"""Read-only views of the data as plain values (dicts), for the CLI, exports and reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.dates import FlexDate
from db.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    Contact,
    FocusArea,
    Milestone,
    MilestoneContact,
)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def date_fields(value: FlexDate) -> dict[str, Any]:
    return {
        "start": _iso(value.start),
        "end": _iso(value.end),
        "precision": value.precision.value,
        "date_text": value.to_text(),
    }


def term_text(start: FlexDate, end: FlexDate) -> str:
    """ "2020 – 2025", "from 2012", "until 2029" or "TBD", for lists and reports."""
    if start.is_known and end.is_known:
        return f"{start.to_text()} – {end.to_text()}"
    if start.is_known:
        return f"from {start.to_text()}"
    if end.is_known:
        return f"until {end.to_text()}"
    return "TBD"


def agreements(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Agreement)
        .options(selectinload(Agreement.parties).selectinload(AgreementParty.organisation))
        .order_by(Agreement.term_starts_on.is_(None), Agreement.term_starts_on, Agreement.id)
    ).all()
    return [
        {
            "id": a.id,
            "uid": a.uid,
            "title": a.title,
            "parties": [p.organisation.name for p in a.parties],
            "signed": a.signed.to_text(),
            "term_start": _iso(a.term_start.start),
            "term_end": _iso(a.term_end.end),
            "term_text": term_text(a.term_start, a.term_end),
            "status": a.status.value,
            "renews": a.renews_id,
            "version": a.version,
        }
        for a in rows
    ]


def focus_areas(session: Session, agreement_id: int | None = None) -> list[dict[str, Any]]:
    query = select(FocusArea).options(selectinload(FocusArea.objectives))
    if agreement_id is not None:
        query = query.where(FocusArea.agreement_id == agreement_id)
    rows = session.scalars(query.order_by(FocusArea.agreement_id, FocusArea.position)).all()
    return [
        {
            "id": f.id,
            "uid": f.uid,
            "name": f.name,
            "agreement": f.agreement_id,
            "position": f.position,
            "colour": f.colour,
            "objectives": [o.text for o in f.objectives],
        }
        for f in rows
    ]


def milestones(session: Session, agreement_id: int | None = None) -> list[dict[str, Any]]:
    query = select(Milestone).options(selectinload(Milestone.focus_areas))
    if agreement_id is not None:
        query = query.where(Milestone.agreement_id == agreement_id)
    query = query.order_by(
        Milestone.starts_on.is_(None), Milestone.starts_on, Milestone.precision_rank, Milestone.id
    )
    out = []
    for m in session.scalars(query).all():
        row: dict[str, Any] = {
            "id": m.id,
            "uid": m.uid,
            "title": m.title,
            "agreement": m.agreement_id,
            "kind": m.kind.value,
            **date_fields(m.when),
            "status": m.status.value,
            "focus_areas": [f.name for f in m.focus_areas],
        }
        row["end"] = _iso(m.ends_on)
        if m.date_wording:
            row["date_wording"] = m.date_wording
        out.append(row)
    return out


def contacts(session: Session, agreement_id: int | None = None) -> list[dict[str, Any]]:
    query = select(Contact).options(
        selectinload(Contact.phones),
        selectinload(Contact.emails),
        selectinload(Contact.organisation),
    )
    if agreement_id is not None:
        ids = (
            select(AgreementContact.contact_id)
            .where(AgreementContact.agreement_id == agreement_id)
            .union(
                select(AgreementParty.signatory_id).where(
                    AgreementParty.agreement_id == agreement_id
                ),
                select(MilestoneContact.contact_id)
                .join(Milestone, Milestone.id == MilestoneContact.milestone_id)
                .where(Milestone.agreement_id == agreement_id),
            )
        )
        query = query.where(Contact.id.in_(ids))
    return [
        {
            "id": c.id,
            "uid": c.uid,
            "name": c.name,
            "title": c.title,
            "organisation": c.organisation.name if c.organisation else None,
            "phones": [{"label": p.label, "number": p.raw, "e164": p.e164} for p in c.phones],
            "emails": [{"label": e.label, "address": e.address} for e in c.emails],
        }
        for c in session.scalars(query.order_by(Contact.name)).all()
    ]
