"""The report's appendix: every event of the report, one line each, drawn page by page as rows arrive.

A day of a large fleet is about a million events, so this is the hot path of a PDF report. Rows (see
``pdf_report.rows``) come in batches from the log, are laid out a page at a time (never held beyond the page
being drawn) and drawn with ONE ``drawText`` per row in a compact monospace font (columns padded with
spaces; the PDF engine emits every glyph, spaces included, so padding is kept to what a page needs). Qt's
cost per glyph dominates, so the font is set up for the PDF engine's fast path: no shaping, no font merging
(a row with a character the font lacks is drawn in a merging font instead) and full hinting, which gives
whole-pixel advances and shorter glyph positioning in the page stream.

Each page decides its own column widths from its rows. Columns that are the same for every event of a page
(the day, the type, the source) are printed once, above the columns, instead of on every row. A report
recorded more than a minute after it occurred (late) shows when it was recorded in the right-hand column.
Summaries too long for the line wrap onto continuation lines.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Protocol

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPen, QRawFont

from pdf_report.layout import BAND, INK, MONO, MUTED, NAVY, NOTICE, PageWriter, font, pt
from pdf_report.rows import FREE_TEXT, LATE, POSITION, SECOND, SHIP, SOURCE, SUMMARY, TYPE, Row

LISTING_POINTS = 7
ROW_PITCH_POINTS = 8.6
SECTION = "appendix A, event listing"
_SECONDS = [f"{second:02d}" for second in range(60)]
_LATE_WIDTH = 19  # 'YYYY-MM-DD HH:MM:SS'


class RowSource(Protocol):
    """Batches of rows in log order; ``beyond_head`` is True once it stopped at the report's chain head."""

    beyond_head: bool

    def __iter__(self): ...


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut at spaces into lines of at most ``width`` characters (long words are cut)."""
    width = max(width, 8)
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = width
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    lines.append(text)
    return lines


@dataclass
class ListingResult:
    events: int = 0
    first_position: int | None = None
    last_position: int | None = None
    first_page: int = 0
    last_page: int = 0
    beyond_head: bool = False       # the log had grown since the report was gathered; later events left out


class ListingWriter:
    """Draws the listing onto ``page`` from its cursor on, continuing onto as many pages as it takes."""

    def __init__(self, page: PageWriter, *, progress: Callable[[int, int], None] = lambda done, pages: None,
                 cancelled: Callable[[], None] = lambda: None):
        self.page = page
        self._progress = progress
        self._check_cancelled = cancelled
        self.font = self._font(merging=False)
        self.fallback_font = self._font(merging=True)
        self.header_font = self._font(merging=True, bold=True)
        metrics = page.metrics(self.font)
        self.advance = metrics.horizontalAdvance("0")
        self.ascent = metrics.ascent()
        self.pitch = round(pt(ROW_PITCH_POINTS))
        self.chars = int(page.content_width // self.advance)
        self._raw = QRawFont.fromFont(self.font)
        self._supported: dict[str, bool] = {}
        self._position_fallback = self.needs_fallback("°′·NSEW.0123456789 kn")
        self._minutes: dict[int, tuple[str, str]] = {}

    @staticmethod
    def _font(*, merging: bool, bold: bool = False) -> QFont:
        chosen = font(MONO, LISTING_POINTS, bold=bold, hint=QFont.StyleHint.Monospace)
        chosen.setFixedPitch(True)
        chosen.setKerning(False)
        chosen.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
        strategy = QFont.StyleStrategy.PreferNoShaping
        if not merging:
            strategy |= QFont.StyleStrategy.NoFontMerging
        chosen.setStyleStrategy(strategy)
        return chosen

    def needs_fallback(self, text: str) -> bool:
        """Whether ``text`` has a character the listing's font lacks (drawn then with a merging font)."""
        if text.isascii():
            return False
        supported = self._supported
        for character in set(text):
            known = supported.get(character)
            if known is None:
                known = supported[character] = self._raw.supportsCharacter(ord(character))
            if not known:
                return True
        return False

    def _row_fallback(self, row: Row) -> bool:
        if row[FREE_TEXT]:
            fallback = self.needs_fallback(row[SUMMARY])
        else:
            fallback = self._position_fallback
        return fallback or self.needs_fallback(row[SOURCE]) or self.needs_fallback(row[SHIP])

    def _clock(self, second: int) -> tuple[str, str]:
        """('2026-11-25 14:03:', '14:03:') for the minute of ``second`` (cached: rows come in time order)."""
        minute = second // 60
        found = self._minutes.get(minute)
        if found is None:
            if len(self._minutes) > 4_096:
                self._minutes.clear()
            moment = datetime.fromtimestamp(minute * 60, timezone.utc)
            found = self._minutes[minute] = (moment.strftime("%Y-%m-%d %H:%M:"), moment.strftime("%H:%M:"))
        return found

    # --- pages ---------------------------------------------------------------------------------------------

    def write(self, source: RowSource) -> ListingResult:
        """Draw every row of ``source`` (read once); returns what was listed."""
        result = ListingResult(first_page=self.page.page)
        batches = iter(source)
        pending: deque[Row] = deque()
        exhausted = False
        first = True
        while True:
            if not first:
                self._check_cancelled()
                self.page.new_page()
            capacity = int((self.page.bottom - self.page.y - self._header_height()) // self.pitch)
            if capacity < 5:   # the foot of the page the listing begins on: start on the next one
                self.page.new_page()
                capacity = int((self.page.bottom - self.page.y - self._header_height()) // self.pitch)
            while not exhausted and len(pending) < capacity:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                else:
                    pending.extend(batch)
            if not pending:
                if first:
                    self.page.paragraph("No events occurred in this range.", colour=MUTED)
                break
            rows = [pending.popleft() for _ in range(min(capacity, len(pending)))]
            drawn, carried = self._draw_page(rows, capacity)
            pending.extendleft(reversed(carried))
            if result.first_position is None:
                result.first_position = drawn[0][POSITION]
            result.last_position = drawn[-1][POSITION]
            result.events += len(drawn) - (1 if carried and carried[0][POSITION] == drawn[-1][POSITION] else 0)
            self._progress(result.events, self.page.page)
            first = False
            if exhausted and not pending:
                break
        result.beyond_head = source.beyond_head
        result.last_page = self.page.page
        return result

    def _header_height(self) -> float:
        return self.pitch * 2 + pt(3)

    def _draw_page(self, rows: list[Row], capacity: int) -> tuple[list[Row], list[Row]]:
        """Lay out and draw as many of ``rows`` as fit; returns the rows drawn and those left for the next page
        (the first of which may be the rest of the last one drawn, when one event is longer than a page)."""
        layout = _PageLayout(rows, self.chars)
        wrapped: list[list[str] | None] = []
        used = 0
        split: Row | None = None
        for row in rows:
            summary = row[SUMMARY]
            limit = layout.late_room if row[LATE] is not None else layout.room
            lines = wrap(summary, limit) if len(summary) > limit else None
            height = 1 if lines is None else len(lines)
            if used + height > capacity:
                if not wrapped and lines is not None:   # one event longer than a page: the rest goes on the next
                    split = row[:SUMMARY] + ("(continued) " + " ".join(lines[capacity:]),) + row[SUMMARY + 1:]
                    wrapped.append(lines[:capacity])
                break
            used += height
            wrapped.append(lines)
        drawn, carried = rows[:len(wrapped)], rows[len(wrapped):]
        if split is not None:
            carried.insert(0, split)
        if carried:
            layout = _PageLayout(drawn, self.chars)
        self._draw_header(drawn, layout)
        self._draw_rows(drawn, wrapped, layout)
        return drawn, carried

    def _draw_header(self, rows: list[Row], layout: "_PageLayout") -> None:
        page = self.page
        painter = page.painter
        x = round(page.left)
        baseline = page.y + self.ascent
        painter.setFont(self.header_font)
        painter.setPen(MUTED)
        first = rows[0]
        common = []
        if layout.one_type:
            common.append(f"type {first[TYPE]}")
        if layout.one_source:
            common.append(f"source {first[SOURCE] or '(none)'}")
        if layout.one_day:
            common.append(f"occurred on {datetime.fromtimestamp(first[SECOND], timezone.utc):%Y-%m-%d} (UTC)")
        heading = ("Every event on this page: " + ", ".join(common) + "." if common
                   else "Events in log order, times in UTC.")
        span = f"positions {first[POSITION]:,}–{rows[-1][POSITION]:,}"
        painter.drawText(int(x), int(baseline), heading)
        painter.drawText(int(page.right - len(span) * self.advance), int(baseline), span)
        names = ["#".rjust(layout.position_width),
                 ("Time" if layout.one_day else "Occurred (UTC)").ljust(layout.time_width),
                 "Ship".ljust(layout.ship_width)]
        if not layout.one_type:
            names.append("Type".ljust(layout.type_width))
        if not layout.one_source:
            names.append("Source".ljust(layout.source_width))
        names.append("Summary")
        baseline += self.pitch
        painter.setPen(NAVY)
        painter.drawText(int(x), int(baseline), " ".join(names))
        late_title = "Recorded (late)"
        painter.drawText(int(page.right - len(late_title) * self.advance), int(baseline), late_title)
        rule_y = baseline + (self.pitch - self.ascent) + pt(1)
        painter.setPen(QPen(NAVY, pt(0.5)))
        painter.drawLine(int(page.left), int(rule_y), int(page.right), int(rule_y))
        page.y = page.y + self._header_height()

    def _draw_rows(self, rows: list[Row], wrapped: list[list[str] | None], layout: "_PageLayout") -> None:
        page = self.page
        painter = page.painter
        pitch = self.pitch
        left = int(round(page.left))
        top = page.y
        # bands behind every other event, one call for the page
        bands = []
        line = 0
        for number, lines in enumerate(wrapped):
            height = 1 if lines is None else len(lines)
            if number % 2:
                bands.append(QRectF(page.left, top + line * pitch, page.content_width, height * pitch))
            line += height
        if bands:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(BAND)
            painter.drawRects(bands)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(INK)
        painter.setFont(self.font)
        minutes = self._minutes
        clock = self._clock
        seconds = _SECONDS
        draw = painter.drawText
        summary_x = left + int(layout.summary_column * self.advance)
        time_part = 1 if layout.one_day else 0
        position_width, ship_width = layout.position_width, layout.ship_width
        type_width, source_width = layout.type_width, layout.source_width
        shape = (layout.one_type, layout.one_source)
        plain = not layout.any_fallback(self)
        baseline = top + self.ascent
        lates = []
        for row, lines in zip(rows, wrapped):
            second = row[SECOND]
            prefix = minutes.get(second // 60) or clock(second)
            moment = prefix[time_part] + seconds[second % 60]
            summary = row[SUMMARY] if lines is None else lines[0]
            if shape == (True, True):
                text = f"{row[POSITION]:>{position_width}} {moment} {row[SHIP]:<{ship_width}} {summary}"
            elif shape == (True, False):
                text = (f"{row[POSITION]:>{position_width}} {moment} {row[SHIP]:<{ship_width}} "
                        f"{row[SOURCE]:<{source_width}} {summary}")
            elif shape == (False, True):
                text = (f"{row[POSITION]:>{position_width}} {moment} {row[SHIP]:<{ship_width}} "
                        f"{row[TYPE]:<{type_width}} {summary}")
            else:
                text = (f"{row[POSITION]:>{position_width}} {moment} {row[SHIP]:<{ship_width}} "
                        f"{row[TYPE]:<{type_width}} {row[SOURCE]:<{source_width}} {summary}")
            fallback = not plain and self._row_fallback(row)
            if fallback:
                painter.setFont(self.fallback_font)
            y = int(baseline)
            draw(left, y, text)
            if lines is not None:
                for more in lines[1:]:
                    baseline += pitch
                    draw(summary_x, int(baseline), more)
            if fallback:
                painter.setFont(self.font)
            if row[LATE] is not None:
                lates.append((y, row[LATE]))
            baseline += pitch
        if lates:
            painter.setPen(NOTICE)
            late_x = int(page.right - _LATE_WIDTH * self.advance)
            for y, recorded_at in lates:
                late_second = recorded_at // 1_000_000
                draw(late_x, y, clock(late_second)[0] + seconds[late_second % 60])
        page.y = baseline - self.ascent


class _PageLayout:
    """One page's columns: widths from its rows, and which columns are the same for all of them (printed once,
    above the columns, instead of on every row)."""

    def __init__(self, rows: list[Row], chars: int):
        first = rows[0]
        self.rows = rows
        self.one_day = len({row[SECOND] // 86_400 for row in rows}) == 1
        self.one_type = all(row[TYPE] == first[TYPE] for row in rows)
        self.one_source = all(row[SOURCE] == first[SOURCE] for row in rows)
        self.position_width = max(len(str(rows[-1][POSITION])), len(str(first[POSITION])), 3)
        self.time_width = 8 if self.one_day else 19
        self.ship_width = max(4, max(len(row[SHIP]) for row in rows))
        self.type_width = 0 if self.one_type else max(4, max(len(row[TYPE]) for row in rows))
        self.source_width = 0 if self.one_source else max(6, max(len(row[SOURCE]) for row in rows))
        self.summary_column = (self.position_width + self.time_width + self.ship_width + 3
                               + (self.type_width + 1 if self.type_width else 0)
                               + (self.source_width + 1 if self.source_width else 0))
        self.room = chars - self.summary_column
        self.late_room = self.room - _LATE_WIDTH - 2

    def any_fallback(self, writer: ListingWriter) -> bool:
        """Whether some row of the page may need the fallback font (most pages: none, checked once)."""
        return any(row[FREE_TEXT] or not row[SOURCE].isascii() or not row[SHIP].isascii() for row in self.rows) \
            or writer._position_fallback
