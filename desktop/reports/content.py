"""What a printed report says, as plain values: no Qt here, so it is testable headless.

Builders read the database through a session and return a `Report`: a title, a subject and
a flat list of blocks (title block, headings, paragraphs, key facts, tables with a header
row, a timeline). Layout and painting (`layout.py`, `render.py`) decide where the page
breaks fall; nothing here knows about paper.

User text is carried as plain strings and painted as plain text, never as markup, so a
title such as `<b>Board</b> & "Co"` prints literally. Visible words go through
`translate("reports", ...)`, which the Qt side connects to QCoreApplication.translate.

Definitions the reports rely on (tested in tests/reports/test_report_content.py):

* Done: status "done". Upcoming: planned or confirmed with a date whose last day is today or
  later. Overdue: planned or confirmed with a date that has passed. Undated: no date yet.
* Days to expiry: last day of the term minus today; an agreement that is signed or in force
  and ends within 365 days is "expiring within a year".
* A period (activity report, date-range option) takes every milestone whose date range
  shares at least one day with it; a vague date ("fall 2024") counts for the whole period
  it covers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from db.dates import DEFAULT_TZ, FlexDate, Precision
from db.enums import AgreementStatus, ChangeAction, MilestoneKind, MilestoneStatus
from db.errors import NotFoundError, ValidationError
from db.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    Attachment,
    ChangeLog,
    Contact,
    FocusArea,
    Milestone,
    MilestoneContact,
    Objective,
)

# --- words ----------------------------------------------------------------------------------

_translator: Callable[[str, str], str] = lambda context, text: text  # noqa: E731


def set_translator(function: Callable[[str, str], str]) -> None:
    """The Qt side installs QCoreApplication.translate here; without it, English."""
    global _translator
    _translator = function


def translate(context: str, text: str) -> str:
    """Marks a visible string for lupdate and translates it when a translator is set."""
    return _translator(context, text)


def fill(template: str, *values: object) -> str:
    """Qt-style placeholders (%1, %2 …) so translators can reorder them."""
    for index in range(len(values), 0, -1):
        template = template.replace(f"%{index}", str(values[index - 1]))
    return template


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """A day in words: "15 Oct 2024"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def date_text(value: FlexDate | None) -> str:
    """A date in words with its precision ("fall 2024", "15 Oct 2024 14:00", "TBD").

    The one place that turns a FlexDate into report text: when desktop/dates_display.py
    offers dates in the user's language, only this function changes.
    """
    if value is None:
        return ""
    if value.precision is Precision.EXACT and value.start_datetime is not None:
        local = value.start_datetime
        zone = "" if value.tz == DEFAULT_TZ else f" {value.tz}"
        return f"{day_text(local.date())} {local:%H:%M}{zone}"
    return value.to_text()


def range_text(start: date, end: date) -> str:
    """An inclusive range of days in words; a whole calendar year reads as the year."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year} – {end.year}"
    return f"{day_text(start)} – {day_text(end)}"


def term_text(start: FlexDate, end: FlexDate) -> str:
    if start.is_known and end.is_known:
        return f"{date_text(start)} – {date_text(end)}"
    if start.is_known:
        return fill(translate("reports", "from %1"), date_text(start))
    if end.is_known:
        return fill(translate("reports", "until %1"), date_text(end))
    return translate("reports", "not yet known")


def agreement_status_text(status: AgreementStatus) -> str:
    return {
        AgreementStatus.DRAFT: translate("reports", "Draft"),
        AgreementStatus.NEGOTIATION: translate("reports", "In negotiation"),
        AgreementStatus.SIGNED: translate("reports", "Signed"),
        AgreementStatus.IN_FORCE: translate("reports", "In force"),
        AgreementStatus.EXPIRED: translate("reports", "Expired"),
        AgreementStatus.SUPERSEDED: translate("reports", "Superseded"),
    }[status]


def milestone_status_text(status: MilestoneStatus) -> str:
    return {
        MilestoneStatus.PLANNED: translate("reports", "Planned"),
        MilestoneStatus.CONFIRMED: translate("reports", "Confirmed"),
        MilestoneStatus.DONE: translate("reports", "Done"),
        MilestoneStatus.CANCELLED: translate("reports", "Cancelled"),
    }[status]


def milestone_kind_text(kind: MilestoneKind) -> str:
    return {
        MilestoneKind.SIGNING: translate("reports", "Signing"),
        MilestoneKind.TERM_START: translate("reports", "Start of term"),
        MilestoneKind.TERM_END: translate("reports", "End of term"),
        MilestoneKind.REVIEW: translate("reports", "Review"),
        MilestoneKind.REPORT_DEADLINE: translate("reports", "Report deadline"),
        MilestoneKind.EVENT: translate("reports", "Event"),
        MilestoneKind.EVENT_SERIES: translate("reports", "Event series"),
        MilestoneKind.OTHER: translate("reports", "Other"),
    }[kind]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def clean(text: str | None) -> str:
    """User text as it should print: no control characters, tabs as spaces, ends trimmed."""
    if not text:
        return ""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\t", "    ")).strip()


def _number(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    text = text.replace(",", "\u202f")
    return f"{text} {unit}" if unit else text


# --- the values a report is made of -----------------------------------------------------------


class Pattern(StrEnum):
    """Hatching that keeps focus areas apart when colour is lost (greyscale printers)."""

    SOLID = "solid"
    DIAGONAL = "diagonal"
    BACK_DIAGONAL = "back_diagonal"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    CROSS = "cross"
    DIAGONAL_CROSS = "diagonal_cross"
    DOTS = "dots"


PATTERNS = tuple(Pattern)


@dataclass(frozen=True, slots=True)
class Mark:
    """A focus area's colour, with a number and a pattern so that greyscale still tells."""

    number: int
    colour: str
    pattern: Pattern


def mark_for(position: int, colour: str) -> Mark:
    """The mark of the focus area at `position` (0-based) of its agreement."""
    return Mark(position + 1, colour, PATTERNS[position % len(PATTERNS)])


