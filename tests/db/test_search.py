"""Search: words from any text of every kind, as typed, without accents; the index in step."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text

from db import operations as ops
from db.edits import Delete, SetFields
from db.models import Agreement, Base, FocusArea, Milestone
from db.search import KINDS, Hit, include_name, search, search_fallback, search_fts
from db.session import Database, alembic_config, open_database

SearchFn = Callable[..., list[Hit]]
BOTH: list[SearchFn] = [search_fts, search_fallback]


def find(db: Database, typed: str, engine: SearchFn = search) -> list[Hit]:
    with db.sessions() as session:
        return engine(session, typed)


def titles(db: Database, typed: str, table: str, engine: SearchFn = search) -> list[str]:
    return [h.title for h in find(db, typed, engine) if h.table == table]


def record_id(db: Database, model: type, **where: object) -> int:
    with db.sessions() as s:
        column = next(iter(where))
        return s.scalars(select(model.id).where(getattr(model, column) == where[column])).one()


def assert_index_in_step(db: Database) -> None:
    """Each kind's two FTS5 tables hold one entry per record, and pass FTS5's own check."""
    with db.engine.begin() as conn:
        for kind in KINDS:
            ids = {r[0] for r in conn.execute(text(f"SELECT id FROM {kind.table}"))}
            for index in (kind.index, kind.title_index):
                rowids = {r[0] for r in conn.execute(text(f"SELECT rowid FROM {index}"))}
                assert rowids == ids, index
                conn.execute(text(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')"))


# --- finding --------------------------------------------------------------------------------


#: (typed, table, title of a record it must find), with where the words come from.
WORDS_FROM_THE_TEXT = [
    ("ecosystem entrepreneurship", "agreement", "Strategic partnership agreement 2025–2029"),
    ("childcare spouses", "focus_area", "Attracting talent"),  # an objective's words
    ("campus children", "focus_area", "Promoting learning"),  # description and objective
    ("thesis project employers", "milestone", "Thesis Day"),  # its description
    ("campus otaniemi", "milestone", "Open-for-all event series"),  # its location
    ("early next year", "milestone", "Open-for-all event series"),  # the user's wording
    ("mayor", "contact", "Jukka Mäkelä"),  # the contact's title
    ("matti.meikalainen@aalto.example", "contact", "Matti Meikäläinen"),  # an e-mail
    ("esbo stad", "organisation", "City of Espoo"),  # the Swedish name
    ("aalto-yliopisto", "organisation", "Aalto University"),  # the Finnish name
]


@pytest.mark.parametrize("engine", BOTH, ids=["fts", "fallback"])
def test_every_kind_is_found_by_words_from_its_text(sample_db: Database, engine: SearchFn) -> None:
    missed = [
        (typed, title)
        for typed, table, title in WORDS_FROM_THE_TEXT
        if title not in titles(sample_db, typed, table, engine)
    ]
    assert missed == []
    assert {table for _, table, _ in WORDS_FROM_THE_TEXT} == {k.table for k in KINDS}


def test_words_in_any_order_must_all_occur(sample_db: Database) -> None:
    assert titles(sample_db, "day thesis", "milestone") == ["Thesis Day"]
    assert titles(sample_db, "thesis signing", "milestone") == []


def test_prefix_matching_as_the_user_types(sample_db: Database) -> None:
    for typed in ("thes", "thes d", "thes da", "thesis da", "thesis day", "THESIS DAY"):
        assert titles(sample_db, typed, "milestone") == ["Thesis Day"], typed
    assert "Thesis Day" not in titles(sample_db, "hesis", "milestone")  # words start there


def test_case_and_accents_are_ignored(sample_db: Database) -> None:
    assert titles(sample_db, "niemela", "contact") == ["Ilkka Niemelä"]
    assert titles(sample_db, "NIEMELÄ", "contact") == ["Ilkka Niemelä"]
    assert titles(sample_db, "makela", "contact") == ["Jukka Mäkelä"]
    assert titles(sample_db, "meikalainen maija", "contact") == ["Maija Meikäläinen"]
    decomposed = "Niemela\u0308"  # "ä" typed as "a" and a combining diaeresis
    assert titles(sample_db, decomposed, "contact") == ["Ilkka Niemelä"]


def test_hits_say_what_they_are(sample_db: Database) -> None:
    hit = next(h for h in find(sample_db, "thesis day") if h.table == "milestone")
    assert hit == Hit(
        "milestone",
        record_id(sample_db, Milestone, title="Thesis Day"),
        "Thesis Day",
        "fall 2024 · Partnership agreement 2020–2025",
        "Milestone",
    )
    area = next(h for h in find(sample_db, "childcare") if h.table == "focus_area")
    assert (area.kind, area.detail) == ("Focus area", "Strategic partnership agreement 2025–2029")
    person = next(h for h in find(sample_db, "niemela"))
    assert person.detail == "President of Aalto University · Aalto University"


@pytest.mark.parametrize("engine", BOTH, ids=["fts", "fallback"])
def test_groups_in_kind_order_and_best_matches_first(database: Database, engine: SearchFn) -> None:
    with database.transaction() as s:
        org = ops.add_organisation(s, "Budget Office")
        ops.add_contact(s, "Bea Budget", organisation=org)
        agreement = ops.add_agreement(s, "Budget agreement", term_start="2025")
        area = ops.add_focus_area(s, agreement, "Finance", description="The budget of the work.")
        ops.add_objective(s, area, "Balance the budget.")
        body_only = ops.add_milestone(s, agreement, "Kick-off", description="A budget talk.")
        later = ops.add_milestone(s, agreement, "Annual budget")
        longer = ops.add_milestone(s, agreement, "Budget review of the whole programme")
        best = ops.add_milestone(s, agreement, "Budget review")
        ids = [best.id, longer.id, later.id, body_only.id]
    with database.sessions() as s:
        hits = engine(s, "budget")
    kinds = [h.kind for h in hits]
    assert kinds == sorted(kinds, key=[k.label for k in KINDS].index)
    assert set(kinds) == {k.label for k in KINDS}
    # Title starts with the word, then shorter titles, then a title with the word later,
    # then a record that has the word only in its text.
    assert [h.id for h in hits if h.table == "milestone"] == ids


def test_words_typed_before_the_last_match_whole_words_first(database: Database) -> None:
    with database.transaction() as s:
        agreement = ops.add_agreement(s, "Teams", term_start="2025")
        longer = ops.add_milestone(s, agreement, "Team building day at the campus").id
        shorter = ops.add_milestone(s, agreement, "Teamwork day").id
    # "team" is finished (a space followed it): the whole word first, then "Teamwork".
    assert [h.id for h in find(database, "team da") if h.table == "milestone"] == [
        longer,
        shorter,
    ]
    # While one word is typed, both titles start with it: the shorter title first.
    assert [h.id for h in find(database, "tea") if h.table == "milestone"] == [shorter, longer]


@pytest.mark.parametrize("engine", BOTH, ids=["fts", "fallback"])
def test_limit_per_kind_keeps_the_newest_best(database: Database, engine: SearchFn) -> None:
    with database.transaction() as s:
        agreement = ops.add_agreement(s, "Workshops", term_start="2025")
        made = [ops.add_milestone(s, agreement, f"Workshop {n:02}").id for n in range(12)]
    with database.sessions() as s:
        hits = engine(s, "worksh", limit_per_kind=3)
    assert [h.id for h in hits if h.table == "milestone"] == made[::-1][:3]
    assert [h.table for h in hits] == ["agreement", "milestone", "milestone", "milestone"]


def test_fallback_gives_the_same_hits_as_fts_on_the_sample(sample_db: Database) -> None:
    queries = [
        "thesis day",
        "espoo",
        "aalto university",
        "partnership agreement",
        "signing 2020",
        "otaniemi",
        "2024",
        "campus",
        "research",
    ]
    for typed in queries:
        fts = find(sample_db, typed, search_fts)
        assert fts, typed
        assert find(sample_db, typed, search_fallback) == fts, typed
    assert find(sample_db, "nothing-like-this", search_fts) == []
    assert find(sample_db, "nothing-like-this", search_fallback) == []


MALICIOUS = [
    '"',
    '""',
    "*",
    "AND",
    "OR NOT",
    "NEAR(",
    "NEAR(thesis day, 2)",
    "-",
    "-thesis",
    "title:",
    "title:thesis",
    "{title}: thesis",
    "thesis*",
    '"thesis',
    "thesis AND NOT day",
    "^thesis",
    "(",
    ")",
    "%",
    "_",
    "\\",
    "'; DROP TABLE milestone; --",
    "\x00",
    "   ",
    "",
    "ﬁ",
    "🙂",
    "a" * 5000,
]


@pytest.mark.parametrize("engine", BOTH, ids=["fts", "fallback"])
def test_query_syntax_in_the_text_never_breaks_a_search(
    sample_db: Database, engine: SearchFn
) -> None:
    for typed in MALICIOUS:
        hits = find(sample_db, typed, engine)  # raises on a broken query
        assert all(isinstance(h, Hit) for h in hits), typed


@pytest.mark.parametrize("engine", BOTH, ids=["fts", "fallback"])
def test_operators_are_searched_as_plain_words(sample_db: Database, engine: SearchFn) -> None:
    assert titles(sample_db, '"thesis', "milestone", engine) == ["Thesis Day"]
    assert titles(sample_db, "-thesis", "milestone", engine) == ["Thesis Day"]  # not NOT
    assert titles(sample_db, "title:thesis", "milestone", engine) == []  # "title" is a word
    assert titles(sample_db, "thesis OR signing", "milestone", engine) == []  # "or" is a word
    assert "Business and innovation collaboration" in titles(sample_db, "AND", "focus_area", engine)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(typed=st.text(max_size=40))
def test_any_text_is_a_valid_search(sample_db: Database, typed: str) -> None:
    for engine in BOTH:
        find(sample_db, typed, engine)


# --- keeping the index in step --------------------------------------------------------------


def test_index_follows_insert_update_and_delete(sample_db: Database) -> None:
    assert_index_in_step(sample_db)
    agreement = record_id(sample_db, Agreement, title="Strategic partnership agreement 2025–2029")
    with sample_db.transaction() as s:
        new = ops.add_milestone(s, s.get(Agreement, agreement), "Hackathon in Kera").id
    assert titles(sample_db, "hackath ker", "milestone") == ["Hackathon in Kera"]

    sample_db.run(SetFields("milestone", new, {"title": "Code camp in Leppävaara"}).apply)
    assert titles(sample_db, "code camp leppavaara", "milestone") == ["Code camp in Leppävaara"]
    assert titles(sample_db, "hackathon", "milestone") == []
    assert titles(sample_db, "kera", "milestone") == []

    sample_db.run(SetFields("milestone", new, {"description": "Bring a laptop."}).apply)
    assert titles(sample_db, "laptop", "milestone") == ["Code camp in Leppävaara"]

    sample_db.run(Delete("milestone", new).apply)
    assert titles(sample_db, "code camp", "milestone") == []
    assert_index_in_step(sample_db)


def test_child_rows_feed_their_parents_text(sample_db: Database) -> None:
    area = record_id(sample_db, FocusArea, name="Promoting learning")
    with sample_db.transaction() as s:
        objective = ops.add_objective(s, s.get(FocusArea, area), "Run a summer robotics camp.")
        objective_id = objective.id
    assert titles(sample_db, "robotics", "focus_area") == ["Promoting learning"]
    sample_db.run(SetFields("objective", objective_id, {"text": "Open a maker space."}).apply)
    assert titles(sample_db, "robotics", "focus_area") == []
    assert titles(sample_db, "maker space", "focus_area") == ["Promoting learning"]
    sample_db.run(Delete("objective", objective_id).apply)
    assert titles(sample_db, "maker", "focus_area") == []
    assert titles(sample_db, "promoting learning", "focus_area") == ["Promoting learning"]
    assert_index_in_step(sample_db)


def test_undo_of_a_delete_restores_the_index(sample_db: Database) -> None:
    """Restore writes Core inserts and cascades remove rows the ORM never sees: triggers."""
    newest = record_id(sample_db, Agreement, title="Strategic partnership agreement 2025–2029")
    before = find(sample_db, "otaniemi")
    assert {"agreement", "focus_area", "milestone"} <= {h.table for h in before}

    restore, _ = sample_db.run(Delete("agreement", newest).apply)
    assert titles(sample_db, "attracting talent", "focus_area") == []  # cascaded away
    assert titles(sample_db, "open-for-all", "milestone") == []
    assert_index_in_step(sample_db)

    sample_db.run(restore.apply)
    assert find(sample_db, "otaniemi") == before
    assert titles(sample_db, "childcare", "focus_area") == ["Attracting talent"]  # objectives
    assert_index_in_step(sample_db)


def test_index_follows_renamed_organisation_names_and_emails(sample_db: Database) -> None:
    with sample_db.engine.begin() as conn:  # another program's plain SQL, no ORM at all
        conn.execute(
            text("UPDATE organisation_name SET name = 'Esbo kommun' WHERE name = 'Esbo stad'")
        )
        conn.execute(
            text(
                "UPDATE contact_email SET address = 'maija@city.example' "
                "WHERE address LIKE 'maija%'"
            )
        )
        conn.execute(text("DELETE FROM organisation_name WHERE name = 'Aalto-universitetet'"))
    assert titles(sample_db, "esbo kommun", "organisation") == ["City of Espoo"]
    assert titles(sample_db, "esbo stad", "organisation") == []
    assert titles(sample_db, "aalto-universitetet", "organisation") == []
    assert titles(sample_db, "city.example", "contact") == ["Maija Meikäläinen"]
    assert_index_in_step(sample_db)


# --- the schema -----------------------------------------------------------------------------

TRIGGERS = {
    f"search_{table}_{event}"
    for table in (
        "agreement",
        "focus_area",
        "milestone",
        "contact",
        "organisation",
        "objective",
        "contact_email",
        "organisation_name",
    )
    for event in ("insert", "update", "delete")
}


def schema_names(path: Path, type_: str) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = ?", (type_,))
        }
    finally:
        con.close()


def test_every_trigger_exists_at_head(database: Database) -> None:
    """A later migration that recreates a table (SQLite batch mode) drops its triggers."""
    assert database.path is not None
    assert schema_names(database.path, "trigger") >= TRIGGERS
    indexes = {name for k in KINDS for name in (k.index, k.title_index)}
    assert indexes <= schema_names(database.path, "table")


def test_downgrade_removes_the_index_and_upgrade_fills_it(sample_db: Database) -> None:
    assert sample_db.path is not None
    with sample_db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert not schema_names(sample_db.path, "trigger") & TRIGGERS
    assert not {n for n in schema_names(sample_db.path, "table") if n.startswith("search_")}
    with sample_db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert titles(sample_db, "thes da", "milestone") == ["Thesis Day"]
    assert_index_in_step(sample_db)


def test_database_made_at_0001_is_searchable_after_the_upgrade(db_path: Path) -> None:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        stamp = "'2025-01-01 00:00:00.000000'"
        common = f"'{{uid}}', 1, {stamp}, {stamp}"
        conn.execute(
            text(
                "INSERT INTO organisation (id, name, kind, country, notes, uid, version, "
                f"created_at, updated_at) VALUES (1, 'Vantaan kaupunki', 'city', 'FI', '', "
                f"{common.format(uid='o1')})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO contact (id, name, notes, organisation_id, uid, version, created_at, "
                f"updated_at) VALUES (1, 'Päivi Häkkinen', '', 1, {common.format(uid='c1')})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agreement (id, title, status, signed, term_start, term_end, aims, "
                "notes, uid, version, created_at, updated_at) VALUES (1, 'Vantaa pact', "
                f"'draft', 'TBD', '2026', 'TBD', 'Airport district', '', {common.format(uid='a1')})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO milestone (id, agreement_id, kind, title, description, status, "
                '"date", starts_on, ends_on, precision_rank, exdates, reminders, outcome, uid, '
                "version, created_at, updated_at) VALUES (1, 1, 'event', 'Aviapolis walk', "
                "'A walk round the airport district.', 'planned', '2026-spring', '2026-03-01', "
                f"'2026-05-31', 4, '[]', '[]', '', {common.format(uid='m1')})"
            )
        )
    engine.dispose()

    db = open_database(db_path)
    try:
        assert db.upgraded_from == "0001"
        assert [(h.table, h.id) for h in find(db, "airport")] == [
            ("agreement", 1),
            ("milestone", 1),
        ]
        assert titles(db, "hakkinen", "contact") == ["Päivi Häkkinen"]
        assert titles(db, "vantaan", "organisation") == ["Vantaan kaupunki"]
        assert titles(db, "aviapolis 2026 spring", "milestone") == ["Aviapolis walk"]
        assert_index_in_step(db)
    finally:
        db.close()


def test_the_drift_check_skips_exactly_the_search_tables(database: Database) -> None:
    """Without the filter the FTS5 tables look like tables the models lost; with it, no diff."""
    with database.engine.connect() as conn:
        unfiltered = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
        filtered = compare_metadata(
            MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_name}
            ),
            Base.metadata,
        )
    assert filtered == []
    assert {d[0] for d in unfiltered} == {"remove_table"}
    removed = {d[1].name for d in unfiltered}
    assert {name for k in KINDS for name in (k.index, k.title_index)} <= removed
    assert all(name.startswith("search_index_") for name in removed)
