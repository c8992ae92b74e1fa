"""Render the main views offscreen into resources/screenshots/ for README.md.

uv run python -m desktop.screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.paths import resources_dir
from db.sample import load_sample
from db.session import open_database


def main(out: Path | None = None) -> list[Path]:
    from datetime import date

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from db import operations as ops
    from db.models import Milestone
    from desktop.app import create_application
    from desktop.context import AppContext
    from desktop.main_window import MainWindow

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
        window.pages[0].editor.show_section("focus_areas")  # type: ignore[attr-defined]
        shot(window, "agreement-focus-areas")
        window.show_record("milestone", thesis)
        shot(window, "milestones")
        window.show_page(2)
        shot(window, "contacts")
        window.show_page(3)
        shot(window, "organisations")
        window.close()
        db.close()
    return saved


if __name__ == "__main__":
    for p in main():
        print(p)
