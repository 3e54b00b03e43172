"""The report's map: every ship's track in the range over the GSHHS coastline, drawn as vectors on the page.

Web Mercator like the console's map (``chart.projection``), land from ``chart.coastline`` at the level of
detail the extent calls for (at most 'i': a printed page needs no harbour detail), coast vertices thinned
to what the page can show (a fraction of a millimetre), a graticule labelled in degrees outside the frame,
a scale bar in nautical miles and a legend under the picture. Tracks are coloured by ship type with the
console's colour groups (darkened for paper), with a circle where a track starts and a square where it ends.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen, QPolygonF

from app.audit_report import ShipSection
from chart.coastline import Coastline, CoastlineUnavailable, PolygonBatch
from chart.graticule import degree_label, tick_step
from chart.projection import MAX_LATITUDE, GeoBox, mercator_y, wrap_longitude
from chart.ship_groups import ALL_GROUPS, UNKNOWN_GROUP, groups_of
from domain import ais
from domain.display_text import isolated
from pdf_report.layout import INK, MUTED, RULE, PageWriter, mm, pt

SEA = QColor("#eef3f7")
LAND = QColor("#e3dfd3")
COAST = QColor("#9f9784")
GRID = QColor("#c3ced9")
FINEST_RESOLUTION = "i"
PRINT_RESOLUTIONS = ("c", "l", "i")
_SCALE_STEPS_NM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
LABEL_SHIPS_UP_TO = 12


@dataclass(frozen=True)
class MapDrawn:
    """What the picture shows, for its caption."""

    ships: int
    points: int
    resolution: str | None      # GSHHS resolution drawn; None when the coastline was not available
    coast_vertices: int


def print_colour(group: int) -> QColor:
    """A ship-type group's console colour, darkened to read on white paper."""
    return QColor(ALL_GROUPS[group].colour).darker(135)


def ship_group(ship: ShipSection) -> int:
    code = ais.SHIP_TYPE_CODES.get(ship.ship_type, -1) if ship.ship_type else -1
    return int(groups_of(np.array([code]))[0])


@dataclass(frozen=True)
class _Frame:
    """The projected rectangle shown (x = longitude, y = Mercator ordinate) and the page rectangle it fills."""

    x0: float
    x1: float
    y0: float
    y1: float
    rect: QRectF

    def page_x(self, x: np.ndarray) -> np.ndarray:
        return self.rect.left() + (np.asarray(x, dtype=np.float64) - self.x0) / (self.x1 - self.x0) * self.rect.width()

    def page_y(self, y: np.ndarray) -> np.ndarray:
        share = (np.asarray(y, dtype=np.float64) - self.y0) / (self.y1 - self.y0)
        return self.rect.bottom() - share * self.rect.height()

    def box(self) -> GeoBox:
        south, north = (float(v) for v in np.degrees(2 * np.arctan(np.exp(np.radians([self.y0, self.y1]))) - np.pi / 2))
        return GeoBox(self.x0, south, self.x1, north)


def _frame(lon: np.ndarray, lat: np.ndarray, rect: QRectF) -> _Frame:
    """The extent of the tracks, with a margin, widened to the picture's proportions."""
    west, east = float(lon.min()), float(lon.max())
    y = mercator_y(lat)
    low, high = float(y.min()), float(y.max())
    width, height = max(east - west, 0.05), max(high - low, 0.05)
    margin = 0.08
    x0, x1 = (west + east) / 2 - width * (0.5 + margin), (west + east) / 2 + width * (0.5 + margin)
    y0, y1 = (low + high) / 2 - height * (0.5 + margin), (low + high) / 2 + height * (0.5 + margin)
    aspect = rect.width() / rect.height()
    if (x1 - x0) / (y1 - y0) < aspect:
        grow = ((y1 - y0) * aspect - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) / aspect - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    limit = float(mercator_y(MAX_LATITUDE))
    return _Frame(x0, x1, max(y0, -limit), min(y1, limit), rect)


