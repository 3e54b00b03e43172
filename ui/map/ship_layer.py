"""Ships on the map: one ``ScatterPlotItem`` for the whole fleet, plus one ring for the selected ship.

Each ship is an arrow turned to its heading (its course over ground when the heading is not reported),
a circle when moored or at anchor, a diamond when neither heading nor course is known; coloured by its
type group and faded when its last report is stale. Symbols are built once per 5° of bearing and brushes
once per colour, so a new moment costs a few numpy gathers and one update of the scatter item: when the
same ships are shown, ``ShipScatter.move_ships`` moves them in place and restyles only the ships whose
symbol or colour changed, instead of ``setData`` rebuilding every spot's style in Python.

Ships are placed in the world copy nearest the middle of the view (``centre``; the map wraps at 180°),
so a fleet across the antimeridian is drawn together.

Level of detail: a symbol needs room to be read (``SYMBOL_ROOM`` pixels square). When the ships in view
would not have it (10,000 ships at region zoom), every ship is drawn as a small outlined dot in its colour,
so busy waters show as dense ones rather than a smear of arrows; with less room still (ocean zoom), as a
translucent speck, so that where ships crowd the map is brighter: drawn by density. Zooming in until they
have room reveals the symbols (``update_detail``, when the view settles). Names are written beside ships only where there
is room for them (``ui.map.ship_labels``). The selected ship and the ships with open alerts are drawn
again, as symbols, in an item above all others (``flagged``), at every zoom.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen, QTransform

from domain import ais
from domain.temporal_index import FleetArrays
from ui import theme
from ui.formatting import (KNOTS, format_age, format_course, format_position, format_speed, nav_status_text,
                           ship_label, ship_type_name)
from chart.projection import mercator_y, wrap_longitude
from ui.map.ship_labels import LABEL_LIMIT, ShipLabels
from ui.map.ship_palette import ALL_GROUPS, STALE_AFTER, group_colour, groups_of
from ui.plain_text import text_tooltip

BEARING_STEPS = 72  # one symbol per 5°
MOORED, NO_COURSE, DOT, SPECK = BEARING_STEPS, BEARING_STEPS + 1, BEARING_STEPS + 2, BEARING_STEPS + 3
MOORED_STATUSES = (ais.NAV_STATUS_CODES["at anchor"], ais.NAV_STATUS_CODES["moored"])
ARROW_SIZE, MOORED_SIZE, NO_COURSE_SIZE, DOT_SIZE, SPECK_SIZE = 17.0, 9.0, 10.0, 5.0, 3.0
SYMBOL_ROOM = 28.0     # pixels: a ship's symbol needs about this square of map to itself to be read
DOT_ROOM = 6.0         # pixels: with less room each than this square, ships are translucent specks
SPECK_ALPHA = 110      # specks add up: the more ships in a place, the brighter it is
SPECKS, DOTS, SYMBOLS = 0, 1, 2  # the levels of detail
UNSIZED_SYMBOLS = 1_500  # ships in view drawn as symbols before the view has a size (never shown yet)
FEW_SHIPS = 400        # ships in view that are always symbols: a small fleet's headings are read at any zoom
FLAGGED_Z = 12         # the selected ship and ships with open alerts: above every other ship (10)


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
    symbols = np.empty(BEARING_STEPS + 4, dtype=object)
    for step in range(BEARING_STEPS):
        symbols[step] = QTransform().rotate(step * 360.0 / BEARING_STEPS).map(arrow)  # clockwise on screen
    symbols[MOORED] = circle_symbol()
    symbols[NO_COURSE] = diamond_symbol()
    symbols[DOT] = symbols[SPECK] = circle_symbol()
    sizes = np.full(BEARING_STEPS + 4, ARROW_SIZE)
    sizes[MOORED], sizes[NO_COURSE], sizes[DOT], sizes[SPECK] = MOORED_SIZE, NO_COURSE_SIZE, DOT_SIZE, SPECK_SIZE
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
    """The fleet's ``ScatterPlotItem``, able to move the same ships to a new moment in place.

    Every spot's image comes from the item's symbol atlas, found by (symbol, size, pen, brush); pyqtgraph
    looks each restyled spot up through Python tuples, which for the few hundred ships that turn between
    two moments cost more than moving all of them. The atlas never moves an image once placed (it only
    starts anew, e.g. on a screen of another pixel ratio), so the image of each style code is remembered
    here and handed to restyled spots directly; only codes never seen go through the atlas.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mmsi: np.ndarray | None = None   # the ships shown, in spot order
        self._styles: np.ndarray | None = None  # each spot's style code (symbol and brush)
        self._atlas_rects = np.zeros(0, dtype=self.data.dtype["sourceRect"])  # style code -> atlas image
        self._atlas_known = np.zeros(0, dtype=bool)
        self._atlas_of_rects: object = None     # the atlas those were read from

    def move_ships(self, x: np.ndarray, y: np.ndarray, mmsi: np.ndarray, styles: np.ndarray,
                   symbols: np.ndarray, sizes: np.ndarray, brushes: np.ndarray, pens: np.ndarray | None = None) -> None:
        """Show ships at ``x``, ``y``; ``styles`` codes each spot's (symbol, size, brush) combination.

        The same ships as before keep their spots: positions are overwritten and only spots whose style
        code changed get their symbol, size and brush (and their place in the symbol atlas) renewed.
        Other ships: one ``setData``.
        """
        if self._mmsi is None or not np.array_equal(self._mmsi, mmsi) or len(self.data) != len(mmsi):
            self._new_spots(x, y, mmsi, styles, symbols, sizes, brushes, pens)
            self._mmsi, self._styles = mmsi.copy(), styles.copy()
            self._remember_rects(styles, np.arange(len(styles)))
            return
        spots = self.data
        spots["x"] = x
        spots["y"] = y
        restyled = np.flatnonzero(styles != self._styles)
        unknown = restyled[:0]
        if len(restyled):
            spots["symbol"][restyled] = symbols[restyled]
            spots["size"][restyled] = sizes[restyled]
            spots["brush"][restyled] = brushes[restyled]
            if pens is not None:
                spots["pen"][restyled] = pens[restyled]
            unknown = self._fill_rects(styles, restyled)
            self._styles = styles.copy()
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.updateSpots(spots)
        if len(unknown):
            self._remember_rects(styles, unknown)
        self.sigPlotChanged.emit(self)

    def _new_spots(self, x: np.ndarray, y: np.ndarray, mmsi: np.ndarray, styles: np.ndarray, symbols: np.ndarray,
                   sizes: np.ndarray, brushes: np.ndarray, pens: np.ndarray | None) -> None:
        """Spots for another set of ships (some came, some left), made with numpy: ``setData`` would make
        each spot's pen and brush and look its image up in the atlas one by one in Python (150 ms for
        10,000 ships, at every moment a ship starts or stops reporting). Images of known style codes are
        taken from those remembered; only new codes go through the atlas."""
        self.data["item"][...] = None  # pyqtgraph's spot items refer to the old array
        spots = np.empty(len(x), dtype=self.data.dtype)
        spots["x"], spots["y"], spots["size"] = x, y, sizes
        spots["symbol"], spots["brush"], spots["pen"] = symbols, brushes, pens
        spots["visible"], spots["hovered"] = True, False
        spots["data"] = mmsi
        spots["sourceRect"] = 0
        self.data = spots
        self._fill_rects(styles, np.arange(len(styles)))
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.updateSpots(spots)
        self.sigPlotChanged.emit(self)

    def _fill_rects(self, styles: np.ndarray, spots: np.ndarray) -> np.ndarray:
        """Give the ``spots`` (indexes into the item's spots) the atlas images of their style codes: those
        remembered directly, a code never seen by looking up one of its spots in the atlas (pyqtgraph would
        look up every spot, in Python: 100 ms for 10,000 ships turned to dots). Returns the spots left for
        ``updateSpots`` to look up (the atlas was rebuilt meanwhile)."""
        data = self.data
        codes = styles[spots]
        if not len(codes):
            return spots
        known = self._known_codes(codes)
        if not known.all():
            new_codes, first = np.unique(codes[~known], return_index=True)
            samples = spots[~known][first]
            style = list(zip(*self._style(["symbol", "size", "pen", "brush"], data=data, idx=samples)))
            data["sourceRect"][samples] = self.fragmentAtlas[style]
            self._remember_rects(styles, samples)
            known = self._known_codes(codes)
        data["sourceRect"][spots[known]] = self._atlas_rects[codes[known]]
        unknown = spots[~known]
        data["sourceRect"][unknown] = 0  # updateSpots looks these up in the atlas
        return unknown

    def _known_codes(self, codes: np.ndarray) -> np.ndarray:
        known = self._rects_valid() & (codes < len(self._atlas_known))
        known[known] = self._atlas_known[codes[known]]
        return known

    def _rects_valid(self) -> bool:
        return self._atlas_of_rects is not None and self._atlas_of_rects is getattr(self.fragmentAtlas, "_coords", None)

    def _remember_rects(self, styles: np.ndarray, spots: np.ndarray) -> None:
        """Keep the atlas images the given spots got, by their style codes."""
        atlas = getattr(self.fragmentAtlas, "_coords", None)
        if atlas is None:
            return  # not the atlas this was written for: look every restyled spot up
        if not self._rects_valid():
            self._atlas_known[:] = False
            self._atlas_of_rects = atlas
        size = int(styles.max(initial=-1)) + 1
        if size > len(self._atlas_known):
            self._atlas_rects = np.resize(self._atlas_rects, size)
            self._atlas_known = np.concatenate([self._atlas_known, np.zeros(size - len(self._atlas_known), bool)])
        rects = self.data["sourceRect"][spots]
        placed = rects["w"] > 0
        self._atlas_rects[styles[spots][placed]] = rects[placed]
        self._atlas_known[styles[spots][placed]] = True


