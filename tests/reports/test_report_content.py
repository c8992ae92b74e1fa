"""Report content: what each report says, without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.dates import FlexDate
from db.enums import AgreementStatus
from db.errors import ValidationError
from db.models import Agreement, FocusArea, Milestone
from db.operations import find_agreement
from desktop.reports import content
from desktop.reports.content import (
    Facts,
    Heading,
    ReportKind,
    ReportOptions,
    Table,
    TimelineBlock,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 5, 15)
CURRENT = "Strategic partnership agreement 2025–2029"
FOCUS_AREAS = (
    "Development of Otaniemi",
    "Attracting talent",
    "Business and innovation collaboration",
    "Promoting learning",
    "Joint advocacy and impact development through research",
)


def _dossier(db: object, title: str = CURRENT, **options: object) -> content.Report:
    with db.sessions() as session:  # type: ignore[attr-defined]
        agreement = find_agreement(session, title)
        return content.agreement_dossier(
            session,
            agreement.id,
            ReportOptions(**{"today": TODAY, **options}),  # type: ignore[arg-type]
        )


def test_content_imports_no_qt() -> None:
    code = textwrap.dedent(
        """
        import importlib.abc, sys
        class BlockQt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("Qt is blocked: " + name)
        sys.meta_path.insert(0, BlockQt())
        import desktop.reports.content, desktop.reports.cli
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_sample_dossier_has_every_section_and_focus_area(sample_db: object) -> None:
    report = _dossier(sample_db)
    assert report.subject == CURRENT
    level1 = report.headings(1)
    for heading in ("Overview", "Renewal chain", "Aims", "Focus areas", "Contacts and roles"):
        assert heading in level1
    assert "Documents and attachments" in level1 and "Recent changes" in level1
    assert [h for h in report.headings(2) if h in FOCUS_AREAS] == list(FOCUS_AREAS)
    marks = [b.mark for b in report.blocks if isinstance(b, Heading) and b.mark is not None]
    assert [m.number for m in marks] == [1, 2, 3, 4, 5]
    assert len({m.pattern for m in marks}) == 5, "each focus area needs its own pattern"
    text = report.plain_text()
    assert "Open-for-all event series" in text
    assert "Signing of the strategic partnership agreement" in text
    assert "late 2024" in text and "early 2025" in text
    assert any(isinstance(b, TimelineBlock) for b in report.blocks)


def test_renewal_chain_lists_every_period_oldest_first(sample_db: object) -> None:
    report = _dossier(sample_db)
    index = report.blocks.index(Heading("Renewal chain"))
    table = report.blocks[index + 1]
    assert isinstance(table, Table)
    titles = [row.cells[1].text for row in table.rows]
    assert titles == [
        "Partnership agreement 2012",
        "Partnership agreement 2017–2020",
        "Partnership agreement 2020–2025",
        CURRENT,
    ]
    assert [row.highlight for row in table.rows] == [False, False, False, True]
    assert [row.cells[2].text for row in table.rows][2] == "16 Jun 2020"


def test_milestones_are_grouped_by_state(sample_db: object) -> None:
    report = _dossier(sample_db)
    headings = report.headings(4)
    # "early 2025" has passed by 15 May 2025 without being marked done.
    assert "Date passed, not marked done (1)" in headings
    assert "Done (1)" in headings
    overview = next(b for b in report.blocks if isinstance(b, Facts))
    assert ("Milestones", "1 done, 0 upcoming, 1 date passed, 0 not yet dated") in overview.pairs
    later = _dossier(sample_db, today=date(2025, 1, 10))
    assert "Upcoming (1)" in later.headings(4)


def test_sections_option_leaves_sections_out(sample_db: object) -> None:
    report = _dossier(sample_db, sections=frozenset({"aims", "contacts"}))
    assert report.headings(1) == ["Aims", "Contacts and roles"]
    assert not any(isinstance(b, TimelineBlock) for b in report.blocks)
    with pytest.raises(ValidationError, match="no section timelines"):
        content.check_sections(ReportKind.AGREEMENT, ["aims", "timelines"])


def test_empty_sections_and_missing_files_print_a_note(sample_db: object) -> None:
    with sample_db.transaction() as session:  # type: ignore[attr-defined]
        agreement = find_agreement(session, "Partnership agreement 2017–2020")
        agreement.document = "/no/such/folder/signed.pdf"
    report = _dossier(sample_db, "Partnership agreement 2017–2020")
    text = report.plain_text()
    assert "No focus areas recorded." in text
    assert "File not found when printed." in text
    assert "/no/such/folder/signed.pdf" in text
    empty = _dossier(sample_db)
    assert "No documents attached." in empty.plain_text()


