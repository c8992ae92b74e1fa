"""Render the main views offscreen into resources/screenshots/ for README.md.

uv run python -m desktop.screenshots

The Overview and the Calendar are also rendered in a dark palette (`*-dark.png`) and at a
device pixel ratio of 2 (`*@2x.png`, in a subprocess with QT_SCALE_FACTOR=2, as on a
high-DPI screen). They show the sample partnership on 1 March 2029, ten months before its
term ends, plus a few invented milestones of early 2029 (`DEMO` below) so that the planning
views have something to plan: the sample itself holds only what the press release says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.paths import resources_dir
from db.sample import load_sample
from db.session import open_database


def main(out: Path | None = None, *, scaled: bool = True) -> list[Path]:
    from datetime import date

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from db import operations as ops
    from db.models import Milestone
    from desktop.agreements.page import AgreementsPage
    from desktop.app import create_application
    from desktop.contacts.page import ContactsPage
    from desktop.context import AppContext
    from desktop.main_window import MainWindow
    from desktop.organisations.page import OrganisationsPage
    from desktop.timeline.page import TimelinePage
    from desktop.timeline.screenshots import main as timeline_shots

    out = out or resources_dir() / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    create_application(sys.argv[:1])
    saved: list[Path] = []

    def shot(window: MainWindow, name: str) -> None:
        QApplication.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "sample.db")
        with db.transaction() as session:
            load_sample(session)
        with db.sessions() as session:
            current = ops.find_agreement(session, "Strategic partnership agreement 2025–2029").id
            thesis = session.scalars(
                select(Milestone.id).where(Milestone.title == "Thesis Day")
            ).one()
        window = MainWindow(AppContext(db, today=lambda: date(2026, 11, 29)))
        window.resize(1200, 760)
        window.show()
        window.show_record("agreement", current)
        shot(window, "main-window")
        window.page(AgreementsPage).editor.show_section("focus_areas")
        shot(window, "agreement-focus-areas")
        window.show_record("milestone", thesis)
        shot(window, "milestones")
        window.show_page(ContactsPage)
        shot(window, "contacts")
        window.show_page(OrganisationsPage)
        shot(window, "organisations")
        window.show_page(TimelinePage)
        window.page(TimelinePage).reload(wait=True)
        shot(window, "timeline")
        window.close()
        db.close()
    saved += planning_views(out)
    saved += timeline_shots(out)
    if scaled:
        saved += _scaled_planning_views(out)
    return saved


#: Invented milestones of early 2029 for the planning views: (title, when, focus area, extra).
DEMO: tuple[tuple[str, str, str | None, dict[str, str]], ...] = (
    ("Steering group meeting", "2029-03-06 13:00", "Development of Otaniemi", {"kind": "review"}),
    ("Talent fair", "2029-03-14", "Attracting talent", {}),
    ("Annual report to the city board", "2029-03-20", None, {"kind": "report_deadline"}),
    (
        "Open lecture",
        "2029-01-09 18:00",
        "Promoting learning",
        {"kind": "event_series", "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=20"},
    ),
    ("Thesis Day 2029", "spring 2029", "Attracting talent", {}),
    ("Mid-term evaluation", "Q1 2029", None, {"kind": "review"}),
    (
        "Research brief on sustainable solutions",
        "2029-02-15",
        "Joint advocacy and impact development through research",
        {},
    ),
    ("Innovation breakfast", "TBD", "Business and innovation collaboration", {}),
)


def dark_palette() -> object:
    """A plain dark palette (as a user's dark system theme gives one) to check contrast."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "#2b2b2b",
        role.WindowText: "#e8e8e8",
        role.Base: "#1f1f1f",
        role.AlternateBase: "#272727",
        role.Text: "#e8e8e8",
        role.Button: "#353535",
        role.ButtonText: "#e8e8e8",
        role.Highlight: "#3d7bd9",
        role.HighlightedText: "#ffffff",
        role.PlaceholderText: "#9a9a9a",
        role.ToolTipBase: "#353535",
        role.ToolTipText: "#e8e8e8",
        role.Mid: "#4a4a4a",
        role.Dark: "#151515",
        role.Light: "#505050",
        role.Midlight: "#3c3c3c",
        role.Shadow: "#000000",
        role.BrightText: "#ff6b6b",
        role.Link: "#7fb0ff",
    }
    for name, value in colours.items():
        palette.setColor(name, QColor(value))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#7a7a7a"))
    return palette


def planning_views(out: Path, suffix: str = "", *, dark: bool = True) -> list[Path]:
    """overview.png, calendar.png, calendar-week.png (and dark variants) of the demo data."""
    from datetime import date

    from PySide6.QtWidgets import QApplication

    from db import operations as ops
    from desktop.app import create_application
    from desktop.calendar.grid import WEEK
    from desktop.calendar.page import CalendarPage
    from desktop.context import AppContext
    from desktop.main_window import MainWindow
    from desktop.overview.page import OverviewPage

    app = create_application(sys.argv[:1])
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "planning.db")
        with db.transaction() as session:
            load_sample(session)
            current = ops.find_agreement(session, "Strategic partnership agreement 2025–2029")
            areas = {area.name: area for area in current.focus_areas}
            for title, when, area, extra in DEMO:
                ops.add_milestone(
                    session,
                    current,
                    title,
                    when=when,
                    focus_areas=[areas[area]] if area else [],
                    **extra,  # type: ignore[arg-type]
                )

        def shoot_all(variant: str) -> None:
            """A new window each time: style sheets take the palette when they are built."""
            window = MainWindow(AppContext(db, today=lambda: date(2029, 3, 1)))
            window.resize(1200, 760)
            window.show()
            overview = window.page(OverviewPage)
            overview.horizon.setCurrentIndex(overview.horizon.findData(30))
            calendar = window.page(CalendarPage)

            def shot(name: str) -> None:
                QApplication.processEvents()
                path = out / f"{name}{suffix}.png"
                window.grab().save(str(path))
                saved.append(path)

            window.show_page(OverviewPage)
            shot("overview" + variant)
            window.show_page(CalendarPage)
            calendar.show_day(date(2029, 3, 6))
            shot("calendar" + variant)
            if not variant:
                calendar.set_mode(WEEK)
                shot("calendar-week")
            window.close()

        shoot_all("")
        if dark:
            original = app.palette()  # type: ignore[attr-defined]
            app.setPalette(dark_palette())  # type: ignore[attr-defined]
            shoot_all("-dark")
            app.setPalette(original)  # type: ignore[attr-defined]
        db.close()
    return saved


def _scaled_planning_views(out: Path) -> list[Path]:
    """The planning views at device pixel ratio 2, rendered by a second process."""
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "desktop.screenshots", "--planning", "--suffix", "@2x", str(out)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [Path(line) for line in result.stdout.splitlines() if line.endswith(".png")]


if __name__ == "__main__":
    if "--planning" in sys.argv:
        target = Path(sys.argv[-1])
        suffix = sys.argv[sys.argv.index("--suffix") + 1]
        for p in planning_views(target, suffix):
            print(p)
    else:
        for p in main():
            print(p)
