"""Run every benchmark and print one table: the command behind README's "Performance".

    uv run python tests/benchmarks/run.py [--size large|medium] [--repeat N] [--quick]
                                          [--only NAME ...] [--json FILE]

Each tests/benchmarks/bench_*.py runs in its own process with `--json FILE` (and with
--size, --repeat and --quick when its --help offers them); their rows are gathered into
one table: median, min and max of the runs, peak memory, the target, the verdict and the
ratio to the baseline measured in the same run. The synthetic databases are built first
(cached under /tmp/accord-bench/; tests/benchmarks/synthetic.py). Not part of the test
run: pytest ignores this folder, and no figure here is asserted by a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

_CLAUSE = re.compile(
    r"(?P<stat>max|p9\d)?\s*(?P<op>≤|<=|≥|>=)\s*(?P<value>[\d.,]+)\s*(?P<unit>ms|s|MB|×)"
)


def judge(row: dict[str, Any]) -> str:
    """ok / MISSED / "" (information only) for a row's target text."""
    target = str(row.get("target") or "")
    if not target or target.startswith("(info)"):
        return ""
    verdicts = []
    for clause in re.split(r",| and ", target):
        found = _CLAUSE.search(clause)
        if not found:
            continue  # words, not a figure ("identical events: True")
        value = float(found["value"].replace(",", ""))
        unit, op = found["unit"], found["op"]
        measured = row["max_s"] if found["stat"] == "max" else row["median_s"]
        if unit == "MB":
            measured, limit = row.get("peak_mb"), value
        elif unit == "×":
            base = row.get("baseline_s")
            if not base:
                return "?"
            # "≤ 2× baseline": at most twice the baseline; "≥ 3×": baseline/ours at least 3
            measured = measured / base if op in ("≤", "<=") else base / measured
            limit = value
        else:
            limit = value / 1000 if unit == "ms" else value
        if measured is None:
            return "?"
        verdicts.append(measured <= limit if op in ("≤", "<=") else measured >= limit)
    if not verdicts:
        return ""  # no figure to meet: information
    return "ok" if all(verdicts) else "MISSED"


def options_of(script: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=ROOT
    )
    return done.stdout


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    from PySide6 import __version__ as pyside
    from sqlalchemy import __version__ as sqlalchemy

    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, PySide6 {pyside}, SQLAlchemy {sqlalchemy}"
        f"{load}"
    )


def table(rows: list[dict[str, Any]]) -> str:
    width = max([len(r["measure"]) for r in rows] + [20])
    lines = [
        f"| {'measure':<{width}} | median | min | max | peak MB | target | verdict | × baseline |",
        f"|{'-' * (width + 2)}|-------:|----:|----:|--------:|--------|---------|-----------:|",
    ]

    def sec(value: float) -> str:
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"

    for r in rows:
        peak = "" if r.get("peak_mb") is None else f"{r['peak_mb']:.0f}"
        base = r.get("baseline_s")
        ratio = f"{r['median_s'] / base:.2f}" if base else ""
        lines.append(
            f"| {r['measure']:<{width}} | {sec(r['median_s'])} | {sec(r['min_s'])} | "
            f"{sec(r['max_s'])} | {peak} | {r.get('target') or ''} | {judge(r)} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=("large", "medium"), help="database for the scale measures")
    p.add_argument("--repeat", type=int, help="runs per measure (each script has a default)")
    p.add_argument("--quick", action="store_true", help="fewest runs: a smoke test")
    p.add_argument("--only", nargs="*", help="bench names to run, e.g. startup search")
    p.add_argument("--json", type=Path, help="also write every row to this file")
    args = p.parse_args(argv)

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    print("synthetic databases …", flush=True)
    sizes = ["small", args.size or "large"]
    subprocess.run([sys.executable, str(HERE / "synthetic.py"), *sizes], check=True, env=env)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    rows: list[dict[str, Any]] = []
    failed: list[str] = []
    skipped: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for script in scripts:
            out = Path(tmp) / f"{script.stem}.json"
            offered = options_of(script)
            if "--json" not in offered:
                print(f"\n== {script.name} ==  skipped: it has no --json option", flush=True)
                skipped.append(script.name)
                continue
            command = [sys.executable, str(script), "--json", str(out)]
            if args.quick and "--quick" in offered:
                command.append("--quick")
            if args.repeat and "--repeat" in offered:
                command += ["--repeat", str(args.repeat)]
            if args.size and "--size" in offered:
                command += ["--size", args.size]
            print(f"\n== {script.name} ==  {' '.join(command[2:])}", flush=True)
            t0 = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, env=env)
            print(f"({time.perf_counter() - t0:.0f} s)", flush=True)
            if done.returncode != 0 or not out.exists():
                failed.append(script.name)
                continue
            for row in json.loads(out.read_text(encoding="utf-8")):
                row.setdefault("peak_mb", None)
                row.setdefault("baseline_s", None)
                row.setdefault("target", "")
                rows.append(row)
    print(f"\nAll benchmarks, {time.perf_counter() - started:.0f} s; {machine()}\n")
    print(table(rows))
    if skipped:
        print(f"\nSkipped (no --json rows): {', '.join(skipped)}")
    if failed:
        print(f"\nFAILED to run: {', '.join(failed)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
