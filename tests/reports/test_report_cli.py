"""`accord report …`: PDFs from the command line, headless, with one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]
CURRENT = "Strategic partnership agreement 2025–2029"

# In-process runs would otherwise start a QGuiApplication, and widget tests later in the
# same process need a QApplication: start that one first (the subprocess test stays bare).
pytestmark = pytest.mark.usefixtures("qapp")


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture
def sample_file(sample_db: object) -> str:
    return str(sample_db.path)  # type: ignore[attr-defined]


def test_agreement_dossier(
    sample_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dossier.pdf"
    assert main(["report", "agreement", CURRENT, "-o", str(out), "--db", sample_file]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    text = _text(out)
    assert "AGREEMENT DOSSIER" in text and "Development of Otaniemi" in text
    assert "Page 1 of" in text


def test_portfolio_and_activity(sample_file: str, tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.pdf"
    assert main(["report", "portfolio", "-o", str(portfolio), "--db", sample_file,
                 "--status", "in_force", "--paper", "Letter"]) == 0  # fmt: skip
    text = _text(portfolio)
    assert CURRENT in text and "Partnership agreement 2012" not in text
    activity = tmp_path / "activity.pdf"
    assert main(["report", "activity", "--from", "2024", "-o", str(activity),
                 "--db", sample_file, "--today", "2025-05-15"]) == 0  # fmt: skip
    text = _text(activity)
    assert "Thesis Day" in text and "1 Jan 2024 – 31 Dec 2024" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["agreement", "No such agreement"],
            'No agreement has the id or title "No such agreement"',
        ),
        (["activity", "--from", "2025", "--to", "2024"], "The period ends"),
        (["activity", "--from", "someday"], 'Could not read "someday" as a date'),
        (["portfolio", "--sections", "summary,charts"], "no section charts"),
        (["portfolio", "--status", "active"], "--status takes one of"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    sample_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "x.pdf"
    code = main(["report", *args, "-o", str(out), "--db", sample_file])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("accord: error: ") and err.count("\n") == 1
    assert message in err
    assert not out.exists()


def test_missing_folder_is_refused(
    sample_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "x.pdf"
    assert main(["report", "portfolio", "-o", str(out), "--db", sample_file]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_runs_headless_without_a_display(sample_file: str, tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = tmp_path / "headless.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "report", "agreement", CURRENT,
         "-o", str(out), "--db", sample_file],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert PdfReader(out).pages