class Align(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    mark: Mark | None = None
    bold: bool = False
    muted: bool = False
    #: A second, smaller line in grey under the text (e.g. "also: Promoting learning").
    sub: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    #: Share of the width left after every column has its minimum.
    weight: float = 1.0
    #: Narrowest sensible width in average characters of the table font.
    min_chars: int = 8
    align: Align = Align.LEFT


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    #: Drawn with a tinted background and a mark in the first cell (e.g. expiring soon).
    highlight: bool = False


@dataclass(slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: list[Row]
    #: Printed instead of an empty table.
    empty_note: str = ""

    @property
    def min_chars(self) -> int:
        return sum(c.min_chars for c in self.columns)


@dataclass(frozen=True, slots=True)
class TitleBlock:
    kicker: str
    title: str
    subtitle: str


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1
    mark: Mark | None = None


class ParagraphStyle(StrEnum):
    BODY = "body"
    NOTE = "note"  # short italic remark, e.g. an empty section
    BULLET = "bullet"
    SMALL = "small"


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    style: ParagraphStyle = ParagraphStyle.BODY


@dataclass(frozen=True, slots=True)
class Facts:
    """Label–value pairs, printed as a two-column list."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class TimelineLane:
    title: str
    mark: Mark | None = None


@dataclass(frozen=True, slots=True)
class TimelineItem:
    title: str
    start: date
    end: date
    #: Covers more than a day ("fall 2024"): drawn as a soft span, not a point.
    approximate: bool
    lanes: tuple[int, ...]
    status: MilestoneStatus
    kind: MilestoneKind
    date_label: str


@dataclass(frozen=True, slots=True)
class TimelineData:
    """Everything `draw_timeline` needs: a range of days, lanes and dated items."""

    start: date
    end: date
    lanes: tuple[TimelineLane, ...]
    items: tuple[TimelineItem, ...]
    today: date | None = None
    term: tuple[date, date] | None = None
    undated: tuple[str, ...] = ()
    #: Milestones left off because they fall outside start..end.
    outside: int = 0


@dataclass(frozen=True, slots=True)
class TimelineBlock:
    """A whole page: a heading and the drawing below it."""

    title: str
    data: TimelineData


Block = TitleBlock | Heading | Paragraph | Facts | Table | TimelineBlock


class ReportKind(StrEnum):
    AGREEMENT = "agreement"
    PORTFOLIO = "portfolio"
    ACTIVITY = "activity"


class Paper(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


class Orientation(StrEnum):
    AUTO = "auto"
    PORTRAIT = "portrait"
    LANDSCAPE = "landscape"


@dataclass(frozen=True)
class ReportOptions:
    """What the user chose; every field has the default a coordinator would expect."""

    #: Limit milestones (and the change log) to this inclusive range; None: no limit.
    start: date | None = None
    end: date | None = None
    #: Section keys to print (see `sections()`); None: all of them.
    sections: frozenset[str] | None = None
    paper: Paper = Paper.A4
    orientation: Orientation = Orientation.AUTO
    #: Portfolio filter; None: every status.
    statuses: frozenset[AgreementStatus] | None = None
    #: The day reports count from ("days to expiry", "upcoming"); None: the real today.
    today: date | None = None

    def wants(self, key: str) -> bool:
        return self.sections is None or key in self.sections

    @property
    def day(self) -> date:
        return self.today or date.today()


@dataclass
class Report:
    kind: ReportKind
    title: str
    #: What the report is about (agreement title, period): printed in every page header.
    subject: str
    printed: date
    blocks: list[Block]
    options: ReportOptions = field(default_factory=ReportOptions)

    def plain_text(self) -> str:
        """All the words, in order: for tests and the benchmark's baseline."""
        out: list[str] = []
        for block in self.blocks:
            match block:
                case TitleBlock():
                    out += [block.kicker, block.title, block.subtitle]
                case Heading() | Paragraph():
                    out.append(block.text)
                case Facts():
                    out += [f"{label}: {value}" for label, value in block.pairs]
                case Table() if not block.rows:
                    out.append(block.empty_note)
                case Table():
                    out.append("\t".join(c.title for c in block.columns))
                    out += ["\t".join(c.text for c in row.cells) for row in block.rows]
                case TimelineBlock():
                    out.append(block.title)
        return "\n".join(out)

    def headings(self, level: int | None = None) -> list[str]:
        return [
            b.text
            for b in self.blocks
            if isinstance(b, Heading) and (level is None or b.level == level)
        ]


def sections(kind: ReportKind) -> list[tuple[str, str]]:
    """(key, label) of the sections a report can include, in print order."""
    tr = translate
    return {
        ReportKind.AGREEMENT: [
            ("overview", tr("reports", "Overview, parties and signatories")),
            ("renewals", tr("reports", "Renewal chain")),
            ("aims", tr("reports", "Aims")),
            ("focus_areas", tr("reports", "Focus areas and objectives")),
            ("milestones", tr("reports", "Milestones")),
            ("contacts", tr("reports", "Contacts and roles")),
            ("timeline", tr("reports", "Timeline of the term")),
            ("documents", tr("reports", "Documents and attachments")),
            ("changes", tr("reports", "Recent changes")),
        ],
        ReportKind.PORTFOLIO: [
            ("summary", tr("reports", "Summary")),
            ("agreements", tr("reports", "Agreements")),
        ],
        ReportKind.ACTIVITY: [
            ("summary", tr("reports", "Summary")),
            ("done", tr("reports", "What happened")),
            ("planned", tr("reports", "What is planned")),
            ("undated", tr("reports", "Not yet dated")),
        ],
    }[kind]


def check_sections(kind: ReportKind, keys: Iterable[str]) -> frozenset[str]:
    """The chosen section keys, refusing unknown ones with the list of known ones."""
    known = [key for key, _ in sections(kind)]
    chosen = frozenset(k.strip() for k in keys if k.strip())
    unknown = sorted(chosen - set(known))
    if unknown:
        raise ValidationError(
            "sections",
            f"The {kind.value} report has no section {', '.join(unknown)}. "
            f"Choose from: {', '.join(known)}.",
        )
    return chosen


def _check_range(options: ReportOptions) -> None:
    if options.start and options.end and options.end < options.start:
        raise ValidationError(
            "end",
            f"The period ends ({day_text(options.end)}) before it starts "
            f"({day_text(options.start)}). Give an end on or after the start.",
        )


# --- shared pieces ----------------------------------------------------------------------------


def _in_range(value: FlexDate, start: date | None, end: date | None) -> bool:
    """Undated values stay in (they are listed apart); dated ones must overlap."""
    if start is None and end is None:
        return True
    if not value.is_known:
        return True
    return value.overlaps(start or date.min, end or date.max)


def _milestone_date(m: Milestone) -> str:
    text = date_text(m.when)
    if m.end is not None and m.end.is_known and m.end != m.when:
        end = date_text(m.end)
        if m.when.precision is Precision.EXACT and m.end.start == m.when.start:
            end = f"{m.end.start_datetime:%H:%M}" if m.end.start_datetime else end
        text = f"{text} – {end}"
    return text


def _details(m: Milestone) -> str:
    parts = []
    if m.kind is not MilestoneKind.EVENT:
        parts.append(milestone_kind_text(m.kind))
    if m.location:
        parts.append(fill(translate("reports", "Place: %1"), clean(m.location)))
    if m.audience:
        parts.append(fill(translate("reports", "Audience: %1"), clean(m.audience)))
    if m.date_wording and m.date_wording != m.when.to_text():
        parts.append(fill(translate("reports", "Announced as “%1”"), clean(m.date_wording)))
    return " · ".join(parts)


def _sorted(milestones: Iterable[Milestone]) -> list[Milestone]:
    return sorted(milestones, key=lambda m: (m.when.sort_key(), m.id))


def _milestone_groups(milestones: Sequence[Milestone], today: date) -> dict[str, list[Milestone]]:
    """Milestones by state: done, upcoming, overdue, undated, cancelled; each in date order."""
    groups: dict[str, list[Milestone]] = {
        key: [] for key in ("done", "upcoming", "overdue", "undated", "cancelled")
    }
    for m in _sorted(milestones):
        if m.status is MilestoneStatus.DONE:
            groups["done"].append(m)
        elif m.status is MilestoneStatus.CANCELLED:
            groups["cancelled"].append(m)
        elif not m.when.is_known:
            groups["undated"].append(m)
        elif m.ends_on is not None and m.ends_on < today:
            groups["overdue"].append(m)
        else:
            groups["upcoming"].append(m)
    return groups


def _done_table(milestones: Sequence[Milestone]) -> Table:
    return Table(
        (
            Column(translate("reports", "Date"), 1.0, 14),
            Column(translate("reports", "Milestone"), 2.2, 18),
            Column(translate("reports", "Outcome"), 3.0, 20),
        ),
        [
            Row(
                (
                    Cell(_milestone_date(m)),
                    Cell(clean(m.title), bold=True),
                    Cell(
                        clean(m.outcome) or translate("reports", "No outcome recorded."),
                        muted=not m.outcome,
                    ),
                )
            )
            for m in milestones
        ],
    )


def _upcoming_table(milestones: Sequence[Milestone], today: date) -> Table:
    rows = []
    for m in milestones:
        status = milestone_status_text(m.status)
        overdue = m.ends_on is not None and m.ends_on < today
        if overdue:
            status = fill(translate("reports", "%1 (date passed)"), status)
        rows.append(
            Row(
                (
                    Cell(_milestone_date(m)),
                    Cell(clean(m.title), bold=True),
                    Cell(status, bold=overdue),
                    Cell(_details(m), muted=True),
                )
            )
        )
    return Table(
        (
            Column(translate("reports", "Date"), 1.0, 14),
            Column(translate("reports", "Milestone"), 2.2, 18),
            Column(translate("reports", "Status"), 0.7, 10),
            Column(translate("reports", "Details"), 2.2, 16),
        ),
        rows,
    )


def _undated_table(milestones: Sequence[Milestone]) -> Table:
    return Table(
        (
            Column(translate("reports", "Milestone"), 2.0, 18),
            Column(translate("reports", "Status"), 0.7, 10),
            Column(translate("reports", "Details"), 2.5, 16),
        ),
        [
            Row(
                (
                    Cell(clean(m.title), bold=True),
                    Cell(milestone_status_text(m.status)),
                    Cell(_details(m), muted=True),
                )
            )
            for m in milestones
        ],
    )


def _milestone_blocks(
    milestones: Sequence[Milestone], today: date, level: int, *, heading_done: str = ""
) -> list[Block]:
    """Done (with outcomes), upcoming, undated and cancelled milestones, each under a heading."""
    if not milestones:
        return [Paragraph(translate("reports", "No milestones."), ParagraphStyle.NOTE)]
    groups = _milestone_groups(milestones, today)
    blocks: list[Block] = []
    for title, group, table in (
        (heading_done or translate("reports", "Done"), groups["done"], _done_table),
        (translate("reports", "Upcoming"), groups["upcoming"], None),
        (translate("reports", "Date passed, not marked done"), groups["overdue"], None),
        (translate("reports", "Not yet dated"), groups["undated"], _undated_table),
        (translate("reports", "Cancelled"), groups["cancelled"], _undated_table),
    ):
        if not group:
            continue
        blocks.append(Heading(f"{title} ({len(group)})", level))
        blocks.append(_upcoming_table(group, today) if table is None else table(group))
    return blocks


def _marks(areas: Sequence[FocusArea]) -> dict[int, Mark]:
    return {fa.id: mark_for(index, fa.colour) for index, fa in enumerate(areas)}


def _attachment_note(location: str) -> str:
    """ "" when the file is there (or is a web address), else a short note."""
    if "://" in location or location.startswith("mailto:"):
        return ""
    try:
        exists = Path(location).expanduser().exists()
    except (OSError, ValueError):
        exists = False
    return "" if exists else translate("reports", "File not found when printed.")


def _local_time(at: datetime) -> datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(DEFAULT_TZ))


_CHANGE_ENTITIES = {
    "agreement": "agreement",
    "agreement_party": "party",
    "agreement_contact": "contact role",
    "focus_area": "focus area",
    "objective": "objective",
    "milestone": "milestone",
    "attachment": "attachment",
}


def _change_value(field_name: str | None, value: str | None) -> str:
    if value is None or value == "":
        return "—"
    if field_name in {"signed", "term_start", "term_end", "when", "date", "end"}:
        try:
            return date_text(FlexDate.from_canonical(value))
        except ValueError:
            pass
    value = clean(value)
    return value if len(value) <= 80 else value[:79] + "…"


def _change_text(row: ChangeLog) -> str:
    what = translate("reports", _CHANGE_ENTITIES.get(row.entity, row.entity.replace("_", " ")))
    label = clean(row.label)
    named = f"{what} “{label}”" if label else what
    if row.action is ChangeAction.INSERT:
        return fill(translate("reports", "Added %1"), named)
    if row.action is ChangeAction.DELETE:
        return fill(translate("reports", "Removed %1"), named)
    return fill(
        translate("reports", "Changed %1 of %2: %3 → %4"),
        (row.field or "").replace("_", " "),
        named,
        _change_value(row.field, row.old),
        _change_value(row.field, row.new),
    )


# --- agreement dossier ------------------------------------------------------------------------


def _renewal_chain(session: Session, agreement: Agreement) -> list[Agreement]:
    """The partnership's history through this agreement, oldest first."""
    chain = [agreement]
    seen = {agreement.id}
    link = agreement.renews
    while link is not None and link.id not in seen:
        chain.insert(0, link)
        seen.add(link.id)
        link = link.renews
    link = agreement.renewed_by
    while link is not None and link.id not in seen:
        chain.append(link)
        seen.add(link.id)
        link = link.renewed_by
    return chain


def _expiry_text(agreement: Agreement, today: date) -> str:
    end = agreement.term_ends_on
    if end is None:
        return translate("reports", "no end date")
    days = (end - today).days
    if days < 0:
        return fill(translate("reports", "ended %1 days ago"), -days)
    return fill(translate("reports", "%1 days"), days)


def expiring_soon(status: AgreementStatus, ends_on: date | None, today: date) -> bool:
    """Signed or in force, and the term ends within the coming 365 days."""
    if status not in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE) or ends_on is None:
        return False
    return 0 <= (ends_on - today).days <= 365


