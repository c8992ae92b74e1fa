"""The `accord` command end to end, as a user runs it (a real process, a real file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli

ROOT = Path(__file__).resolve().parent.parent
ACCORD = Path(sys.executable).parent / ("accord.exe" if sys.platform == "win32" else "accord")


def accord(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    if env_db is not None:
        env["ACCORD_DB"] = str(env_db)
    return subprocess.run(
        [str(ACCORD), *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_version() -> None:
    result = accord("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("accord 0.")


def test_init_sample_then_list_milestones_json(db_path: Path) -> None:
    result = accord("init", "--sample", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "4 agreements" in result.stdout
    listed = accord("list", "milestones", "--json", "--db", str(db_path))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    thesis = next(r for r in rows if r["title"] == "Thesis Day")
    assert thesis["precision"] == "season"
    assert thesis["start"].startswith("2024") and thesis["date_text"] == "fall 2024"
    for key in ("id", "uid", "agreement", "start", "end", "status", "focus_areas"):
        assert key in thesis


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in this process (fast); the subprocess tests above cover the real script."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_shapes(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_main(capsys, "init", "--sample", "--db", str(db_path))[0] == 0
    monkeypatch.setenv("ACCORD_DB", str(db_path))
    out = {}
    for what in ("agreements", "focus-areas", "milestones", "contacts"):
        code, stdout, err = run_main(capsys, "list", what, "--json")
        assert code == 0, err
        out[what] = json.loads(stdout)
        assert out[what] and all({"id", "uid"} <= set(r) for r in out[what])
    agreement = out["agreements"][-1]
    assert {"title", "parties", "term_start", "term_end", "status", "renews"} <= set(agreement)
    assert agreement["renews"] == out["agreements"][-2]["id"]
    assert agreement["parties"] == ["City of Espoo", "Aalto University"]
    assert agreement["term_start"] == "2025-01-01" and agreement["term_end"] == "2029-12-31"
    assert all("agreement" in f and "name" in f for f in out["focus-areas"])
    assert all("name" in c for c in out["contacts"])


def test_list_filtered_by_agreement_title(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["init", "--sample", "--db", str(db_path)])
    capsys.readouterr()
    title = "Strategic partnership agreement 2025–2029"
    assert (
        cli.main(["list", "focus-areas", "--agreement", title, "--json", "--db", str(db_path)]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert cli.main(["list", "milestones", "--db", str(db_path)]) == 0
    table = capsys.readouterr().out
    assert "Thesis Day" in table and "fall 2024" in table


def test_sample_only_into_an_empty_database(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(capsys, "init", "--sample", "--db", str(db_path))[0] == 0
    code, _, err = run_main(capsys, "init", "--sample", "--db", str(db_path))
    assert code == 2
    assert err.startswith("accord: error:") and "already holds agreements" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["list", "milestones", "--agreement", "No such agreement"], "No agreement has"),
        (["list", "things"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        (["list", "agreements", "--db", "notadb://x"], "database"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    db_path: Path,
    args: list[str],
    words: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_main(capsys, "init", "--db", str(db_path))
    monkeypatch.setenv("ACCORD_DB", str(db_path))
    code, _, err = run_main(capsys, *args)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accord: error:"), err
    assert words in lines[0]


def test_bad_input_from_the_real_script(db_path: Path) -> None:
    missing = accord("list", "milestones", "--db", str(db_path))
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"accord: error: There is no database at {db_path}.")
    assert not db_path.exists()
    assert cli.main(["init", "--db", str(db_path)]) == 0
    result = accord("list", "milestones", "--agreement", "Nope", "--db", str(db_path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        'accord: error: No agreement has the id or title "Nope". '
        "List them with: accord list agreements"
    ]


def test_unexpected_failure_exit_1_names_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(cli.COMMANDS, "init", boom)
    assert cli.main(["init"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("accord: error: unexpected failure")
    assert "accord.log" in err and "Traceback" not in err
    log = cli.setup_logging()
    assert "disk on fire" in log.read_text(encoding="utf-8")


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(cli.COMMANDS, "init", boom)
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "init"])
