"""Opening a database: URL handling, SQLite pragmas, schema upgrades and sessions.

A database is opened through `open_database()`, which creates a new file at the current
schema, upgrades an older one after copying it with SQLite's online backup API, and refuses
one written by a newer Accord without touching it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import tracking
from db.backup import copy_database
from db.checkpoint import Checkpointer
from db.credentials import public_text, with_password
from db.errors import AccordError, DatabaseTooNewError
from db.paths import backups_dir_for, database_from_environment, default_database
from db.tracking import ChangeSet

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration's revision. Opening a database at this revision needs no Alembic
#: import (a second of start-up); a test keeps it equal to the scripts' head.
SCHEMA_HEAD = "0005"
_SHIPPED_MIGRATIONS = MIGRATIONS


class AccordSession(Session):
    """A session whose flushes check rules and write the change log."""


tracking.install(AccordSession)


def database_url(target: str | Path | None = None) -> URL:
    """A SQLAlchemy URL from a path, a URL, $ACCORD_DB or the per-user default file."""
    if target is None or str(target) == "":
        target = database_from_environment() or default_database()
    text = str(target)
    if "://" in text:
        try:
            url = make_url(text)
        except Exception:
            # The text may hold a password: never echo it.
            raise AccordError(
                "The database address is neither a file path nor a URL such "
                "as postgresql+psycopg://user@server/accord."
            ) from None
        return with_password(url)
    return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL + FULL: every committed transaction survives a crash or power cut.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _no_automatic_checkpoints(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint = 0")
    cursor.close()


def _create_private(path: Path) -> None:
    """A new database file (and its folder) readable by the user only, before SQLite
    creates it with the default umask; SQLite gives its -wal/-shm files the same mode."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: URL) -> Engine:
    if is_sqlite(url):
        if url.database and url.database != ":memory:":
            _create_private(Path(url.database))
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise AccordError(
            f"Cannot open the database {url.render_as_string(hide_password=True)}: the "
            f'database type "{url.drivername}" is not available ({exc}). Give a file path, '
            "or a URL such as postgresql+psycopg://user@server/accord."
        ) from None


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None for a new, empty one)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@dataclass
class Database:
    """An open database: its URL, engine and session factory."""

    url: URL
    engine: Engine
    sessions: sessionmaker[AccordSession]
    upgraded_from: str | None = None
    backup: Path | None = None
    checkpointer: Checkpointer | None = field(default=None, repr=False)

    @property
    def path(self) -> Path | None:
        if is_sqlite(self.url) and self.url.database not in (None, "", ":memory:"):
            return Path(self.url.database)  # type: ignore[arg-type]
        return None

    @property
    def display_name(self) -> str:
        """What the user sees and what settings remember: a path, or a URL with no password."""
        return str(self.path) if self.path else public_text(self.url)

    @contextmanager
    def transaction(self) -> Iterator[AccordSession]:
        """One user action: commit on success, roll everything back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A plain connection for reads that need no ORM objects, where a session's own cost
        matters (the milestone table's blocks, read as the user scrolls)."""
        with self.engine.connect() as connection:
            yield connection

    def run(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, ChangeSet]:
        """Run one operation in its own transaction; return its result and what it changed."""
        with self.sessions() as session:
            with session.begin():
                result = action(session, *args, **kwargs)
                session.flush()
                changes = session.info.pop("changes", ChangeSet())
            return result, changes

    def checkpoint_in_background(self) -> None:
        """Move write-ahead-log checkpoints out of commits (db/checkpoint.py says why)."""
        path = self.path
        if path is None or self.checkpointer is not None:
            return
        event.listen(self.engine, "connect", _no_automatic_checkpoints)
        self.engine.dispose()  # pooled connections reopen without automatic checkpoints
        checkpointer = self.checkpointer = Checkpointer(path)
        event.listen(self.engine, "commit", lambda _connection: checkpointer.poke())

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
            self.checkpointer = None
        self.engine.dispose()


def upgrade_schema(engine: Engine, url: URL) -> tuple[str | None, Path | None]:
    """Bring the schema to head; returns (old revision, backup path) when it upgraded."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD and MIGRATIONS == _SHIPPED_MIGRATIONS:
        return None, None
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return None, None
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseTooNewError(
            f"This database was made by a newer version of Accord (schema {current}). "
            "Install the newer Accord to open it; this version has left it untouched."
        )
    with engine.connect() as conn:
        has_tables = bool(inspect(conn).get_table_names())
    backup = None
    if current is not None or has_tables:
        if current is None:
            raise AccordError(
                "This database was not made by Accord (it has tables but no Accord schema "
                "version). Choose an Accord database or a new file."
            )
        if is_sqlite(url) and url.database not in (None, "", ":memory:"):
            path = Path(url.database)  # type: ignore[arg-type]
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = copy_database(
                path, backups_dir_for(path) / f"{path.stem}-before-upgrade-{current}-{stamp}.db"
            )
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return current, backup


def open_database(
    target: str | Path | URL | None = None, *, upgrade: bool = True, create: bool = True
) -> Database:
    """Open (and with `create`, make) a database; `create=False` refuses a missing file."""
    url = target if isinstance(target, URL) else database_url(target)
    if not create and is_sqlite(url) and not Path(url.database or "").exists():
        raise AccordError(
            f"There is no database at {url.database}. Check the path, or create one with: "
            f'accord init --db "{url.database}"'
        )
    engine = make_engine(url)
    try:
        old, backup = upgrade_schema(engine, url) if upgrade else (None, None)
    except OperationalError as exc:
        engine.dispose()
        raise AccordError(
            f"Cannot open the database {url.render_as_string(hide_password=True)}: "
            f"{exc.orig}. Check that the path is a file you may write to."
        ) from exc
    except Exception:
        engine.dispose()
        raise
    factory = sessionmaker(engine, class_=AccordSession, expire_on_commit=False)
    return Database(url, engine, factory, upgraded_from=old, backup=backup)
