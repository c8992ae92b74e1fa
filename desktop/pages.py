"""What the main window needs of a page, and the list of pages in sidebar order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.context import AppContext


class Page(QWidget):
    """A sidebar page. Subclasses override what applies to them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def title(self) -> str:
        raise NotImplementedError

    def tables(self) -> tuple[str, ...]:
        """The tables whose records this page shows (for search hits and links)."""
        return ()

    def show_record(self, table: str, record_id: int) -> None:
        """Select and open one record."""

    def new_record(self) -> None:
        """Edit > New (Ctrl+N) while this page is shown."""

    def delete_selected(self) -> None:
        """Edit > Delete while this page is shown (asks once; undoable)."""


def build_pages(context: AppContext, parent: QWidget) -> list[Page]:
    """The pages in sidebar order; Ctrl+1… follow this order, and the first opens on start."""
    from desktop.agreements.page import AgreementsPage
    from desktop.calendar.page import CalendarPage
    from desktop.contacts.page import ContactsPage
    from desktop.milestones.page import MilestonesPage
    from desktop.organisations.page import OrganisationsPage
    from desktop.overview.page import OverviewPage
    from desktop.timeline.page import TimelinePage

    return [
        OverviewPage(context, parent),
        AgreementsPage(context, parent),
        MilestonesPage(context, parent),
        TimelinePage(context, parent),
        CalendarPage(context, parent),
        ContactsPage(context, parent),
        OrganisationsPage(context, parent),
    ]
