"""The fleet as a Qt table model: a thin adapter over the ``FleetArrays`` of the selected moment.

A new moment with the same ships only emits ``dataChanged``; ships appearing or disappearing are
inserted and removed row by row range, and a change of sort order is a layout change that carries
persistent indexes along by MMSI, so the selection and the scroll position survive scrubbing. Sorting
is done here with numpy (one argsort per moment) rather than by the proxy comparing rows through
``data()``, which would cost tens of milliseconds per frame on a large fleet. Filtering by name, MMSI or
callsign is done here too (``set_filter``): one pass over the fleet's search texts, made once per set of
names, where a proxy would ask ``data()`` of each of 10,000 rows; the rows not matching are left out of
the display order.
"""
from __future__ import annotations

import re
from enum import IntEnum
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap

from domain import ais
from domain.temporal_index import FleetArrays
from domain.display_text import visible
from ui import theme
from ui.formatting import (KNOTS, format_age, in_text, format_course, format_position, format_speed, nav_status_short,
                           nav_status_text, ship_label, ship_type_name, ship_type_short)
from ui.map.ship_palette import ALL_GROUPS, STALE_AFTER, group_colour, groups_of
from ui.plain_text import text_tooltip

SORT_ROLE = Qt.ItemDataRole.UserRole + 1    # a value that sorts the column
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # "name mmsi callsign", what the filter box matches
MMSI_ROLE = Qt.ItemDataRole.UserRole + 3    # the ship's MMSI, on every cell
_MAX_INCREMENTAL_RUNS = 64                  # more changed row ranges than this: reset instead


class Column(IntEnum):
    """The columns, in the order shown: what an operator scans first on the left, so that at the dock's
    default width (about 630 px in a 1600 px window) every column up to Destination is in view; the
    MMSI (also in the name's tooltip and the filter) and the position (also on the map) follow."""

    NAME = 0
    ALERTS = 1
    TYPE = 2
    STATUS = 3
    SOG = 4
    COG = 5
    LAST_REPORT = 6
    DESTINATION = 7
    MMSI = 8
    POSITION = 9


HEADERS = {Column.NAME: "Name", Column.MMSI: "MMSI", Column.TYPE: "Type", Column.STATUS: "Status",
           Column.SOG: "SOG (kn)", Column.COG: "COG (°)", Column.POSITION: "Position",
           Column.LAST_REPORT: "Last report", Column.DESTINATION: "Destination", Column.ALERTS: "Alerts"}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = {Column.MMSI, Column.SOG, Column.COG, Column.LAST_REPORT, Column.ALERTS}
_COLUMN_COUNT = len(Column)  # asked thousands of times per paint: not through Enum.__len__
_ROOT = QModelIndex()
_ALIGNMENT_OF_COLUMN = [(_RIGHT if column in _NUMERIC else _LEFT).value for column in Column]  # ints: cheap to pass


def empty_fleet() -> FleetArrays:
    f64, i8, i64 = np.empty(0, np.float64), np.empty(0, np.int8), np.empty(0, np.int64)
    return FleetArrays(mmsi=i64, lat=f64, lon=f64, sog=f64, cog=f64, heading=f64, status=i8, ship_type=i8,
                       last_report_at=i64, recorded_at=i64, names=np.empty(0, dtype=object),
                       destinations=np.empty(0, dtype=object), callsigns=np.empty(0, dtype=object))


def _ranks(names: tuple[str, ...]) -> np.ndarray:
    """Alphabetical rank of each code's name; code -1 (the extra last entry) ranks after all."""
    ranks = np.empty(len(names) + 1, dtype=np.int64)
    ranks[np.argsort([n.casefold() for n in names])] = np.arange(len(names))
    ranks[-1] = len(names)
    return ranks


_TYPE_RANK = _ranks(ais.SHIP_TYPES)
_STATUS_RANK = _ranks(ais.NAV_STATUSES)


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=65_536)
def name_order_key(name: str) -> str:
    """How names sort: case-blind, and numbers by value ('SHIP 2' before 'SHIP 10')."""
    return _DIGITS.sub(lambda run: run.group().zfill(12), name.casefold())


