"""Session hooks: every flush checks the rules of what it writes and logs each change.

Checks run before the flush, so an invalid record never reaches the database and the
transaction can be rolled back whole. The change log is written after the flush, when new
rows have ids, inside the same transaction: a change and its log line commit together.
"""

from __future__ import annotations

import enum
import getpass
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from db.dates import FlexDate
from db.enums import ChangeAction
from db.models import Base, ChangeLog
from db.types import utcnow


@dataclass
class ChangeSet:
    """What one transaction created, updated and deleted, as (entity, id) pairs.

    Views refresh from this value instead of reloading everything (Anki's OpChanges).
    """

    created: set[tuple[str, int]] = field(default_factory=set)
    updated: set[tuple[str, int]] = field(default_factory=set)
    deleted: set[tuple[str, int]] = field(default_factory=set)

    def add(self, action: ChangeAction, entity: str, entity_id: int | None) -> None:
        if entity_id is None:
            return
        {
            ChangeAction.INSERT: self.created,
            ChangeAction.UPDATE: self.updated,
            ChangeAction.DELETE: self.deleted,
        }[action].add((entity, entity_id))

    def touches(self, *entities: str) -> bool:
        return any(e in entities for e, _ in self.created | self.updated | self.deleted)

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@cache
def current_user() -> str:
    """The OS user name, recorded as `who` in the change log."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some services, containers)
        return "unknown"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, FlexDate):
        return value.canonical()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _label(obj: Base) -> str | None:
    for attr in ("title", "name", "text", "address", "raw", "label"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value[:300]
    return None


def _rows(session: Session) -> list[dict[str, Any]]:
    who, at = current_user(), utcnow()
    rows: list[dict[str, Any]] = []

    def row(
        obj: Base, action: ChangeAction, field: str | None = None, old: Any = None, new: Any = None
    ) -> None:
        rows.append(
            {
                "at": at,
                "who": who,
                "action": action,
                "entity": obj.__tablename__,
                "entity_id": getattr(obj, "id", None),
                "entity_uid": getattr(obj, "uid", None),
                "label": _label(obj),
                "field": field,
                "old": _text(old),
                "new": _text(new),
            }
        )

    for obj in session.new:
        if isinstance(obj, Base) and not isinstance(obj, ChangeLog):
            row(obj, ChangeAction.INSERT)
    for obj in session.deleted:
        if isinstance(obj, Base) and not isinstance(obj, ChangeLog):
            row(obj, ChangeAction.DELETE)
    for obj in session.dirty:
        if not isinstance(obj, Base) or isinstance(obj, ChangeLog):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in obj.untracked:
                continue
            hist = state.attrs[attr.key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    row(obj, ChangeAction.UPDATE, attr.key, old, new)
        for rel in state.mapper.relationships:
            if rel.secondary is None:
                continue
            hist = state.attrs[rel.key].history
            if hist.added or hist.deleted:
                before = [_label(o) for o in (*hist.unchanged, *hist.deleted)]
                after = [_label(o) for o in (*hist.unchanged, *hist.added)]
                row(obj, ChangeAction.UPDATE, rel.key, before, after)
    return rows


def _check_before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Base):
            obj.check()


def _log_after_flush(session: Session, flush_context: UOWTransaction) -> None:
    write_log(session, _rows(session))


def write_log(session: Session, rows: list[dict[str, Any]]) -> None:
    """Writes change-log rows in the session's transaction and notes them in its ChangeSet."""
    if rows:
        session.connection().execute(insert(ChangeLog), rows)
        changes: ChangeSet = session.info.setdefault("changes", ChangeSet())
        for r in rows:
            changes.add(r["action"], r["entity"], r["entity_id"])


def log_inserts(
    session: Session, entity: str, records: Iterable[tuple[int, str | None, str | None]]
) -> None:
    """Logs rows a bulk path inserted with Core, as the flush hook logs ORM inserts.

    `records` are (id, uid, label) of the new rows of table `entity`: each gets the same
    INSERT line an ORM insert gets, so history and undo do not depend on the write path.
    """
    who, at = current_user(), utcnow()
    write_log(
        session,
        [
            {
                "at": at,
                "who": who,
                "action": ChangeAction.INSERT,
                "entity": entity,
                "entity_id": entity_id,
                "entity_uid": uid,
                "label": label[:300] if label else None,
                "field": None,
                "old": None,
                "new": None,
            }
            for entity_id, uid, label in records
        ],
    )


def _forget_changes(session: Session, *args: Any) -> None:
    session.info.pop("changes", None)


def install(session_class: type[Session]) -> None:
    """Attach the hooks to a Session class (idempotent)."""
    if not event.contains(session_class, "before_flush", _check_before_flush):
        event.listen(session_class, "before_flush", _check_before_flush)
        event.listen(session_class, "after_flush", _log_after_flush)
        event.listen(session_class, "after_soft_rollback", _forget_changes)
