"""Calendar speed: export and import of 10,000 milestones, each against icalendar in the same run.

    uv run python tests/benchmarks/bench_ics.py [--count N] [--runs N] [--json FILE]

Targets (issue 9), medians of several runs on the same machine:

* export 10,000 milestones, database to file, in ≤ 1.0 s, and ≥ 3× faster than building
  and serialising the same events with icalendar's Calendar/Event objects (timed in the
  same run, alternating with ours), with identical events when both files are read back;
* import a 10,000-event file (read, preview, apply in one transaction into an empty
  database: what the import dialog does) in ≤ 1.5× the time icalendar alone takes to
  parse the same file (timed in the same run, alternating with ours).

"export again" writes over the published file after a milestone was deleted: the export
reads the file it replaces for the deleted milestone's dates. "import again" re-imports
the same file into the database that now holds it (everything unchanged): the preview's
comparison path. peak_mb is the growth of the resident set during one extra run in a
forked child (Linux; null elsewhere). `--json FILE` writes the rows as a list of
{measure, median_s, min_s, max_s, peak_mb, target, baseline_s}.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT, ROOT / "tests" / "ics"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import icalendar  # noqa: E402
from ics_testdata import add_many  # noqa: E402
from sqlalchemy import select  # noqa: E402
from test_ics_perf import read_back, with_icalendar  # noqa: E402

from db.edits import Delete  # noqa: E402
from db.models import Milestone  # noqa: E402
from db.sample import load_sample  # noqa: E402
from db.session import Database, open_database  # noqa: E402
from desktop.ics.export import ExportScope, collect, export_file  # noqa: E402
from desktop.ics.importer import apply_import, parse_ics, preview  # noqa: E402


def _rss_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _release_free_memory() -> None:
    """Hands memory freed by earlier runs back to the system, so a measured run grows the
    resident set by what it needs instead of reusing what is already resident."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to hand back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def peak_mb(fn: Callable[[], object]) -> float | None:
    """Growth of the resident set while `fn` runs once, in a forked child (Linux only).

    The child resets its high-water mark (/proc/self/clear_refs), runs `fn` and reports
    VmHWM minus the resident set it started with: real memory, SQLite's included, with
    no tracing overhead on the timed runs.
    """
    if not hasattr(os, "fork") or _rss_kb("VmHWM") is None:
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without cleanup handlers
        code = 1
        try:
            os.close(read_end)
            _release_free_memory()
            Path("/proc/self/clear_refs").write_text("5")
            start = _rss_kb("VmRSS") or 0
            fn()
            os.write(write_end, str((_rss_kb("VmHWM") or 0) - start).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not text:
        return None
    return round(int(text) / 1024, 1)


class Timer:
    """Wall-clock times of one measure, kept for median, min and max."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def time(self, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = fn()
        self.times.append(time.perf_counter() - start)
        return result

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def row(
    measure: str, timer: Timer, target: str, baseline: Timer | None, peak: float | None
) -> dict[str, Any]:
    return {
        "measure": measure,
        "median_s": round(timer.median, 4),
        "min_s": round(min(timer.times), 4),
        "max_s": round(max(timer.times), 4),
        "peak_mb": peak,
        "target": target,
        "baseline_s": round(baseline.median, 4) if baseline is not None else None,
    }


def icalendar_parse(data: bytes) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return icalendar.Calendar.from_ical(data)


def import_into(db: Database, data: bytes) -> Any:
    """What the import dialog does: read the file, preview it, apply it in one transaction."""
    parsed = parse_ics(data)
    with db.sessions() as s:
        preview(s, parsed)
    result, _changes = db.run(apply_import, parsed)
    return result


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="milestones (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each import measure")
    parser.add_argument("--export-runs", type=int, default=5, help="runs of the export")
    parser.add_argument("--json", metavar="FILE", help="write the rows as JSON to FILE")
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = []
    checks: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        db = open_database(tmp / "bench.db")
        with db.transaction() as s:
            load_sample(s)
        add_many(db, args.count)
        scope = ExportScope()

        # --- export: database to file, against icalendar's objects -----------------------
        out = tmp / "calendar.ics"

        def export() -> bytes:
            out.unlink(missing_ok=True)  # a new file each time: no previous file to read
            return export_file(db, scope, out)[1]

        with db.sessions() as s:
            plan = collect(s, scope)
        ours, theirs = Timer(), Timer()
        data = baseline = b""
        for run in range(max(args.export_runs, 1)):
            data = ours.time(export)
            if run < max(args.runs, 1):
                baseline = theirs.time(lambda: with_icalendar(plan))
        same = read_back(data) == read_back(baseline)
        checks.append(f"export: {plan.count} events, {len(data) / 1e6:.1f} MB; identical "
                      f"events read back from both files: {same}")  # fmt: skip
        ratio = theirs.median / ours.median
        checks.append(f"export: icalendar objects / ours = {ratio:.1f}× (target ≥ 3×)")
        rows.append(
            row(
                f"export {plan.count} events, database to file",
                ours,
                f"≤ 1.0 s and ≥ 3× faster than the baseline; identical events: {same}",
                theirs,
                peak_mb(export),
            )
        )
        rows.append(
            row("baseline: icalendar Calendar/Event objects, same events", theirs, "", None, None)
        )

        # --- export over the published file after a deletion (reads the file it replaces) --
        with db.sessions() as s:
            doomed = s.scalars(select(Milestone.id).order_by(Milestone.id.desc()).limit(1)).one()
        db.run(Delete("milestone", doomed).apply)
        published = tmp / "published.ics"
        export_file(db, scope, published)
        again = Timer()
        for _ in range(max(args.runs, 1)):
            again.time(lambda: export_file(db, scope, published))
        rows.append(
            row(
                "export again over the published file, one milestone deleted", again, "", None, None
            )
        )
        db.close()

        # --- import: read + preview + apply, against icalendar's parse ---------------------
        ours, again, theirs = Timer(), Timer(), Timer()
        created: set[int] = set()
        changed_again = 0
        for run in range(max(args.runs, 1)):
            target = open_database(tmp / f"import-{run}.db")
            created.add(ours.time(lambda target=target: import_into(target, data)).created)
            theirs.time(lambda: icalendar_parse(data))
            second = again.time(lambda target=target: import_into(target, data))
            changed_again += second.created + second.updated
            target.close()
        checks.append(f"import: {', '.join(map(str, sorted(created)))} new milestones per run; "
                      f"the second import of the same file changed {changed_again}")  # fmt: skip
        ratio = ours.median / theirs.median
        checks.append(f"import: ours / icalendar's parse = {ratio:.2f}× (target ≤ 1.5×)")

        def import_once() -> None:
            target = open_database(tmp / "import-peak.db")
            import_into(target, data)
            target.close()

        rows.append(
            row(
                f"import a {plan.count}-event file (read, preview, apply) into an empty database",
                ours,
                "≤ 1.5× the baseline",
                theirs,
                peak_mb(import_once),
            )
        )
        rows.append(row("import the same file again (all unchanged)", again, "", theirs, None))
        rows.append(
            row("baseline: icalendar Calendar.from_ical, same file", theirs, "", None, None)
        )

    width = max(len(r["measure"]) for r in rows)
    print(f"{'measure':{width}}  {'median s':>9} {'min s':>8} {'max s':>8} {'peak MB':>8}  target")
    for r in rows:
        peak = "" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
        print(
            f"{r['measure']:{width}}  {r['median_s']:9.3f} {r['min_s']:8.3f} {r['max_s']:8.3f} "
            f"{peak:>8}  {r['target']}"
        )
    for line in checks:
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return rows


if __name__ == "__main__":
    main()
