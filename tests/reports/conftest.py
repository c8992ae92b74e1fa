"""Fixtures for report tests: the sample partnership, a large synthetic portfolio, Qt."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

TODAY = date(2025, 5, 15)


def synthetic() -> ModuleType:
    """tests/reports/synthetic_data.py, loaded by path (pytest runs in importlib mode)."""
    path = Path(__file__).with_name("synthetic_data.py")
    spec = importlib.util.spec_from_file_location("accord_synthetic_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def large_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """100 agreements with 5,000 milestones, built once for the whole run."""
    from db.session import open_database

    db = open_database(tmp_path_factory.mktemp("large") / "large.db")
    with db.transaction() as session:
        synthetic().build_portfolio(session, 100, 50, today=TODAY)
    yield db
    db.close()


@pytest.fixture
def gui(qapp: object) -> object:
    """Qt ready for reports (fonts registered, translator installed)."""
    from desktop.reports.render import ensure_gui_application

    return ensure_gui_application()
