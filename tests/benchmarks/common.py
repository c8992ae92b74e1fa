"""What every benchmark script shares: options, statistics, peak memory, the --json rows.

Each bench_*.py accepts `--json FILE` and writes a list of rows
{"measure", "median_s", "min_s", "max_s", "peak_mb", "target", "baseline_s"}, which
tests/benchmarks/run.py gathers into one table. `target` is text such as "≤ 1.5 s" or
"≤ 2× baseline"; run.py judges it against the median (and the baseline, when given).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    measure: str
    median_s: float
    min_s: float
    max_s: float
    peak_mb: float | None = None
    target: str = ""
    baseline_s: float | None = None

    @classmethod
    def of(
        cls,
        measure: str,
        seconds: Sequence[float],
        *,
        target: str = "",
        peak_mb: float | None = None,
        baseline: Sequence[float] | float | None = None,
    ) -> Row:
        base: float | None
        if baseline is None or isinstance(baseline, float | int):
            base = baseline
        else:
            base = statistics.median(baseline)
        return cls(
            measure,
            statistics.median(seconds),
            min(seconds),
            max(seconds),
            peak_mb,
            target,
            base,
        )


def parser(description: str, *, repeat: int = 5) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--json", type=Path, help="also write the rows to this file (for run.py)")
    p.add_argument("--repeat", type=int, default=repeat, help="runs per measure")
    p.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    return p


def runs(args: argparse.Namespace, quick: int = 2) -> int:
    return min(args.repeat, quick) if args.quick else args.repeat


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children), in MB.

    On Linux this process's own peak is VmHWM: ru_maxrss survives exec, so a child would
    report its parent's peak when that was higher (say, after building a database)."""
    status = Path("/proc/self/status")
    if not children and status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    kb = resource.getrusage(who).ru_maxrss  # KiB on Linux, bytes on macOS
    return kb / 1024 / (1024 if sys.platform == "darwin" else 1)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def emit(rows: list[Row], json_path: Path | None) -> None:
    """Print the rows as a small table and write them as JSON when asked."""
    width = max([len(r.measure) for r in rows] + [10])
    print(f"{'measure':<{width}}  {'median':>9} {'min':>9} {'max':>9} {'peak MB':>8}  target")
    for r in rows:
        peak = "" if r.peak_mb is None else f"{r.peak_mb:.0f}"
        base = "" if r.baseline_s is None else f"  (baseline {r.baseline_s:.3f} s)"
        print(
            f"{r.measure:<{width}}  {r.median_s:>8.3f}s {r.min_s:>8.3f}s {r.max_s:>8.3f}s "
            f"{peak:>8}  {r.target}{base}"
        )
    if json_path is not None:
        json_path.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")


def quiet_environment(home: Path) -> dict[str, str]:
    """A child's environment: offscreen Qt and user folders (settings, backups) in `home`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        env[var] = str(home / sub)
    env.pop("ACCORD_DB", None)
    # An installed Accord runs from compiled bytecode; this shell may forbid writing it
    # (PYTHONDONTWRITEBYTECODE), which would make every child compile every module.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = "/tmp/accord-bench/pycache"
    return env
