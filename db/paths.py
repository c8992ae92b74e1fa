"""Where Accord's files live: per-user folders from platformdirs, resources beside the code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Accord"


def resources_dir() -> Path:
    """The `resources/` folder, in a checkout, an installed wheel or a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parent.parent
    return base / "resources"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / "accord.db"


def backups_dir_for(database: Path) -> Path:
    """Backups sit in a folder next to the database they protect."""
    return database.parent / "backups"


def database_from_environment() -> str | None:
    return os.environ.get("ACCORD_DB") or None
