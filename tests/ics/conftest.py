"""Fixtures of the calendar tests: the rich sample, an empty database, the checkers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import ics_testdata`

from ics_testdata import add_rich_milestones

REPO = Path(__file__).resolve().parents[2]
ICS_CHECK = REPO / ".." / "shared" / "tools" / "ics-check"
# Read before the autouse fixture points XDG_CACHE_HOME at a temporary folder: the
# checkers' parsers are installed once per machine, not once per test.
_CACHE = os.environ.get("ICS_CHECK_CACHE") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "accord-ics-check"
)


@pytest.fixture
def rich_db(sample_db: Any) -> Any:
    with sample_db.transaction() as session:
        add_rich_milestones(session)
    return sample_db


@pytest.fixture
def empty_db(tmp_path: Path) -> Any:
    from db.session import open_database

    db = open_database(tmp_path / "empty.db")
    yield db
    db.close()


def _ics_check_path() -> Path:
    if not ICS_CHECK.is_file():
        pytest.fail(
            f"ics-check is missing at {ICS_CHECK.resolve()}: the calendar tests need the "
            "shared checkers next to the repository (../shared/tools/ics-check). Clone or "
            "copy shared/ beside the repository; these tests must not be skipped."
        )
    return ICS_CHECK


@pytest.fixture(scope="session")
def ics_check() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs ../shared/tools/ics-check with the machine's parser cache."""
    path = _ics_check_path()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env["ICS_CHECK_CACHE"] = _CACHE
        result = subprocess.run(
            [str(path), *args], capture_output=True, text=True, timeout=600, env=env
        )
        if result.returncode in (3, 4):
            pytest.fail(f"ics-check could not run ({result.returncode}): {result.stderr}")
        return result

    return run


@pytest.fixture(scope="session")
def ics_check_json(
    ics_check: Callable[..., subprocess.CompletedProcess[str]],
) -> Callable[..., dict[str, Any]]:
    def run(path: Path, start: str = "2010-01-01", end: str = "2031-01-01") -> dict[str, Any]:
        result = ics_check(str(path), "--json", "--from", start, "--to", end)
        try:
            return json.loads(result.stdout)  # type: ignore[no-any-return]
        except json.JSONDecodeError:
            pytest.fail(f"ics-check printed no JSON: {result.stdout}\n{result.stderr}")

    return run
