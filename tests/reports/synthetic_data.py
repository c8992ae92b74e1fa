"""A large, deterministic partnership portfolio for report tests and benchmarks.

Dates use every precision (days, months, seasons, quarters, parts of a year, years, TBD),
names carry ä, ö, å and typographic quotes, and one agreement has a title full of markup
characters, so that a report has to print all of it literally.
"""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.dates import FlexDate, Part, Season
from db.enums import AgreementStatus, MilestoneKind, MilestoneStatus
from db.models import Base

MARKUP_TITLE = '<b>Board</b> & "Co" <script>'
THEMES = (
    "Campus development",
    "Talent attraction",
    "Business and innovation",
    "Lifelong learning",
    "Research impact",
    "Climate and energy",
    "Health and wellbeing",
    "Culture and events",
)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
ORGANISATIONS = (
    "City of Espoo",
    "Aalto University",
    "Jyväskylän kaupunki",
    "Åbo Akademi University",
    "Tampereen yliopisto",
    "Örebro kommun",
    "University of Helsinki",
    "City of Vantaa",
    "VTT Technical Research Centre",
    "Lappeenrannan–Lahden teknillinen yliopisto",
)
EVENTS = (
    "Thesis Day",
    "Steering group meeting",
    "Open campus day",
    "Annual review",
    "Start-up sauna evening",
    "Report to the city board",
    "Joint seminar on “smart mobility”",
    "Summer school",
)


def _random_date(rng: random.Random, year: int) -> FlexDate:
    roll = rng.random()
    if roll < 0.45:
        return FlexDate.on_day(date(year, rng.randint(1, 12), rng.randint(1, 28)))
    if roll < 0.6:
        return FlexDate.month(year, rng.randint(1, 12))
    if roll < 0.7:
        return FlexDate.season(year, rng.choice(list(Season)))
    if roll < 0.8:
        return FlexDate.quarter(year, rng.randint(1, 4))
    if roll < 0.87:
        return FlexDate.part(year, rng.choice(list(Part)))
    if roll < 0.94:
        return FlexDate.year_only(year)
    return FlexDate.tbd()


