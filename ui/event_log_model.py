"""The event log as a lazy Qt table model: the audit trail, one page of the log at a time.

The model never holds the whole log. It keeps the pages fetched so far and asks for the next one only when
the view scrolls to the bottom (``canFetchMore``/``fetchMore``). A page is sought on a worker
(``app.event_log.find_page``, which reads the log in steps): a filter that matches little in ten million
events must not freeze the console while the log is read for it. While a page is sought the model says so
(``searching``, ``progress``, ``searchChanged``); a new query resets the model and supersedes the search in
hand, whose late page is never shown (the newest request wins); ``stop_search`` keeps what was found.
Events that commit later are appended at the end when they match the query and the model has already
reached the end of the log (those that commit while the last page is sought are kept until it arrives);
otherwise the next ``fetchMore`` picks them up. At most a page of them is appended at once: an import
commits tens of thousands of events a batch, and holding them all would grow the model with the log (ten
million rows for a national day) and stall the window for each batch; the model then no longer holds the
end of the log, and the rest is read a page at a time as the view scrolls to it. So it is, too, once the
model holds ``LIVE_ROWS_MAX`` rows, however the news came.
"""
from __future__ import annotations

import time
from enum import IntEnum
from typing import Iterable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.event_log import SEARCH_STEP, EventPage, EventQuery, SearchProgress, find_page
from domain.event_text import TYPE_NAMES, is_late, operator_of, summary_of, type_name  # noqa: F401
from domain.events import OPERATIONS_STREAM, OperatorNoteAdded, RecordedEvent, ShipDetailsChanged, ShipRegistered
from ui import theme
from app.fleet_view import FleetView
from app.logbook import Logbook
from domain.display_text import visible, visible_lines
from ui.background_work import BackgroundRun, WorkOfOneKind
from ui.formatting import format_age, format_moment, ship_with_mmsi
from ui.plain_text import text_tooltip

PAGE_SIZE = 500
# Rows beyond which news no longer grows the model: a national feed commits about a hundred events a second,
# which a model following the end of the log would hold for ever (ten million in a day). Past it the rest of
# the log is read a page at a time as the view scrolls to it, as any other page.
LIVE_ROWS_MAX = 40 * PAGE_SIZE
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1  # the RecordedEvent of the row, on every cell


class Column(IntEnum):
    POSITION = 0
    TIME = 1
    RECORDED = 2
    SHIP = 3
    TYPE = 4
    SUMMARY = 5
    SOURCE = 6
    OPERATOR = 7


HEADERS = {Column.POSITION: "#", Column.TIME: "Time (UTC)", Column.RECORDED: "Recorded (if late)",
           Column.SHIP: "Ship", Column.TYPE: "Type", Column.SUMMARY: "Summary", Column.SOURCE: "Source",
           Column.OPERATOR: "Operator"}
_HEADER_TIPS = {
    Column.POSITION: "Position in the log (the order in which the log learned of events)",
    Column.TIME: "When it happened (AIS time), UTC",
    Column.RECORDED: "When the log learned of it, shown when that was more than a minute after it happened",
}
_COLUMN_COUNT = len(Column)
_ROOT = QModelIndex()
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value


def _clock(instant: int) -> str:
    """'2026-11-25 14:03:12' (the header says UTC)."""
    return format_moment(instant).removesuffix(" UTC")


def mmsi_of_stream(stream_id: str) -> int | None:
    """The MMSI of a ship's stream (``ship-<mmsi>``), None for any other stream."""
    if stream_id.startswith("ship-"):
        try:
            return int(stream_id[5:])
        except ValueError:
            return None
    return None


