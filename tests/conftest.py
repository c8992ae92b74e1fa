"""Test set-up: Qt offscreen before it loads, and every user folder inside a temp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads or writes the real user's database, settings or logs."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("ACCORD_DB", raising=False)
    yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "accord.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[object]:
    """A real SQLite file at the current schema."""
    from db.session import open_database

    db = open_database(db_path)
    yield db
    db.close()


@pytest.fixture
def sample_db(database: object) -> object:
    """The database with the sample partnership loaded."""
    from db.sample import load_sample

    with database.transaction() as session:  # type: ignore[attr-defined]
        load_sample(session)
    return database
