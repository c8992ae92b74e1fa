"""Loads the sample partnership from `resources/sample/` (data, not code)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from db import operations as ops
from db.models import Agreement, Contact, Organisation
from db.paths import resources_dir


def sample_file() -> Path:
    return resources_dir() / "sample" / "espoo-aalto.toml"


def load_sample(session: Session, path: Path | None = None) -> list[Agreement]:
    """Add the sample partnership to the session's transaction; returns its agreements."""
    data: dict[str, Any] = tomllib.loads((path or sample_file()).read_text(encoding="utf-8"))
    orgs: dict[str, Organisation] = {}
    for o in data.get("organisations", []):
        orgs[o["key"]] = ops.add_organisation(
            session,
            o["name"],
            short_name=o.get("short_name"),
            kind=o.get("kind", "other"),
            country=o.get("country", "FI"),
            website=o.get("website"),
            names=o.get("names", {}),
        )
    people: dict[str, Contact] = {}
    for c in data.get("contacts", []):
        people[c["key"]] = ops.add_contact(
            session,
            c["name"],
            title=c.get("title"),
            organisation=orgs.get(c.get("organisation", "")),
            phones=[tuple(p) for p in c.get("phones", [])],
            emails=[tuple(e) for e in c.get("emails", [])],
            notes=c.get("notes", ""),
        )
    agreements: dict[str, Agreement] = {}
    for a in data.get("agreements", []):
        agreement = ops.add_agreement(
            session,
            a["title"],
            parties=[
                ops.Party(
                    orgs[p["organisation"]],
                    p.get("role", "party"),
                    people.get(p.get("signatory", "")),
                )
                for p in a.get("parties", [])
            ],
            signed=a.get("signed"),
            term_start=a.get("term_start"),
            term_end=a.get("term_end"),
            status=a.get("status", "draft"),
            aims=a.get("aims", ""),
            notes=a.get("notes", ""),
            renews=agreements.get(a.get("renews", "")),
        )
        agreements[a["key"]] = agreement
        for f in a.get("focus_areas", []):
            area = ops.add_focus_area(
                session,
                agreement,
                f["name"],
                colour=f.get("colour", "#4E79A7"),
                description=f.get("description", ""),
            )
            for text in f.get("objectives", []):
                ops.add_objective(session, area, text)
        for link in a.get("contacts", []):
            ops.add_agreement_contact(session, agreement, people[link["contact"]], link["role"])
    for m in data.get("milestones", []):
        agreement = agreements[m["agreement"]]
        areas = {fa.name: fa for fa in agreement.focus_areas}
        ops.add_milestone(
            session,
            agreement,
            m["title"],
            when=m.get("when"),
            end=m.get("end"),
            kind=m.get("kind", "event"),
            status=m.get("status", "planned"),
            description=m.get("description", ""),
            location=m.get("location"),
            audience=m.get("audience"),
            focus_areas=[areas[name] for name in m.get("focus_areas", [])],
            contacts=[(people[c["contact"]], c["role"]) for c in m.get("contacts", [])],
            date_wording=m.get("date_wording"),
            outcome=m.get("outcome", ""),
        )
    return list(agreements.values())