def alert_counts(fleet: FleetArrays, open_alerts: dict[int, int] | None) -> np.ndarray:
    """Each ship's number of open alerts, in fleet order (0 for ships without)."""
    counts = np.zeros(len(fleet), dtype=np.int64)
    if open_alerts and len(fleet):
        mmsis = np.fromiter(open_alerts.keys(), dtype=np.int64, count=len(open_alerts))
        rows = np.searchsorted(fleet.mmsi, mmsis)
        inside = rows < len(fleet)
        hit = np.zeros(len(mmsis), bool)
        hit[inside] = fleet.mmsi[rows[inside]] == mmsis[inside]
        counts[rows[hit]] = np.fromiter(open_alerts.values(), dtype=np.int64, count=len(open_alerts))[hit]
    return counts


def _text_key(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    text = np.array([name_order_key(t) if t else "" for t in texts], dtype=str)
    return np.unique(text, return_inverse=True)[1].astype(np.float64).reshape(-1), text == ""


def sort_order(fleet: FleetArrays, at: int, column: int, descending: bool,
               open_alerts: dict[int, int] | None = None) -> np.ndarray:
    """Fleet rows in display order for a column; missing values (and no alerts) always last, ties by MMSI."""
    if column == Column.NAME:
        key, missing = _text_key(fleet.names)
    elif column == Column.DESTINATION:
        key, missing = _text_key(fleet.destinations)
    elif column == Column.ALERTS:
        counts = alert_counts(fleet, open_alerts)
        key, missing = counts.astype(np.float64), counts == 0
    elif column == Column.MMSI or column < 0:
        key, missing = fleet.mmsi.astype(np.float64), np.zeros(len(fleet), bool)
    elif column == Column.TYPE:
        key, missing = _TYPE_RANK[fleet.ship_type.astype(np.intp)].astype(np.float64), fleet.ship_type < 0
    elif column == Column.STATUS:
        key, missing = _STATUS_RANK[fleet.status.astype(np.intp)].astype(np.float64), fleet.status < 0
    elif column in (Column.SOG, Column.COG):
        values = fleet.sog if column == Column.SOG else fleet.cog
        missing = np.isnan(values)
        key = np.where(missing, 0.0, values)
    elif column == Column.POSITION:
        key, missing = fleet.lat.astype(np.float64), np.zeros(len(fleet), bool)
    else:  # last report: by age at the moment shown
        key, missing = (at - fleet.last_report_at).astype(np.float64), np.zeros(len(fleet), bool)
    if descending and column >= 0:
        key = -key
    return np.lexsort((fleet.mmsi, key, missing))


def changed_columns(old: FleetArrays, old_at: int, new: FleetArrays, at: int) -> list[int]:
    """The columns whose cells may read differently from ``old`` at ``old_at`` to ``new`` at ``at``.

    Both fleets must hold the same ships in the same rows. The name column also shows the type's colour.
    """
    type_changed = not np.array_equal(old.ship_type, new.ship_type)
    changes = {  # the name column's search text also holds the callsign (the filter re-reads changed columns)
        Column.NAME: (type_changed or not np.array_equal(old.names, new.names)
                      or not np.array_equal(old.callsigns, new.callsigns)),
        Column.MMSI: False,
        Column.TYPE: type_changed,
        Column.STATUS: not np.array_equal(old.status, new.status),
        Column.SOG: not np.array_equal(old.sog, new.sog, equal_nan=True),
        Column.COG: not np.array_equal(old.cog, new.cog, equal_nan=True),
        Column.POSITION: not (np.array_equal(old.lat, new.lat) and np.array_equal(old.lon, new.lon)),
        Column.LAST_REPORT: old_at != at or not np.array_equal(old.last_report_at, new.last_report_at),
        Column.DESTINATION: not np.array_equal(old.destinations, new.destinations),
        Column.ALERTS: False,  # alerts are not in the fleet: ``FleetTableModel.set_fleet`` compares the counts
    }
    return sorted(int(column) for column, changed in changes.items() if changed)


def _runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Sorted positions as (first, last) contiguous ranges."""
    if not len(positions):
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1)
    firsts = np.r_[positions[0], positions[breaks + 1]]
    lasts = np.r_[positions[breaks], positions[-1]]
    return [(int(a), int(b)) for a, b in zip(firsts, lasts)]


class FleetTableModel(QAbstractTableModel):
    """One row per ship at the selected moment.

    ``data`` is called thousands of times per paint, so it answers the roles it does not serve at once,
    and formats a row's texts once per moment (on first request) rather than once per cell and role.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._fleet = empty_fleet()
        self._order = np.empty(0, dtype=np.intp)  # display row -> fleet row
        self._rows: list[int] = []                # the same, as Python ints for fast lookups
        self._texts: dict[int, tuple[str, ...]] = {}  # fleet row -> display texts, for this fleet and moment
        self._at = 0
        self._open_alerts: dict[int, int] = {}  # MMSI -> open alerts at the moment (ships with none left out)
        self._speed_unit = KNOTS
        self._sort_column = -1
        self._descending = False
        self._filter = ""  # casefolded text the name, MMSI or callsign must contain ("" : every ship)
        self._search: tuple[FleetArrays, list[str]] | None = None  # the fleet the search texts were made for
        self._swatches: list[QIcon] = []  # made on first use: pixmaps need the GUI application
        self._dim = QColor(theme.DIM_TEXT)
        self._readers = {
            Qt.ItemDataRole.DisplayRole: self._display, Qt.ItemDataRole.DecorationRole: self._decoration,
            Qt.ItemDataRole.TextAlignmentRole: self._alignment, Qt.ItemDataRole.ForegroundRole: self._foreground,
            Qt.ItemDataRole.ToolTipRole: self._tooltip, SORT_ROLE: self._sort_value, SEARCH_ROLE: self._search_text,
            MMSI_ROLE: self._mmsi,
        }

    def _show(self, fleet: FleetArrays, order: np.ndarray) -> None:
        if fleet is not self._fleet:
            self._texts.clear()
        self._fleet, self._order, self._rows = fleet, order, order.tolist()

    # --- reading -----------------------------------------------------------------------------------------------

    @property
    def fleet(self) -> FleetArrays:
        return self._fleet

    @property
    def at(self) -> int:
        return self._at

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return f"SOG ({self._speed_unit})" if section == Column.SOG else HEADERS[Column(section)]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if section in _NUMERIC else _LEFT
        return None

    def mmsi_at(self, row: int) -> int:
        return int(self._fleet.mmsi[self._rows[row]])

    def row_of(self, mmsi: int) -> int | None:
        """The display row of a ship, or None when it is not in the table."""
        fleet_row = int(np.searchsorted(self._fleet.mmsi, mmsi))
        if fleet_row >= len(self._fleet) or self._fleet.mmsi[fleet_row] != mmsi:
            return None
        hits = np.flatnonzero(self._order == fleet_row)
        return int(hits[0]) if len(hits) else None

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> QModelIndex:
        # One Python call where the default asks rowCount and columnCount: the proxy maps every cell it
        # paints through here.
        if 0 <= row < len(self._rows) and 0 <= column < _COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        reader = self._readers.get(role)
        if reader is None:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        return reader(self._rows[row], index.column())

    def multiData(self, index: QModelIndex | QPersistentModelIndex, role_data_span) -> None:
        """Every role a view asks of one cell in one call (a painted cell asks seven)."""
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            for position in range(len(role_data_span)):
                role_data_span[position].clearData()
            return
        fleet_row, column, readers = self._rows[row], index.column(), self._readers
        for position in range(len(role_data_span)):
            role_data = role_data_span[position]
            reader = readers.get(role_data.role())
            value = None if reader is None else reader(fleet_row, column)
            if value is None:
                role_data.clearData()  # views reuse their spans: a role not served must be emptied
            else:
                role_data.setData(value)

    def _texts_of(self, row: int) -> tuple[str, ...]:
        texts = self._texts.get(row)
        if texts is None:
            fleet = self._fleet
            mmsi, name = int(fleet.mmsi[row]), fleet.names[row]
            texts = self._texts[row] = (  # in Column order
                ship_label(name, mmsi) if name else "–", str(self._open_alerts.get(mmsi, "")),
                ship_type_short(int(fleet.ship_type[row])), nav_status_short(int(fleet.status[row])),
                format_speed(float(fleet.sog[row]), self._speed_unit), format_course(float(fleet.cog[row])),
                format_age(self._at - int(fleet.last_report_at[row])), visible(fleet.destinations[row]), str(mmsi),
                format_position(float(fleet.lat[row]), float(fleet.lon[row])),
            )
        return texts

    def _display(self, row: int, column: int) -> str:
        return self._texts_of(row)[column]

    def _alignment(self, row: int, column: int) -> int:
        return _ALIGNMENT_OF_COLUMN[column]

    def _decoration(self, row: int, column: int) -> QIcon | None:
        if column != Column.NAME:
            return None
        return self._swatch(int(groups_of(self._fleet.ship_type[row:row + 1])[0]))

    def _foreground(self, row: int, column: int) -> QColor | None:
        if column != Column.LAST_REPORT:
            return None
        return self._dim if self._at - int(self._fleet.last_report_at[row]) > STALE_AFTER else None

    def _tooltip(self, row: int, column: int) -> str | None:
        if column == Column.NAME:  # a long name may be cut short in the cell; the MMSI sits further right
            name = self._fleet.names[row]
            return text_tooltip(f"{in_text(name) if name else '–'} · MMSI {int(self._fleet.mmsi[row])}")
        if column == Column.DESTINATION:
            return text_tooltip(visible(self._fleet.destinations[row])) or None
        if column == Column.STATUS:
            return nav_status_text(int(self._fleet.status[row]))
        if column == Column.TYPE:
            return ship_type_name(int(self._fleet.ship_type[row]))
        return None

    def _mmsi(self, row: int, column: int) -> int:
        return int(self._fleet.mmsi[row])

    def _search_text(self, row: int, column: int) -> str:
        fleet = self._fleet
        return f"{fleet.names[row] or ''} {int(fleet.mmsi[row])} {fleet.callsigns[row] or ''}"

    def _swatch(self, group: int) -> QIcon:
        if not self._swatches:
            for number in range(len(ALL_GROUPS)):
                pixmap = QPixmap(10, 10)
                pixmap.fill(group_colour(number))
                self._swatches.append(QIcon(pixmap))
        return self._swatches[group]

    def _sort_value(self, row: int, column: int):
        fleet = self._fleet
        if column == Column.NAME:
            return name_order_key(fleet.names[row] or "")
        if column in (Column.SOG, Column.COG):
            value = float((fleet.sog if column == Column.SOG else fleet.cog)[row])
            return -1.0 if np.isnan(value) else value
        if column == Column.POSITION:
            return float(fleet.lat[row])
        if column == Column.LAST_REPORT:
            return self._at - int(fleet.last_report_at[row])
        if column == Column.TYPE:
            return ship_type_name(int(fleet.ship_type[row]))
        if column == Column.STATUS:
            return nav_status_text(int(fleet.status[row]))
        if column == Column.DESTINATION:
            return name_order_key(fleet.destinations[row] or "")
        if column == Column.ALERTS:
            return self._open_alerts.get(int(fleet.mmsi[row]), 0)
        return int(fleet.mmsi[row])

    @property
    def speed_unit(self) -> str:
        return self._speed_unit

    def set_speed_unit(self, unit: str) -> None:
        """Write speeds in knots or km/h (``ui.formatting.KNOTS`` / ``KMH``); sorting is unchanged."""
        if unit == self._speed_unit:
            return
        self._speed_unit = unit
        self._texts.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.SOG, Column.SOG)
        if self._rows:
            self.dataChanged.emit(self.index(0, Column.SOG), self.index(len(self._rows) - 1, Column.SOG),
                                  [Qt.ItemDataRole.DisplayRole])

    # --- sorting ---------------------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (-1: by MMSI, the natural order); persistent indexes follow their ships."""
        self._sort_column, self._descending = column, order == Qt.SortOrder.DescendingOrder
        self._relayout(self._fleet, self._sort_order(self._fleet, self._at))

    def _sort_order(self, fleet: FleetArrays, at: int) -> np.ndarray:
        order = sort_order(fleet, at, self._sort_column, self._descending, self._open_alerts)
        return order if not self._filter else order[self._matching(fleet)[order]]

    # --- filtering --------------------------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def ship_count(self) -> int:
        """Ships at the moment, whether the filter shows them or not."""
        return len(self._fleet)

    def set_filter(self, text: str) -> None:
        """Show only the ships whose name, MMSI or callsign contains ``text`` (any case; "" shows all)."""
        wanted = text.strip().casefold()
        if wanted == self._filter:
            return
        self._filter = wanted
        self.beginResetModel()
        self._show(self._fleet, self._sort_order(self._fleet, self._at))
        self.endResetModel()

    def _matching(self, fleet: FleetArrays) -> np.ndarray:
        """Which ships of ``fleet`` the filter shows."""
        return np.fromiter((self._filter in text for text in self._search_texts(fleet)), dtype=bool,
                           count=len(fleet))

    def _search_texts(self, fleet: FleetArrays) -> list[str]:
        """Each ship's "name mmsi callsign", casefolded; made again only when ships, names or callsigns change."""
        if self._search is not None:
            known, texts = self._search
            if known is fleet or (np.array_equal(known.mmsi, fleet.mmsi) and np.array_equal(known.names, fleet.names)
                                  and np.array_equal(known.callsigns, fleet.callsigns)):
                return texts
        texts = [f"{name or ''} {mmsi} {callsign or ''}".casefold()
                 for name, mmsi, callsign in zip(fleet.names, fleet.mmsi.tolist(), fleet.callsigns)]
        self._search = (fleet, texts)
        return texts

    def _relayout(self, fleet: FleetArrays, order: np.ndarray) -> None:
        """Show the same ships in another order (as one layout change)."""
        old_mmsi = self._fleet.mmsi[self._order]
        if np.array_equal(old_mmsi, fleet.mmsi[order]):
            self._show(fleet, order)
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        self._show(fleet, order)
        display_row = np.zeros(len(fleet), dtype=np.intp)
        display_row[order] = np.arange(len(order))
        moved = []
        for index in persistent:
            fleet_row = int(np.searchsorted(fleet.mmsi, old_mmsi[index.row()]))
            moved.append(self.index(int(display_row[fleet_row]), index.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # --- moving through time ------------------------------------------------------------------------------------

    @property
    def open_alerts(self) -> dict[int, int]:
        return self._open_alerts

    def set_fleet(self, fleet: FleetArrays, at: int, open_alerts: dict[int, int] | None = None) -> None:
        """Show the fleet at a new moment, keeping rows (and so selection and scroll) of ships that stay.

        ``open_alerts`` counts each ship's open alerts at the moment (ships with none may be left out).
        When the ships are the same, only the columns that can read differently are announced changed,
        so the view repaints those cells (and the filter is applied again only when names change).
        """
        old, old_at = self._fleet, self._at
        alerts = {mmsi: count for mmsi, count in (open_alerts or {}).items() if count}
        alerts_changed = alerts != self._open_alerts
        self._at, self._open_alerts = at, alerts
        self._texts.clear()
        same_ships = np.array_equal(old.mmsi, fleet.mmsi)
        columns = changed_columns(old, old_at, fleet, at) if same_ships else list(Column)
        refilter = bool(self._filter) and Column.NAME in columns  # renamed ships may come into or leave the filter
        if same_ships and not refilter:
            if alerts_changed:
                columns = sorted(columns + [int(Column.ALERTS)])
            if self._sort_column in columns:
                self._relayout(fleet, self._sort_order(fleet, at))
            else:  # the sort key did not change: neither does the order
                self._show(fleet, self._order)
        elif not self._change_ships(fleet):
            self.beginResetModel()
            self._show(fleet, self._sort_order(fleet, at))
            self.endResetModel()
            return
        else:
            columns = list(Column)
        if self._rows:
            last_row = len(self._order) - 1
            for first, last in _runs(np.asarray(columns, dtype=np.intp)):
                self.dataChanged.emit(self.index(0, first), self.index(last_row, last))

    def _change_ships(self, fleet: FleetArrays) -> bool:
        """Remove the ships that left, reorder those that stayed, insert those that came; False if too many."""
        old = self._fleet
        new_order = self._sort_order(fleet, self._at)
        old_shown = old.mmsi[self._order]
        new_shown = fleet.mmsi[new_order]
        staying_old = np.isin(old_shown, new_shown, assume_unique=True)
        staying_new = np.isin(new_shown, old_shown, assume_unique=True)
        removals = _runs(np.flatnonzero(~staying_old))
        insertions = _runs(np.flatnonzero(~staying_new))
        if len(removals) + len(insertions) > _MAX_INCREMENTAL_RUNS:
            return False
        for first, last in reversed(removals):
            self.beginRemoveRows(QModelIndex(), first, last)
            keep = np.ones(len(self._order), bool)
            keep[first:last + 1] = False
            self._show(old, self._order[keep])
            self.endRemoveRows()
        self._relayout(fleet, new_order[staying_new])
        shown = staying_new.copy()
        for first, last in insertions:
            self.beginInsertRows(QModelIndex(), first, last)
            shown[first:last + 1] = True
            self._show(fleet, new_order[shown])
            self.endInsertRows()
        return True