def agreement_dossier(
    session: Session, agreement_id: int, options: ReportOptions | None = None
) -> Report:
    """Everything about one agreement for a steering group or the mayor's office."""
    options = options or ReportOptions()
    _check_range(options)
    today = options.day
    agreement = session.scalars(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            selectinload(Agreement.parties).selectinload(AgreementParty.organisation),
            selectinload(Agreement.parties)
            .selectinload(AgreementParty.signatory)
            .selectinload(Contact.organisation),
            selectinload(Agreement.focus_areas)
            .selectinload(FocusArea.objectives)
            .selectinload(Objective.values),
            selectinload(Agreement.contacts).selectinload(AgreementContact.contact),
            selectinload(Agreement.attachments),
        )
    ).one_or_none()
    if agreement is None:
        raise NotFoundError(f"No agreement has the id {agreement_id}.")
    all_milestones = session.scalars(
        select(Milestone)
        .where(Milestone.agreement_id == agreement.id)
        .options(
            selectinload(Milestone.focus_areas),
            selectinload(Milestone.attachments),
            selectinload(Milestone.contacts).selectinload(MilestoneContact.contact),
        )
    ).all()
    milestones = [m for m in all_milestones if _in_range(m.when, options.start, options.end)]
    areas = list(agreement.focus_areas)
    marks = _marks(areas)
    title = clean(agreement.title)
    parties = [clean(p.organisation.name) for p in agreement.parties]
    blocks: list[Block] = [
        TitleBlock(
            translate("reports", "Agreement dossier"),
            title,
            " · ".join(
                x
                for x in (
                    " – ".join(parties),
                    term_text(agreement.term_start, agreement.term_end),
                    agreement_status_text(agreement.status),
                )
                if x
            ),
        )
    ]
    if options.start or options.end:
        blocks.append(
            Paragraph(
                fill(
                    translate("reports", "Milestones and changes from %1 to %2 only."),
                    day_text(options.start) if options.start else "—",
                    day_text(options.end) if options.end else "—",
                ),
                ParagraphStyle.NOTE,
            )
        )

    if options.wants("overview"):
        blocks.append(Heading(translate("reports", "Overview")))
        pairs = [
            (translate("reports", "Status"), agreement_status_text(agreement.status)),
            (translate("reports", "Signed"), date_text(agreement.signed)),
            (translate("reports", "Term"), term_text(agreement.term_start, agreement.term_end)),
        ]
        if agreement.term_starts_on and agreement.term_ends_on:
            pairs.append(
                (
                    translate("reports", "Term covers"),
                    f"{day_text(agreement.term_starts_on)} – {day_text(agreement.term_ends_on)}",
                )
            )
        if agreement.status in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE):
            expiry = _expiry_text(agreement, today)
            if expiring_soon(agreement.status, agreement.term_ends_on, today):
                expiry = fill(translate("reports", "%1 — expires within a year"), expiry)
            pairs.append((translate("reports", "Days to expiry"), expiry))
        if agreement.renews is not None:
            pairs.append((translate("reports", "Renews"), clean(agreement.renews.title)))
        if agreement.renewed_by is not None:
            pairs.append((translate("reports", "Renewed by"), clean(agreement.renewed_by.title)))
        groups = _milestone_groups(milestones, today)
        pairs.append(
            (
                translate("reports", "Milestones"),
                fill(
                    translate("reports", "%1 done, %2 upcoming, %3 date passed, %4 not yet dated"),
                    len(groups["done"]),
                    len(groups["upcoming"]),
                    len(groups["overdue"]),
                    len(groups["undated"]),
                ),
            )
        )
        blocks.append(Facts(tuple(pairs)))
        blocks.append(Heading(translate("reports", "Parties and signatories"), 2))
        blocks.append(
            Table(
                (
                    Column(translate("reports", "Party"), 1.5, 18),
                    Column(translate("reports", "Role"), 0.6, 8),
                    Column(translate("reports", "Signatory"), 2.0, 20),
                ),
                [
                    Row(
                        (
                            Cell(clean(p.organisation.name), bold=True),
                            Cell(clean(p.role)),
                            Cell(
                                ", ".join(
                                    x
                                    for x in (
                                        clean(p.signatory.name),
                                        clean(p.signatory.title),
                                    )
                                    if x
                                )
                                if p.signatory
                                else translate("reports", "not recorded"),
                                muted=p.signatory is None,
                            ),
                        )
                    )
                    for p in agreement.parties
                ],
                translate("reports", "No parties recorded."),
            )
        )

    if options.wants("renewals"):
        chain = _renewal_chain(session, agreement)
        blocks.append(Heading(translate("reports", "Renewal chain")))
        if len(chain) == 1:
            blocks.append(
                Paragraph(
                    translate(
                        "reports", "This agreement neither renews nor is renewed by another."
                    ),
                    ParagraphStyle.NOTE,
                )
            )
        else:
            blocks.append(
                Table(
                    (
                        Column(translate("reports", "Period"), 0.4, 6, Align.RIGHT),
                        Column(translate("reports", "Agreement"), 2.4, 22),
                        Column(translate("reports", "Signed"), 1.0, 11),
                        Column(translate("reports", "Term"), 1.2, 13),
                        Column(translate("reports", "Status"), 0.8, 10),
                    ),
                    [
                        Row(
                            (
                                Cell(str(index + 1)),
                                Cell(clean(a.title), bold=a.id == agreement.id),
                                Cell(date_text(a.signed)),
                                Cell(term_text(a.term_start, a.term_end)),
                                Cell(agreement_status_text(a.status)),
                            ),
                            highlight=a.id == agreement.id,
                        )
                        for index, a in enumerate(chain)
                    ],
                )
            )

    if options.wants("aims"):
        blocks.append(Heading(translate("reports", "Aims")))
        aims = [line.strip() for line in clean(agreement.aims).split("\n") if line.strip()]
        blocks += [Paragraph(line) for line in aims] or [
            Paragraph(translate("reports", "No aims recorded."), ParagraphStyle.NOTE)
        ]

    by_area: dict[int | None, list[Milestone]] = defaultdict(list)
    for m in milestones:
        for fa in m.focus_areas:
            by_area[fa.id].append(m)
        if not m.focus_areas:
            by_area[None].append(m)
    leads: dict[int, list[AgreementContact]] = defaultdict(list)
    for link in agreement.contacts:
        if link.focus_area_id is not None:
            leads[link.focus_area_id].append(link)

    if options.wants("focus_areas") or options.wants("milestones"):
        blocks.append(Heading(translate("reports", "Focus areas")))
        if not areas:
            blocks.append(
                Paragraph(translate("reports", "No focus areas recorded."), ParagraphStyle.NOTE)
            )
        for fa in areas:
            blocks.append(Heading(clean(fa.name), 2, marks[fa.id]))
            if options.wants("focus_areas"):
                blocks += _focus_area_blocks(fa, leads.get(fa.id, []))
            if options.wants("milestones"):
                blocks.append(Heading(translate("reports", "Milestones"), 3))
                blocks += _milestone_blocks(by_area.get(fa.id, []), today, 4)
        if options.wants("milestones") and by_area.get(None):
            blocks.append(Heading(translate("reports", "Milestones of the whole agreement"), 2))
            blocks += _milestone_blocks(by_area[None], today, 4)

    if options.wants("contacts"):
        blocks.append(Heading(translate("reports", "Contacts and roles")))
        blocks.append(_contacts_table(session, agreement, milestones))

    if options.wants("timeline"):
        blocks.append(
            TimelineBlock(
                translate("reports", "Timeline of the term"),
                timeline_data(agreement, areas, marks, milestones, today),
            )
        )

    if options.wants("documents"):
        blocks.append(Heading(translate("reports", "Documents and attachments")))
        rows = []
        if agreement.document:
            rows.append(
                Row(
                    (
                        Cell(translate("reports", "Signed agreement"), bold=True),
                        Cell(translate("reports", "this agreement")),
                        Cell(clean(agreement.document)),
                        Cell(_attachment_note(agreement.document), bold=True),
                    )
                )
            )
        attachments: list[tuple[Attachment, str]] = [
            (a, translate("reports", "this agreement")) for a in agreement.attachments
        ]
        attachments += [(a, clean(m.title)) for m in _sorted(milestones) for a in m.attachments]
        for a, owner in attachments:
            rows.append(
                Row(
                    (
                        Cell(clean(a.label) or clean(a.location), bold=True),
                        Cell(owner),
                        Cell(clean(a.location)),
                        Cell(_attachment_note(a.location), bold=True),
                    )
                )
            )
        blocks.append(
            Table(
                (
                    Column(translate("reports", "Document"), 1.4, 14),
                    Column(translate("reports", "Belongs to"), 1.4, 14),
                    Column(translate("reports", "File or address"), 2.2, 18),
                    Column(translate("reports", "Note"), 1.0, 12),
                ),
                rows,
                translate("reports", "No documents attached."),
            )
        )

    if options.wants("changes"):
        blocks.append(Heading(translate("reports", "Recent changes")))
        blocks.append(_changes_table(session, agreement, all_milestones, options))

    return Report(
        ReportKind.AGREEMENT,
        translate("reports", "Agreement dossier"),
        title,
        today,
        blocks,
        options,
    )


