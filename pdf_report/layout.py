"""Pages of a printed audit report: an A4 portrait ``QPdfWriter`` at 300 dpi, its fonts and colours, running
headers and footers, and the blocks the sections are made of (headings, paragraphs, label/value lists and
tables that continue on the next page with their header repeated).

Coordinates are device pixels of the writer (300 per inch); ``pt`` and ``mm`` convert. Text is drawn as
text (the PDF engine embeds a subset of each font), so the file can be searched and read back by
``pdftotext``. Nothing here touches a widget or a ``QPixmap``: a report is rendered on a worker thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

DPI = 300
SANS = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]
NARROW = ["DejaVu Sans Condensed", "Liberation Sans Narrow", "Arial Narrow", "DejaVu Sans", "Liberation Sans",
          "Arial"]
MONO = ["DejaVu Sans Mono", "Liberation Mono", "Courier New", "Courier"]

# Print colours: black text, one navy for structure, greys for rules and bands, red-brown for what needs notice.
INK = QColor("#1b2127")
MUTED = QColor("#5d6873")
NAVY = QColor("#1f3a5f")
RULE = QColor("#b9c2cb")
HAIRLINE = QColor("#dde2e7")
BAND = QColor("#f1f4f7")
NOTICE = QColor("#9c3d1c")
GOOD = QColor("#2f6b3b")


def pt(points: float) -> float:
    """Points (1/72 inch) in device pixels."""
    return points * DPI / 72


def mm(millimetres: float) -> float:
    """Millimetres in device pixels."""
    return millimetres * DPI / 25.4


def font(families: list[str], points: float, *, bold: bool = False, italic: bool = False,
         hint: QFont.StyleHint = QFont.StyleHint.SansSerif) -> QFont:
    chosen = QFont()
    chosen.setFamilies(families)
    chosen.setStyleHint(hint)
    chosen.setPointSizeF(points)
    chosen.setBold(bold)
    chosen.setItalic(italic)
    return chosen


class PdfWriteError(OSError):
    """The PDF file could not be opened or written."""


@dataclass(frozen=True)
class Fonts:
    """The report's type: made per render (fonts are cheap, and every thread makes its own)."""

    title: QFont
    heading: QFont
    subheading: QFont
    body: QFont
    body_bold: QFont
    small: QFont
    table: QFont
    table_bold: QFont
    mono: QFont
    mono_small: QFont
    figure: QFont

    @classmethod
    def make(cls) -> "Fonts":
        mono_hint = QFont.StyleHint.Monospace
        return cls(title=font(SANS, 22, bold=True), heading=font(SANS, 14, bold=True),
                   subheading=font(SANS, 10.5, bold=True), body=font(SANS, 9), body_bold=font(SANS, 9, bold=True),
                   small=font(SANS, 7), table=font(NARROW, 8), table_bold=font(NARROW, 8, bold=True),
                   mono=font(MONO, 8, hint=mono_hint), mono_small=font(MONO, 7, hint=mono_hint),
                   figure=font(SANS, 16, bold=True))


@dataclass(frozen=True)
class Column:
    """A table column: its title, its share of the table's width and how its cells align."""

    title: str
    weight: float
    right: bool = False
    mono: bool = False
    wrap: bool = True     # False: one line, never measured (times, numbers, positions)


