"""The ship legend drawn over the map's corner: one line per colour group and per symbol shape, the alert
rings, and (while zones are shown) one line per kind of zone."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from ui import theme
from ui.alerts_model import PRIORITY_COLOURS, PRIORITY_NAMES
from ui.map.ship_layer import arrow_symbol, circle_symbol, diamond_symbol
from ui.map.ship_palette import ALL_GROUPS, STALE_AFTER, UNKNOWN_GROUP, group_colour
from ui.map.zone_layer import DRAW_ORDER, zone_brushes, zone_kind_label, zone_pen
from domain.time import MICROS_PER_MINUTE

_ROW = 17
_PAD = 8
_SWATCH = 22


class ShipLegend(QWidget):
    """A small translucent panel: what each ship colour and shape means.

    It floats over the map, so it is repainted with every frame the map draws; it is rendered once into
    a pixmap (again when its size, font or screen changes) and that is what each repaint copies.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        self.setFont(font)
        neutral = group_colour(UNKNOWN_GROUP)
        stale_minutes = STALE_AFTER // MICROS_PER_MINUTE
        arrow = arrow_symbol()
        self._rows: list[tuple[QPainterPath, QColor, float, str, bool]] = [
            (arrow, group_colour(number), 15.0, group.label, False) for number, group in enumerate(ALL_GROUPS)]
        self._rows += [
            (circle_symbol(), neutral, 9.0, "Moored / at anchor", False),
            (diamond_symbol(), neutral, 10.0, "Heading and course unknown", False),
            (arrow, group_colour(0, stale=True), 15.0, f"No report for {stale_minutes} min", False),
        ]
        # Rings around ships with active alarms and warnings, in the colour of the most urgent (as the alert layer).
        self._rows += [(circle_symbol(), QColor(PRIORITY_COLOURS[priority]), 14.0,
                        f"Active {PRIORITY_NAMES[priority].lower()}", True)
                       for priority in ("emergency", "alarm", "warning")]
        # Zones by kind, as the zone layer draws them (restricted last there, first here: it matters most).
        self._zone_rows = [(kind, f"{zone_kind_label(kind)} zone" if kind != "generic" else "Other zone")
                           for kind in reversed(DRAW_ORDER)]
        self.zones_shown = False
        self._pixmap: QPixmap | None = None
        self._pixmap_key: tuple | None = None
        self.resize(self.sizeHint())

    def show_zones(self, on: bool) -> None:
        """Explain the zone colours too (while zones are on the map)."""
        if on != self.zones_shown:
            self.zones_shown = on
            self.resize(self.sizeHint())
            self.update()

    def row_labels(self) -> list[str]:
        """Every line of the legend, top to bottom."""
        return [row[3] for row in self._rows] + ([label for _, label in self._zone_rows] if self.zones_shown else [])

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        labels = self.row_labels()
        width = max(metrics.horizontalAdvance(label) for label in labels)
        return QSize(_PAD * 2 + _SWATCH + width + 4, _PAD * 2 + _ROW * len(labels))

    def paintEvent(self, event) -> None:
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, self.font().key(), self.zones_shown)
        if self._pixmap is None or key != self._pixmap_key:
            self._pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
            self._pixmap.setDevicePixelRatio(ratio)
            self._pixmap.fill(Qt.GlobalColor.transparent)
            self._draw(QPainter(self._pixmap))
            self._pixmap_key = key
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._pixmap)
        painter.end()

    def _draw(self, painter: QPainter) -> None:
        """The panel and its rows (ends ``painter``)."""
        painter.setFont(self.font())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(255, 255, 255, 30)))
        painter.setBrush(QColor(10, 16, 22, 200))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        outline = QPen(QColor(0, 0, 0, 190))
        outline.setCosmetic(True)
        text = QColor(theme.TEXT)
        for row, (symbol, colour, size, label, ring) in enumerate(self._rows):
            centre_y = _PAD + _ROW * row + _ROW / 2
            painter.save()
            painter.translate(QPointF(_PAD + _SWATCH / 2, centre_y))
            painter.scale(size, size)
            if ring:
                ring_pen = QPen(colour, 2.0)
                ring_pen.setCosmetic(True)
                painter.setPen(ring_pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                painter.setPen(outline)
                painter.setBrush(colour)
            painter.drawPath(symbol)
            painter.restore()
            painter.setPen(text)
            painter.drawText(QRectF(_PAD + _SWATCH + 2, centre_y - _ROW / 2, self.width(), _ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
        if self.zones_shown:
            for row, (kind, label) in enumerate(self._zone_rows, start=len(self._rows)):
                centre_y = _PAD + _ROW * row + _ROW / 2
                swatch = QRectF(_PAD + 2, centre_y - 5.5, _SWATCH - 4, 11)
                for brush in zone_brushes(kind):
                    painter.fillRect(swatch, brush)
                painter.setPen(zone_pen(kind))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(swatch)
                painter.setPen(text)
                painter.drawText(QRectF(_PAD + _SWATCH + 2, centre_y - _ROW / 2, self.width(), _ROW),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
        painter.end()