def _focus_area_blocks(fa: FocusArea, leads: Sequence[AgreementContact]) -> list[Block]:
    blocks: list[Block] = []
    if clean(fa.description):
        blocks.append(Paragraph(clean(fa.description)))
    if leads:
        blocks.append(
            Facts(
                (
                    (
                        translate("reports", "Leads"),
                        "; ".join(
                            f"{clean(link.contact.name)} ({clean(link.role)})" for link in leads
                        ),
                    ),
                )
            )
        )
    blocks.append(Heading(translate("reports", "Objectives"), 3))
    if not fa.objectives:
        blocks.append(
            Paragraph(translate("reports", "No objectives recorded."), ParagraphStyle.NOTE)
        )
    blocks += [Paragraph(clean(o.text), ParagraphStyle.BULLET) for o in fa.objectives]
    measured = [o for o in fa.objectives if o.indicator or o.values or o.target is not None]
    if measured:
        blocks.append(Heading(translate("reports", "Indicators"), 3))
        rows = []
        for o in measured:
            name = clean(o.indicator) or clean(o.text)
            if not o.values:
                rows.append(
                    Row(
                        (
                            Cell(name, bold=True),
                            Cell("—"),
                            Cell(_number(o.target, o.unit)),
                            Cell(translate("reports", "no values yet"), muted=True),
                            Cell(""),
                        )
                    )
                )
            for index, v in enumerate(o.values):
                share = ""
                if o.target:
                    share = f"{100 * v.value / o.target:.0f} %"
                rows.append(
                    Row(
                        (
                            Cell(name if index == 0 else "", bold=True),
                            Cell(str(v.year)),
                            Cell(_number(o.target, o.unit)),
                            Cell(_number(v.value, o.unit)),
                            Cell(share),
                        )
                    )
                )
        blocks.append(
            Table(
                (
                    Column(translate("reports", "Indicator"), 2.5, 20),
                    Column(translate("reports", "Year"), 0.4, 6, Align.RIGHT),
                    Column(translate("reports", "Target"), 0.8, 9, Align.RIGHT),
                    Column(translate("reports", "Measured"), 0.8, 9, Align.RIGHT),
                    Column(translate("reports", "Of target"), 0.6, 8, Align.RIGHT),
                ),
                rows,
            )
        )
    return blocks


