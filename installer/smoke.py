"""Smoke test of a built bundle: is everything Accord needs inside, and does it run?

    uv run python -m installer.smoke dist/Accord        # Windows, Linux
    uv run python -m installer.smoke dist/Accord.app    # macOS

It looks for the files a bundle can miss without any import failing (resources, Qt
plugins, translations, migrations), then runs the bundle as a user would, in a temporary
folder: --version, init --sample, list, export-ics, import-ics --dry-run, report … -o x.pdf,
check, and the window offscreen (`--smoke-test`, desktop/launch.py). Every failure is
named; the exit code is 1 if there is any. Only the standard library is used here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from installer.bundle_filter import QT_TRANSLATION_LANGUAGES
from installer.project import APP_NAME, BUNDLED_RESOURCES, CLI_EXE, GUI_EXE, ROOT, read_project

TIMEOUT = 180  # seconds per command; a first start on a cold disk can be slow

#: Qt plugins the bundle must have (platform names are per system), as path fragments.
REQUIRED_PLUGINS = {
    "all": ("platforms/{lib}qoffscreen", "imageformats/{lib}qsvg", "iconengines/{lib}qsvgicon"),
    "win32": ("platforms/qwindows",),
    "darwin": ("platforms/libqcocoa",),
    "linux": ("platforms/libqxcb",),
}
#: What trimming keeps out; finding one means the exclusions stopped working.
FORBIDDEN = (
    "WebEngine",
    "Qt6Quick",
    "Qt6Qml",
    "QtQuick.",
    "QtQml.",
    "Qt6Network",
    "QtNetwork.",
    "/qmltooling/",
    "/tls/",
    "opengl32sw",
    "/geodata/",
)


@dataclass
class Bundle:
    root: Path  # dist/Accord or dist/Accord.app
    gui: Path
    cli: Path
    files: list[str] = field(default_factory=list)  # every file, relative, with "/"

    @classmethod
    def at(cls, root: Path) -> Bundle:
        root = root.resolve()
        if root.suffix == ".app":
            gui = cli = root / "Contents" / "MacOS" / GUI_EXE
        else:
            suffix = ".exe" if sys.platform == "win32" else ""
            gui, cli = root / f"{GUI_EXE}{suffix}", root / f"{CLI_EXE}{suffix}"
        files = sorted(
            p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()
        )
        return cls(root, gui, cli, files)

    def has(self, fragment: str) -> bool:
        return any(fragment in f for f in self.files)

    def size(self) -> int:
        """Bytes on disk, symlinks (macOS .app) counted once."""
        return sum(
            (self.root / f).stat().st_size for f in self.files if not (self.root / f).is_symlink()
        )


def missing_files(bundle: Bundle) -> list[str]:
    """Files of the checkout and Qt's that the bundle must contain, and trimmed ones it
    must not."""
    problems = []
    for folder in BUNDLED_RESOURCES:
        for path in sorted((ROOT / "resources" / folder).rglob("*")):
            if path.is_file():
                rel = path.relative_to(ROOT).as_posix()
                if not bundle.has(rel):
                    problems.append(f"missing from the bundle: {rel}")
    for path in sorted((ROOT / "db" / "migrations").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if path.name != "new_revision.py" and "__pycache__" not in rel and not bundle.has(rel):
            problems.append(f"missing from the bundle: {rel} (Alembic reads it as a file)")
    lib = "" if sys.platform == "win32" else "lib"
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    for fragment in (*REQUIRED_PLUGINS["all"], *REQUIRED_PLUGINS.get(platform, ())):
        fragment = fragment.format(lib=lib)
        if not bundle.has(f"plugins/{fragment}."):
            problems.append(f"missing from the bundle: the Qt plugin {fragment}")
    for language in QT_TRANSLATION_LANGUAGES:
        if not bundle.has(f"translations/qtbase_{language}.qm"):
            problems.append(f"missing from the bundle: Qt's translation qtbase_{language}.qm")
    for name in FORBIDDEN:
        hits = [f for f in bundle.files if name in f]
        if hits:
            problems.append(f"trimmed part in the bundle: {hits[0]} (and {len(hits) - 1} more)")
    for exe in {bundle.gui, bundle.cli}:
        if not exe.is_file():
            problems.append(f"missing from the bundle: the program {exe.name}")
    return problems


def _environment(home: Path) -> dict[str, str]:
    """The user's environment with every per-user folder in `home`. Commands choose Qt's
    platform as they do for users (reports go offscreen without a display)."""
    env = dict(os.environ)
    env.pop("ACCORD_DB", None)
    env["HOME"] = str(home)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    return env


@dataclass
class Step:
    name: str
    ok: bool
    detail: str


def _run(exe: Path, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [str(exe), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            cwd=cwd,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, -9, exc.stdout or "", "timed out")


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_steps(bundle: Bundle, work: Path) -> list[Step]:
    """Runs the bundle as a user would; each step is judged by its output, not only its
    exit code."""
    env = _environment(work / "home")
    db = work / "accord.db"
    steps: list[Step] = []
    version = read_project().version

    def step(
        name: str, exe: Path, args: list[str], judge=None, offscreen: bool = False
    ) -> subprocess.CompletedProcess:
        result = _run(exe, args, dict(env, QT_QPA_PLATFORM="offscreen") if offscreen else env, work)
        problem = None
        if result.returncode != 0:
            problem = f"exit code {result.returncode}"
        elif judge is not None:
            problem = judge(result)
        detail = (
            f"{problem}\n{_tail(result.stdout)}\n{_tail(result.stderr)}".strip()
            if problem
            else _tail(result.stdout, 1)
        )
        steps.append(Step(name, problem is None, detail))
        return result

    step(
        "--version",
        bundle.cli,
        ["--version"],
        lambda r: None if r.stdout.strip() == f"accord {version}" else f"not 'accord {version}'",
    )
    init = step(
        "init --sample",
        bundle.cli,
        ["init", "--sample", "--db", str(db)],
        lambda r: None if "sample partnership" in r.stdout else "no sample added",
    )
    if init.returncode != 0:
        return steps  # nothing else can work without the database
    listed = step(
        "list agreements --json", bundle.cli, ["list", "agreements", "--json", "--db", str(db)]
    )
    try:
        agreement = str(json.loads(listed.stdout)[-1]["id"])
    except (ValueError, LookupError, TypeError):
        agreement = "1"
    ics = work / "partnership.ics"
    step(
        "export-ics",
        bundle.cli,
        ["export-ics", "-o", str(ics), "--db", str(db)],
        lambda r: (
            None
            if ics.is_file() and "BEGIN:VEVENT" in ics.read_text(encoding="utf-8")
            else "no events written"
        ),
    )
    if ics.is_file():
        step(
            "import-ics --dry-run",
            bundle.cli,
            ["import-ics", str(ics), "--agreement", agreement, "--dry-run", "--db", str(db)],
            lambda r: (
                None if "UNCHANGED" in r.stdout else "the exported events were not recognised"
            ),
        )
    pdf = work / "dossier.pdf"
    step(
        "report agreement -o x.pdf",
        bundle.cli,
        ["report", "agreement", agreement, "-o", str(pdf), "--db", str(db)],
        lambda r: _pdf_problem(pdf),
    )
    step("check", bundle.cli, ["check", "--db", str(db)])
    step(
        "window (--smoke-test)",
        bundle.gui,
        ["--smoke-test", "--db", str(db)],
        _window_problem,
        offscreen=True,  # no window shows on a build machine's desktop
    )
    return steps


def _window_problem(result: subprocess.CompletedProcess) -> str | None:
    """Exit code 0 means painted and checked (desktop/launch.py); the windowed Windows
    program may have no stdout to say so, everywhere else it must."""
    if "painted its window" in result.stdout:
        return None
    if sys.platform == "win32" and not result.stdout.strip():
        return None
    return "the window did not report"


#: Fonts every report uses, by PostScript name (the files are in resources/fonts).
REPORT_FONTS = ("DejaVuSans", "DejaVuSans-Bold")


def _pdf_problem(pdf: Path) -> str | None:
    if not pdf.is_file():
        return "no PDF written"
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        return "not a PDF"
    # Qt names embedded fonts in plain (uncompressed) font dictionaries.
    embedded = {m.decode() for m in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", data)}
    missing = [f for f in REPORT_FONTS if f not in embedded]
    if missing:
        return f"fonts not embedded: {', '.join(missing)} (embedded: {sorted(embedded)})"
    return None


def smoke_test(root: Path, work: Path | None = None) -> tuple[list[str], list[Step]]:
    """(missing or forbidden files, steps run); both empty of failures when all is well."""
    bundle = Bundle.at(root)
    problems = missing_files(bundle)
    if not bundle.cli.is_file():
        return problems, []
    with tempfile.TemporaryDirectory(prefix="accord-smoke-") as tmp:
        return problems, run_steps(bundle, Path(work or tmp))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    default = ROOT / "dist" / (f"{APP_NAME}.app" if sys.platform == "darwin" else APP_NAME)
    root = Path(args[0]) if args else default
    if not root.exists():
        print(f"smoke: no bundle at {root}; build it with: uv run python -m installer.build")
        return 2
    problems, steps = smoke_test(root)
    for problem in problems:
        print(f"FAIL  {problem}")
    for s in steps:
        print(f"{'ok  ' if s.ok else 'FAIL'}  {s.name}: {s.detail}")
    passed = sum(s.ok for s in steps)
    failed = len(problems) + len(steps) - passed
    size = Bundle.at(root).size() / 2**20
    print(f"smoke test of {root} ({size:.1f} MiB): {passed} steps passed, {failed} problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
