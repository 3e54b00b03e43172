"""A ship's speed over ground across the report's range, drawn with ``QPainter`` as vectors on the PDF page:
knots up the side, UTC times along the bottom (with the date under the first tick and at each midnight),
light grid lines, and the speed as a line broken wherever the ship went unheard for longer than the
report counts as 'no reports'.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPen, Qt

from app.audit_report import MAX_GAP_S, TrackSample
from domain.time import MICROS_PER_SECOND, to_datetime
from pdf_report.layout import HAIRLINE, INK, MUTED, NAVY, RULE, PageWriter, pt

_TIME_STEPS_S = (60, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800)
_KNOT_STEPS = (1, 2, 5, 10, 20, 50)


def time_ticks(start: int, end: int, most: int = 8) -> list[int]:
    """Round UTC instants (µs) between ``start`` and ``end``: at most ``most`` of them, on whole steps."""
    span_s = max(1.0, (end - start) / MICROS_PER_SECOND)
    step = next((s for s in _TIME_STEPS_S if span_s / s <= most), _TIME_STEPS_S[-1])
    first = math.ceil(start / MICROS_PER_SECOND / step) * step
    return [t * MICROS_PER_SECOND for t in range(int(first), int(end / MICROS_PER_SECOND) + 1, step)]


def knot_scale(top_speed: float, most: int = 6) -> tuple[float, float]:
    """(highest value of the axis, step between ticks) for speeds up to ``top_speed`` knots."""
    top_speed = max(top_speed, 1.0)
    step = next((s for s in _KNOT_STEPS if top_speed / s <= most - 1), _KNOT_STEPS[-1])
    return max(step, math.ceil(top_speed * 1.05 / step) * step), float(step)


def draw_speed_plot(page: PageWriter, rect: QRectF, sample: TrackSample, start: int, end: int) -> None:
    """The speed plot of ``sample`` over [start, end] in ``rect`` (device pixels of the page)."""
    painter = page.painter
    fonts = page.fonts
    label_font = fonts.small
    metrics = page.metrics(label_font)
    line = metrics.height()
    plot = QRectF(rect.left() + pt(30), rect.top() + pt(4), rect.width() - pt(36), rect.height() - pt(4) - 2.4 * line)
    end = max(end, start + 1)
    speeds = sample.sog[np.isfinite(sample.sog)]
    top, step = knot_scale(float(speeds.max()) if len(speeds) else 0.0)

    def x_of(instant) -> np.ndarray:
        return plot.left() + (np.asarray(instant, dtype=np.float64) - start) / (end - start) * plot.width()

    def y_of(knots) -> np.ndarray:
        return plot.bottom() - np.asarray(knots, dtype=np.float64) / top * plot.height()

    # grid and axes
    painter.setPen(QPen(HAIRLINE, pt(0.4)))
    knots = np.arange(0.0, top + step / 2, step)
    for value in knots[1:]:
        y = float(y_of(value))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    ticks = time_ticks(start, end)
    for tick in ticks:
        x = float(x_of(tick))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
    painter.setPen(QPen(RULE, pt(0.6)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(plot)

    painter.setFont(label_font)
    painter.setPen(MUTED)
    for value in knots:
        text = f"{value:g}"
        y = float(y_of(value))
        baseline = min(y + metrics.ascent() / 2.6, plot.bottom() - pt(1))  # '0' clear of the first time label
        painter.drawText(QPointF(plot.left() - pt(3) - metrics.horizontalAdvance(text), baseline), text)
    painter.save()
    painter.translate(rect.left() + metrics.ascent(), plot.center().y())
    painter.rotate(-90)
    title = "SOG (kn)"
    painter.drawText(QPointF(-metrics.horizontalAdvance(title) / 2, 0), title)
    painter.restore()
    last_day = None
    for number, tick in enumerate(ticks):
        moment = to_datetime(tick)
        text = moment.strftime("%H:%M")
        x = float(x_of(tick))
        width = metrics.horizontalAdvance(text)
        left = min(max(x - width / 2, rect.left()), rect.right() - width)
        painter.drawText(QPointF(left, plot.bottom() + line * 1.1), text)
        day = moment.date()
        if day != last_day and (number == 0 or (moment.hour == 0 and moment.minute == 0)):
            date = moment.strftime("%Y-%m-%d")
            left = max(x - metrics.horizontalAdvance(date) / 2, rect.left())
            painter.drawText(QPointF(left, plot.bottom() + 2.2 * line), date)
        last_day = day

    # the speed, broken at long silences and missing values
    if not len(sample.occurred):
        painter.drawText(QPointF(plot.left() + pt(8), plot.top() + line * 1.5), "no position reports in the range")
        return
    xs = x_of(sample.occurred)
    ys = y_of(np.clip(np.nan_to_num(sample.sog, nan=0.0), 0.0, top))
    valid = np.isfinite(sample.sog)
    joined = np.zeros(len(xs), dtype=bool)   # joined[i]: a line from point i to point i + 1
    if len(xs) > 1:
        gaps = np.diff(sample.occurred) / MICROS_PER_SECOND
        joined[:-1] = (gaps <= MAX_GAP_S) & valid[:-1] & valid[1:]
    path = QPainterPath()
    alone = []
    starts_run = np.ones(len(xs), dtype=bool)
    starts_run[1:] = ~joined[:-1]
    for i in np.flatnonzero(valid):
        point = QPointF(float(xs[i]), float(ys[i]))
        if starts_run[i]:
            if not joined[i]:
                alone.append(point)
                continue
            path.moveTo(point)
        else:
            path.lineTo(point)
    painter.save()
    painter.setClipRect(plot.adjusted(-pt(1), -pt(1), pt(1), pt(1)))
    painter.setPen(QPen(NAVY, pt(0.9), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    painter.drawPath(path)
    if alone:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(NAVY)
        radius = pt(1.1)
        for point in alone:
            painter.drawEllipse(point, radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.restore()
    painter.setPen(INK)
