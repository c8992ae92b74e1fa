"""The Linux bundle, built as installers build theirs and run headless (installer/smoke.py).

One PyInstaller build per test session (a few minutes; its cache lives in build/pytest/),
then the smoke test on it, and on copies with a font, the SVG plugins or a Python module
taken out: those must fail, naming what is missing.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from installer.build import build_bundle, size_mib
from installer.project import ROOT
from installer.smoke import smoke_test

pytestmark = [
    pytest.mark.timeout(1800),  # the build; pyproject's 300 s is for ordinary tests
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="installers' CI builds there"),
]


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    built = build_bundle(dist, ROOT / "build" / "pytest")
    took = time.monotonic() - started
    print(f"\nbundle: {built} ({size_mib(built):.1f} MiB) built in {took:.0f} s")
    return built


def _copy(bundle: Path, target: Path) -> Path:
    """A copy made of hard links: cheap, and removing a file leaves the original intact."""
    shutil.copytree(bundle, target, symlinks=True, copy_function=os.link)
    return target


def test_bundle_passes_the_smoke_test(bundle: Path) -> None:
    problems, steps = smoke_test(bundle)
    failed = [f"{s.name}: {s.detail}" for s in steps if not s.ok]
    assert problems == [] and failed == []
    assert [s.name for s in steps] == [
        "--version",
        "init --sample",
        "list agreements --json",
        "export-ics",
        "import-ics --dry-run",
        "report agreement -o x.pdf",
        "check",
        "window (--smoke-test)",
    ]


def test_a_missing_font_and_plugin_are_named(bundle: Path, tmp_path: Path) -> None:
    broken = _copy(bundle, tmp_path / "Accord")
    internal = broken / "_internal"
    (internal / "resources" / "fonts" / "DejaVuSans-Bold.ttf").unlink()
    for plugin in ("imageformats/libqsvg.so", "iconengines/libqsvgicon.so"):
        (internal / "PySide6" / "Qt" / "plugins" / plugin).unlink()
    problems, steps = smoke_test(broken)
    assert "missing from the bundle: resources/fonts/DejaVuSans-Bold.ttf" in problems
    assert "missing from the bundle: the Qt plugin imageformats/libqsvg" in problems
    assert "missing from the bundle: the Qt plugin iconengines/libqsvgicon" in problems
    window = steps[-1]
    assert window.name == "window (--smoke-test)" and not window.ok
    assert "icons/accord.svg does not render" in window.detail


def test_a_missing_module_is_named(bundle: Path, tmp_path: Path) -> None:
    broken = _copy(bundle, tmp_path / "Accord")
    (sqlite,) = (broken / "_internal").glob("python3.*/lib-dynload/_sqlite3.*")
    sqlite.unlink()
    problems, steps = smoke_test(broken)
    assert problems == []  # every file the checks know of is there
    init = next(s for s in steps if s.name == "init --sample")
    assert not init.ok
    assert "_sqlite3" in init.detail
