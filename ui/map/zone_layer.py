"""Zones on the map: every zone in force outlined and lightly filled in the colour of its kind, with its name.

The zones are still while the operator scrubs, so they are painted into the backdrop's cached image
(``MapBackdrop.set_overlay``), over land and graticule and under the trails and ships: a scrub frame or a
small pan costs them nothing, and they are drawn again only when the image is (the view zoomed or left
it) or the zones changed (``show_zones``, called when ``ZoneDefined`` / ``ZoneRemoved`` events arrive).
Each kind is one path of all its zones' rings (odd-even fill, so holes stay open), filled and stroked in
one call per world copy in view; restricted zones are drawn last, hatched and with a heavier outline, so
they stand out wherever zones overlap.

Edges are straight in longitude and latitude, as the rules test them (``domain.geo``), so a long slanting
edge is a gentle curve on the Mercator map: edges are drawn through intermediate points every
``_EDGE_STEP_DEG`` of latitude.

Names are written at a point inside each zone (``domain.zone_shapes.label_point``), or under it when the
zone is narrower than its name, in the kind's colour over a dark halo; only when the zone is at least
``_MIN_NAMED_PX`` across on screen at this zoom, and never over another name: restricted zones first, then
larger before smaller, the selected zone (always named) before all.

The selected zone (``select``) is outlined in the selection colour by a live item above the backdrop.
``tooltip_at`` names the zones under a point, with kind, speed limit and area, for the map's tooltip.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPathItem

from domain.geo import Area
from domain.rules import ZoneIndex
from domain.zone_list import ZoneList, ZoneView
from domain.zone_shapes import label_point
from ui import theme
from ui.map.backdrop import MapBackdrop
from ui.formatting import in_text
from chart.projection import GeoBox, latitude_of, mercator_y

HIGHLIGHT_Z = 4          # above the backdrop, below the trails (5) and ships (10)
_EDGE_STEP_DEG = 0.25    # an edge is drawn through a point at least this often in latitude
_MIN_NAMED_PX = 22.0     # a zone narrower or lower than this on screen gets no name
_LABEL_GAP = 3.0         # pixels kept clear around each name


@dataclass(frozen=True)
class ZoneStyle:
    """How zones of one kind look: its name for people, its colour, fill opacity, outline width, and
    whether the fill is hatched and the outline dashed."""

    label: str
    colour: str
    fill_alpha: int
    width: float
    hatched: bool = False
    dashed: bool = False


ZONE_STYLES: dict[str, ZoneStyle] = {
    "generic": ZoneStyle("Zone", "#9fb6cc", 26, 1.2),
    "anchorage": ZoneStyle("Anchorage", "#c29bff", 30, 1.3, dashed=True),
    "port": ZoneStyle("Port", "#46c9b1", 30, 1.0),
    "restricted": ZoneStyle("Restricted", "#ff5a5a", 40, 2.0, hatched=True),
}
DRAW_ORDER = ("generic", "anchorage", "port", "restricted")  # restricted last: on top where zones overlap


def zone_kind_label(kind: str) -> str:
    style = ZONE_STYLES.get(kind)
    return style.label if style is not None else kind


def zone_pen(kind: str, width_scale: float = 1.0) -> QPen:
    style = ZONE_STYLES.get(kind, ZONE_STYLES["generic"])
    pen = QPen(QColor(style.colour))
    pen.setWidthF(style.width * width_scale)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if style.dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def zone_brushes(kind: str) -> list[QBrush]:
    """The fill of a zone kind: a light wash, and a hatch over it for restricted zones."""
    style = ZONE_STYLES.get(kind, ZONE_STYLES["generic"])
    colour = QColor(style.colour)
    colour.setAlpha(style.fill_alpha)
    brushes = [QBrush(colour)]
    if style.hatched:
        hatch = QColor(style.colour)
        hatch.setAlpha(110)
        brushes.append(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
    return brushes


def area_path(area: Area) -> QPainterPath:
    """The rings of an area on the map (x longitude, y Mercator), edges densified in latitude."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for polygon in area:
        for ring in polygon:
            lon, lat = _densified(ring)
            y = mercator_y(lat)
            path.moveTo(float(lon[0]), float(y[0]))
            for x_value, y_value in zip(lon[1:].tolist(), y[1:].tolist()):
                path.lineTo(x_value, y_value)
            path.closeSubpath()
    return path


def _densified(ring) -> tuple[np.ndarray, np.ndarray]:
    """A ring's vertices (closed) with points added along edges longer than ``_EDGE_STEP_DEG`` in latitude."""
    corners = np.asarray(ring + ring[:1], dtype=float)
    steps = np.maximum(1, np.ceil(np.abs(np.diff(corners[:, 1])) / _EDGE_STEP_DEG).astype(int))
    if (steps == 1).all():
        return corners[:, 0], corners[:, 1]
    starts = np.repeat(corners[:-1], steps, axis=0)
    ends = np.repeat(corners[1:], steps, axis=0)
    fractions = np.concatenate([np.arange(n) / n for n in steps])[:, None]
    points = np.vstack([starts + (ends - starts) * fractions, corners[-1:]])
    return points[:, 0], points[:, 1]