def _contacts_table(
    session: Session, agreement: Agreement, milestones: Sequence[Milestone]
) -> Table:
    roles: dict[int, list[str]] = defaultdict(list)
    people: dict[int, Contact] = {}
    for p in agreement.parties:
        if p.signatory is not None:
            people[p.signatory.id] = p.signatory
            roles[p.signatory.id].append(
                fill(translate("reports", "signatory for %1"), clean(p.organisation.name))
            )
    names = {fa.id: clean(fa.name) for fa in agreement.focus_areas}
    for link in agreement.contacts:
        people[link.contact.id] = link.contact
        role = clean(link.role)
        if link.focus_area_id is not None:
            role = f"{role}, {names.get(link.focus_area_id, '')}"
        roles[link.contact.id].append(role)
    per_milestone: dict[tuple[int, str], list[str]] = defaultdict(list)
    for m in milestones:
        for mc in m.contacts:
            people[mc.contact.id] = mc.contact
            per_milestone[(mc.contact.id, clean(mc.role))].append(clean(m.title))
    for (contact_id, role), titles in per_milestone.items():
        if len(titles) <= 2:
            roles[contact_id].append(f"{role}: {', '.join(titles)}")
        else:
            roles[contact_id].append(
                fill(translate("reports", "%1 for %2 milestones"), role, len(titles))
            )
    if people:
        loaded = session.scalars(
            select(Contact)
            .where(Contact.id.in_(people))
            .options(
                selectinload(Contact.phones),
                selectinload(Contact.emails),
                selectinload(Contact.organisation),
            )
        ).all()
        people = {c.id: c for c in loaded}
    rows = []
    for c in sorted(people.values(), key=lambda c: c.name.casefold()):
        rows.append(
            Row(
                (
                    Cell(clean(c.name), bold=True),
                    Cell("; ".join(dict.fromkeys(roles[c.id]))),
                    Cell(
                        ", ".join(
                            x
                            for x in (
                                clean(c.title),
                                clean(c.organisation.name) if c.organisation else "",
                            )
                            if x
                        )
                    ),
                    Cell("\n".join(clean(p.raw) for p in c.phones)),
                    Cell("\n".join(clean(e.address) for e in c.emails)),
                )
            )
        )
    return Table(
        (
            Column(translate("reports", "Name"), 1.1, 14),
            Column(translate("reports", "Roles"), 1.6, 16),
            Column(translate("reports", "Title and organisation"), 1.6, 16),
            Column(translate("reports", "Phone"), 0.9, 13),
            Column(translate("reports", "E-mail"), 1.2, 16),
        ),
        rows,
        translate("reports", "No contacts recorded."),
    )


