"""Synthetic Accord databases of three sizes, for every benchmark, built once and cached.

    uv run python tests/benchmarks/synthetic.py [small|medium|large ...] [--rebuild]

- small: the sample partnership (what `accord init --sample` makes).
- medium: 200 agreements, 20,000 milestones, 2,000 contacts, 200 organisations.
- large: 2,000 agreements, 200,000 milestones, 20,000 contacts, 2,000 organisations.

Realistic shape: five focus areas with two objectives each per agreement, two or three
parties, a lead contact per agreement, a hundred milestones per agreement with every date
precision (days, months, quarters, seasons, parts of a year, years, TBD), 0–2 focus-area
links each, one in a hundred a monthly series; names with ä, ö and å. Deterministic (one
seed), written with Core bulk inserts through Accord's own schema (created by
`open_database`), so the search triggers fill the FTS5 indexes as they do in use.

Files are cached under /tmp/accord-bench/, keyed by `VERSION` and the schema revision, and
built under a file lock into a temporary name that is renamed when complete, so concurrent
benchmarks neither build twice nor see half a database. A benchmark that writes must work
on a copy (`copy_of`).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

#: Raise when the shape of the data changes: cached files are rebuilt.
VERSION = 1
CACHE_DIR = Path("/tmp/accord-bench")


@dataclass(frozen=True)
class Size:
    name: str
    agreements: int
    milestones_per_agreement: int
    contacts: int
    organisations: int

    @property
    def milestones(self) -> int:
        return self.agreements * self.milestones_per_agreement

    def describe(self) -> str:
        if self.name == "small":
            return "the sample partnership"
        return (
            f"{self.agreements:,} agreements, {self.milestones:,} milestones, "
            f"{self.contacts:,} contacts"
        )


SIZES: dict[str, Size] = {
    "small": Size("small", 0, 0, 0, 0),  # the sample
    "medium": Size("medium", 200, 100, 2_000, 200),
    "large": Size("large", 2_000, 100, 20_000, 2_000),
}
FOCUS_AREAS_PER_AGREEMENT = 5
SEED = 2025

PLACES = (
    "Otaniemi", "Tapiola", "Leppävaara", "Matinkylä", "Espoonlahti", "Kalajärvi", "Kera",
    "Keilaniemi", "Niittykumpu", "Olari", "Kauklahti", "Suurpelto", "Karamalmi", "Hagalund",
)  # fmt: skip
EVENTS = (
    "Thesis Day", "Steering group meeting", "Annual review", "Report deadline",
    "Annual report deadline", "Smart mobility workshop", "Urban living lab kick-off",
    "Student housing seminar", "Circular economy hackathon", "Innovation breakfast",
    "Climate roadmap review", "Open-for-all event", "Research brief launch",
    "Talent attraction fair", "Startup sauna demo day", "Joint advocacy forum",
    "School pupils' science day", "Signing ceremony", "Mid-term evaluation", "Site visit",
)  # fmt: skip
WORDS = (
    "city", "university", "campus", "students", "researchers", "residents", "partnership",
    "agreement", "planning", "mobility", "housing", "energy", "climate", "innovation",
    "ecosystem", "international", "talent", "employers", "entrepreneurs", "children", "adults",
    "learning", "impact", "research", "advocacy", "services", "integration", "employment",
    "spouses", "childcare", "education", "investments", "framework", "sustainable",
    "solutions", "transport", "district", "heating", "data", "platform", "pilot", "evaluation",
    "budget", "report", "steering", "committee", "workshop", "seminar", "exhibition",
    "lecture", "series",
)  # fmt: skip
ORG_WORDS = ("Institute", "Foundation", "Oy", "Lab", "Centre", "University", "City")
FIRST = ("Aino", "Eero", "Ilkka", "Jukka", "Maija", "Matti", "Sanna", "Timo", "Åsa", "Päivi")
LAST = ("Niemelä", "Mäkelä", "Meikäläinen", "Virtanen", "Korhonen", "Häkkinen", "Lindqvist")
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
MILESTONE_STATUSES = ("planned", "confirmed", "done", "cancelled")
MILESTONE_KINDS = ("event", "review", "report_deadline", "event_series", "signing", "other")
AGREEMENT_STATUSES = ("draft", "negotiation", "signed", "in_force", "expired", "superseded")


def cache_path(size: str) -> Path:
    from db.session import SCHEMA_HEAD

    return CACHE_DIR / f"v{VERSION}-schema{SCHEMA_HEAD}-{size}.db"


def database(size: str, *, rebuild: bool = False) -> Path:
    """The cached file of this size, built first when missing (or with `rebuild`)."""
    from filelock import FileLock

    path = cache_path(size)
    done = path.with_suffix(".ok")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".build-lock"):
        if rebuild or not (path.exists() and done.exists()):
            done.unlink(missing_ok=True)
            older = None if rebuild else _older_schema(size)
            if older is not None:
                upgrade(older, path)
            else:
                build(size, path)
            done.write_text(f"{VERSION}\n")
    return path


def _older_schema(size: str) -> Path | None:
    """A complete cached file of this size at an earlier schema, if any (newest first)."""
    found = [
        p
        for p in CACHE_DIR.glob(f"v{VERSION}-schema*-{size}.db")
        if p.with_suffix(".ok").exists() and p != cache_path(size)
    ]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def upgrade(source: Path, path: Path) -> None:
    """A copy of `source` brought to the current schema by Accord's migrations: minutes
    faster than building again when another change adds a migration."""
    from alembic import command
    from sqlalchemy import create_engine

    from db.session import alembic_config

    started = time.perf_counter()
    work = path.with_name(path.name + ".building")
    shutil.copyfile(source, work)
    engine = create_engine(f"sqlite:///{work}")
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    work.replace(path)
    print(
        f"upgraded {source.name} to {path} in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def copy_of(size: str, folder: Path) -> Path:
    """A private copy of the cached file, for benchmarks that write."""
    source = database(size)
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def build(size: str, path: Path) -> None:
    """Write the database of `size` to `path` (replacing it), via a temporary file."""
    started = time.perf_counter()
    work = path.with_name(path.name + ".building")
    for stale in path.parent.glob(work.name + "*"):
        stale.unlink()
    if size == "small":
        _build_sample(work)
    else:
        _build_synthetic(SIZES[size], work)
    # One self-contained file: fold the WAL back in before renaming.
    conn = sqlite3.connect(work)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for stale in [*path.parent.glob(path.name + "-*"), *path.parent.glob(work.name + "-*")]:
        stale.unlink()
    work.replace(path)
    print(f"built {path} ({size}) in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _build_sample(path: Path) -> None:
    from db.sample import load_sample
    from db.session import open_database

    db = open_database(path)
    try:
        with db.transaction() as session:
            load_sample(session)
    finally:
        db.close()


def _dates(rnd: random.Random, first: int, last: int) -> Any:
    from db.dates import FlexDate, Part, Season

    year = rnd.randint(first, last)
    pick = rnd.random()
    if pick < 0.45:
        return FlexDate.on_day(date(year, 1, 1) + timedelta(days=rnd.randint(0, 364)))
    if pick < 0.65:
        return FlexDate.month(year, rnd.randint(1, 12))
    if pick < 0.75:
        return FlexDate.quarter(year, rnd.randint(1, 4))
    if pick < 0.83:
        return FlexDate.season(year, rnd.choice(list(Season)))
    if pick < 0.90:
        return FlexDate.part(year, rnd.choice(list(Part)))
    if pick < 0.96:
        return FlexDate.year_only(year)
    return FlexDate.tbd()


def _sentence(rnd: random.Random, n: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize() + "."


def _chunks(rows: list[dict[str, Any]], size: int = 5_000) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _build_synthetic(size: Size, path: Path) -> None:
    from sqlalchemy import insert

    from db.dates import FlexDate
    from db.models import Base
    from db.search import KINDS
    from db.session import open_database

    rnd = random.Random(SEED)
    uid_random = random.Random(SEED + 1)
    now = datetime(2025, 5, 15, 12, 0, tzinfo=UTC)

    def uid() -> str:
        return str(uuid.UUID(int=uid_random.getrandbits(128), version=4))

    def stamps() -> dict[str, Any]:
        return {"uid": uid(), "version": 1, "created_at": now, "updated_at": now}

    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "organisation",
            "organisation_name",
            "contact",
            "contact_email",
            "contact_phone",
            "agreement",
            "agreement_party",
            "focus_area",
            "objective",
            "agreement_contact",
            "milestone",
            "milestone_focus_area",
        )
    }
    for o in range(1, size.organisations + 1):
        name = f"{rnd.choice(PLACES)} {rnd.choice(ORG_WORDS)} {o}"
        rows["organisation"].append(
            {
                "id": o,
                "name": name,
                "short_name": f"ORG{o}",
                "kind": rnd.choice(("city", "university", "company", "public_body", "other")),
                "country": "FI",
                "notes": _sentence(rnd, 8),
                **stamps(),
            }
        )
        rows["organisation_name"].append({"organisation_id": o, "lang": "fi", "name": name + " ry"})
    for c in range(1, size.contacts + 1):
        rows["contact"].append(
            {
                "id": c,
                "name": f"{rnd.choice(LAST)}, {rnd.choice(FIRST)} {c}",
                "title": rnd.choice(("Coordinator", "Director", "Professor", "Planner")),
                "organisation_id": rnd.randint(1, size.organisations),
                "notes": "",
                **stamps(),
            }
        )
        rows["contact_email"].append(
            {"contact_id": c, "position": 0, "label": "work", "address": f"p{c}@example.org"}
        )
        number = f"{c:07d}"
        rows["contact_phone"].append(
            {
                "contact_id": c,
                "position": 0,
                "label": "work",
                "raw": f"050 {number[:3]} {number[3:]}",
                "e164": f"+35850{number}",
            }
        )
    milestone_id = 0
    for a in range(1, size.agreements + 1):
        first = rnd.randint(2012, 2030)
        last = first + rnd.randint(2, 5)
        rows["agreement"].append(
            {
                "id": a,
                "title": f"{rnd.choice(PLACES)} partnership agreement {first}–{last} ({a})",
                "status": rnd.choice(AGREEMENT_STATUSES),
                "signed": FlexDate.year_only(first),
                "term_start": FlexDate.year_only(first),
                "term_end": FlexDate.year_only(last),
                "term_starts_on": date(first, 1, 1),
                "term_ends_on": date(last, 12, 31),
                "aims": _sentence(rnd, 25),
                "notes": _sentence(rnd, 10),
                **stamps(),
            }
        )
        parties = rnd.sample(range(1, size.organisations + 1), rnd.randint(2, 3))
        for position, org in enumerate(parties):
            rows["agreement_party"].append(
                {
                    "agreement_id": a,
                    "organisation_id": org,
                    "position": position,
                    "role": "party",
                    "signatory_id": rnd.randint(1, size.contacts) if position == 0 else None,
                }
            )
        areas = []
        for f in range(FOCUS_AREAS_PER_AGREEMENT):
            area_id = (a - 1) * FOCUS_AREAS_PER_AGREEMENT + f + 1
            areas.append(area_id)
            rows["focus_area"].append(
                {
                    "id": area_id,
                    "agreement_id": a,
                    "position": f,
                    "name": f"{rnd.choice(WORDS).capitalize()} and {rnd.choice(WORDS)}",
                    "colour": PALETTE[f % len(PALETTE)],
                    "description": _sentence(rnd, 15),
                    **stamps(),
                }
            )
            for o in range(2):
                rows["objective"].append(
                    {
                        "focus_area_id": area_id,
                        "position": o,
                        "text": _sentence(rnd, 12),
                        **stamps(),
                    }
                )
        rows["agreement_contact"].append(
            {
                "agreement_id": a,
                "contact_id": rnd.randint(1, size.contacts),
                "focus_area_id": areas[0],
                "role": "focus-area lead",
            }
        )
        for _ in range(size.milestones_per_agreement):
            milestone_id += 1
            when = _dates(rnd, first, last)
            series = when.precision.rank == FlexDate.on_day(now.date()).precision.rank and (
                rnd.random() < 0.01
            )
            rows["milestone"].append(
                {
                    "id": milestone_id,
                    "agreement_id": a,
                    "kind": rnd.choice(MILESTONE_KINDS),
                    "title": f"{rnd.choice(EVENTS)} {rnd.choice(PLACES)}",
                    "description": _sentence(rnd, rnd.randint(10, 40)),
                    "location": f"{rnd.choice(PLACES)}, Espoo",
                    "audience": _sentence(rnd, 4),
                    "status": rnd.choice(MILESTONE_STATUSES),
                    "date": when,  # the column's key is its name, not `Milestone.when`
                    "starts_on": when.start,
                    "ends_on": when.end,
                    "precision_rank": when.precision.rank,
                    "rrule": "FREQ=MONTHLY;COUNT=12" if series else None,
                    "exdates": [],
                    "reminders": [],
                    "outcome": "",
                    **stamps(),
                }
            )
            for area_id in rnd.sample(areas, rnd.randint(0, 2)):
                rows["milestone_focus_area"].append(
                    {"milestone_id": milestone_id, "focus_area_id": area_id}
                )

    db = open_database(path)
    try:
        tables = Base.metadata.tables
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous = OFF")  # a scratch file: speed only
            for name, values in rows.items():
                for chunk in _chunks(values):
                    conn.execute(insert(tables[name]), chunk)
            # Core ignores keys it does not know: check the dates really went in.
            undated = conn.exec_driver_sql("SELECT count(*) FROM milestone WHERE date = 'TBD'")
            assert undated.scalar_one() < 0.1 * size.milestones, "dates were not stored"
            for kind in KINDS:
                for index in (kind.index, kind.title_index):
                    conn.exec_driver_sql(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    for size in args.sizes:
        path = database(size, rebuild=args.rebuild)
        print(f"{size:7} {path}  {path.stat().st_size / 1e6:,.0f} MB  ({SIZES[size].describe()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