class EventLogModel(QAbstractTableModel):
    """The events matching a query, in log order, fetched a page at a time on a worker.

    ``query`` None means "nothing to show" (e.g. 'selected ship only' with no ship selected).
    """

    searchChanged = Signal()  # a search for a page began, got further, ended, stopped or failed

    def __init__(self, logbook: Logbook, fleet: FleetView, page_size: int = PAGE_SIZE, parent=None, *,
                 search_step: int = SEARCH_STEP, live_rows_max: int = LIVE_ROWS_MAX):
        super().__init__(parent)
        self._logbook = logbook  # the pages of events
        self._fleet = fleet      # the ships' names
        self._page_size = page_size
        self._live_rows_max = live_rows_max
        self._search_step = search_step  # positions a search reads between its reports
        self._query: EventQuery | None = EventQuery()
        self._events: list[RecordedEvent] = []
        self._searched_to = 0    # every matching event up to this position is held
        self._at_end = True
        self._search: BackgroundRun | None = None
        self._searches = WorkOfOneKind.of(self, "eventLogPage")
        self._progress: SearchProgress | None = None
        self._stopped = False
        self._closed = False  # shut down: the store may be closing, nothing more is sought
        self.failure: Exception | None = None  # why the last search could not read the log
        self._arrived: list[RecordedEvent] = []  # matching events committed while a page was sought (a page at most)
        self._arrivals_cut = False  # more arrived than were kept: the page's end is not the log's
        self._texts: dict[int, tuple[str, ...]] = {}  # row -> display texts, made on first paint
        self._names: dict[int, str | None] = {}      # mmsi -> name, asked of the source once per reset
        self._fleet_named = False                    # the fleet's names were read into _names since the reset
        self._late = QColor(theme.ACCENT)
        self._dim = QColor(theme.DIM_TEXT)
        self._changing = False  # inside a reset or an insertion: fetchMore must not nest another
        self.set_query(self._query)

    # --- the query --------------------------------------------------------------------------------------

    @property
    def query(self) -> EventQuery | None:
        return self._query

    def set_source(self, logbook: Logbook, fleet: FleetView) -> None:
        """Read another store's log: the query's first page is sought there at once."""
        self._logbook, self._fleet = logbook, fleet
        self._names.clear()
        self._fleet_named = False
        self.set_query(self._query)

    def set_query(self, query: EventQuery | None) -> None:
        """Show the events matching ``query`` (None: none): the model is reset to no rows and its first page
        sought (any search in hand for an older query is superseded: its page will never be shown)."""
        self._end_search()
        self._changing = True
        try:
            self.beginResetModel()
            self._query = query
            self._events = []
            self._texts.clear()
            self._names.clear()
            self._fleet_named = False
            self._searched_to = 0
            self._at_end = query is None
            self._stopped = False
            self.failure = None
            self.endResetModel()
        finally:
            self._changing = False
        if query is not None and not self._closed:
            self._seek()
        else:
            self.searchChanged.emit()

    def refresh(self) -> None:
        """Fetch the current query again from the start."""
        self.set_query(self._query)

    # --- the search for a page ------------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """A page is being sought on a worker."""
        return self._search is not None

    @property
    def progress(self) -> SearchProgress | None:
        """How far the search in hand has read (None before its first step)."""
        return self._progress

    @property
    def stopped(self) -> bool:
        """The operator stopped the search (or it failed): no more is sought until ``resume_search``."""
        return self._stopped

    def stop_search(self) -> None:
        """Stop seeking: the events found so far are shown, and nothing more is sought until asked."""
        if self._search is not None:
            self._search.cancel()

    def resume_search(self) -> None:
        """Seek on from where a stopped search got to."""
        if self._stopped and self._search is None and self._query is not None and not self._closed:
            self._stopped = False
            self.failure = None
            self._seek()

    def shutdown(self, wait_s: float = 5.0) -> None:
        """Drop the search in hand and wait (a little) for its worker to let go of the store: call before
        the store closes."""
        run = self._search
        self._closed = True
        self._end_search()
        self.searchChanged.emit()
        if run is not None:
            run.done.wait(wait_s)

    def wait_for_page(self, timeout_s: float = 60.0) -> bool:
        """Wait, handling events, until the search in hand has delivered its page (for a picture of the
        console, or a benchmark: the console itself never waits); False if it did not in time."""
        deadline = time.monotonic() + timeout_s
        while self._search is not None and time.monotonic() < deadline:
            self._search.done.wait(0.005)
            QCoreApplication.processEvents()
        return self._search is None

    def _seek(self) -> None:
        query, after, limit, logbook, step = (self._query, self._searched_to, self._page_size, self._logbook,
                                              self._search_step)
        assert query is not None
        run = BackgroundRun(lambda progress, cancelled: find_page(logbook, query, after, limit, progress, cancelled,
                                                                  step=step), self)
        run.progressed.connect(self._on_progress)
        run.finished.connect(self._on_page)
        run.failed.connect(self._on_failed)
        for ended in (run.finished, run.failed, run.discarded):
            ended.connect(run.deleteLater)
        self._search = run
        self._progress = None
        self._searches.start(run)
        self.searchChanged.emit()

    def _end_search(self) -> None:
        if self._search is not None:
            self._search.supersede()
            self._search = None
            self._progress = None
        self._arrived = []
        self._arrivals_cut = False

    def _is_current(self) -> bool:
        return self._search is not None and self.sender() is self._search

    def _on_progress(self, progress: SearchProgress) -> None:
        if self._is_current():
            self._progress = progress
            self.searchChanged.emit()

    def _on_page(self, page: EventPage) -> None:
        if not self._is_current():
            return  # a page of a query since replaced (the work kind also discards those)
        self._search, self._progress = None, None
        arrived, self._arrived = self._arrived, []
        cut, self._arrivals_cut = self._arrivals_cut, False
        fresh = [event for event in page.events if event.position > self._searched_to]
        self._searched_to = max(self._searched_to, page.searched_to)
        self._at_end = page.at_end
        self._stopped = page.stopped
        if page.at_end:  # what committed while the last stretch was read, beyond where it read
            seen = {event.position for event in fresh}
            later = sorted((event for event in arrived if event.position > self._searched_to
                            and event.position not in seen), key=lambda event: event.position)
            if cut:  # more committed than were kept: the rest is read as the view scrolls to it
                self._at_end = False
                if later:
                    self._searched_to = later[-1].position
            fresh += later
        if fresh:
            self._insert(fresh)
        self.searchChanged.emit()

    def _on_failed(self, error: Exception) -> None:
        if not self._is_current():
            return
        self._search, self._progress, self._arrived = None, None, []
        self._stopped = True
        self.failure = error
        self.searchChanged.emit()

    # --- lazy loading ---------------------------------------------------------------------------------

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:
        return not parent.isValid() and not self._at_end and not self._stopped and not self._closed

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:
        if (parent.isValid() or not self.canFetchMore() or self._query is None or self._changing
                or self._search is not None):
            return  # (asked again while a page is sought, or while rows are being inserted: the page will come)
        self._seek()

    @property
    def at_end(self) -> bool:
        """True once every event matching the query up to the head of the log is held."""
        return self._at_end

    def add_events(self, events: Iterable[RecordedEvent]) -> int:
        """Append newly committed events that match the query, a page of them at most (only once the model
        holds the end of the log; while its last page is sought they wait for it); how many were appended."""
        fresh = [event for event in events if event.position > self._searched_to]
        for event in fresh:
            if isinstance(event.event, (ShipRegistered, ShipDetailsChanged)):
                self._learn_name(event)
        if self._query is None or not fresh:
            return 0
        matching = [event for event in fresh if matches(self._query, event)]
        if self._search is not None:
            room = self._page_size - len(self._arrived)
            self._arrivals_cut = self._arrivals_cut or len(matching) > room
            self._arrived += matching[:max(room, 0)]
            return 0
        if not self._at_end:
            return 0
        matching.sort(key=lambda event: event.position)
        room = min(self._page_size, self._live_rows_max - len(self._events))
        if len(matching) > room:  # a bulk commit, or a model grown large: the rest as the view scrolls to it
            matching = matching[:max(room, 0)]
            self._at_end = False
            if matching:
                self._searched_to = matching[-1].position
        else:
            self._searched_to = max(event.position for event in fresh)
        if matching:
            self._insert(matching)
        return len(matching)

    def _insert(self, events: list[RecordedEvent]) -> None:
        first = len(self._events)
        self._changing = True
        try:
            self.beginInsertRows(_ROOT, first, first + len(events) - 1)
            self._events.extend(events)
            self._searched_to = max(self._searched_to, events[-1].position)
            self.endInsertRows()
        finally:
            self._changing = False

    # --- reading -------------------------------------------------------------------------------------------

    def event_at(self, row: int) -> RecordedEvent:
        return self._events[row]

    def events(self) -> list[RecordedEvent]:
        """The events held (a copy)."""
        return list(self._events)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(Column(section))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section == Column.POSITION else _LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if index.parent().isValid() or not 0 <= row < len(self._events) or not 0 <= column < _COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts_of(row)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == Column.POSITION else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.RECORDED:
                return self._late
            if column in (Column.POSITION, Column.SOURCE):
                return self._dim
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == EVENT_ROLE:
            return self._events[row]
        return None

    def _texts_of(self, row: int) -> tuple[str, ...]:
        texts = self._texts.get(row)
        if texts is None:
            event = self._events[row]
            late = _clock(event.recorded_at) if is_late(event) else ""
            texts = self._texts[row] = (
                str(event.position), _clock(event.occurred_at), late, self._ship_text(event), type_name(event.type),
                summary_of(event), visible(event.metadata.get("source")), operator_of(event))
        return texts

    def _tooltip(self, row: int, column: int) -> str | None:
        event = self._events[row]
        if column == Column.SUMMARY and isinstance(event.event, OperatorNoteAdded):
            return text_tooltip(visible_lines(event.event.text))
        if column == Column.SUMMARY:
            return text_tooltip(summary_of(event))
        if column == Column.RECORDED and is_late(event):
            delay = event.recorded_at - event.occurred_at
            when = "after" if delay > 0 else "before"
            return f"Recorded {format_moment(event.recorded_at)}, {format_age(abs(delay))} {when} it happened"
        if column == Column.TYPE:
            return visible(event.type)
        return None

    # --- ship names ---------------------------------------------------------------------------------------

    def _ship_text(self, event: RecordedEvent) -> str:
        if event.stream_id == OPERATIONS_STREAM:
            return "watch"
        mmsi = mmsi_of_stream(event.stream_id)
        if mmsi is None:
            return event.stream_id
        name = self._name_of(mmsi, event.occurred_at)
        return ship_with_mmsi(name, mmsi)

    def _name_of(self, mmsi: int, occurred_at: int) -> str | None:
        """The ship's name as the log knows it last (at the end of its reports, or when the event occurred if
        later). Every positioned ship's name comes from one picture of the fleet: asking the store for each
        ship of a page held the GUI thread for seconds at 10,000 ships."""
        if mmsi not in self._names:
            span = self._fleet.time_range()
            at = max(occurred_at, span[1]) if span else occurred_at
            if span is not None and at == span[1] and not self._fleet_named:
                self._fleet_named = True
                fleet = self._fleet.state_at(at)
                for number, name in zip(fleet.mmsi.tolist(), fleet.names):
                    self._names.setdefault(int(number), name or None)
            if mmsi not in self._names:  # a ship with no position report, or an event after the last report
                ship = self._fleet.ship_details(mmsi, at)
                self._names[mmsi] = ship.name if ship is not None else None
        return self._names[mmsi]

    def _learn_name(self, event: RecordedEvent) -> None:
        """The name a registration or a change of particulars (the caller picks those) gives its ship."""
        name = getattr(event.event, "name", None)
        mmsi = mmsi_of_stream(event.stream_id)
        if name and mmsi is not None:
            self._names[mmsi] = name


def matches(query: EventQuery, event: RecordedEvent) -> bool:
    """Whether an event is one the query asks for (the same reading as ``Logbook.event_page``)."""
    return query.matches(event)
