"""The rotating log file that every unexpected error is written to (no Qt here)."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from db.paths import log_dir

_handler: RotatingFileHandler | None = None


def log_file() -> Path:
    return log_dir() / "accord.log"


def setup_logging(debug: bool = False) -> Path:
    """Log to the platform's log folder (1 MB × 5 files); returns the file's path."""
    global _handler
    path = log_file()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    if _handler is not None and _handler.baseFilename != str(path.absolute()):
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    if _handler is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _handler = RotatingFileHandler(
                path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
            )
        except OSError:
            return path
        _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(_handler)
    return path