def _tracks(ships: Sequence[ShipSection]) -> tuple[float, list[tuple[ShipSection, np.ndarray, np.ndarray]]]:
    """Each ship's map track (finite points only), longitudes wrapped around the fleet's middle."""
    tracks = []
    for ship in ships:
        sample = ship.map_track
        keep = np.isfinite(sample.lat) & np.isfinite(sample.lon)
        if keep.any():
            tracks.append((ship, sample.lon[keep].astype(np.float64), sample.lat[keep].astype(np.float64)))
    if not tracks:
        return 0.0, []
    every = np.radians(np.concatenate([lon for _ship, lon, _lat in tracks]))
    centre = float(np.degrees(np.arctan2(np.sin(every).mean(), np.cos(every).mean())))
    return centre, [(ship, wrap_longitude(lon, centre), lat) for ship, lon, lat in tracks]


def draw_track_map(page: PageWriter, rect: QRectF, ships: Sequence[ShipSection],
                   coastline: Coastline | None = None) -> MapDrawn:
    """The map of ``ships``' tracks in ``rect`` (legend included, under the picture)."""
    painter = page.painter
    fonts = page.fonts
    label_metrics = page.metrics(fonts.small)
    legend_height = label_metrics.height() * 4.2
    picture = QRectF(rect.left() + pt(34), rect.top(), rect.width() - pt(34), rect.height() - legend_height - pt(16))
    _centre, tracks = _tracks(ships)
    if not tracks:
        painter.setPen(QPen(RULE, pt(0.6)))
        painter.setBrush(SEA)
        painter.drawRect(picture)
        page.draw_text(picture.adjusted(pt(10), pt(10), -pt(10), -pt(10)), "No position reports in this range: no "
                       "tracks to draw.", fonts.body, MUTED)
        return MapDrawn(0, 0, None, 0)
    frame = _frame(np.concatenate([t[1] for t in tracks]), np.concatenate([t[2] for t in tracks]), picture)

    painter.save()
    painter.setClipRect(picture)
    painter.fillRect(picture, SEA)
    resolution, vertices = _draw_land(page, frame, coastline)
    _draw_graticule_lines(page, frame)
    points = _draw_tracks(page, frame, tracks)
    _draw_scale_bar(page, frame)
    painter.restore()
    painter.setPen(QPen(INK, pt(0.7)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(picture)
    _draw_graticule_labels(page, frame)
    _draw_legend(page, QRectF(picture.left(), picture.bottom() + pt(16), picture.width(), legend_height), tracks,
                 resolution)
    return MapDrawn(len(tracks), points, resolution, vertices)


# --- land -----------------------------------------------------------------------------------------------------


def _draw_land(page: PageWriter, frame: _Frame, coastline: Coastline | None) -> tuple[str | None, int]:
    coastline = coastline or Coastline()
    box = frame.box()
    try:
        resolution = coastline.resolution_for(box)
        if resolution not in PRINT_RESOLUTIONS:
            resolution = FINEST_RESOLUTION
        layer = coastline.layer(resolution)
    except CoastlineUnavailable:
        return None, 0
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    vertices = 0
    for shift in (-360.0, 0.0, 360.0):
        shifted = GeoBox(box.west - shift, box.south, box.east - shift, box.north)
        if shifted.east < -180 or shifted.west > 180:
            continue
        ids = layer.ids_in(shifted)
        if len(ids):
            vertices += _add_polygons(path, layer.batch(ids, around=shifted, shift=shift), frame)
    painter = page.painter
    painter.setPen(QPen(COAST, pt(0.35)))
    painter.setBrush(LAND)
    painter.drawPath(path)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    return resolution, vertices


def _add_polygons(path: QPainterPath, batch: PolygonBatch, frame: _Frame) -> int:
    """Add the batch's polygons to ``path`` in page coordinates, dropping vertices closer than ~0.15 mm."""
    if not batch.point_count:
        return 0
    x = frame.page_x(batch.lon)
    y = frame.page_y(batch.y)
    step = mm(0.15)
    qx, qy = np.round(x / step).astype(np.int64), np.round(y / step).astype(np.int64)
    owner = np.repeat(np.arange(len(batch)), batch.counts)
    keep = np.ones(batch.point_count, dtype=bool)
    keep[1:] = (qx[1:] != qx[:-1]) | (qy[1:] != qy[:-1]) | (owner[1:] != owner[:-1])
    added = 0
    for k in range(len(batch)):
        start, count = int(batch.starts[k]), int(batch.counts[k])
        chosen = np.flatnonzero(keep[start:start + count]) + start
        if len(chosen) < 3:
            continue
        polygon = QPolygonF([QPointF(px, py) for px, py in zip(x[chosen].tolist(), y[chosen].tolist())])
        path.addPolygon(polygon)
        path.closeSubpath()
        added += len(chosen)
    return added


# --- graticule, scale, tracks, legend ---------------------------------------------------------------------------


def _grid(frame: _Frame) -> tuple[float, np.ndarray, float, np.ndarray]:
    box = frame.box()
    lon_step = tick_step(box.width, 110 * 6)
    lat_step = tick_step(box.height, 110 * 6 * frame.rect.height() / frame.rect.width() + 220)
    meridians = _steps(box.west, box.east, lon_step)
    parallels = _steps(box.south, box.north, lat_step)
    return lon_step, meridians, lat_step, parallels


def _steps(low: float, high: float, step: float) -> np.ndarray:
    return np.arange(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1) * step


def _draw_graticule_lines(page: PageWriter, frame: _Frame) -> None:
    painter = page.painter
    painter.setPen(QPen(GRID, pt(0.35)))
    _lon_step, meridians, _lat_step, parallels = _grid(frame)
    rect = frame.rect
    for x in frame.page_x(meridians).tolist():
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
    for y in frame.page_y(mercator_y(parallels)).tolist():
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))


