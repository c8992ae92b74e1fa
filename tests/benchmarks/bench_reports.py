"""Benchmark: time to produce report PDFs from the database, with baselines from the same run.

    uv run python tests/benchmarks/bench_reports.py [--repeat 5] [--quick] [--json FILE]

Targets: the dossier of an agreement with 500 milestones in at most 1.5 s, the portfolio of
2,000 agreements in at most 5 s (content from the database, layout, painting, file). The
baselines show what this machine costs for an empty PDF and for Qt's own QTextDocument
printing the same words without any layout rules.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from common import Row, emit, parser, runs  # noqa: E402

TODAY = date(2025, 5, 15)


def _synthetic():  # type: ignore[no-untyped-def]
    path = ROOT / "tests" / "reports" / "synthetic_data.py"
    spec = importlib.util.spec_from_file_location("accord_synthetic_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(work: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return times, result


def _median(work: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = _timed(work, runs)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], repeat=5)
    p.add_argument("--runs", type=int, help="the same as --repeat (older name)")
    args = p.parse_args(argv)
    if args.runs:
        args.repeat = args.runs
    args.runs = runs(args, quick=1)
    json_rows: list[Row] = []

    from PySide6.QtGui import QPageLayout, QPainter, QPdfWriter, QTextDocument

    from db.session import open_database
    from desktop.reports import content
    from desktop.reports.content import ReportOptions
    from desktop.reports.render import ReportRenderer, ensure_gui_application

    app = ensure_gui_application()
    synthetic = _synthetic()
    folder = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    print("building the data …", flush=True)
    one = open_database(folder / "one.db")
    with one.transaction() as session:
        (dossier_id,) = synthetic.build_portfolio(session, 1, 500, today=TODAY)
    many = open_database(folder / "many.db")
    with many.transaction() as session:
        synthetic.build_portfolio(session, 2000, 5, today=TODAY)
    options = ReportOptions(today=TODAY)

    def dossier() -> int:
        with one.sessions() as session:
            report = content.agreement_dossier(session, dossier_id, options)
        return ReportRenderer(report).write_pdf(folder / "dossier.pdf")

    def portfolio() -> int:
        with many.sessions() as session:
            report = content.portfolio(session, options)
        return ReportRenderer(report).write_pdf(folder / "portfolio.pdf")

    def content_only(db, build) -> Callable[[], object]:  # type: ignore[no-untyped-def]
        def run() -> object:
            with db.sessions() as session:
                return build(session)

        return run

    def empty_pdf() -> int:
        writer = QPdfWriter(str(folder / "empty.pdf"))
        painter = QPainter(writer)
        painter.end()
        return 1

    def plain_document(report: content.Report, landscape: bool) -> Callable[[], int]:
        text = report.plain_text()

        def run() -> int:
            document = QTextDocument()
            document.setPlainText(text)
            writer = QPdfWriter(str(folder / "plain.pdf"))
            if landscape:
                writer.setPageOrientation(QPageLayout.Orientation.Landscape)
            document.print_(writer)
            return document.pageCount()

        return run

    with one.sessions() as session:
        dossier_report = content.agreement_dossier(session, dossier_id, options)
    with many.sessions() as session:
        portfolio_report = content.portfolio(session, options)

    rows: list[tuple[str, float, str, str]] = []
    empty_times, _ = _timed(empty_pdf, args.runs)
    times, pages = _timed(dossier, args.runs)
    seconds = statistics.median(times)
    json_rows.append(
        Row.of("dossier PDF, 500 milestones", times, target="≤ 1.5 s", baseline=empty_times)
    )
    rows.append(("dossier PDF, 500 milestones", seconds, f"{pages} pages", "≤ 1.5 s"))
    seconds, _ = _median(
        content_only(one, lambda s: content.agreement_dossier(s, dossier_id, options)), args.runs
    )
    rows.append(("  of which content (queries)", seconds, "", ""))
    times, pages = _timed(portfolio, max(1 if args.quick else 3, args.runs // 2))
    seconds = statistics.median(times)
    json_rows.append(
        Row.of("portfolio PDF, 2,000 agreements", times, target="≤ 5 s", baseline=empty_times)
    )
    rows.append(("portfolio PDF, 2,000 agreements", seconds, f"{pages} pages", "≤ 5 s"))
    seconds, _ = _median(
        content_only(many, lambda s: content.portfolio(s, options)),
        max(1 if args.quick else 3, args.runs // 2),
    )
    rows.append(("  of which content (queries)", seconds, "", ""))
    seconds = statistics.median(empty_times)
    rows.append(("baseline: empty PDF", seconds, "1 page", ""))
    seconds, _ = _median(plain_document(dossier_report, False), args.runs)
    rows.append(("baseline: QTextDocument, dossier’s words", seconds, "", ""))
    seconds, _ = _median(
        plain_document(portfolio_report, True), max(1 if args.quick else 3, args.runs // 2)
    )
    rows.append(("baseline: QTextDocument, portfolio’s words", seconds, "", ""))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'what':<{width}}  {'median':>9}  {'size':>10}  target")
    for name, seconds, size, target in rows:
        verdict = ""
        if target:
            limit = float(target.split()[1])
            verdict = "  ok" if seconds <= limit else "  SLOW"
        print(f"{name:<{width}}  {seconds:>8.3f}s  {size:>10}  {target}{verdict}")
    one.close()
    many.close()
    del app
    print()
    emit(json_rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
