"""The event log as a lazy Qt table model: the audit trail, one page of the log at a time.

The model never holds the whole log. It keeps the pages fetched so far and asks the ``Logbook`` for
the next one (``event_page(query, last position, limit)``) only when the view scrolls to the bottom
(``canFetchMore``/``fetchMore``). A new query resets the model and fetches the first page. Events that
commit later are appended at the end when they match the query and the model has already reached the end
of the log; otherwise the next ``fetchMore`` picks them up.
"""
from __future__ import annotations

from enum import IntEnum
from typing import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.event_log import EventQuery
from domain.event_text import TYPE_NAMES, is_late, operator_of, summary_of, type_name  # noqa: F401
from domain.events import OPERATIONS_STREAM, OperatorNoteAdded, RecordedEvent, ShipDetailsChanged, ShipRegistered
from ui import theme
from app.fleet_view import FleetView
from app.logbook import Logbook
from domain.display_text import visible, visible_lines
from ui.formatting import format_age, format_moment, ship_with_mmsi
from ui.plain_text import text_tooltip

PAGE_SIZE = 500
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
    """The events matching a query, in log order, fetched a page at a time.

    ``query`` None means "nothing to show" (e.g. 'selected ship only' with no ship selected).
    """

    def __init__(self, logbook: Logbook, fleet: FleetView, page_size: int = PAGE_SIZE, parent=None):
        super().__init__(parent)
        self._logbook = logbook  # the pages of events
        self._fleet = fleet      # the ships' names
        self._page_size = page_size
        self._query: EventQuery | None = EventQuery()
        self._events: list[RecordedEvent] = []
        self._last_position = 0
        self._at_end = True
        self._texts: dict[int, tuple[str, ...]] = {}  # row -> display texts, made on first paint
        self._names: dict[int, str | None] = {}      # mmsi -> name, asked of the source once per reset
        self._late = QColor(theme.ACCENT)
        self._dim = QColor(theme.DIM_TEXT)
        self._changing = False  # inside a reset or an insertion: fetchMore must not nest another
        self.set_query(self._query)

    # --- the query --------------------------------------------------------------------------------------

    @property
    def query(self) -> EventQuery | None:
        return self._query

    def set_source(self, logbook: Logbook, fleet: FleetView) -> None:
        """Read another store's log (the next ``set_query`` fetches its first page)."""
        self._logbook, self._fleet = logbook, fleet
        self._names.clear()

    def set_query(self, query: EventQuery | None) -> None:
        """Show the events matching ``query`` (None: none): one reset that already holds the first page."""
        page = [] if query is None else self._logbook.event_page(query, 0, self._page_size)
        self._changing = True
        try:
            self.beginResetModel()
            self._query = query
            self._events = page
            self._texts.clear()
            self._names.clear()
            self._last_position = page[-1].position if page else 0
            self._at_end = query is None or len(page) < self._page_size
            self.endResetModel()
        finally:
            self._changing = False

    def refresh(self) -> None:
        """Fetch the current query again from the start."""
        self.set_query(self._query)

    # --- lazy loading ---------------------------------------------------------------------------------

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:
        return not parent.isValid() and not self._at_end

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:
        if parent.isValid() or self._at_end or self._query is None or self._changing:
            return  # (a listener asking for more while rows are being inserted or reset waits for the next ask)
        page = self._logbook.event_page(self._query, self._last_position, self._page_size)
        if len(page) < self._page_size:
            self._at_end = True
        page = [event for event in page if event.position > self._last_position]
        if page:
            self._insert(page)

    @property
    def at_end(self) -> bool:
        """True once every event matching the query up to the head of the log is held."""
        return self._at_end

    def add_events(self, events: Iterable[RecordedEvent]) -> int:
        """Append newly committed events that match the query (only once the model holds the end of the log)."""
        fresh = [event for event in events if event.position > self._last_position]
        for event in fresh:
            self._learn_name(event)
        if not self._at_end or self._query is None:
            return 0
        matching = [event for event in fresh if matches(self._query, event)]
        if matching:
            self._insert(sorted(matching, key=lambda event: event.position))
        return len(matching)

    def _insert(self, events: list[RecordedEvent]) -> None:
        first = len(self._events)
        self._changing = True
        try:
            self.beginInsertRows(_ROOT, first, first + len(events) - 1)
            self._events.extend(events)
            self._last_position = events[-1].position
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
        if mmsi not in self._names:
            span = self._fleet.time_range()
            at = max(occurred_at, span[1]) if span else occurred_at
            ship = self._fleet.ship_details(mmsi, at)
            self._names[mmsi] = ship.name if ship is not None else None
        return self._names[mmsi]

    def _learn_name(self, event: RecordedEvent) -> None:
        name = getattr(event.event, "name", None)
        mmsi = mmsi_of_stream(event.stream_id)
        if name and mmsi is not None and isinstance(event.event, (ShipRegistered, ShipDetailsChanged)):
            self._names[mmsi] = name


def matches(query: EventQuery, event: RecordedEvent) -> bool:
    """Whether an event is one the query asks for (the same reading as ``Logbook.event_page``)."""
    return query.matches(event)
