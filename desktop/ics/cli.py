"""`accord export-ics` and `accord import-ics` (no Qt; heavy imports inside the handlers).

Bad input (an unknown agreement, an unreadable date, a broken .ics file) raises an
AccordError, which `desktop.cli.main` prints as one `accord: error:` line with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from db.enums import MilestoneKind


def add_commands(
    sub: Any, db_option: Callable[[argparse.ArgumentParser], None]
) -> dict[str, Callable[[argparse.Namespace], int]]:
    exp = sub.add_parser(
        "export-ics",
        help="write milestones and agreement terms to an .ics calendar file",
        description="Write an iCalendar file that Outlook, Google, Apple Calendar and "
        "Thunderbird import or subscribe to. Filters combine: only events that pass all.",
    )
    db_option(exp)
    exp.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file to write (- for stdout)"
    )
    exp.add_argument(
        "--agreement",
        action="append",
        default=[],
        metavar="REF",
        help="only this agreement (id or exact title); repeat for more",
    )
    exp.add_argument(
        "--with-renewed", action="store_true", help="also the agreements the chosen ones renew"
    )
    exp.add_argument(
        "--focus-area",
        action="append",
        default=[],
        metavar="NAME",
        help="only milestones of this focus area (id or name); repeat for more",
    )
    exp.add_argument(
        "--from", dest="date_from", metavar="DATE", help='first day, e.g. 2025-01-01 or "Q1 2025"'
    )
    exp.add_argument("--to", dest="date_to", metavar="DATE", help="last day (inclusive)")
    exp.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=[k.value for k in MilestoneKind],
        help="only milestones of this kind; repeat for more",
    )
    exp.add_argument(
        "--exact-only",
        action="store_true",
        help="leave out approximate dates (month, quarter, season, part of year, year)",
    )
    exp.add_argument(
        "--no-terms",
        action="store_true",
        help="leave out the agreements' signing, term and renewal-review events",
    )
    exp.add_argument(
        "--review-months",
        type=int,
        default=6,
        metavar="N",
        help="renewal review N months before a term ends (default 6)",
    )
    exp.add_argument(
        "--cancelled-days",
        type=int,
        default=30,
        metavar="N",
        help="keep deleted and cancelled milestones as cancelled events for N days (default 30)",
    )
    exp.add_argument(
        "--refresh-hours",
        type=int,
        default=12,
        metavar="N",
        help="how often subscribers should refresh (default 12)",
    )
    exp.add_argument("--name", help="the calendar's name in the client")
    exp.add_argument("--json", action="store_true", help="print the counts as JSON")

    imp = sub.add_parser(
        "import-ics",
        help="import events from an .ics file (matched by UID)",
        description="Read an iCalendar file and show, per event, whether it is new, updated, "
        "unchanged or in conflict with Accord; then import it in one transaction.",
    )
    db_option(imp)
    imp.add_argument("file", metavar="FILE", help="the .ics file to read")
    imp.add_argument("--agreement", metavar="REF", help="put new events into this agreement")
    imp.add_argument(
        "--focus-area", metavar="NAME", help="add new events to this focus area of that agreement"
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="show what would happen; import nothing"
    )
    imp.add_argument(
        "--take-theirs",
        action="store_true",
        help="in a conflict take the file's changes (default: keep Accord's)",
    )
    imp.add_argument(
        "--default-tz",
        default=None,  # db.dates.DEFAULT_TZ; db.dates is not imported to build the parser
        metavar="ZONE",
        help="zone for floating times (default Europe/Helsinki)",
    )
    imp.add_argument("--json", action="store_true", help="print the preview as JSON")
    return {"export-ics": cmd_export, "import-ics": cmd_import}


def _non_negative(name: str, value: int) -> int:
    from db.errors import ValidationError

    if value < 0:
        raise ValidationError(name, f"{name} must be 0 or more, not {value}.")
    return value


def _day(option: str, text: str | None, last: bool) -> Any:
    from db.dates import FlexDate
    from db.errors import ValidationError

    if text is None:
        return None
    try:
        value = FlexDate.parse(text)
    except ValidationError as exc:
        raise ValidationError(option, f"{option}: {exc.message}") from None
    day = value.end if last else value.start
    if day is None:
        raise ValidationError(option, f'{option} needs a date, not "{text}".')
    return day


def _focus_area_ids(session: Any, names: list[str], agreement_ids: set[int] | None) -> list[int]:
    from sqlalchemy import func, select

    from db.errors import NotFoundError
    from db.models import FocusArea

    ids: list[int] = []
    for name in names:
        query = select(FocusArea.id)
        text = name.strip()
        if text.isdigit():
            query = query.where(FocusArea.id == int(text))
        else:
            query = query.where(func.lower(FocusArea.name) == text.lower())
        if agreement_ids:
            query = query.where(FocusArea.agreement_id.in_(agreement_ids))
        found = list(session.scalars(query))
        if not found:
            raise NotFoundError(
                f'No focus area has the id or name "{text}"'
                + (" in the chosen agreements" if agreement_ids else "")
                + ". List them with: accord list focus-areas"
            )
        ids += found
    return ids


def cmd_export(args: argparse.Namespace) -> int:
    from db.operations import find_agreement
    from desktop.cli import open_db
    from desktop.ics.export import REMINDER_NOTE, ExportScope, dumps_json, export_file
    from desktop.ics.export import summary_text as describe

    date_from = _day("--from", args.date_from, last=False)
    date_to = _day("--to", args.date_to, last=True)
    if date_from and date_to and date_to < date_from:
        from db.errors import ValidationError

        raise ValidationError("--to", f"--to ({date_to}) is before --from ({date_from}).")
    db = open_db(args)
    try:
        with db.sessions() as session:
            agreement_ids = [find_agreement(session, ref).id for ref in args.agreement]
            focus_ids = _focus_area_ids(session, args.focus_area, set(agreement_ids) or None)
        scope = ExportScope(
            agreement_ids=tuple(agreement_ids),
            with_renewed=args.with_renewed,
            focus_area_ids=tuple(focus_ids),
            date_from=date_from,
            date_to=date_to,
            kinds=tuple(MilestoneKind(k) for k in args.kind),
            exact_only=args.exact_only,
            agreement_terms=not args.no_terms,
            review_months=_non_negative("--review-months", args.review_months),
            cancelled_days=_non_negative("--cancelled-days", args.cancelled_days),
            refresh_hours=max(1, args.refresh_hours),
            name=args.name,
        )
        to_stdout = args.output == "-"
        plan, data = export_file(db, scope, None if to_stdout else args.output)
    finally:
        db.close()
    report = sys.stderr if to_stdout else sys.stdout
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if args.json:
        print(dumps_json(plan), file=report)
        return 0
    where = "standard output" if to_stdout else args.output
    print(f"Wrote {plan.count} event{'s' if plan.count != 1 else ''} to {where}.", file=report)
    details = describe(plan).split(". ", 1)
    if len(details) > 1:
        print(details[1], file=report)
    if plan.with_alarms:
        print(REMINDER_NOTE, file=report)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from db.dates import DEFAULT_TZ
    from desktop.cli import writer_lock
    from desktop.ics.importer import read_file

    parsed = read_file(args.file, default_tz=args.default_tz or DEFAULT_TZ)
    if args.dry_run:
        return _import(args, parsed)
    with writer_lock(args):  # refused, naming the holder, while another Accord writes
        return _import(args, parsed)


def _import(args: argparse.Namespace, parsed: Any) -> int:
    from db.operations import find_agreement
    from desktop.cli import open_db
    from desktop.ics.importer import Action, apply_import, preview

    db = open_db(args)
    try:
        with db.sessions() as session:
            agreement_id = find_agreement(session, args.agreement).id if args.agreement else None
            focus_id = None
            if args.focus_area:
                ids = _focus_area_ids(
                    session, [args.focus_area], {agreement_id} if agreement_id else None
                )
                if len(ids) > 1:
                    from db.errors import ValidationError

                    raise ValidationError(
                        "--focus-area",
                        f'Several agreements have a focus area "{args.focus_area}"; give '
                        "--agreement too, or the focus area's id.",
                    )
                focus_id = ids[0]
            if args.dry_run:  # an import previews inside its own transaction
                rows = preview(session, parsed, agreement_id=agreement_id)
        if not args.dry_run:
            from db.backup import backup_before_import

            saved = backup_before_import(db.path)
            if saved is not None:
                print(f"Backup before import: {saved}", file=sys.stderr)
            result, _changes = db.run(
                apply_import,
                parsed,
                agreement_id=agreement_id,
                focus_area_id=focus_id,
                take_theirs=args.take_theirs,
            )
            rows = result.rows
            notes = result.warnings
        else:
            notes = []
    finally:
        db.close()
    counts = {action: sum(1 for r in rows if r.action is action) for action in Action}
    if args.json:
        json.dump(
            {
                "file": args.file,
                "dry_run": args.dry_run,
                "counts": {a.value: n for a, n in counts.items()},
                "events": [
                    {
                        "uid": r.event.uid,
                        "line": r.event.line,
                        "title": r.event.title,
                        "date": r.event.date_text,
                        "action": r.action.value,
                        "changes": list(r.changes),
                        "note": r.note,
                    }
                    for r in rows
                ],
                "warnings": list(parsed.warnings) + notes,
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    width = max([len(a.value) for a in Action])
    for r in rows:
        date_text = r.event.date_text
        note = f"  ({r.note})" if r.note else ""
        if r.changes and r.action in (Action.UPDATED, Action.CONFLICT):
            note += f"  [{', '.join(r.changes)}]"
        print(f"{r.action.value.upper():<{width}}  {date_text:<22}  {r.event.title}{note}")
    for warning in [*parsed.warnings, *notes]:
        print(f"note: {warning}")
    for r in rows:
        for warning in r.event.warnings:
            print(f"note: line {r.event.line} ({r.event.title}): {warning}")
    summary = ", ".join(
        f"{counts[a]} {a.value if a is not Action.CONFLICT else 'in conflict'}" for a in Action
    )
    print(summary + ".")
    if args.dry_run:
        print("Nothing imported (--dry-run).")
    else:
        print("Imported.")
        if counts[Action.CONFLICT] and not args.take_theirs:
            print("Conflicts kept Accord's version; --take-theirs takes the file's changes.")
    return 0