def _changes_table(
    session: Session,
    agreement: Agreement,
    milestones: Sequence[Milestone],
    options: ReportOptions,
    limit: int = 30,
) -> Table:
    ids = {
        "agreement": [agreement.id],
        "focus_area": [fa.id for fa in agreement.focus_areas],
        "objective": [o.id for fa in agreement.focus_areas for o in fa.objectives],
        "milestone": [m.id for m in milestones],
        "agreement_party": [p.id for p in agreement.parties],
        "agreement_contact": [c.id for c in agreement.contacts],
    }
    conditions = [
        and_(ChangeLog.entity == entity, ChangeLog.entity_id.in_(values))
        for entity, values in ids.items()
        if values
    ]
    query = select(ChangeLog).where(or_(*conditions))
    if options.start is not None:
        query = query.where(
            ChangeLog.at >= datetime.combine(options.start, datetime.min.time(), UTC)
        )
    if options.end is not None:
        query = query.where(
            ChangeLog.at
            < datetime.combine(options.end + timedelta(days=1), datetime.min.time(), UTC)
        )
    rows = session.scalars(query.order_by(ChangeLog.at.desc(), ChangeLog.id.desc()).limit(limit))
    return Table(
        (
            Column(translate("reports", "When"), 0.9, 16),
            Column(translate("reports", "Who"), 0.6, 8),
            Column(translate("reports", "What"), 3.0, 30),
        ),
        [
            Row(
                (
                    Cell(f"{day_text(_local_time(r.at).date())} {_local_time(r.at):%H:%M}"),
                    Cell(clean(r.who)),
                    Cell(_change_text(r)),
                )
            )
            for r in rows
        ],
        translate("reports", "No changes recorded."),
    )