def _draw_graticule_labels(page: PageWriter, frame: _Frame) -> None:
    painter = page.painter
    metrics = page.metrics(page.fonts.small)
    painter.setFont(page.fonts.small)
    painter.setPen(MUTED)
    lon_step, meridians, lat_step, parallels = _grid(frame)
    rect = frame.rect
    for value, x in zip(meridians.tolist(), frame.page_x(meridians).tolist()):
        meridian = float(wrap_longitude(value))
        text = "180°" if abs(abs(meridian) - 180.0) < 1e-9 else degree_label(meridian, lon_step, "E", "W")
        painter.drawText(QPointF(x - metrics.horizontalAdvance(text) / 2, rect.bottom() + metrics.height()), text)
    for value, y in zip(parallels.tolist(), frame.page_y(mercator_y(parallels)).tolist()):
        text = degree_label(value, lat_step, "N", "S")
        painter.drawText(QPointF(rect.left() - pt(3) - metrics.horizontalAdvance(text), y + metrics.ascent() / 2.8),
                         text)


def _draw_scale_bar(page: PageWriter, frame: _Frame) -> None:
    rect = frame.rect
    middle_lat = float(np.degrees(2 * np.arctan(np.exp(np.radians((frame.y0 + frame.y1) / 2))) - np.pi / 2))
    pixels_per_nm = rect.width() / (frame.x1 - frame.x0) / (60 * max(math.cos(math.radians(middle_lat)), 0.05))
    wanted = rect.width() / 5 / pixels_per_nm
    length_nm = max((s for s in _SCALE_STEPS_NM if s <= wanted), default=_SCALE_STEPS_NM[0])
    length = length_nm * pixels_per_nm
    metrics = page.metrics(page.fonts.small)
    left, base = rect.left() + mm(4), rect.bottom() - mm(4)
    painter = page.painter
    backing = QRectF(left - mm(1.5), base - metrics.height() - mm(2.6),
                     length + mm(3) + metrics.horizontalAdvance("0000 nm"), metrics.height() + mm(4))
    painter.fillRect(backing, QColor(255, 255, 255, 215))
    painter.setPen(QPen(INK, pt(0.8)))
    painter.drawLine(QPointF(left, base), QPointF(left + length, base))
    for x in (left, left + length):
        painter.drawLine(QPointF(x, base), QPointF(x, base - mm(1.4)))
    painter.setFont(page.fonts.small)
    painter.setPen(INK)
    painter.drawText(QPointF(left, base - mm(1.9)), "0")
    label = f"{length_nm:g} nm"
    painter.drawText(QPointF(left + length - metrics.horizontalAdvance(label) / 2, base - mm(1.9)), label)


