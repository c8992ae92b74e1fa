"""Build Accord for the platform this runs on: `uv run python -m installer.build`.

1. dist/Accord/ (Windows, Linux) or dist/Accord.app (macOS): the PyInstaller onedir bundle
   made by installer/accord.spec, then its smoke test (installer/smoke.py) unless
   --no-smoke-test.
2. Windows: dist/Accord-VERSION-setup.exe, when Inno Setup's ISCC.exe is found.
   macOS: dist/Accord-VERSION.dmg, when hdiutil is there; signed and notarised when
   ACCORD_CODESIGN_IDENTITY (and ACCORD_NOTARY_PROFILE) are set, see installer/macos/.

Options: --dist DIR, --work DIR (PyInstaller's cache, default build/), --untrimmed (to
measure what the exclusions in installer/bundle_filter.py save), --no-smoke-test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from importlib.metadata import version as installed_version
from pathlib import Path

from installer.project import APP_NAME, ROOT, read_project

SPEC = ROOT / "installer" / "accord.spec"
#: Where Inno Setup's installer (and Chocolatey's `innosetup`) puts the compiler.
ISCC_FOLDERS = (r"C:\Program Files (x86)", r"C:\Program Files")


def size_mib(path: Path) -> float:
    """Bytes on disk of a folder (symlinks once), in MiB."""
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20


def build_bundle(dist: Path, work: Path, *, trim: bool = True) -> Path:
    """Runs PyInstaller on the spec; returns dist/Accord or dist/Accord.app."""
    project = read_project()
    if installed_version("accord") != project.version:  # the bundle copies this metadata
        raise SystemExit(
            f"build: the installed accord is {installed_version('accord')}, pyproject.toml "
            f"says {project.version}: run `uv sync` first"
        )
    env = dict(os.environ, ACCORD_BUNDLE_TRIM="1" if trim else "0")
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm"]
    command += ["--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN"]
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    name = f"{APP_NAME}.app" if sys.platform == "darwin" else APP_NAME
    return dist / name


def find_iscc() -> str | None:
    if found := shutil.which("iscc"):
        return found
    for folder in ISCC_FOLDERS:
        compilers = sorted(Path(folder).glob("Inno Setup */ISCC.exe"))
        if compilers:
            return str(compilers[-1])
    return None


def build_windows_installer(bundle: Path, dist: Path, work: Path) -> Path | None:
    iscc = find_iscc()
    if iscc is None:
        print(
            "build: Inno Setup (ISCC.exe) not found: no installer made; `choco install innosetup`"
        )
        return None
    project = read_project()
    numeric = ".".join(str(n) for n in project.version_tuple)
    subprocess.run(
        [
            iscc,
            "/Qp",
            f"/DAppVersion={project.version}",
            f"/DAppVersionNumeric={numeric}",
            f"/DSourceDir={bundle}",
            f"/DOutputDir={dist}",
            f"/DSetupIcon={work / 'accord' / 'generated' / 'accord.ico'}",
            str(ROOT / "installer" / "windows" / "accord.iss"),
        ],
        check=True,
    )
    return dist / f"{APP_NAME}-{project.version}-setup.exe"


def build_dmg(bundle: Path, dist: Path) -> Path | None:
    if shutil.which("hdiutil") is None:
        print("build: hdiutil not found: no disk image made")
        return None
    dmg = dist / f"{APP_NAME}-{read_project().version}.dmg"
    script = ROOT / "installer" / "macos" / "make-dmg.sh"
    subprocess.run(["bash", str(script), str(bundle), str(dmg)], check=True)
    return dmg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.build", description=__doc__)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--untrimmed", action="store_true", help="no exclusions (to measure)")
    parser.add_argument("--no-smoke-test", action="store_true")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()

    started = time.monotonic()
    bundle = build_bundle(dist, work, trim=not args.untrimmed)
    seconds = time.monotonic() - started
    print(f"build: {bundle} ({size_mib(bundle):.1f} MiB) in {seconds:.0f} s")
    if not args.no_smoke_test:
        from installer import smoke

        if smoke.main([str(bundle)]) != 0:
            return 1
    made = None
    if sys.platform == "win32":
        made = build_windows_installer(bundle, dist, work)
    elif sys.platform == "darwin":
        made = build_dmg(bundle, dist)
    if made is not None:
        print(f"build: {made} ({made.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