def build_portfolio(
    session: Session,
    agreements: int = 100,
    milestones_per_agreement: int = 50,
    *,
    seed: int = 7,
    today: date = date(2025, 5, 15),
    with_markup_title: bool = True,
    start_id: int = 1,
) -> list[int]:
    """Adds agreements with parties, focus areas, indicators and milestones; their ids.

    Rows go in with bulk inserts (thousands of agreements in seconds), so the model's
    per-record checks do not run: the values are built valid here, and the derived columns
    (term_starts_on, starts_on, precision_rank …) are filled as `check()` would fill them.
    """
    rng = random.Random(seed)
    ids = itertools.count(start_id)
    org_rows = [_row(next(ids), name=name, kind="other", country="FI") for name in ORGANISATIONS]
    signatory_id, lead_id = next(ids), next(ids)
    contact_rows = [
        _row(
            signatory_id, name="Mäkinen, Päivi", title="Rector", organisation_id=org_rows[3]["id"]
        ),
        _row(
            lead_id,
            name="Öberg, Åsa",
            title="Head of partnerships",
            organisation_id=org_rows[1]["id"],
        ),
    ]
    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "agreement",
            "agreement_party",
            "focus_area",
            "agreement_contact",
            "objective",
            "indicator_value",
            "milestone",
            "milestone_focus_area",
        )
    }
    made: list[int] = []
    renewed: set[int] = set()
    for index in range(agreements):
        first = 2012 + rng.randint(0, 14)
        length = rng.randint(2, 5)
        last = first + length - 1
        if last < today.year:
            status = AgreementStatus.SUPERSEDED if rng.random() < 0.5 else AgreementStatus.EXPIRED
        elif first > today.year:
            status = AgreementStatus.NEGOTIATION
        else:
            status = AgreementStatus.IN_FORCE
        parties = rng.sample(org_rows, rng.randint(2, 3))
        title = (
            MARKUP_TITLE
            if with_markup_title and index == 1
            else f"{parties[0]['name']} – {parties[1]['name']} agreement {first}–{last} "
            f"(no. {index + 1})"
        )
        agreement_id = next(ids)
        renews = made[-1] if made and rng.random() < 0.3 and made[-1] not in renewed else None
        if renews is not None:
            renewed.add(renews)
        rows["agreement"].append(
            _row(
                agreement_id,
                title=title,
                status=status,
                signed=FlexDate.on_day(date(first - 1, rng.randint(1, 12), rng.randint(1, 28))),
                term_start=FlexDate.year_only(first),
                term_end=FlexDate.year_only(last),
                term_starts_on=date(first, 1, 1),
                term_ends_on=date(last, 12, 31),
                aims=f"Work together on {rng.choice(THEMES).lower()} in the {first}–{last} "
                "period.\nKeep the city’s and the university’s plans in step.",
                document="/nowhere/signed-agreement.pdf" if index % 10 == 0 else None,
                renews_id=renews,
            )
        )
        for position, org in enumerate(parties):
            rows["agreement_party"].append(
                {
                    "id": next(ids),
                    "agreement_id": agreement_id,
                    "organisation_id": org["id"],
                    "position": position,
                    "role": "party",
                    "signatory_id": signatory_id if position == 0 else None,
                }
            )
        areas = []
        for position, theme in enumerate(rng.sample(THEMES, rng.randint(3, 6))):
            area_id = next(ids)
            areas.append(area_id)
            rows["focus_area"].append(
                _row(
                    area_id,
                    agreement_id=agreement_id,
                    position=position,
                    name=theme,
                    colour=PALETTE[position % len(PALETTE)],
                    description=f"{theme} between the parties, with yearly indicators.",
                )
            )
            objective_id = next(ids)
            rows["objective"].append(
                _row(
                    objective_id,
                    focus_area_id=area_id,
                    position=0,
                    text=f"Grow {theme.lower()} activities each year.",
                    indicator="Joint activities",
                    unit="events",
                    target=12.0,
                )
            )
            for year in range(first, min(last, 2025) + 1):
                rows["indicator_value"].append(
                    {
                        "id": next(ids),
                        "objective_id": objective_id,
                        "year": year,
                        "value": float(rng.randint(3, 15)),
                    }
                )
        rows["agreement_contact"].append(
            {
                "id": next(ids),
                "agreement_id": agreement_id,
                "contact_id": lead_id,
                "focus_area_id": areas[0],
                "role": "focus-area lead",
            }
        )
        for number in range(milestones_per_agreement):
            when = _random_date(rng, rng.randint(first, last))
            past = when.end is not None and when.end < today
            status = (
                MilestoneStatus.DONE
                if past and rng.random() < 0.85
                else MilestoneStatus.CANCELLED
                if rng.random() < 0.03
                else MilestoneStatus.PLANNED
            )
            done = status is MilestoneStatus.DONE
            milestone_id = next(ids)
            rows["milestone"].append(
                _row(
                    milestone_id,
                    agreement_id=agreement_id,
                    kind=rng.choice(list(MilestoneKind)),
                    title=f"{rng.choice(EVENTS)} #{number + 1}",
                    description="",
                    location=rng.choice(("Otaniemi", "Espoo city hall", "Väre, Aalto", None)),
                    status=status,
                    date=when,
                    starts_on=when.start,
                    ends_on=when.end,
                    precision_rank=when.precision.rank,
                    exdates=[],
                    reminders=[],
                    outcome="Went ahead as planned; minutes filed."
                    if done and rng.random() < 0.6
                    else "",
                )
            )
            for area_id in rng.sample(areas, rng.randint(0, min(2, len(areas)))):
                rows["milestone_focus_area"].append(
                    {"milestone_id": milestone_id, "focus_area_id": area_id}
                )
        made.append(agreement_id)
    tables = Base.metadata.tables
    session.execute(insert(tables["organisation"]), org_rows)
    session.execute(insert(tables["contact"]), contact_rows)
    for name, values in rows.items():
        if values:
            session.execute(insert(tables[name]), values)
    return made


def _row(row_id: int, **values: Any) -> dict[str, Any]:
    """A published record's bookkeeping columns, which the ORM would otherwise fill."""
    now = datetime.now(UTC)
    return {
        "id": row_id,
        "uid": str(uuid.uuid4()),
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "notes": "",
        **values,
    }
