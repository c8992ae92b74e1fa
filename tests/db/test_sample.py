"""The sample partnership: the press release's facts, at their real precision."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from db import queries
from db.dates import Precision
from db.models import Agreement, Milestone, Organisation
from db.sample import sample_file
from db.session import Database


def test_renewal_chain_2012_to_now(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        newest = s.scalars(select(Agreement).where(Agreement.renewed_by == None)).one()  # noqa: E711
        chain = []
        link: Agreement | None = newest
        while link is not None:
            chain.append(link)
            link = link.renews
        chain.reverse()
        assert [a.term_start.to_text() for a in chain] == ["2012", "2017", "2020", "2025"]
        assert [a.term_end.to_text() for a in chain] == ["TBD", "2020", "2025", "2029"]
        assert all(a.term_start.precision is Precision.YEAR for a in chain)
        assert chain[2].signed.start == date(2020, 6, 16)
        assert chain[2].signed.precision is Precision.DAY
        signatories = {p.signatory.name for p in chain[2].parties if p.signatory}
        assert signatories == {"Jukka Mäkelä", "Ilkka Niemelä"}
        assert [f.name for f in chain[3].focus_areas] == [
            "Development of Otaniemi",
            "Attracting talent",
            "Business and innovation collaboration",
            "Promoting learning",
            "Joint advocacy and impact development through research",
        ]
        assert all(f.objectives for f in chain[3].focus_areas)


def test_organisations_have_finnish_and_swedish_names(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        espoo = s.scalars(select(Organisation).where(Organisation.name == "City of Espoo")).one()
        aalto = s.scalars(select(Organisation).where(Organisation.name == "Aalto University")).one()
        assert (espoo.name_in("fi"), espoo.name_in("sv")) == ("Espoon kaupunki", "Esbo stad")
        assert aalto.name_in("fi") == "Aalto-yliopisto"


def test_events_keep_their_real_precision(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        rows = {m["title"]: m for m in queries.milestones(s)}
        thesis = rows["Thesis Day"]
        assert (thesis["precision"], thesis["start"], thesis["end"]) == (
            "season",
            "2024-09-01",
            "2024-11-30",
        )
        series = rows["Open-for-all event series"]
        assert series["precision"] == "part" and series["start"] == "2025-01-01"
        assert series["date_wording"] == "Early next year"
        assert series["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
        m = s.scalars(select(Milestone).where(Milestone.title == "Open-for-all event series")).one()
        assert m.kind.value == "event_series" and m.rrule is None  # the release gives no rule
        assert rows["Signing of the 2020–2025 extension"]["precision"] == "day"


def test_sample_ships_no_real_phone_numbers_or_addresses() -> None:
    text = sample_file().read_text(encoding="utf-8")
    digits = re.sub(r"\D", "", text)
    for real in ("405521271", "503952162", "505609135"):  # numbers in the press release
        assert real not in digits
    assert not re.search(r"@(?!\w+\.example\b)", text), "addresses must use the .example domain"