class PageWriter:
    """The PDF being written: a painter on the current page and a cursor ``y`` moving down it."""

    def __init__(self, path: Path, *, title: str, creator: str, header_text: str, footer_text: str):
        self.writer = QPdfWriter(str(path))
        self.writer.setResolution(DPI)
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                              QMarginsF(0, 0, 0, 0)))
        self.writer.setTitle(title)
        self.writer.setCreator(creator)
        self.fonts = Fonts.make()
        self.painter = QPainter()
        if not self.painter.begin(self.writer):
            raise PdfWriteError(f"cannot write a PDF file in {path.parent}")
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.width = float(self.writer.width())
        self.height = float(self.writer.height())
        self.left, self.right = mm(18), self.width - mm(18)
        self.top, self.bottom = mm(20), self.height - mm(17)
        self.header_text = header_text
        self.footer_text = footer_text
        self.section = ""
        self.page = 0
        self.y = self.top
        self._metrics: dict[int, QFontMetricsF] = {}

    # --- pages ----------------------------------------------------------------------------------------------

    @property
    def content_width(self) -> float:
        return self.right - self.left

    def new_page(self, *, header: bool = True) -> None:
        """Start the next page (the first call uses the page the writer opened with), header and footer drawn."""
        if self.page:
            self.writer.newPage()
        self.page += 1
        self.y = self.top
        if header:
            self._draw_header()
        self._draw_footer()

    def finish(self) -> None:
        if self.painter.isActive() and not self.painter.end():
            raise PdfWriteError("the PDF file could not be completed")

    def abandon(self) -> None:
        if self.painter.isActive():
            self.painter.end()

    def _draw_header(self) -> None:
        painter = self.painter
        painter.setFont(self.fonts.small)
        painter.setPen(MUTED)
        baseline = mm(11)
        left = f"{self.header_text} · {self.section}" if self.section else self.header_text
        painter.drawText(QPointF(self.left, baseline), left)
        self._rule(baseline + mm(1.8), RULE)

    def _draw_footer(self) -> None:
        painter = self.painter
        baseline = self.height - mm(9)
        self._rule(baseline - mm(3.5), RULE)
        painter.setFont(self.fonts.small)
        painter.setPen(MUTED)
        painter.drawText(QPointF(self.left, baseline), self.footer_text)
        number = f"page {self.page}"
        painter.drawText(QPointF(self.right - self.metrics(self.fonts.small).horizontalAdvance(number), baseline),
                         number)

    def _rule(self, y: float, colour: QColor, width: float = pt(0.5)) -> None:
        self.painter.setPen(QPen(colour, width))
        self.painter.drawLine(QPointF(self.left, y), QPointF(self.right, y))

    def rule(self, colour: QColor = RULE, gap: float = pt(4)) -> None:
        self._rule(self.y + gap / 2, colour)
        self.y += gap

    def space_left(self) -> float:
        return self.bottom - self.y

    def ensure(self, height: float) -> bool:
        """Make room for ``height`` below the cursor: a new page when it would not fit. True when one began."""
        if self.y + height <= self.bottom or self.y <= self.top + 1:
            return False
        self.new_page()
        return True

    def skip(self, height: float) -> None:
        self.y += height

    # --- text -----------------------------------------------------------------------------------------------

    def metrics(self, chosen: QFont) -> QFontMetricsF:
        key = id(chosen)
        found = self._metrics.get(key)
        if found is None:
            found = self._metrics[key] = QFontMetricsF(chosen, self.writer)
        return found

    def text_height(self, text: str, chosen: QFont, width: float, flags: int = 0) -> float:
        box = self.metrics(chosen).boundingRect(QRectF(0, 0, width, 1e6),
                                               int(Qt.TextFlag.TextWordWrap) | flags, text)
        return box.height()

    def draw_text(self, rect: QRectF, text: str, chosen: QFont, colour: QColor = INK, *, right: bool = False,
                  wrap: bool = True, flags: int = 0) -> None:
        painter = self.painter
        painter.setFont(chosen)
        painter.setPen(colour)
        align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignTop) | (int(Qt.TextFlag.TextWordWrap) if wrap else 0)
                         | flags, text)

    def heading(self, text: str, *, level: int = 1) -> None:
        chosen = self.fonts.heading if level == 1 else self.fonts.subheading
        before, after = (pt(6), pt(8)) if level == 1 else (pt(8), pt(4))
        height = self.metrics(chosen).height()
        if self.y > self.top + 1:
            self.y += before
        self.ensure(height + after + pt(60))  # never a heading alone at the foot of a page
        self.draw_text(QRectF(self.left, self.y, self.content_width, height * 2), text, chosen, NAVY, wrap=False)
        self.y += height
        if level == 1:
            self._rule(self.y + pt(2), NAVY, pt(0.8))
        self.y += after

    def paragraph(self, text: str, chosen: QFont | None = None, colour: QColor = INK, *, indent: float = 0.0,
                  after: float = pt(5)) -> None:
        chosen = chosen or self.fonts.body
        width = self.content_width - indent
        height = self.text_height(text, chosen, width)
        self.ensure(height)
        self.draw_text(QRectF(self.left + indent, self.y, width, height + 4), text, chosen, colour)
        self.y += height + after

    def text_line(self, x: float, baseline: float, text: str, chosen: QFont, colour: QColor = INK) -> None:
        self.painter.setFont(chosen)
        self.painter.setPen(colour)
        self.painter.drawText(QPointF(x, baseline), text)

    # --- blocks ---------------------------------------------------------------------------------------------

    def label_values(self, rows: Sequence[tuple[str, str]], *, left: float | None = None, width: float | None = None,
                     label_width: float = mm(38), mono_labels: Sequence[str] = (),
                     colours: dict[str, QColor] | None = None) -> float:
        """Label/value lines from the cursor (values wrap); returns the height used. ``mono_labels`` name the
        rows whose value is set in the monospace font (hashes), ``colours`` a colour per label."""
        left = self.left if left is None else left
        width = self.content_width if width is None else width
        fonts = self.fonts
        y = self.y
        for label, value in rows:
            chosen = fonts.mono if label in mono_labels else fonts.body
            value_width = width - label_width
            height = max(self.text_height(value, chosen, value_width, int(Qt.TextFlag.TextWrapAnywhere)
                                          if label in mono_labels else 0),
                         self.metrics(fonts.body).height())
            if y + height > self.bottom and y > self.top + 1:
                self.new_page()
                y = self.y
            self.draw_text(QRectF(left, y, label_width - pt(6), height + 4), label, fonts.body, MUTED)
            colour = (colours or {}).get(label, INK)
            self.draw_text(QRectF(left + label_width, y, value_width, height + 4), value, chosen, colour,
                           flags=int(Qt.TextFlag.TextWrapAnywhere) if label in mono_labels else 0)
            y += height + pt(3)
        used = y - self.y
        return used

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, zebra: bool = True,
              colours: Sequence[QColor | None] | None = None, bold_rows: Sequence[int] = ()) -> None:
        """A table from the cursor: header in bold over a rule, cells wrapping, continued on the next page
        with the header again. ``colours`` gives a row its text colour (None: ink)."""
        fonts = self.fonts
        total = sum(column.weight for column in columns)
        widths = [self.content_width * column.weight / total for column in columns]
        pad_x, pad_y = pt(3), pt(2.2)
        header_height = max(self.text_height(column.title, fonts.table_bold, width - 2 * pad_x)
                            for column, width in zip(columns, widths)) + 2 * pad_y

        def draw_header() -> None:
            x = self.left
            for column, width in zip(columns, widths):
                self.draw_text(QRectF(x + pad_x, self.y + pad_y, width - 2 * pad_x, header_height), column.title,
                               fonts.table_bold, NAVY, right=column.right)
                x += width
            self.y += header_height
            self._rule(self.y, NAVY, pt(0.6))
            self.y += pt(1)

        self.ensure(header_height + pt(30))
        draw_header()
        bold = set(bold_rows)
        tallest = self.bottom - self.top - header_height - pt(2) - 2 * pad_y  # a cell taller is cut into parts
        for number, row in enumerate(rows):
            cell_fonts = [fonts.mono_small if column.mono else (fonts.table_bold if number in bold else fonts.table)
                          for column in columns]
            heights = [self.text_height(text, chosen, width - 2 * pad_x) if column.wrap
                       else self.metrics(chosen).height()
                       for text, chosen, width, column in zip(row, cell_fonts, widths, columns)]
            parts = [list(row)] if max(heights) <= tallest else self._cut_row(row, heights, cell_fonts, widths, pad_x,
                                                                             tallest)
            colour = (colours[number] if colours is not None else None) or INK
            for part in parts:
                height = max(self.text_height(text, chosen, width - 2 * pad_x) if column.wrap
                             else self.metrics(chosen).height()
                             for text, chosen, width, column in zip(part, cell_fonts, widths, columns)) + 2 * pad_y
                if self.ensure(height):
                    draw_header()
                if zebra and number % 2 == 1:
                    self.painter.fillRect(QRectF(self.left, self.y, self.content_width, height), BAND)
                x = self.left
                for text, column, chosen, width in zip(part, columns, cell_fonts, widths):
                    self.draw_text(QRectF(x + pad_x, self.y + pad_y, width - 2 * pad_x, height), text, chosen,
                                   colour, right=column.right, wrap=column.wrap)
                    x += width
                self.y += height
        self._rule(self.y, RULE, pt(0.5))
        self.y += pt(6)

    def _cut_row(self, row: Sequence[str], heights: list[float], cell_fonts: list[QFont], widths: list[float],
                 pad_x: float, tallest: float) -> list[list[str]]:
        """A row with a cell taller than a page as several rows, each as tall as a page at most: the tall
        cells' lines shared out among them, the other cells in the first (a long note is never cut off)."""
        pieces: list[list[str]] = []
        for text, height, chosen, width in zip(row, heights, cell_fonts, widths):
            if height <= tallest:
                pieces.append([text])
                continue
            lines = self.lines_of(text, chosen, width - 2 * pad_x)
            per_part = max(1, int(tallest // self.metrics(chosen).lineSpacing()) - 1)
            pieces.append(["\n".join(lines[i:i + per_part]) for i in range(0, len(lines), per_part)])
        count = max(len(piece) for piece in pieces)
        return [[piece[k] if k < len(piece) else "" for piece in pieces] for k in range(count)]

    def lines_of(self, text: str, chosen: QFont, width: float) -> list[str]:
        """``text`` broken into lines that fit ``width`` at spaces (a word wider than a line keeps its own)."""
        metrics = self.metrics(chosen)
        lines = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and metrics.horizontalAdvance(candidate) > width:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        return lines

    def figures(self, items: Sequence[tuple[str, str]]) -> None:
        """A row of boxed key figures (big number, small label under it)."""
        gap = mm(4)
        width = (self.content_width - gap * (len(items) - 1)) / len(items)
        number_height = self.metrics(self.fonts.figure).height()
        label_height = self.metrics(self.fonts.small).height()
        height = number_height + label_height + pt(14)
        self.ensure(height)
        painter = self.painter
        for index, (number, label) in enumerate(items):
            x = self.left + index * (width + gap)
            painter.setPen(QPen(RULE, pt(0.5)))
            painter.setBrush(BAND)
            painter.drawRect(QRectF(x, self.y, width, height))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self.draw_text(QRectF(x + pt(7), self.y + pt(5), width - pt(14), number_height + 4), number,
                           self.fonts.figure, NAVY, wrap=False)
            self.draw_text(QRectF(x + pt(7), self.y + pt(5) + number_height + pt(2), width - pt(14), label_height + 4),
                           label, self.fonts.small, MUTED, wrap=False)
        self.y += height + pt(10)

