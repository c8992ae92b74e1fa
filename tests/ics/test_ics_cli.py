"""`accord export-ics` and `accord import-ics` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import icalendar
import pytest
from ics_testdata import FIXTURES

from desktop import cli

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db_file(db_path: Path) -> str:
    assert cli.main(["init", "--sample", "--db", str(db_path)]) == 0
    return str(db_path)


def summaries(path: Path) -> set[str]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}


def test_export_everything(
    db_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "all.ics"
    code, out, err = run(capsys, "export-ics", "-o", str(out_file), "--db", db_file)
    assert code == 0, err
    assert out.splitlines()[0] == f"Wrote 13 events to {out_file}."
    assert "Left out: 2 undated (TBD)." in out
    assert "Thesis Day (fall 2024)" in summaries(out_file)


def test_export_filters(db_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "f.ics"
    code, out, err = run(
        capsys,
        "export-ics", "-o", str(out_file), "--db", db_file,
        "--agreement", "Strategic partnership agreement 2025–2029",
        "--focus-area", "Promoting learning", "--from", "2025", "--to", "Q2 2025", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["events"] == 1
    assert summaries(out_file) == {"Open-for-all event series (early 2025)"}
    code, out, err = run(
        capsys, "export-ics", "-o", str(out_file), "--db", db_file, "--exact-only", "--json"
    )
    counts = json.loads(out)
    assert (counts["events"], counts["left_out_approximate"]) == (1, 12)
    assert summaries(out_file) == {"Signing of the 2020–2025 extension"}


def test_export_to_standard_output(
    db_file: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    capsysbinary.readouterr()
    assert cli.main(["export-ics", "-o", "-", "--db", db_file, "--no-terms"]) == 0
    out, err = capsysbinary.readouterr()
    assert out.startswith(b"BEGIN:VCALENDAR\r\n") and out.endswith(b"END:VCALENDAR\r\n")
    assert b"Wrote 5 events to standard output." in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--agreement", "No such agreement"], "No agreement has"),
        (["--focus-area", "Knitting"], 'No focus area has the id or name "Knitting"'),
        (["--from", "the 32nd of Smarch"], "--from: Could not read"),
        (["--from", "2026", "--to", "2025"], "is before --from"),
        (["--review-months", "-1"], "must be 0 or more"),
    ],
)
def test_export_bad_input_is_one_line_exit_2(
    db_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, _, err = run(capsys, "export-ics", "-o", str(tmp_path / "x.ics"), "--db", db_file, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accord: error:") and words in lines[0], err
    assert not (tmp_path / "x.ics").exists()


def test_import_dry_run_then_import_then_unchanged(
    db_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(FIXTURES / "google-calendar.ics")
    target = "Strategic partnership agreement 2025–2029"
    code, out, err = run(
        capsys, "import-ics", path, "--db", db_file, "--agreement", target, "--dry-run"
    )
    assert code == 0, err
    assert "NEW" in out and "3 new, 0 updated, 0 unchanged" in out
    assert "Nothing imported (--dry-run)." in out
    _, listed, _ = run(capsys, "list", "milestones", "--json", "--db", db_file)
    assert "Espoo-päivä" not in listed
    code, out, err = run(capsys, "import-ics", path, "--db", db_file, "--agreement", target)
    assert code == 0 and out.rstrip().endswith("Imported."), err
    _, listed, _ = run(capsys, "list", "milestones", "--json", "--db", db_file)
    assert "Espoo-päivä" in listed
    code, out, _ = run(capsys, "import-ics", path, "--db", db_file, "--json")
    report = json.loads(out)
    assert report["counts"]["unchanged"] == 3 and report["counts"]["new"] == 0
    assert {e["action"] for e in report["events"]} == {"unchanged"}


def test_import_without_agreement_names_the_problem(
    db_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import-ics", str(FIXTURES / "apple-calendar.ics"), "--db", db_file)
    assert code == 2 and "--agreement REF" in err and "line" in err


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("truncated.ics", "line 14: the file ends inside the VEVENT begun on line 10"),
        ("bad-date.ics", 'line 9: DTEND "20251345T120000" cannot be read as a date'),
        ("not-icalendar.ics", "line 1: this is not an iCalendar file"),
    ],
)
def test_broken_file_one_line_exit_2_nothing_imported(
    db_file: str, capsys: pytest.CaptureFixture[str], name: str, words: str
) -> None:
    _, before, _ = run(capsys, "list", "milestones", "--json", "--db", db_file)
    code, out, err = run(
        capsys, "import-ics", str(FIXTURES / name), "--db", db_file, "--agreement", "1"
    )
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accord: error:") and words in lines[0], err
    _, after, _ = run(capsys, "list", "milestones", "--json", "--db", db_file)
    assert after == before


BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys
    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError("Qt is blocked in this test: " + name)
            return None
    sys.meta_path.insert(0, BlockQt())
    """
)


def test_commands_run_headless_without_qt(db_file: str, tmp_path: Path) -> None:
    out_file = tmp_path / "h.ics"
    code = BLOCK_QT + textwrap.dedent(
        f"""
        from desktop.cli import main
        assert main(["export-ics", "-o", {str(out_file)!r}, "--db", {db_file!r}]) == 0
        assert main(["import-ics", {str(out_file)!r}, "--db", {db_file!r}, "--dry-run"]) == 0
        assert "PySide6" not in sys.modules
        print("headless ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "headless ok" in result.stdout and "13 unchanged" in result.stdout


def test_the_installed_script(db_file: str, tmp_path: Path) -> None:
    accord = Path(sys.executable).parent / ("accord.exe" if sys.platform == "win32" else "accord")
    out_file = tmp_path / "s.ics"
    done = subprocess.run(
        [str(accord), "export-ics", "--db", db_file, "-o", str(out_file)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    broken = subprocess.run(
        [str(accord), "import-ics", str(FIXTURES / "truncated.ics"), "--db", db_file],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert broken.returncode == 2
    assert broken.stderr.count("\n") == 1 and "line 14" in broken.stderr