def timeline_data(
    agreement: Agreement,
    areas: Sequence[FocusArea],
    marks: dict[int, Mark],
    milestones: Sequence[Milestone],
    today: date,
) -> TimelineData:
    """The term, widened by up to a year for milestones just outside it, in whole quarters."""
    lanes = [TimelineLane(clean(fa.name), marks[fa.id]) for fa in areas]
    lane_of = {fa.id: index for index, fa in enumerate(areas)}
    general = len(lanes)
    dated = [m for m in milestones if m.when.is_known and m.status is not MilestoneStatus.CANCELLED]
    if any(not m.focus_areas for m in dated) or not lanes:
        lanes.append(TimelineLane(translate("reports", "Whole agreement")))
    term_start, term_end = agreement.term_starts_on, agreement.term_ends_on
    starts = [m.starts_on for m in dated if m.starts_on]
    ends = [m.ends_on or m.starts_on for m in dated if m.starts_on]
    low = term_start or (min(starts) if starts else None) or today
    high = term_end or (max(ends) if ends else None) or low
    if starts:
        low = min(low, max(min(starts), low - timedelta(days=366)))
        high = max(high, min(max(e for e in ends if e), high + timedelta(days=366)))
    if high < low:
        low, high = high, low
    # Whole quarters: a "winter 2017" that starts in December 2016 adds a quarter, not a year.
    start = date(low.year, (low.month - 1) // 3 * 3 + 1, 1)
    end_quarter = (high.month - 1) // 3 * 3 + 3
    end = date(high.year + end_quarter // 12, end_quarter % 12 + 1, 1) - timedelta(days=1)
    items = []
    outside = 0
    for m in dated:
        assert m.starts_on is not None
        last = m.ends_on or m.starts_on
        if last < start or m.starts_on > end:
            outside += 1
            continue
        items.append(
            TimelineItem(
                clean(m.title),
                max(m.starts_on, start),
                min(last, end),
                m.when.is_approximate,
                tuple(lane_of[fa.id] for fa in m.focus_areas if fa.id in lane_of) or (general,),
                m.status,
                m.kind,
                date_text(m.when),
            )
        )
    undated = tuple(
        clean(m.title)
        for m in _sorted(milestones)
        if not m.when.is_known and m.status is not MilestoneStatus.CANCELLED
    )
    return TimelineData(
        start,
        end,
        tuple(lanes),
        tuple(items),
        today,
        (term_start, term_end) if term_start and term_end else None,
        undated,
        outside,
    )


# --- portfolio --------------------------------------------------------------------------------


def portfolio(session: Session, options: ReportOptions | None = None) -> Report:
    """All agreements (or those with the chosen statuses and a term in the period)."""
    options = options or ReportOptions()
    _check_range(options)
    today = options.day
    query = select(Agreement).options(
        selectinload(Agreement.parties).selectinload(AgreementParty.organisation)
    )
    if options.statuses:
        query = query.where(Agreement.status.in_(sorted(options.statuses)))
    if options.end is not None:
        query = query.where(
            or_(Agreement.term_starts_on.is_(None), Agreement.term_starts_on <= options.end)
        )
    if options.start is not None:
        query = query.where(
            or_(Agreement.term_ends_on.is_(None), Agreement.term_ends_on >= options.start)
        )
    agreements = session.scalars(
        query.order_by(Agreement.term_starts_on.is_(None), Agreement.term_starts_on, Agreement.id)
    ).all()
    ids = [a.id for a in agreements]

    # Counts and the next milestone come from plain columns: parsing every stored date
    # would cost more than the rest of the report for a large portfolio.
    done: dict[int, int] = defaultdict(int)
    upcoming: dict[int, int] = defaultdict(int)
    next_row: dict[int, tuple[Any, ...]] = {}
    open_statuses = (MilestoneStatus.PLANNED, MilestoneStatus.CONFIRMED)
    for chunk in _chunks(ids, 900):
        for agreement_id, status, count in session.execute(
            select(Milestone.agreement_id, Milestone.status, func.count())
            .where(Milestone.agreement_id.in_(chunk))
            .where(
                or_(
                    Milestone.status == MilestoneStatus.DONE,
                    and_(Milestone.status.in_(open_statuses), Milestone.ends_on >= today),
                )
            )
            .group_by(Milestone.agreement_id, Milestone.status)
        ):
            if status is MilestoneStatus.DONE:
                done[agreement_id] += count
            else:
                upcoming[agreement_id] += count
        for row in session.execute(
            select(
                Milestone.agreement_id,
                Milestone.starts_on,
                Milestone.precision_rank,
                Milestone.id,
            )
            .where(Milestone.agreement_id.in_(chunk))
            .where(Milestone.status.in_(open_statuses), Milestone.ends_on >= today)
        ):
            best = next_row.get(row[0])
            if best is None or tuple(row[1:]) < tuple(best[1:]):
                next_row[row[0]] = tuple(row)
    next_ids = [row[3] for row in next_row.values()]
    nexts: dict[int, Milestone] = {}
    for chunk in _chunks(next_ids, 900):
        for m in session.scalars(select(Milestone).where(Milestone.id.in_(chunk))):
            nexts[m.agreement_id] = m

    rows = []
    soon = 0
    for a in agreements:
        expiring = expiring_soon(a.status, a.term_ends_on, today)
        soon += expiring
        days = ""
        if a.term_ends_on is not None and a.status not in (
            AgreementStatus.EXPIRED,
            AgreementStatus.SUPERSEDED,
        ):
            left = (a.term_ends_on - today).days
            days = f"◆ {left}" if expiring else str(left)
        nxt = nexts.get(a.id)
        rows.append(
            Row(
                (
                    Cell(clean(a.title), bold=True),
                    Cell(", ".join(clean(p.organisation.name) for p in a.parties)),
                    Cell(term_text(a.term_start, a.term_end)),
                    Cell(agreement_status_text(a.status)),
                    Cell(days, bold=expiring),
                    Cell(str(done.get(a.id, 0))),
                    Cell(str(upcoming.get(a.id, 0))),
                    Cell(f"{date_text(nxt.when)}: {clean(nxt.title)}" if nxt else "—"),
                ),
                highlight=expiring,
            )
        )
    subject = translate("reports", "All agreements")
    if options.statuses:
        subject = ", ".join(agreement_status_text(s) for s in sorted(options.statuses))
    if options.start or options.end:
        subject += " · " + range_text(options.start or date.min, options.end or date.max)
    blocks: list[Block] = [
        TitleBlock(
            translate("reports", "Portfolio overview"),
            subject,
            fill(translate("reports", "As of %1"), day_text(today)),
        )
    ]
    if options.wants("summary"):
        by_status: dict[AgreementStatus, int] = defaultdict(int)
        for a in agreements:
            by_status[a.status] += 1
        blocks.append(Heading(translate("reports", "Summary")))
        pairs = [
            (translate("reports", "Agreements"), str(len(agreements))),
            *(
                (agreement_status_text(s), str(by_status[s]))
                for s in AgreementStatus
                if by_status.get(s)
            ),
            (translate("reports", "Expiring within a year"), str(soon)),
            (
                translate("reports", "Milestones"),
                fill(
                    translate("reports", "%1 done, %2 upcoming"),
                    sum(done.values()),
                    sum(upcoming.values()),
                ),
            ),
        ]
        blocks.append(Facts(tuple(pairs)))
    if options.wants("agreements"):
        blocks.append(Heading(translate("reports", "Agreements")))
        blocks.append(
            Paragraph(
                translate(
                    "reports",
                    "◆ and a tinted row: signed or in force, and the term ends within a year. "
                    "Upcoming counts planned and confirmed milestones from today on.",
                ),
                ParagraphStyle.SMALL,
            )
        )
        blocks.append(
            Table(
                (
                    Column(translate("reports", "Agreement"), 2.4, 28),
                    Column(translate("reports", "Parties"), 1.8, 22),
                    Column(translate("reports", "Term"), 1.0, 15),
                    Column(translate("reports", "Status"), 0.7, 12),
                    Column(translate("reports", "Days to expiry"), 0.5, 8, Align.RIGHT),
                    Column(translate("reports", "Done"), 0.3, 6, Align.RIGHT),
                    Column(translate("reports", "Upcoming"), 0.3, 8, Align.RIGHT),
                    Column(translate("reports", "Next milestone"), 2.2, 26),
                ),
                rows,
                translate("reports", "No agreements match."),
            )
        )
    return Report(
        ReportKind.PORTFOLIO,
        translate("reports", "Portfolio overview"),
        subject,
        today,
        blocks,
        options,
    )


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    """SQLite limits bound parameters; large IN lists go in pieces."""
    for index in range(0, len(values), size):
        yield values[index : index + size]


# --- activity ---------------------------------------------------------------------------------


def activity(session: Session, options: ReportOptions) -> Report:
    """What happened (with outcomes) and what is planned in a period, per agreement and area."""
    if options.start is None or options.end is None:
        raise ValidationError(
            "start", "An activity report needs a period: give its first and last day."
        )
    _check_range(options)
    start, end, today = options.start, options.end, options.day
    dated = session.scalars(
        select(Milestone)
        .where(Milestone.starts_on <= end, Milestone.ends_on >= start)
        .where(Milestone.status != MilestoneStatus.CANCELLED)
        .options(selectinload(Milestone.focus_areas))
    ).all()
    undated: Sequence[Milestone] = []
    if options.wants("undated"):
        undated = session.scalars(
            select(Milestone)
            .where(Milestone.starts_on.is_(None))
            .where(Milestone.status.in_((MilestoneStatus.PLANNED, MilestoneStatus.CONFIRMED)))
            .options(selectinload(Milestone.focus_areas))
        ).all()
    agreement_ids = {m.agreement_id for m in (*dated, *undated)}
    agreements = session.scalars(
        select(Agreement)
        .where(Agreement.id.in_(agreement_ids))
        .options(selectinload(Agreement.focus_areas))
        .order_by(Agreement.term_starts_on.is_(None), Agreement.term_starts_on, Agreement.id)
    ).all()
    by_agreement: dict[int, list[Milestone]] = defaultdict(list)
    for m in (*dated, *undated):
        by_agreement[m.agreement_id].append(m)
    period = range_text(start, end)
    blocks: list[Block] = [
        TitleBlock(
            translate("reports", "Activity report"),
            period,
            fill(
                translate("reports", "What happened and what is planned, %1"),
                f"{day_text(start)} – {day_text(end)}",
            ),
        )
    ]
    done_total = sum(m.status is MilestoneStatus.DONE for m in dated)
    if options.wants("summary"):
        blocks.append(Heading(translate("reports", "Summary")))
        blocks.append(
            Facts(
                (
                    (translate("reports", "Period"), f"{day_text(start)} – {day_text(end)}"),
                    (translate("reports", "Agreements with activity"), str(len(agreements))),
                    (translate("reports", "Done"), str(done_total)),
                    (translate("reports", "Planned"), str(len(dated) - done_total)),
                    (translate("reports", "Not yet dated"), str(len(undated))),
                )
            )
        )
    if not agreements:
        blocks.append(
            Paragraph(
                translate("reports", "Nothing is recorded for this period."), ParagraphStyle.NOTE
            )
        )
    for agreement in agreements:
        blocks.append(Heading(clean(agreement.title)))
        blocks.append(
            Paragraph(
                " · ".join(
                    (
                        term_text(agreement.term_start, agreement.term_end),
                        agreement_status_text(agreement.status),
                    )
                ),
                ParagraphStyle.SMALL,
            )
        )
        marks = _marks(agreement.focus_areas)
        groups: dict[int | None, list[Milestone]] = defaultdict(list)
        for m in by_agreement[agreement.id]:
            groups[m.focus_areas[0].id if m.focus_areas else None].append(m)
        areas: list[tuple[str, Mark | None, int | None]] = [
            (clean(fa.name), marks[fa.id], fa.id) for fa in agreement.focus_areas if fa.id in groups
        ]
        if None in groups:
            areas.append((translate("reports", "Whole agreement"), None, None))
        for name, mark, key in areas:
            blocks.append(Heading(name, 2, mark))
            group = groups[key]
            done = _sorted(m for m in group if m.status is MilestoneStatus.DONE)
            planned = _sorted(
                m for m in group if m.status is not MilestoneStatus.DONE and m.when.is_known
            )
            later = _sorted(m for m in group if not m.when.is_known)
            wrote = False
            if options.wants("done") and done:
                blocks.append(
                    Heading(fill(translate("reports", "What happened (%1)"), len(done)), 3)
                )
                blocks.append(_with_areas(_done_table(done), done, key))
                wrote = True
            if options.wants("planned") and planned:
                blocks.append(
                    Heading(fill(translate("reports", "What is planned (%1)"), len(planned)), 3)
                )
                blocks.append(_with_areas(_upcoming_table(planned, today), planned, key))
                wrote = True
            if options.wants("undated") and later:
                blocks.append(
                    Heading(fill(translate("reports", "Not yet dated (%1)"), len(later)), 3)
                )
                blocks.append(_undated_table(later))
                wrote = True
            if not wrote:
                blocks.append(
                    Paragraph(
                        translate("reports", "Nothing in the chosen sections."), ParagraphStyle.NOTE
                    )
                )
    return Report(
        ReportKind.ACTIVITY,
        translate("reports", "Activity report"),
        period,
        today,
        blocks,
        options,
    )


def _with_areas(table: Table, milestones: Sequence[Milestone], shown: int | None) -> Table:
    """Notes the other focus areas of a milestone listed under its first one."""
    rows = []
    for row, m in zip(table.rows, milestones, strict=True):
        others = [clean(fa.name) for fa in m.focus_areas if fa.id != shown]
        if others:
            title = row.cells[1]
            extra = fill(translate("reports", "also: %1"), ", ".join(others))
            row = Row(
                (row.cells[0], Cell(title.text, bold=True, sub=extra), *row.cells[2:]),
                row.highlight,
            )
        rows.append(row)
    return Table(table.columns, rows, table.empty_note)
