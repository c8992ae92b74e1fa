"""The window opens on a real database and shows the agreements."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.session import Database
from desktop.agreements.model import AgreementsModel
from desktop.main_window import MainWindow


def test_window_lists_the_sample_agreements(
    qtbot: QtBot, sample_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(sample_db)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    model = window.table.model()
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[0] == "Partnership agreement 2012"
    assert titles[-1] == "Strategic partnership agreement 2025–2029"
    assert model.index(3, 1).data() == "City of Espoo, Aalto University"
    assert model.index(3, 3).data() == "in force"
    assert str(sample_db.path) in window.db_label.text()
    image = window.grab()
    assert not image.isNull() and image.width() > 400
    assert window.table.accessibleName() == "Agreements"


def test_agreements_model_passes_qtmodeltester(qtmodeltester: object, sample_db: Database) -> None:
    model = AgreementsModel(sample_db)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Title"