def test_user_text_is_kept_literally(sample_db: object) -> None:
    title = '<b>Board</b> & "Co" <script>'
    with sample_db.transaction() as session:  # type: ignore[attr-defined]
        find_agreement(session, CURRENT).title = title
    report = _dossier(sample_db, title)
    assert report.subject == title
    assert title in report.plain_text()


def test_date_text_keeps_the_precision() -> None:
    assert content.date_text(FlexDate.parse("fall 2024")) == "fall 2024"
    assert content.date_text(FlexDate.parse("Q1 2025")) == "Q1 2025"
    assert content.date_text(FlexDate.parse("15.10.2024")) == "15 Oct 2024"
    assert content.date_text(FlexDate.parse("2024-10-15 14:00")) == "15 Oct 2024 14:00"
    assert content.date_text(FlexDate.tbd()) == "TBD"


def test_portfolio_counts_and_expiry(sample_db: object) -> None:
    with sample_db.sessions() as session:  # type: ignore[attr-defined]
        report = content.portfolio(session, ReportOptions(today=date(2029, 3, 1)))
    table = next(b for b in report.blocks if isinstance(b, Table))
    assert [c.title for c in table.columns][:5] == [
        "Agreement",
        "Parties",
        "Term",
        "Status",
        "Days to expiry",
    ]
    rows = {row.cells[0].text: row for row in table.rows}
    current = rows[CURRENT]
    assert current.highlight, "in force and ending on 31 Dec 2029: within a year"
    assert current.cells[4].text == f"◆ {(date(2029, 12, 31) - date(2029, 3, 1)).days}"
    assert current.cells[5].text == "1"  # the signing, done
    assert not rows["Partnership agreement 2012"].highlight
    assert rows["Partnership agreement 2020–2025"].cells[5].text == "2"


def test_portfolio_next_milestone_and_status_filter(sample_db: object) -> None:
    with sample_db.sessions() as session:  # type: ignore[attr-defined]
        early = content.portfolio(session, ReportOptions(today=date(2025, 1, 10)))
        in_force = content.portfolio(
            session,
            ReportOptions(today=TODAY, statuses=frozenset({AgreementStatus.IN_FORCE})),
        )
    table = next(b for b in early.blocks if isinstance(b, Table))
    current = next(r for r in table.rows if r.cells[0].text == CURRENT)
    assert current.cells[6].text == "1"
    assert current.cells[7].text == "early 2025: Open-for-all event series"
    table = next(b for b in in_force.blocks if isinstance(b, Table))
    assert [r.cells[0].text for r in table.rows] == [CURRENT]


def test_activity_takes_vague_dates_that_overlap_the_period(sample_db: object) -> None:
    with sample_db.sessions() as session:  # type: ignore[attr-defined]
        year = content.activity(
            session, ReportOptions(start=date(2024, 1, 1), end=date(2024, 12, 31), today=TODAY)
        )
        october = content.activity(
            session, ReportOptions(start=date(2024, 10, 1), end=date(2024, 10, 31), today=TODAY)
        )
        before = content.activity(
            session, ReportOptions(start=date(2023, 1, 1), end=date(2023, 12, 31), today=TODAY)
        )
    assert "Thesis Day" in year.plain_text()  # fall 2024
    assert "Signing of the strategic partnership agreement" in year.plain_text()  # late 2024
    assert "Thesis Day" in october.plain_text()
    assert "Thesis Day" not in before.plain_text()
    assert "Nothing is recorded for this period." in before.plain_text()
    with sample_db.sessions() as session, pytest.raises(ValidationError):  # type: ignore[attr-defined]
        content.activity(session, ReportOptions(start=date(2025, 1, 1), end=date(2024, 1, 1)))


def test_large_dossier_lists_every_milestone_and_focus_area(large_db: object) -> None:
    with large_db.sessions() as session:  # type: ignore[attr-defined]
        agreement_id = session.scalar(select(Agreement.id).order_by(Agreement.id).limit(1))
        names = session.scalars(
            select(FocusArea.name).where(FocusArea.agreement_id == agreement_id)
        ).all()
        titles = session.scalars(
            select(Milestone.title).where(Milestone.agreement_id == agreement_id)
        ).all()
        assert session.scalar(select(func.count()).select_from(Milestone)) == 5000
        report = content.agreement_dossier(session, agreement_id, ReportOptions(today=TODAY))
    text = report.plain_text()
    assert set(names) <= set(report.headings(2))
    assert all(title in text for title in titles)
    timeline = next(b for b in report.blocks if isinstance(b, TimelineBlock)).data
    assert {lane.title for lane in timeline.lanes} >= set(names)
    assert all(timeline.start <= item.start <= item.end <= timeline.end for item in timeline.items)
