"""What the main window needs of a page, and the list of pages in sidebar order."""

from __future__ import annotations

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


def page_kinds() -> list[type[Page]]:
    """The kinds of page in sidebar order; Ctrl+1… follow this order, and the first opens on
    start. Classes, not pages: the window builds each one the first time it is shown, so
    that opening a large database costs only the page on screen."""
    from desktop.agreements.page import AgreementsPage
    from desktop.calendar.page import CalendarPage
    from desktop.contacts.page import ContactsPage
    from desktop.milestones.page import MilestonesPage
    from desktop.organisations.page import OrganisationsPage
    from desktop.overview.page import OverviewPage
    from desktop.timeline.page import TimelinePage

    return [
        OverviewPage,
        AgreementsPage,
        MilestonesPage,
        TimelinePage,
        CalendarPage,
        ContactsPage,
        OrganisationsPage,
    ]


def build_pages(context: AppContext, parent: QWidget) -> list[Page]:
    """Every page built at once (for tools that want them all; the window builds lazily)."""
    return [kind(context, parent) for kind in page_kinds()]
