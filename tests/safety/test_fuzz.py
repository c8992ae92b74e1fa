"""Promise: bad input never crashes and never half-writes (property-based).

Every parser users type into, and every CLI argument, is fed arbitrary text: the result is
a value or one ValidationError/AccordError with a message; never another exception, never
a traceback, and the database is unchanged after a refused command. Inputs that once
failed are kept in tests/safety/regressions/ and replayed first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.dates import FlexDate
from db.errors import AccordError, ValidationError
from db.validation import check_email, check_recurrence, normalise_phone
from desktop import cli

REGRESSIONS = Path(__file__).parent / "regressions"
FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

date_like = st.one_of(
    st.text(max_size=40),
    st.from_regex(
        r"(early|mid|late|fall|spring|Q[0-9]|winter)? ?[0-9]{1,5}([-./][0-9]{1,3}){0,2}"
        r"( [0-9]{1,2}[:.][0-9]{2})?( [A-Za-z/_]{1,20})?",
        fullmatch=True,
    ),
)


def regression_inputs(name: str) -> list[str]:
    path = REGRESSIONS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


@pytest.mark.parametrize("text", regression_inputs("dates"))
def test_date_regressions(text: str) -> None:
    try:
        FlexDate.parse(text)
    except ValidationError as exc:
        assert exc.message


@FUZZ
@given(date_like)
def test_date_parser_never_crashes(text: str) -> None:
    try:
        value = FlexDate.parse(text)
    except ValidationError as exc:
        assert exc.field == "date" and exc.message
        return
    assert FlexDate.from_canonical(value.canonical()) == value


@FUZZ
@given(st.text(max_size=30), st.sampled_from(["FI", "SE", "US", "GB", "ZZ"]))
def test_phone_never_crashes(text: str, region: str) -> None:
    try:
        e164 = normalise_phone("phone", text, region)
    except ValidationError as exc:
        assert exc.field == "phone" and exc.message
        return
    assert e164.startswith("+") and e164[1:].isdigit()


@FUZZ
@given(st.text(max_size=60))
def test_email_never_crashes(text: str) -> None:
    try:
        address = check_email("email", text)
    except ValidationError as exc:
        assert exc.field == "email" and exc.message
        return
    assert "@" in address


@FUZZ
@given(st.text(alphabet="FREQ=DAILYWEKMONTHBYDA;,0123456789-TUZUNILCOS", max_size=60))
def test_recurrence_never_crashes(rule: str) -> None:
    try:
        check_recurrence("rrule", rule, FlexDate.parse("2025-01-07"))
    except ValidationError as exc:
        assert exc.field == "rrule" and exc.message


TOKENS = st.sampled_from(
    [
        "init",
        "list",
        "agreements",
        "milestones",
        "focus-areas",
        "contacts",
        "--json",
        "--agreement",
        "--sample",
        "--db",
        "backup",
        "restore",
        "check",
        "-o",
        "--version",
        "report",
        "export-ics",
        "import-ics",
        "--from",
        "--to",
        "0",
        "-1",
        "999999",
        "",
        "Strategic partnership agreement 2025–2029",
        "\x00",
        "ä",
        "--",
        "-",
        "../",
        "::",
    ]
)


@pytest.fixture
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    assert cli.main(["init", "--sample", "--db", str(path)]) == 0
    return path


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(args=st.lists(st.one_of(TOKENS, st.text(max_size=12)), max_size=6))
def test_cli_arguments_never_crash(
    fuzz_db: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(fuzz_db.parent)  # anything a command writes lands beside the database
    args = [a for a in args if a not in ("gui", "restore", "backup")]  # no window; no writes
    args = [a.replace("\x00", "") if a != "\x00" else "x" for a in args]
    if not args or (args[0].startswith("-") and args[0] not in ("--version", "--json")):
        return  # no command opens the window
    before = fuzz_db.read_bytes()
    try:
        code = cli.main([*args, "--db", str(fuzz_db)])
    except SystemExit as exit_:  # --version / --help exit through argparse
        code = exit_.code or 0
    assert code in (0, 2), f"{args} gave exit {code}"
    if code == 2 and args[0] != "init":
        assert fuzz_db.read_bytes() == before


def test_accord_error_is_the_only_expected_error_type() -> None:
    assert issubclass(ValidationError, AccordError)