def _draw_tracks(page: PageWriter, frame: _Frame, tracks) -> int:
    painter = page.painter
    points = 0
    radius = pt(1.9)
    ends = []
    for ship, lon, lat in tracks:
        colour = print_colour(ship_group(ship))
        xs, ys = frame.page_x(lon).tolist(), frame.page_y(mercator_y(lat)).tolist()
        points += len(xs)
        painter.setPen(QPen(colour, pt(0.8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if len(xs) > 1:
            painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in zip(xs, ys)]))
        ends.append((ship, colour, QPointF(xs[0], ys[0]), QPointF(xs[-1], ys[-1])))
    for _ship, colour, first, last in ends:  # markers over every line
        painter.setPen(QPen(colour, pt(0.8)))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(first, radius, radius)
        painter.setBrush(colour)
        painter.drawRect(QRectF(last.x() - radius, last.y() - radius, 2 * radius, 2 * radius))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(ends) <= LABEL_SHIPS_UP_TO:
        painter.setFont(page.fonts.small)
        metrics = page.metrics(page.fonts.small)
        painter.setPen(INK)
        for ship, _colour, _first, last in ends:
            name = isolated(ship.name) or str(ship.mmsi)
            width = metrics.horizontalAdvance(name)
            x = last.x() + radius + pt(2)
            if x + width > frame.rect.right() - pt(2):   # near the right edge: the name goes on the left
                x = last.x() - radius - pt(2) - width
            painter.drawText(QPointF(x, last.y() + radius), name)
    return points


def _draw_legend(page: PageWriter, rect: QRectF, tracks, resolution: str | None) -> None:
    """Symbols and colours, flowing left to right and onto a second line when the first is full."""
    painter = page.painter
    metrics = page.metrics(page.fonts.small)
    painter.setFont(page.fonts.small)
    radius = pt(1.9)
    symbol_width = pt(14)
    line = 0
    x = rect.left()

    def baseline() -> float:
        return rect.top() + metrics.ascent() + line * metrics.height() * 1.35

    def item(draw_symbol, text: str, colour: QColor = INK) -> None:
        nonlocal x, line
        width = (symbol_width + pt(4) if draw_symbol else 0) + metrics.horizontalAdvance(text)
        if x > rect.left() and x + width > rect.right():
            line += 1
            x = rect.left()
        middle = baseline() - metrics.ascent() / 2.8
        if draw_symbol:
            draw_symbol(x, middle)
            x += symbol_width + pt(4)
        painter.setPen(colour)
        painter.drawText(QPointF(x, baseline()), text)
        x += metrics.horizontalAdvance(text) + pt(12)

    def start_symbol(left: float, middle: float) -> None:
        painter.setPen(QPen(INK, pt(0.8)))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(QPointF(left + symbol_width / 2, middle), radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def end_symbol(left: float, middle: float) -> None:
        painter.setPen(QPen(INK, pt(0.8)))
        painter.setBrush(INK)
        painter.drawRect(QRectF(left + symbol_width / 2 - radius, middle - radius, 2 * radius, 2 * radius))
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def land_symbol(left: float, middle: float) -> None:
        box = QRectF(left, middle - radius, symbol_width, 2 * radius)
        painter.fillRect(box, LAND)
        painter.setPen(QPen(COAST, pt(0.35)))
        painter.drawRect(box)

    def track_symbol(group: int):
        def draw(left: float, middle: float) -> None:
            painter.setPen(QPen(print_colour(group), pt(1.6)))
            painter.drawLine(QPointF(left, middle), QPointF(left + symbol_width, middle))
        return draw

    item(start_symbol, "start of a track")
    item(end_symbol, "end of a track")
    item(land_symbol, f"land (GSHHS, resolution '{resolution}')" if resolution
         else "land: coastline data not available")
    line += 1
    x = rect.left()
    item(None, "Tracks by ship type:", MUTED)
    groups = sorted({ship_group(ship) for ship, _lon, _lat in tracks}, key=lambda g: (g == UNKNOWN_GROUP, g))
    for group in groups:
        item(track_symbol(group), ALL_GROUPS[group].label)
