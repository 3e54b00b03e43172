"""Ships on the map: one ``ScatterPlotItem`` for the whole fleet, plus one ring for the selected ship.

Each ship is an arrow turned to its heading (its course over ground when the heading is not reported),
a circle when moored or at anchor, a diamond when neither heading nor course is known; coloured by its
type group and faded when its last report is stale. Symbols are built once per 5° of bearing and brushes
once per colour, so a new moment costs a few numpy gathers and one update of the scatter item: when the
same ships are shown, ``ShipScatter.move_ships`` moves them in place and restyles only the ships whose
symbol or colour changed, instead of ``setData`` rebuilding every spot's style in Python.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainterPath, QPen, QTransform

from domain import ais
from domain.temporal_index import FleetArrays
from ui import theme
from ui.formatting import (KNOTS, format_age, format_course, format_position, format_speed, nav_status_text,
                           ship_label, ship_type_name)
from ui.map.projection import mercator_y
from ui.map.ship_palette import ALL_GROUPS, STALE_AFTER, group_colour, groups_of

BEARING_STEPS = 72  # one symbol per 5°
MOORED, NO_COURSE = BEARING_STEPS, BEARING_STEPS + 1
MOORED_STATUSES = (ais.NAV_STATUS_CODES["at anchor"], ais.NAV_STATUS_CODES["moored"])
ARROW_SIZE, MOORED_SIZE, NO_COURSE_SIZE = 17.0, 9.0, 10.0


def arrow_symbol() -> QPainterPath:
    """A ship arrow pointing north (up on screen), inside the unit circle pyqtgraph scales by the size."""
    path = QPainterPath()
    path.moveTo(0.0, -0.5)
    path.lineTo(0.30, 0.40)
    path.lineTo(0.0, 0.22)
    path.lineTo(-0.30, 0.40)
    path.closeSubpath()
    return path


def circle_symbol() -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(QPointF(0.0, 0.0), 0.5, 0.5)
    return path


def diamond_symbol() -> QPainterPath:
    path = QPainterPath()
    path.moveTo(0.0, -0.45)
    path.lineTo(0.45, 0.0)
    path.lineTo(0.0, 0.45)
    path.lineTo(-0.45, 0.0)
    path.closeSubpath()
    return path


def _symbol_table() -> tuple[np.ndarray, np.ndarray]:
    """Symbols indexed by kind (0-71: arrow at kind × 5°, then moored, then no course) and their sizes."""
    arrow = arrow_symbol()
    symbols = np.empty(BEARING_STEPS + 2, dtype=object)
    for step in range(BEARING_STEPS):
        symbols[step] = QTransform().rotate(step * 360.0 / BEARING_STEPS).map(arrow)  # clockwise on screen
    symbols[MOORED] = circle_symbol()
    symbols[NO_COURSE] = diamond_symbol()
    sizes = np.full(BEARING_STEPS + 2, ARROW_SIZE)
    sizes[MOORED], sizes[NO_COURSE] = MOORED_SIZE, NO_COURSE_SIZE
    return symbols, sizes


def symbol_kinds(fleet: FleetArrays) -> np.ndarray:
    """Which symbol each ship gets: the 5° bearing step of its heading (or course), moored, or no course."""
    bearing = np.where(np.isnan(fleet.heading), fleet.cog, fleet.heading)
    known = ~np.isnan(bearing)
    steps = np.zeros(len(fleet), dtype=np.intp)
    steps[known] = np.rint(bearing[known] * (BEARING_STEPS / 360.0)).astype(np.intp) % BEARING_STEPS
    kinds = np.where(known, steps, NO_COURSE)
    kinds[np.isin(fleet.status, MOORED_STATUSES)] = MOORED
    return kinds


class ShipScatter(pg.ScatterPlotItem):
    """The fleet's ``ScatterPlotItem``, able to move the same ships to a new moment in place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mmsi: np.ndarray | None = None   # the ships shown, in spot order
        self._styles: np.ndarray | None = None  # each spot's style code (symbol and brush)

    def move_ships(self, x: np.ndarray, y: np.ndarray, mmsi: np.ndarray, styles: np.ndarray,
                   symbols: np.ndarray, sizes: np.ndarray, brushes: np.ndarray) -> None:
        """Show ships at ``x``, ``y``; ``styles`` codes each spot's (symbol, size, brush) combination.

        The same ships as before keep their spots: positions are overwritten and only spots whose style
        code changed get their symbol, size and brush (and their place in the symbol atlas) renewed.
        Other ships: one ``setData``.
        """
        if self._mmsi is None or not np.array_equal(self._mmsi, mmsi) or len(self.data) != len(mmsi):
            self.setData(x=x, y=y, symbol=symbols, size=sizes, brush=brushes, data=mmsi)
            self._mmsi, self._styles = mmsi.copy(), styles.copy()
            return
        spots = self.data
        spots["x"] = x
        spots["y"] = y
        restyled = np.flatnonzero(styles != self._styles)
        if len(restyled):
            spots["symbol"][restyled] = symbols[restyled]
            spots["size"][restyled] = sizes[restyled]
            spots["brush"][restyled] = brushes[restyled]
            spots["sourceRect"][restyled] = 0  # updateSpots looks these up in the atlas again
            self._styles = styles.copy()
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.updateSpots(spots)
        self.sigPlotChanged.emit(self)


