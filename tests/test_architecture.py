"""The layers stay apart: db/ never loads Qt, and headless commands do not either."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys
    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"):
                raise ImportError("Qt is blocked in this test: " + name)
            return None
    sys.meta_path.insert(0, BlockQt())
    """
)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_QT + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_db_module_imports_without_qt() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "db").rglob("*.py")
        if "migrations" not in p.parts
    )
    assert "db.models" in modules and "db.session" in modules
    result = run_python(
        f"""
        import importlib
        for name in {modules!r}:
            importlib.import_module(name)
        print("imported", len({modules!r}))
        """
    )
    assert result.returncode == 0, result.stderr
    assert f"imported {len(modules)}" in result.stdout


def test_blocking_really_blocks_qt() -> None:
    """The guard above must be able to fail: importing the GUI under it does."""
    result = run_python("import desktop.main_window")
    assert result.returncode != 0
    assert "Qt is blocked" in result.stderr


def test_headless_commands_run_without_qt(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = run_python(
        f"""
        from desktop.cli import main
        assert main(["init", "--sample", "--db", {str(db)!r}]) == 0
        assert main(["list", "milestones", "--json", "--db", {str(db)!r}]) == 0
        assert main(["--version"]) == 0
        """
    )
    # --version exits through SystemExit(0) after printing
    assert "accord " in result.stdout
    assert "Qt is blocked" not in result.stderr, result.stderr
    assert "Thesis Day" in result.stdout
