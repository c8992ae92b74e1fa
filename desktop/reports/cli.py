"""`accord report agreement|portfolio|activity … -o FILE.pdf`: printed reports, headless.

Qt is imported only inside the handler (the parser is built for every `accord` command),
and a QGuiApplication is started offscreen when there is no display: QPdfWriter and the
fonts need one, a screen they do not.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from db.errors import AccordError, ValidationError


def add_commands(
    sub: Any, db_option: Callable[[argparse.ArgumentParser], None]
) -> dict[str, Callable[[argparse.Namespace], int]]:
    report = sub.add_parser(
        "report",
        help="print an agreement dossier, the portfolio or an activity report to PDF",
        description="Write a report as a PDF file (A4 unless --paper Letter).",
    )
    db_option(report)
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)

    agreement = kinds.add_parser("agreement", help="the dossier of one agreement")
    agreement.add_argument("ref", metavar="REF", help="agreement id or exact title")
    portfolio = kinds.add_parser("portfolio", help="all agreements with terms and milestones")
    portfolio.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="only agreements with this status (repeatable): draft, negotiation, signed, "
        "in_force, expired, superseded",
    )
    activity = kinds.add_parser("activity", help="what happened and what is planned in a period")
    for kind in (agreement, portfolio, activity):
        db_option(kind)
        kind.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="PDF to write")
        kind.add_argument(
            "--from",
            dest="start",
            metavar="DATE",
            required=kind is activity,
            help='first day, or a period such as "2024" or "Q1 2025" (its first day)',
        )
        kind.add_argument(
            "--to",
            dest="end",
            metavar="DATE",
            help="last day, or a period (its last day); for activity, default: end of --from",
        )
        kind.add_argument(
            "--sections",
            metavar="LIST",
            help="comma-separated sections to print (default: all); see the report chooser",
        )
        kind.add_argument("--paper", choices=["A4", "Letter"], default="A4")
        kind.add_argument(
            "--orientation", choices=["auto", "portrait", "landscape"], default="auto"
        )
        kind.add_argument("--today", metavar="DATE", help="count days and 'upcoming' from this day")
    return {"report": cmd_report}


def _day(text: str | None, option: str, last: bool) -> date | None:
    """A day from what the user typed; a vague value gives its first (or last) day."""
    if text is None:
        return None
    from db.dates import FlexDate

    try:
        value = FlexDate.parse(text)
    except ValidationError as exc:
        raise ValidationError(option, f"{option}: {exc.message}") from None
    day = value.end if last else value.start
    if day is None:
        raise ValidationError(option, f'{option} needs a date, not "{text}".')
    return day


def _options(args: argparse.Namespace) -> Any:
    from db.enums import AgreementStatus
    from desktop.reports import content

    kind = content.ReportKind(args.report_kind)
    start = _day(args.start, "--from", last=False)
    end = _day(args.end, "--to", last=True)
    if kind is content.ReportKind.ACTIVITY and end is None:
        end = _day(args.start, "--from", last=True)
    statuses = None
    if getattr(args, "status", None):
        try:
            statuses = frozenset(AgreementStatus(s.strip()) for s in args.status)
        except ValueError:
            known = ", ".join(s.value for s in AgreementStatus)
            raise ValidationError(
                "status", f"--status takes one of: {known}; not {', '.join(args.status)}."
            ) from None
    sections = content.check_sections(kind, args.sections.split(",")) if args.sections else None
    return content.ReportOptions(
        start=start,
        end=end,
        sections=sections,
        paper=content.Paper(args.paper),
        orientation=content.Orientation(args.orientation),
        statuses=statuses,
        today=_day(args.today, "--today", last=False),
    )


def cmd_report(args: argparse.Namespace) -> int:
    from desktop.cli import open_db

    output = Path(args.output).expanduser()
    if output.is_dir():
        raise AccordError(f"{output} is a folder; give a file name such as report.pdf.")
    if not output.parent.exists():
        raise AccordError(f"The folder {output.parent} does not exist. Create it first.")
    options = _options(args)

    from desktop.reports import content
    from desktop.reports.render import ReportRenderer, ensure_gui_application

    app = ensure_gui_application()
    db = open_db(args)
    try:
        with db.sessions() as session:
            if args.report_kind == "agreement":
                from db.operations import find_agreement

                agreement = find_agreement(session, args.ref)
                report = content.agreement_dossier(session, agreement.id, options)
            elif args.report_kind == "portfolio":
                report = content.portfolio(session, options)
            else:
                report = content.activity(session, options)
    finally:
        db.close()
    pages = ReportRenderer(report).write_pdf(output)
    del app
    print(f"Wrote {output} ({pages} page{'s' if pages != 1 else ''})")
    return 0
