"""What the main window needs of a page, and the list of pages in sidebar order."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.context import AppContext


class Page(QWidget):
    """A sidebar page. Subclasses override what applies to them.

    `title()` and `tables()` are class methods: the window lists and routes to pages that
    it has not built yet (a page is built the first time it is shown)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    @classmethod
    def class_tr(cls, text: str) -> str:
        """`tr()` without an instance, in the same translation context as `self.tr()`."""
        return QCoreApplication.translate(cls.__name__, text)

    @classmethod
    def title(cls) -> str:
        raise NotImplementedError

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        """The tables whose records this page shows (for search hits and links)."""
        return ()

    def show_record(self, table: str, record_id: int) -> None:
        """Select and open one record."""

    def new_record(self) -> None:
        """Edit > New (Ctrl+N) while this page is shown."""

    def delete_selected(self) -> None:
        """Edit > Delete while this page is shown (asks once; undoable)."""


@dataclass(frozen=True)
class PageEntry:
    """A sidebar page before it is built: where its class is, and its title. The module is
    imported only when the page is built or asked about, so that opening a database loads
    the code of the page on screen, not of all seven."""

    module: str
    name: str
    source_title: str  # the same text as the class's `title()`, in the class's context

    def title(self) -> str:
        return QCoreApplication.translate(self.name, self.source_title)

    def kind(self) -> type[Page]:
        found = getattr(importlib.import_module(self.module), self.name)
        assert issubclass(found, Page)
        return found

    def names(self, kind: type[Page]) -> bool:
        """Whether this entry is that class (without importing the page)."""
        return kind.__module__ == self.module and kind.__name__ == self.name


PAGES: tuple[PageEntry, ...] = (
    PageEntry("desktop.overview.page", "OverviewPage", "Overview"),
    PageEntry("desktop.agreements.page", "AgreementsPage", "Agreements"),
    PageEntry("desktop.milestones.page", "MilestonesPage", "Milestones"),
    PageEntry("desktop.timeline.page", "TimelinePage", "Timeline"),
    PageEntry("desktop.calendar.page", "CalendarPage", "Calendar"),
    PageEntry("desktop.contacts.page", "ContactsPage", "Contacts"),
    PageEntry("desktop.organisations.page", "OrganisationsPage", "Organisations"),
)
"""The pages in sidebar order; Ctrl+1… follow this order, and the first opens on start."""


def page_kinds() -> list[type[Page]]:
    """The page classes in sidebar order (imports every page's code)."""
    return [entry.kind() for entry in PAGES]


def build_pages(context: AppContext, parent: QWidget) -> list[Page]:
    """Every page built at once (for tools that want them all; the window builds lazily)."""
    return [kind(context, parent) for kind in page_kinds()]