class ShipLayer:
    """The fleet's scatter item and the selection ring, kept in one view box."""

    def __init__(self, view_box: pg.ViewBox):
        self._symbols, self._sizes = _symbol_table()
        groups = len(ALL_GROUPS)
        self._brushes = np.empty(2 * groups, dtype=object)  # fresh, then stale, per colour group
        for group in range(groups):
            self._brushes[group] = pg.mkBrush(group_colour(group))
            self._brushes[groups + group] = pg.mkBrush(group_colour(group, stale=True))
        outline = QPen(QColor(0, 0, 0, 190))
        outline.setWidthF(1.0)
        outline.setCosmetic(True)
        self.fleet: FleetArrays | None = None
        self.at = 0
        self.selected: int | None = None
        self.speed_unit = KNOTS
        self.scatter = ShipScatter(pxMode=True, pen=outline, hoverable=True, tip=self.tooltip)
        self.scatter.setZValue(10)
        self.ring = pg.ScatterPlotItem(pxMode=True, symbol="o", size=28, brush=None,
                                       pen=pg.mkPen(theme.SELECTION, width=2))
        self.ring.setZValue(20)
        self.label = pg.TextItem(color=theme.SELECTION, anchor=(-0.12, 1.15))
        self.label.setZValue(21)
        for item in (self.scatter, self.ring, self.label):
            view_box.addItem(item)

    def show_fleet(self, fleet: FleetArrays, at: int) -> None:
        """Draw every ship of ``fleet`` as it was at ``at``."""
        self.fleet, self.at = fleet, at
        kinds = symbol_kinds(fleet)
        stale = (at - fleet.last_report_at) > STALE_AFTER
        colours = groups_of(fleet.ship_type) + stale * len(ALL_GROUPS)
        self.scatter.move_ships(fleet.lon, mercator_y(fleet.lat), fleet.mmsi, kinds * len(self._brushes) + colours,
                                self._symbols[kinds], self._sizes[kinds], self._brushes[colours])
        self._place_selection()

    def select(self, mmsi: int | None) -> None:
        """Ring the ship with this MMSI (None: no ship)."""
        self.selected = mmsi
        self._place_selection()

    def row_of(self, mmsi: int) -> int | None:
        """The row of a ship in the fleet shown, or None when it is not on the map."""
        if self.fleet is None or not len(self.fleet):
            return None
        row = int(np.searchsorted(self.fleet.mmsi, mmsi))
        return row if row < len(self.fleet) and self.fleet.mmsi[row] == mmsi else None

    def _place_selection(self) -> None:
        row = None if self.selected is None else self.row_of(self.selected)
        if row is None:
            self.ring.setData(x=[], y=[])
            self.label.setVisible(False)
            return
        fleet = self.fleet
        x, y = float(fleet.lon[row]), float(mercator_y(fleet.lat[row]))
        self.ring.setData(x=[x], y=[y])
        self.label.setText(ship_label(fleet.names[row], int(fleet.mmsi[row])))
        self.label.setPos(x, y)
        self.label.setVisible(True)

    def tooltip(self, x: float = 0.0, y: float = 0.0, data: object = None) -> str:
        """What hovering a ship shows: name, MMSI and type, speed and course, status, position, age."""
        row = None if data is None else self.row_of(int(data))
        if row is None:
            return ""
        fleet = self.fleet
        mmsi = int(fleet.mmsi[row])
        return "\n".join((
            ship_label(fleet.names[row], mmsi),
            f"MMSI {mmsi} · {ship_type_name(int(fleet.ship_type[row]))}",
            f"SOG {format_speed(fleet.sog[row], self.speed_unit)} {self.speed_unit} · COG {format_course(fleet.cog[row])}°",
            nav_status_text(int(fleet.status[row])),
            format_position(float(fleet.lat[row]), float(fleet.lon[row])),
            f"last report {format_age(self.at - int(fleet.last_report_at[row]))} before",
        ))
