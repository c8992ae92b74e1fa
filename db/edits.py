"""Edits as small values: applying one in a session returns the edit that undoes it.

This is the undo model (Orange3's paint-data widget does the same): the GUI's QUndoStack
holds these values and never touches the database itself. Every apply goes through the ORM
or writes change-log rows itself, so undo and the audit trail come from the same values.

- `SetFields(table, id, values)` → a `SetFields` with the old values.
- `Delete(table, id)` → a `Restore` holding every row the delete removed (children by
  ON DELETE CASCADE, links) and every reference it cleared (ON DELETE SET NULL).
- `Restore(snapshot)` → a `Delete` of the same record: redo after an undone create.
- `Create(action, args)` runs an operation from `db.operations` that makes one record and
  returns it → a `Delete` of that record.
- `Batch(edits)` applies several in order → the inverses in reverse order: one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import ForeignKey, Table, insert, inspect, select, update
from sqlalchemy.orm import Session

from db.enums import ChangeAction
from db.errors import NotFoundError, StaleRecordError, ValidationError
from db.models import Base, ChangeLog
from db.tracking import current_user
from db.types import utcnow


class Edit(Protocol):
    def apply(self, session: Session) -> Edit: ...


def model_for(table: str) -> type[Base]:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table:
            return mapper.class_  # type: ignore[no-any-return]
    raise KeyError(table)


def _load(session: Session, table: str, record_id: int) -> Base:
    obj = session.get(model_for(table), record_id)
    if obj is None:
        raise NotFoundError(
            f"The {table.replace('_', ' ')} was deleted elsewhere; this change cannot be made."
        )
    return obj


def describe(obj: Base) -> str:
    """How a record is named in messages (a contact's `title` is a job title, not a name)."""
    order = ("name", "title") if obj.__tablename__ == "contact" else ("title", "name", "text")
    for attr in order:
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return "The record"


def _check_version(obj: Base, expected: int | None) -> None:
    if expected is not None and getattr(obj, "version", expected) != expected:
        label = describe(obj)
        raise StaleRecordError(
            f'"{label}" was changed elsewhere since this change was made, so it cannot be '
            "undone automatically. Reload it to see the other change."
        )


@dataclass(frozen=True)
class SetFields:
    """Set column values (or, for many-to-many links, lists of ids) on one record."""

    table: str
    id: int
    values: Mapping[str, Any]
    #: The version the user saw when editing (None: don't check).
    expected_version: int | None = None
    #: For undo and redo: the values the record must still hold, or someone else changed
    #: it meanwhile. (Versions can't serve here: every undo step moves the version on.)
    expect: Mapping[str, Any] | None = None

    def _check_expected(self, obj: Base, mapper: Any) -> None:
        for name, wanted in (self.expect or {}).items():
            rel = mapper.relationships.get(name)
            if rel is not None and rel.secondary is not None:
                current: Any = [o.id for o in getattr(obj, name)]
            elif rel is not None:
                current = getattr(obj, next(iter(rel.local_columns)).key)
            else:
                current = getattr(obj, name)
            if current != wanted:
                label = describe(obj)
                raise StaleRecordError(
                    f'"{label}" was changed elsewhere since this change was made, so it '
                    "cannot be undone or redone automatically. Reload it to see the other change."
                )

    def apply(self, session: Session) -> SetFields:
        obj = _load(session, self.table, self.id)
        _check_version(obj, self.expected_version)
        mapper = inspect(type(obj))
        self._check_expected(obj, mapper)
        old: dict[str, Any] = {}
        written: dict[str, Any] = {}
        for name, value in self.values.items():
            rel = mapper.relationships.get(name)
            if rel is not None and rel.secondary is not None:
                target = rel.mapper.class_
                old[name] = [o.id for o in getattr(obj, name)]
                objs = [session.get(target, i) for i in value]
                setattr(obj, name, [o for o in objs if o is not None])
                written[name] = [o.id for o in objs if o is not None]
            elif name in mapper.column_attrs:
                old[name] = getattr(obj, name)
                setattr(obj, name, value)
            elif rel is not None and rel.direction.name == "MANYTOONE":
                fk = next(iter(rel.local_columns)).key
                old[name] = getattr(obj, fk)
                setattr(obj, name, None if value is None else session.get(rel.mapper.class_, value))
            else:
                raise ValidationError(name, f"{type(obj).__name__} has no field {name!r}.")
        session.flush()
        for name in self.values:
            if name not in written:
                rel = mapper.relationships.get(name)
                written[name] = (
                    getattr(obj, next(iter(rel.local_columns)).key)
                    if rel is not None
                    else getattr(obj, name)
                )
        return SetFields(self.table, self.id, old, None, written)


# --- deleting and restoring whole records -------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Rows removed by a delete, parents first, and references it set to NULL."""

    table: str
    id: int
    rows: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    cleared: tuple[tuple[str, str, Any, Any], ...] = ()  # (table, column, row pk, old value)
    labels: tuple[tuple[str, int, str | None], ...] = field(default=())


def _referencing(table: Table) -> list[tuple[Table, ForeignKey]]:
    out = []
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                out.append((other, fk))
    return out


def capture(session: Session, table_name: str, record_id: int) -> Snapshot:
    """Everything deleting this record removes or changes, read before the delete."""
    tables = Base.metadata.tables
    conn = session.connection()
    collected: dict[str, dict[Any, dict[str, Any]]] = {}
    order: list[str] = []
    cleared: list[tuple[str, str, Any, Any]] = []

    def visit(table: Table, ids: list[Any]) -> None:
        pk = next(iter(table.primary_key.columns))
        rows = conn.execute(select(table).where(pk.in_(ids))).mappings().all()
        if not rows:
            return
        bucket = collected.setdefault(table.name, {})
        if table.name not in order:
            order.append(table.name)
        fresh = [dict(r) for r in rows if tuple(r[c.key] for c in table.primary_key) not in bucket]
        for r in fresh:
            bucket[tuple(r[c.key] for c in table.primary_key)] = r
        fresh_ids = [r[pk.key] for r in fresh]
        if not fresh_ids:
            return
        for child, fk in _referencing(table):
            col = fk.parent
            if fk.ondelete == "CASCADE":
                child_pk = list(child.primary_key.columns)
                child_rows = conn.execute(select(child).where(col.in_(fresh_ids))).mappings()
                if len(child_pk) == 1:
                    visit(child, [r[child_pk[0].key] for r in child_rows])
                else:  # link tables with a composite key: keep the rows themselves
                    links = collected.setdefault(child.name, {})
                    if child.name not in order:
                        order.append(child.name)
                    for r in child_rows:
                        links[tuple(r[c.key] for c in child_pk)] = dict(r)
            elif fk.ondelete == "SET NULL":
                child_pk = next(iter(child.primary_key.columns))
                for r in conn.execute(select(child_pk, col).where(col.in_(fresh_ids))):
                    cleared.append((child.name, col.key, r[0], r[1]))

    visit(tables[table_name], [record_id])
    rows = tuple((name, tuple(collected[name].values())) for name in order)
    return Snapshot(table_name, record_id, rows, tuple(cleared))


@dataclass(frozen=True)
class Delete:
    table: str
    id: int
    expected_version: int | None = None

    def apply(self, session: Session) -> Restore:
        obj = _load(session, self.table, self.id)
        _check_version(obj, self.expected_version)
        snapshot = capture(session, self.table, self.id)
        session.delete(obj)
        session.flush()
        return Restore(snapshot)


def _log_restored(session: Session, snapshot: Snapshot) -> None:
    who, at = current_user(), utcnow()
    log_rows = []
    for name, rows in snapshot.rows:
        for r in rows:
            if "id" not in r:
                continue
            label = next(
                (r[k] for k in ("title", "name", "text", "address", "raw") if r.get(k)), None
            )
            log_rows.append(
                {
                    "at": at,
                    "who": who,
                    "action": ChangeAction.INSERT,
                    "entity": name,
                    "entity_id": r["id"],
                    "entity_uid": r.get("uid"),
                    "label": label,
                    "field": None,
                    "old": None,
                    "new": "restored",
                }
            )
    if log_rows:
        session.connection().execute(insert(ChangeLog), log_rows)
    changes = session.info.setdefault("changes", None)
    if changes is None:
        from db.tracking import ChangeSet

        changes = session.info["changes"] = ChangeSet()
    for row in log_rows:
        changes.add(ChangeAction.INSERT, row["entity"], row["entity_id"])


@dataclass(frozen=True)
class Restore:
    snapshot: Snapshot

    def apply(self, session: Session) -> Delete:
        session.flush()
        conn = session.connection()
        tables = Base.metadata.tables
        # Parents before children: the metadata's dependency order, not discovery order.
        wanted = dict(self.snapshot.rows)
        for table in Base.metadata.sorted_tables:
            rows = wanted.get(table.name)
            if not rows:
                continue
            values = [dict(r) for r in rows]
            if "version" in table.c:  # a restored record is a new revision for subscribers
                for v in values:
                    v["version"] = v["version"] + 1
            conn.execute(insert(tables[table.name]), values)
        for name, column, pk_value, old in self.snapshot.cleared:
            table = tables[name]
            pk = next(iter(table.primary_key.columns))
            conn.execute(update(table).where(pk == pk_value).values({column: old}))
        _log_restored(session, self.snapshot)
        session.expire_all()
        return Delete(self.snapshot.table, self.snapshot.id)


@dataclass(frozen=True)
class Create:
    """Run an operation that creates one record; undone by deleting that record."""

    action: Callable[..., Base]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, session: Session) -> Delete:
        obj = self.action(session, *self.args, **dict(self.kwargs))
        session.flush()
        return Delete(obj.__tablename__, obj.id)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Batch:
    edits: Sequence[Edit]

    def apply(self, session: Session) -> Batch:
        inverses = [edit.apply(session) for edit in self.edits]
        return Batch(tuple(reversed(inverses)))