@dataclass
class _Label:
    name: str
    kind: str
    x: float                  # where the name goes (map coordinates)
    y: float
    bounds: QRectF            # the zone's bounding box (map coordinates)
    text: QPainterPath        # the name, centred on (0, 0), in pixels
    halo: QPen
    fill: QColor
    sprite: QPixmap | None = None  # the name drawn once (halo and all), for the pixel ratio it was made at

    def image(self, ratio: float) -> QPixmap:
        """The name as a picture, centred on its middle: stroking a halo round text is slow, copying is not."""
        if self.sprite is None or self.sprite.devicePixelRatio() != ratio:
            box = self.text.boundingRect().adjusted(-2.0, -2.0, 2.0, 2.0)
            sprite = QPixmap(math.ceil(box.width() * ratio), math.ceil(box.height() * ratio))
            sprite.setDevicePixelRatio(ratio)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.translate(-box.topLeft())
            painter.strokePath(self.text, self.halo)
            painter.fillPath(self.text, self.fill)
            painter.end()
            self.sprite = sprite
        return self.sprite


class ZoneLayer:
    """The zones in force on one map: drawn into the backdrop, the selected one outlined live."""

    def __init__(self, view_box: pg.ViewBox, backdrop: MapBackdrop):
        self.view_box = view_box
        self.backdrop = backdrop
        self.shown = ZoneList()
        self.visible = True
        self.selected: str | None = None
        self.labels_drawn: list[str] = []  # the names written at the last render, in the order placed
        self.label_boxes: list[QRectF] = []  # where they were written (with the gap kept around each), pixels
        self.render_count = 0
        self._paths: dict[str, QPainterPath] = {}
        self._pens = {kind: zone_pen(kind) for kind in ZONE_STYLES}
        self._brushes = {kind: zone_brushes(kind) for kind in ZONE_STYLES}
        self._labels: list[_Label] = []
        self._by_name: dict[str, ZoneView] = {}
        self._index = ZoneIndex()
        self._x_extent: tuple[float, float] | None = None
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._font.setWeight(QFont.Weight.DemiBold)
        self.highlight = QGraphicsPathItem()
        pen = QPen(QColor(theme.SELECTION))
        pen.setWidthF(2.5)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.highlight.setPen(pen)
        self.highlight.setZValue(HIGHLIGHT_Z)
        self.highlight.setAcceptHoverEvents(False)
        self.highlight.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        view_box.addItem(self.highlight)
        backdrop.set_overlay(self.draw)

    # --- fed by the map ------------------------------------------------------------------------------------

    def show_zones(self, zones: ZoneList) -> None:
        """Draw these zones (the zones in force), replacing those shown (the same zones again: nothing to do)."""
        if zones.zones == self.shown.zones:
            self.shown = zones
            return
        self.shown = zones
        self._by_name = {view.name: view for view in zones}
        paths = {kind: QPainterPath() for kind in ZONE_STYLES}
        for path in paths.values():
            path.setFillRule(Qt.FillRule.OddEvenFill)
        labels: list[_Label] = []
        for view in zones:
            path = area_path(view.zone.area)
            paths.setdefault(view.kind, QPainterPath()).addPath(path)
            labels.append(self._label(view, path.boundingRect()))
        self._paths = {kind: path for kind, path in paths.items() if not path.isEmpty()}
        # restricted names first, then the larger zones: those keep their names when names would collide
        order = {view.name: (view.kind != "restricted", -view.area_nm2, view.name) for view in zones}
        self._labels = sorted(labels, key=lambda label: order[label.name])
        self._index = ZoneIndex(view.zone for view in zones)
        west = [view.zone.bounds[0] for view in zones]
        east = [view.zone.bounds[2] for view in zones]
        self._x_extent = (min(west), max(east)) if zones else None
        if self.selected is not None and self.selected not in self._by_name:
            self.selected = None
        self._show_highlight()
        self.backdrop.overlay_changed()

    def set_visible(self, on: bool) -> None:
        """Show or hide every zone (the selected one's outline too)."""
        if on == self.visible:
            return
        self.visible = on
        self._show_highlight()
        self.backdrop.overlay_changed()

    def select(self, name: str | None) -> None:
        """Outline one zone in the selection colour (None: none) and make sure its name is written."""
        name = name if name in self._by_name else None
        if name == self.selected:
            return
        self.selected = name
        self._show_highlight()
        self.backdrop.overlay_changed()

    def box_of(self, name: str) -> GeoBox | None:
        """The longitude/latitude box of a zone shown (None: no such zone)."""
        view = self._by_name.get(name)
        if view is None:
            return None
        west, south, east, north = view.zone.bounds
        return GeoBox(west, south, east, north)

    def zones_at(self, x: float, y: float) -> tuple[ZoneView, ...]:
        """The zones shown that contain a point of the map (x in any world copy), in name order."""
        if not self.visible or not len(self._index):
            return ()
        lon = (x + 180.0) % 360.0 - 180.0
        lat = float(latitude_of(y))
        return tuple(self._by_name[zone.name] for zone in self._index.zones_at(lat, lon))

    def tooltip_at(self, x: float, y: float) -> str:
        """What hovering a point shows of the zones there: name, kind, speed limit, area ('' for none)."""
        return "\n\n".join(zone_summary(view) for view in self.zones_at(x, y))

    # --- drawing (the backdrop calls this while rendering its image) -------------------------------------------

    def draw(self, painter: QPainter, rect: QRectF, to_box: QTransform) -> None:
        """Paint the zones over ``rect`` of the box's coordinates (the painter's)."""
        self.labels_drawn, self.label_boxes = [], []
        if not self.visible or self._x_extent is None:
            return
        self.render_count += 1
        to_view, _invertible = to_box.inverted()
        view_rect = to_view.mapRect(rect)
        copies = [turn for turn in (-360.0, 0.0, 360.0)
                  if self._x_extent[0] + turn <= view_rect.right() and self._x_extent[1] + turn >= view_rect.left()]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        placed_paths = {kind: [(QTransform.fromTranslate(turn, 0.0) * to_box).map(path) for turn in copies]
                        for kind, path in self._paths.items()}
        for kind in DRAW_ORDER:
            for path in placed_paths.get(kind, ()):
                for brush in self._brushes[kind]:
                    painter.fillPath(path, brush)
        for kind in DRAW_ORDER:
            for path in placed_paths.get(kind, ()):
                painter.strokePath(path, self._pens[kind])
        self._draw_labels(painter, rect, to_box, copies)

    def _draw_labels(self, painter: QPainter, rect: QRectF, to_box: QTransform, copies: list[float]) -> None:
        placed: list[QRectF] = []
        ratio = painter.device().devicePixelRatioF()
        labels = self._labels
        if self.selected is not None:
            labels = sorted(labels, key=lambda label: label.name != self.selected)  # stable: the rest keep order
        for label in labels:
            text_box = label.text.boundingRect()
            for turn in copies:
                zone_box = to_box.mapRect(label.bounds.translated(turn, 0.0))
                if label.name != self.selected and min(zone_box.width(), zone_box.height()) < _MIN_NAMED_PX:
                    continue
                if text_box.width() <= zone_box.width() * 0.9 and text_box.height() <= zone_box.height() * 0.6:
                    anchor = to_box.map(QPointF(label.x + turn, label.y))  # inside the zone
                else:  # a name wider than its zone goes under it, as a chart names a small feature
                    anchor = QPointF(zone_box.center().x(), zone_box.bottom() + text_box.height() / 2 + 2)
                room = text_box.translated(anchor).adjusted(-_LABEL_GAP, -_LABEL_GAP, _LABEL_GAP, _LABEL_GAP)
                if not rect.intersects(room) or any(room.intersects(other) for other in placed):
                    continue
                placed.append(room)
                self.label_boxes.append(room)
                sprite = label.image(ratio)
                painter.drawPixmap(anchor + text_box.topLeft() - QPointF(2.0, 2.0), sprite)
                self.labels_drawn.append(label.name)

    # --- internals -----------------------------------------------------------------------------------------------

    def _label(self, view: ZoneView, bounds: QRectF) -> _Label:
        lon, lat = label_point(view.zone.area)
        text = QPainterPath()
        text.addText(0.0, 0.0, self._font, in_text(view.name))
        box = text.boundingRect()
        text.translate(-box.center())
        halo = QPen(QColor(8, 14, 20, 225))
        halo.setWidthF(3.0)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        fill = QColor(ZONE_STYLES.get(view.kind, ZONE_STYLES["generic"]).colour).lighter(125)
        return _Label(view.name, view.kind, lon, float(mercator_y(lat)), bounds, text, halo, fill)

    def _show_highlight(self) -> None:
        view = self._by_name.get(self.selected) if self.selected is not None else None
        if view is None or not self.visible:
            self.highlight.setPath(QPainterPath())
            self.highlight.setVisible(False)
            return
        single = area_path(view.zone.area)
        path = QPainterPath()
        for turn in (-360.0, 0.0, 360.0):  # the map wraps: outline every world copy the view may show
            path.addPath(single.translated(turn, 0.0))
        self.highlight.setPath(path)
        self.highlight.setVisible(True)


def zone_summary(view: ZoneView) -> str:
    """'Solent' then 'Restricted zone · limit 10 kn · 12.3 nm²'."""
    parts = [f"{zone_kind_label(view.kind)} zone"]
    if view.speed_limit_kn is not None:
        parts.append(f"limit {view.speed_limit_kn:g} kn")
    parts.append(f"{format_area(view.area_nm2)} nm²")
    return f"{in_text(view.name)}\n{' · '.join(parts)}"


def format_area(nm2: float) -> str:
    """Square nautical miles to the precision a reader needs: '< 0.01', '0.42', '12.3', '1,234'."""
    if nm2 < 0.01:
        return "< 0.01"
    if nm2 < 10:
        return f"{nm2:.2f}"
    if nm2 < 1_000:
        return f"{nm2:.1f}"
    return f"{nm2:,.0f}"

