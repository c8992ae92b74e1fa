"""Search across agreements, focus areas, milestones, contacts and organisations.

`search(session, text)` is what the Ctrl+F box calls on every pause in typing, so it must
answer in a few milliseconds at 200,000 milestones (tests/benchmarks/bench_search.py).

- Words: any words in any order must all occur in the record's text; each word also
  matches as the start of a longer word, so "thes da" finds "Thesis Day" while it is typed.
- SQLite: two FTS5 tables per kind (`Kind.index`, `Kind.title_index`; made by migration
  0002 and kept in step by triggers, so Core inserts and cascades are covered too) with
  `unicode61 remove_diacritics 2`: case and accents are ignored ("niemela" finds
  "Niemelä"). The user's text is split into words here and every word is quoted, so no
  input is FTS query syntax.
- Other databases: LIKE on lower() per word, over the same fields. It ignores case but not
  accents (no portable way), and matches inside words, so it may find a little more.
- Ranking, per kind: records whose title has every word (looked up in a titles-only index,
  small and quick), then the others; in each, records where the words before the last are
  whole words, then those where they only start words (`match_expressions`); then titles
  that start with the first word, shorter titles, newer records. When the words match
  thousands of records of a kind, only the newest `RANK_WINDOW` of them are ranked: one
  more letter narrows the set, and the first letter never costs a pass over the index.
  (FTS5's bm25 was measured and dropped: it reads every posting of every word to weigh
  them, 20-30 ms per query for a common word at 200,000 milestones, most of a keystroke's
  budget; titles of a few words gain little from term weighting.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, and_, func, or_, select, text, type_coerce
from sqlalchemy.orm import Session

from db.models import (
    Agreement,
    Contact,
    ContactEmail,
    FocusArea,
    Milestone,
    Objective,
    Organisation,
    OrganisationName,
)
from db.queries import term_text

#: The start of the names of the FTS5 tables (`search_index_<table>` and
#: `search_index_<table>_title`, made by migration 0002) and of their shadow tables.
INDEX_PREFIX = "search_index"
#: How many matches of one kind are ranked at most (the most recent ones; see above).
RANK_WINDOW = 100
#: Words of a query used at most (each one is a prefix query of its own).
MAX_WORDS = 12


@dataclass(frozen=True)
class Hit:
    """One search result: which record, what to show, and which group it belongs to."""

    table: str
    id: int
    title: str
    detail: str
    kind: str


@dataclass(frozen=True)
class Kind:
    """A searchable table, its label and its two FTS5 tables (rowid = the record's id)."""

    table: str
    label: str

    @property
    def index(self) -> str:
        """All the record's text: title and body."""
        return f"{INDEX_PREFIX}_{self.table}"

    @property
    def title_index(self) -> str:
        """The title alone: a fraction of the postings, so the first, cheap look."""
        return f"{INDEX_PREFIX}_{self.table}_title"


#: Kinds in the order their groups are shown.
KINDS: tuple[Kind, ...] = (
    Kind("agreement", "Agreement"),
    Kind("focus_area", "Focus area"),
    Kind("milestone", "Milestone"),
    Kind("contact", "Contact"),
    Kind("organisation", "Organisation"),
)

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of what the user typed: letters and digits only, so never query syntax.

    At most `MAX_WORDS`: a pasted paragraph must not cost a second per keystroke.
    """
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())[:MAX_WORDS]


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: the FTS5 tables and their shadow tables are not in the models."""
    return not (type_ == "table" and name is not None and name.startswith(INDEX_PREFIX))


def search(session: Session, text: str, limit_per_kind: int = 8) -> list[Hit]:
    """Hits for `text`, grouped by kind in `KINDS` order, best first within each group."""
    if session.get_bind().dialect.name == "sqlite":
        return search_fts(session, text, limit_per_kind)
    return search_fallback(session, text, limit_per_kind)


# --- SQLite: FTS5 ---------------------------------------------------------------------------


def match_expressions(terms: Sequence[str]) -> list[str]:
    """FTS5 queries to try in turn: every term quoted, all required.

    First the words before the last as whole words and the last as a prefix (what someone
    typing "steering group ot" means, and cheap: FTS5 reads a whole word's postings lazily
    but merges every word a prefix matches); then every word as a prefix ("thes da").
    """
    every_prefix = " ".join(f'"{term}"*' for term in terms)
    if len(terms) == 1:
        return [every_prefix]
    return [" ".join([*(f'"{t}"' for t in terms[:-1]), f'"{terms[-1]}"*']), every_prefix]


def fold(text: str) -> str:
    """Lower case without accents, near enough to FTS5's unicode61 for ranking titles."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _candidates(session: Session, index: str, match: str) -> list[tuple[int, str]]:
    """(id, title) of the newest `RANK_WINDOW` records in `index` that match."""
    rows = session.execute(
        text(
            f"SELECT rowid, title FROM {index} WHERE {index} MATCH :match "
            "ORDER BY rowid DESC LIMIT :window"
        ),
        {"match": match, "window": RANK_WINDOW},
    )
    return [(rowid, title) for rowid, title in rows]


def _ranked(candidates: list[tuple[int, str]], first_word: str) -> list[int]:
    """Titles that start with the first word typed, then shorter titles, then newer."""

    def key(candidate: tuple[int, str]) -> tuple[bool, int, int]:
        record_id, title = candidate
        return (not fold(title).startswith(first_word), len(title), -record_id)

    return [record_id for record_id, _ in sorted(candidates, key=key)]


def search_fts(session: Session, text: str, limit_per_kind: int = 8) -> list[Hit]:
    """The SQLite path: titles first, then all the text, in each kind's FTS5 tables."""
    terms = words(text)
    if not terms or limit_per_kind < 1:
        return []
    matches, first = match_expressions(terms), fold(terms[0])
    hits: list[Hit] = []
    for kind in KINDS:
        ids: list[int] = []
        for index in (kind.title_index, kind.index):
            for match in matches:
                if len(ids) >= limit_per_kind:
                    break
                seen = set(ids)
                found = [c for c in _candidates(session, index, match) if c[0] not in seen]
                ids += _ranked(found, first)[: limit_per_kind - len(ids)]
        hits += _hits(session, kind, ids)
    return hits


# --- any other database: LIKE ---------------------------------------------------------------


def _contains(column: Any, word: str) -> ColumnElement[bool]:
    return func.lower(type_coerce(column, String)).contains(word, autoescape=True)


@dataclass(frozen=True)
class _Fields:
    """What the fallback searches in one table: the same text as the FTS index."""

    id: Any
    title: Any
    body: tuple[Any, ...]
    #: (child column pointing at the record, child text columns)
    children: tuple[tuple[Any, tuple[Any, ...]], ...] = ()

    def has(self, word: str) -> ColumnElement[bool]:
        """`word` occurs in the record's text; children through one uncorrelated IN each."""
        found = [_contains(c, word) for c in (self.title, *self.body)]
        for link, columns in self.children:
            found.append(
                self.id.in_(select(link).where(or_(*(_contains(c, word) for c in columns))))
            )
        return or_(*found)


def _fallback_fields() -> dict[str, _Fields]:
    return {
        "agreement": _Fields(Agreement.id, Agreement.title, (Agreement.aims, Agreement.notes)),
        "focus_area": _Fields(
            FocusArea.id,
            FocusArea.name,
            (FocusArea.description,),
            ((Objective.focus_area_id, (Objective.text, Objective.indicator)),),
        ),
        "milestone": _Fields(
            Milestone.id,
            Milestone.title,
            (
                Milestone.description,
                Milestone.location,
                Milestone.audience,
                Milestone.outcome,
                Milestone.date_wording,
                Milestone.__table__.c.date,
            ),
        ),
        "contact": _Fields(
            Contact.id,
            Contact.name,
            (Contact.title, Contact.notes),
            ((ContactEmail.contact_id, (ContactEmail.address,)),),
        ),
        "organisation": _Fields(
            Organisation.id,
            Organisation.name,
            (Organisation.short_name, Organisation.notes),
            ((OrganisationName.organisation_id, (OrganisationName.name,)),),
        ),
    }


def search_fallback(session: Session, text: str, limit_per_kind: int = 8) -> list[Hit]:
    """The portable path: every word must occur (LIKE, lower case) in the record's text.

    Ranked as the FTS path ranks: titles with every word, titles that start with the first
    word, shorter titles, newer records.
    """
    terms = words(text)
    if not terms or limit_per_kind < 1:
        return []
    fields = _fallback_fields()
    hits: list[Hit] = []
    for kind in KINDS:
        f = fields[kind.table]
        title = func.lower(f.title)
        query = (
            select(f.id)
            .where(*(f.has(w) for w in terms))
            .order_by(
                and_(*(_contains(f.title, w) for w in terms)).desc(),
                title.startswith(terms[0], autoescape=True).desc(),
                func.length(f.title),
                f.id.desc(),
            )
            .limit(limit_per_kind)
        )
        hits += _hits(session, kind, list(session.scalars(query)))
    return hits


# --- what a hit shows -----------------------------------------------------------------------


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def _agreement_rows(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(
            Agreement.id,
            Agreement.title,
            Agreement.term_start,
            Agreement.term_end,
            Agreement.status,
        ).where(Agreement.id.in_(ids))
    )
    return {
        r.id: (
            r.title,
            _join(term_text(r.term_start, r.term_end), r.status.value.replace("_", " ")),
        )
        for r in rows
    }


def _focus_area_rows(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(FocusArea.id, FocusArea.name, Agreement.title)
        .join(Agreement, Agreement.id == FocusArea.agreement_id)
        .where(FocusArea.id.in_(ids))
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def _milestone_rows(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(Milestone.id, Milestone.title, Milestone.when, Agreement.title)
        .join(Agreement, Agreement.id == Milestone.agreement_id)
        .where(Milestone.id.in_(ids))
    )
    return {r[0]: (r[1], _join(r[2].to_text(), r[3])) for r in rows}


def _contact_rows(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.title, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Contact.organisation_id)
        .where(Contact.id.in_(ids))
    )
    return {r[0]: (r[1], _join(r[2], r[3])) for r in rows}


def _organisation_rows(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(
            Organisation.id, Organisation.name, Organisation.short_name, Organisation.kind
        ).where(Organisation.id.in_(ids))
    )
    return {r[0]: (r[1], _join(r[3].value.replace("_", " ").capitalize(), r[2])) for r in rows}


_ROWS: dict[str, Callable[[Session, Sequence[int]], dict[int, tuple[str, str]]]] = {
    "agreement": _agreement_rows,
    "focus_area": _focus_area_rows,
    "milestone": _milestone_rows,
    "contact": _contact_rows,
    "organisation": _organisation_rows,
}


def _hits(session: Session, kind: Kind, ids: Sequence[int]) -> list[Hit]:
    """Hits for `ids` in that order; ids whose record is gone are skipped."""
    if not ids:
        return []
    rows = _ROWS[kind.table](session, ids)
    return [Hit(kind.table, i, rows[i][0], rows[i][1], kind.label) for i in ids if i in rows]
