"""`accord`: the GUI with no command, headless commands otherwise.

Nothing here imports Qt unless the GUI is started, so commands start fast and run where
no display exists. Expected problems print one line, `accord: error: ...`, and exit 2;
unexpected ones exit 1 and name the log file; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib import import_module
from pathlib import Path
from typing import Any, NoReturn

from db.errors import AccordError
from desktop.logs import setup_logging
from desktop.version import accord_version

log = logging.getLogger("accord.cli")

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class UsageError(AccordError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see: {self.prog} --help)")


def _db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Subcommands repeat --db so it may follow the command; SUPPRESS keeps the top value.
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=None if top else argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $ACCORD_DB, else the per-user file)",
    )


def _smoke_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="open the window, check that icons, fonts and plugins load, then quit "
        "(proves an installed copy complete)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="accord",
        description="Accord: city–university partnership agreements, milestones and calendars.",
    )
    parser.add_argument("--version", action="version", version=f"accord {accord_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    _db_option(parser, top=True)
    _smoke_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    init = sub.add_parser("init", help="create or upgrade a database")
    _db_option(init)
    init.add_argument(
        "--sample",
        action="store_true",
        help="add the sample Espoo–Aalto partnership (empty databases only)",
    )

    lst = sub.add_parser("list", help="list agreements, focus areas, milestones or contacts")
    _db_option(lst)
    lst.add_argument("what", choices=["agreements", "focus-areas", "milestones", "contacts"])
    lst.add_argument("--agreement", metavar="REF", help="only this agreement (id or exact title)")
    lst.add_argument("--json", action="store_true", help="print JSON instead of a table")

    backup = sub.add_parser("backup", help="copy the database safely, even while Accord runs")
    _db_option(backup)
    backup.add_argument("-o", "--output", required=True, metavar="FILE", help="backup file")

    restore = sub.add_parser("restore", help="replace the database with a backup")
    _db_option(restore)
    restore.add_argument("backup", metavar="FILE", help="a backup made by Accord")

    check = sub.add_parser("check", help="check the database's integrity and links")
    _db_option(check)

    gui = sub.add_parser("gui", help="start the application window (the default)")
    _db_option(gui)
    _smoke_option(gui)
    gui.add_argument(
        "calendar",
        nargs="?",
        metavar="FILE.ics",
        help="a calendar file to import (what the desktop's Open with Accord passes)",
    )
    for module in FEATURE_CLIS:
        COMMANDS.update(import_module(module).add_commands(sub, _db_option))
    return parser


def open_db(args: argparse.Namespace, create: bool = False) -> Any:
    """The database named by --db / $ACCORD_DB; commands other than init never create one."""
    from db.session import open_database

    return open_database(args.db, create=create)


def cmd_init(args: argparse.Namespace) -> int:
    with writing(_sqlite_path(args)) if _is_file(args) else nullcontext():
        return _init(args)


def _is_file(args: argparse.Namespace) -> bool:
    from db.session import database_url, is_sqlite

    return is_sqlite(database_url(args.db))


def _init(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from db.models import Agreement
    from db.sample import load_sample

    db = open_db(args, create=True)
    try:
        if db.upgraded_from:
            print(f"Upgraded {db.display_name} from schema {db.upgraded_from}; backup: {db.backup}")
        if args.sample:
            with db.transaction() as session:
                if session.scalar(select(func.count()).select_from(Agreement)):
                    raise UsageError(
                        f"{db.display_name} already holds agreements; the sample is only added "
                        "to an empty database. Choose a new file with --db."
                    )
                agreements = load_sample(session)
            print(
                f"Added the sample partnership ({len(agreements)} agreements) to {db.display_name}"
            )
        else:
            print(f"Database ready: {db.display_name}")
    finally:
        db.close()
    return 0


_TABLE_COLUMNS = {
    "agreements": ["id", "title", "term_text", "status"],
    "focus-areas": ["id", "agreement", "name"],
    "milestones": ["id", "agreement", "date_text", "precision", "status", "title"],
    "contacts": ["id", "name", "title", "organisation"],
}


def _print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    cells = [[str(r.get(c) if r.get(c) is not None else "") for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def cmd_list(args: argparse.Namespace) -> int:
    from db import queries
    from db.operations import find_agreement

    db = open_db(args)
    try:
        with db.sessions() as session:
            agreement_id = find_agreement(session, args.agreement).id if args.agreement else None
            if args.what == "agreements":
                rows = queries.agreements(session)
                if agreement_id is not None:
                    rows = [r for r in rows if r["id"] == agreement_id]
            else:
                fetch = {
                    "focus-areas": queries.focus_areas,
                    "milestones": queries.milestones,
                    "contacts": queries.contacts,
                }[args.what]
                rows = fetch(session, agreement_id)
    finally:
        db.close()
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_table(rows, _TABLE_COLUMNS[args.what])
    return 0


def _sqlite_path(args: argparse.Namespace) -> Path:
    from db.session import database_url, is_sqlite

    url = database_url(args.db)
    if not is_sqlite(url):
        raise UsageError(
            "Backups, restores and checks here are for database files; back up a shared "
            "server with its own tools (e.g. pg_dump)."
        )
    return Path(url.database or "")


def writer_lock(args: argparse.Namespace) -> AbstractContextManager[None]:
    """The one-writer lock for a command that changes a database file (none for a server)."""
    return writing(_sqlite_path(args)) if _is_file(args) else nullcontext()


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Hold the database's one-writer lock while a command changes it."""
    from db.lock import DatabaseLock

    lock = DatabaseLock(path)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def cmd_backup(args: argparse.Namespace) -> int:
    from db.backup import check, copy_database

    source = _sqlite_path(args)
    target = Path(args.output).expanduser().resolve()
    if target == source.resolve():
        raise UsageError("The backup file must not be the database itself.")
    check(source)
    copy_database(source, target)
    print(f"Backed up {source} to {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from db.backup import restore

    target = _sqlite_path(args)
    source = Path(args.backup).expanduser().resolve()
    if not source.exists():
        raise UsageError(f"There is no backup file at {source}.")
    with writing(target):
        saved = restore(source, target)
        # Opening checks the restored schema: an older one is upgraded, a newer one refused.
        open_db(args).close()
    print(f"Restored {target} from {source}")
    if saved:
        print(f"The database as it was before is kept in {saved}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from db.backup import check

    path = _sqlite_path(args)
    check(path)
    print(f"{path}: no problems found (integrity and links)")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.app import run_gui

    return run_gui(args.db, calendar=getattr(args, "calendar", None), smoke_test=args.smoke_test)


def open_with(argv: list[str]) -> list[str]:
    """`accord FILE.ics`, as the desktop runs it for a double-clicked calendar file, means
    `accord gui FILE.ics`: the window, with the file in the import dialog."""
    i = 0
    while i < len(argv):
        if argv[i] == "--db":
            i += 2
        elif argv[i].startswith("-"):
            i += 1
        else:
            break
    if i < len(argv) and argv[i].lower().endswith(".ics"):
        return [*argv[:i], "gui", *argv[i:]]
    return argv


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "list": cmd_list,
    "gui": cmd_gui,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
}
#: Feature modules that add commands: each has `add_commands(subparsers, db_option)`
#: returning {command name: handler}. They must not import Qt at module level.
FEATURE_CLIS = ("desktop.ics.cli", "desktop.reports.cli")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    log_path = setup_logging(debug)
    try:
        args = build_parser().parse_args(open_with(argv))
        command = args.command or "gui"
        return COMMANDS[command](args)
    except AccordError as exc:
        if debug:
            raise
        print(f"accord: error: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("accord: error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("unexpected error in %s", argv)
        if debug:
            raise
        print(
            f"accord: error: unexpected failure ({type(exc).__name__}: {exc}). "
            f"Details are in {log_path}",
            file=sys.stderr,
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