class ShipLayer:
    """The fleet's scatter item, the flagged ships above it, their names, and the selection ring."""

    def __init__(self, view_box: pg.ViewBox):
        self.view_box = view_box
        self._symbols, self._sizes = _symbol_table()
        groups = len(ALL_GROUPS)
        self._brushes = np.empty(4 * groups, dtype=object)  # fresh, stale, then both as specks, per colour group
        for group in range(groups):
            self._brushes[group] = pg.mkBrush(group_colour(group))
            self._brushes[groups + group] = pg.mkBrush(group_colour(group, stale=True))
            for stale in (False, True):
                speck = QColor(group_colour(group, stale=stale))
                speck.setAlpha(SPECK_ALPHA * speck.alpha() // 255)
                self._brushes[(2 + stale) * groups + group] = pg.mkBrush(speck)
        outline = QPen(QColor(0, 0, 0, 190))
        outline.setWidthF(1.0)
        outline.setCosmetic(True)
        self._pens = np.array([outline, QPen(Qt.PenStyle.NoPen)], dtype=object)  # outlined, or a speck's none
        self.fleet: FleetArrays | None = None
        self.at = 0
        self.selected: int | None = None
        self.flagged_mmsi = np.empty(0, dtype=np.int64)  # ships with open alerts, ascending
        self.level = SYMBOLS  # symbols, dots or specks for the ships in view
        self._judged: tuple | None = None  # the view and fleet size the level was judged for
        self.speed_unit = KNOTS
        self.centre = 0.0  # longitude of the middle of the view: ships are drawn in the copy nearest it
        self.x = np.empty(0)  # each ship's x (its longitude in that copy) and y, in fleet order
        self.y = np.empty(0)
        self.alert_text: Callable[[int], str] = lambda mmsi: ""  # lines about a ship's open alerts, for tooltips
        self._styles: tuple | None = None
        self._kinds = np.empty(0, dtype=np.intp)   # each ship's symbol kind (before dots), in fleet order
        self._colours = np.empty(0, dtype=np.intp)  # each ship's brush, in fleet order
        self._flagged_shown: tuple | None = None
        self.scatter = ShipScatter(pxMode=True, pen=outline, hoverable=True, tip=self.tooltip)
        self.scatter.setZValue(10)
        self.flagged = pg.ScatterPlotItem(pxMode=True, pen=outline)
        self.flagged.setZValue(FLAGGED_Z)
        self.flagged.setAcceptHoverEvents(False)  # hover and clicks go to the fleet's item below
        self.flagged.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.names = ShipLabels()
        self.ring = pg.ScatterPlotItem(pxMode=True, symbol="o", size=28, brush=None,
                                       pen=pg.mkPen(theme.SELECTION, width=2))
        self.ring.setZValue(20)
        self.label = pg.TextItem(color=theme.SELECTION, anchor=(-0.12, 1.15))
        self.label.setZValue(21)
        for item in (self.scatter, self.flagged, self.names, self.ring, self.label):
            view_box.addItem(item)

    def show_fleet(self, fleet: FleetArrays, at: int) -> None:
        """Draw every ship of ``fleet`` as it was at ``at``."""
        self.fleet, self.at = fleet, at
        self._kinds = symbol_kinds(fleet)
        stale = (at - fleet.last_report_at) > STALE_AFTER
        self._colours = groups_of(fleet.ship_type) + stale * len(ALL_GROUPS)
        self.x, self.y = wrapped(fleet.lon, self.centre), mercator_y(fleet.lat)
        judged = (tuple(map(tuple, self.view_box.viewRange())), len(fleet))
        if judged != self._judged:  # the ships move little from one moment to the next: judged again when the view moves
            self.level, self._judged = self._level(), judged
        self._draw()

    @property
    def detailed(self) -> bool:
        """Whether the ships are drawn as their symbols (not dots or specks)."""
        return self.level == SYMBOLS

    def update_detail(self) -> bool:
        """Symbols or dots, names or none, for the view as it is now (after a zoom or pan settles); True
        if the drawing changed."""
        if self.fleet is None:
            return False
        level = self._level()
        self._judged = (tuple(map(tuple, self.view_box.viewRange())), len(self.fleet))
        if level == self.level:
            self._place_names()
            return False
        self.level = level
        self._draw()
        return True

    def set_flagged(self, mmsi: np.ndarray) -> None:
        """Draw these ships (those with open alerts, ascending MMSIs) above all others, as symbols."""
        self.flagged_mmsi = np.asarray(mmsi, dtype=np.int64)
        self._place_flagged()
        self._place_names()

    def in_view(self, margin: float = 0.0) -> np.ndarray:
        """Which ships (fleet rows) are inside the view, grown by ``margin`` of its size on each side."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        grow_x, grow_y = (x1 - x0) * margin, (y1 - y0) * margin
        return (self.x >= x0 - grow_x) & (self.x <= x1 + grow_x) & (self.y >= y0 - grow_y) & (self.y <= y1 + grow_y)

    def trail_ships(self) -> np.ndarray | None:
        """The ships whose trails are worth drawing (MMSIs; None: all): with symbols, the ships in or near
        the view; with dots, only the selected and flagged ships (other trails would be a smear)."""
        if self.fleet is None:
            return None
        chosen = self.in_view(margin=0.25) if self.detailed else np.zeros(len(self.fleet), bool)
        if chosen.all():
            return None
        emphasis = np.append(self.flagged_mmsi, [] if self.selected is None else [self.selected]).astype(np.int64)
        return np.union1d(self.fleet.mmsi[chosen], emphasis)

    def _level(self) -> int:
        """Symbols when the ships in view have room for them (or are few: the demo's 200 crowd the Baltic at
        the fleet's zoom, and their headings are what the operator reads), else dots, else (ocean zoom) specks.

        Room is judged where the ships are, not over the whole view: on a grid of cells of ``SYMBOL_ROOM``
        (then ``DOT_ROOM``) pixels, the ships must be no more than twice as many as the cells they are in
        (ships spread at random share some cells even when there is room for all, and a harbour's moored
        ships one: the operator zooms in there)."""
        fleet = self.fleet
        if fleet is None or not len(fleet):
            return SYMBOLS
        width, height = self.view_box.width(), self.view_box.height()
        inside = self.in_view()
        count = int(np.count_nonzero(inside))
        if count <= FEW_SHIPS:
            return SYMBOLS
        if width <= 0 or height <= 0:
            return SYMBOLS if count <= UNSIZED_SYMBOLS else DOTS
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        column = (self.x[inside] - x0) / (x1 - x0) * width
        row = (self.y[inside] - y0) / (y1 - y0) * height
        for level, room in ((SYMBOLS, SYMBOL_ROOM), (DOTS, DOT_ROOM)):
            cells = np.floor(column / room).astype(np.int64) * 1_000_003 + np.floor(row / room).astype(np.int64)
            if count <= 2 * len(np.unique(cells)):
                return level
        return SPECKS

    def _draw(self) -> None:
        if self.level == SYMBOLS:
            kinds, colours = self._kinds, self._colours
        else:
            kinds = np.full(len(self._kinds), DOT if self.level == DOTS else SPECK, dtype=np.intp)
            colours = self._colours + (2 * len(ALL_GROUPS) if self.level == SPECKS else 0)
        self._styles = (kinds * len(self._brushes) + colours, self._symbols[kinds], self._sizes[kinds],
                        self._brushes[colours], self._pens[(kinds == SPECK).astype(np.intp)])
        self.scatter.move_ships(self.x, self.y, self.fleet.mmsi, *self._styles)
        self._place_selection()
        self._place_flagged()
        self._place_names()

    def set_centre(self, longitude: float) -> bool:
        """Draw the ships in the world copy nearest ``longitude``; True if any ship moved to another copy."""
        self.centre = longitude
        if self.fleet is None or self._styles is None:
            return False
        x = wrapped(self.fleet.lon, longitude)
        if np.array_equal(x, self.x):
            return False
        self.x = x
        self.scatter.move_ships(self.x, self.y, self.fleet.mmsi, *self._styles)
        self._place_selection()
        self._place_flagged()
        self._place_names()
        return True

    def select(self, mmsi: int | None) -> None:
        """Ring the ship with this MMSI (None: no ship)."""
        self.selected = mmsi
        self._place_selection()
        self._place_flagged()
        self._place_names()

    def row_of(self, mmsi: int) -> int | None:
        """The row of a ship in the fleet shown, or None when it is not on the map."""
        if self.fleet is None or not len(self.fleet):
            return None
        row = int(np.searchsorted(self.fleet.mmsi, mmsi))
        return row if row < len(self.fleet) and self.fleet.mmsi[row] == mmsi else None

    def _flagged_rows(self) -> np.ndarray:
        """Fleet rows of the ships with open alerts, then of the selected ship (drawn last: on top)."""
        fleet = self.fleet
        if fleet is None or not len(fleet):
            return np.empty(0, dtype=np.intp)
        wanted = self.flagged_mmsi
        if self.selected is not None:
            wanted = np.append(wanted[wanted != self.selected], self.selected)
        rows = np.minimum(np.searchsorted(fleet.mmsi, wanted), len(fleet) - 1)
        return rows[fleet.mmsi[rows] == wanted]

    def _place_flagged(self) -> None:
        rows = self._flagged_rows()
        kinds, colours = self._kinds[rows], self._colours[rows]
        x, y = self.x[rows], self.y[rows]
        key = (x.tobytes(), y.tobytes(), kinds.tobytes(), colours.tobytes())
        if key == self._flagged_shown:
            return
        self._flagged_shown = key
        self.flagged.setData(x=x, y=y, symbol=self._symbols[kinds], size=self._sizes[kinds],
                             brush=self._brushes[colours], data=self.fleet.mmsi[rows])

    def _place_names(self) -> None:
        """Names beside the ships in view when there are few enough to have room (the selected ship has
        its own label); the flagged ships' names first."""
        fleet = self.fleet
        if fleet is None or not self.detailed:
            self.names.show_names(np.empty(0), np.empty(0), [])
            return
        shown = np.flatnonzero(self.in_view() & (fleet.names != None))  # noqa: E711 (numpy compares each)
        if self.selected is not None:
            shown = shown[fleet.mmsi[shown] != self.selected]
        if len(shown) > LABEL_LIMIT:
            self.names.show_names(np.empty(0), np.empty(0), [])
            return
        first = np.isin(fleet.mmsi[shown], self.flagged_mmsi)
        shown = np.concatenate([shown[first], shown[~first]])
        self.names.show_names(self.x[shown], self.y[shown], [str(name) for name in fleet.names[shown]])

    def _place_selection(self) -> None:
        row = None if self.selected is None else self.row_of(self.selected)
        if row is None:
            if len(self.ring.data):
                self.ring.setData(x=[], y=[])
            self.label.setVisible(False)
            return
        fleet = self.fleet
        x, y = float(self.x[row]), float(self.y[row])
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
        lines = [
            ship_label(fleet.names[row], mmsi),
            f"MMSI {mmsi} · {ship_type_name(int(fleet.ship_type[row]))}",
            f"SOG {format_speed(fleet.sog[row], self.speed_unit)} {self.speed_unit} · COG {format_course(fleet.cog[row])}°",
            nav_status_text(int(fleet.status[row])),
            format_position(float(fleet.lat[row]), float(fleet.lon[row])),
            f"last report {format_age(self.at - int(fleet.last_report_at[row]))} before",
        ]
        alerts = self.alert_text(mmsi)
        if alerts:
            lines.append(alerts)
        return text_tooltip("\n".join(lines))  # the name in it from outside: shown as text, never markup


def wrapped(lon: np.ndarray, centre: float) -> np.ndarray:
    """Longitudes in the world copy nearest ``centre`` (the array itself when none has to move)."""
    if len(lon) and (lon.min() < centre - 180.0 or lon.max() >= centre + 180.0):
        return wrap_longitude(lon, centre)
    return lon
