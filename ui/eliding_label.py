"""A one-line label that gives up width gracefully: it shows as much of its text as fits, ending in '…'.

A plain ``QLabel`` asks for the width of its whole text as its minimum, so one long ship name or job message
in the status bar would make the window wider than the screen. This one asks for its whole text only as the
size it would like; its minimum is a few characters, and what does not fit is elided. ``text()`` is still the
whole text, and it is always plain text (names come from radios and files).
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QWidget

MINIMUM_CHARACTERS = 6


class ElidingLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._mode = mode
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        changed = text != self._full
        self._full = text
        self._show_fitting()
        if changed:
            self.updateGeometry()

    def text(self) -> str:
        return self._full

    def clear(self) -> None:
        self.setText("")

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._width_for(self._full), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        least = self._width_for(self._full[:MINIMUM_CHARACTERS] + "…") if self._full else 0
        return QSize(least, hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show_fitting()

    def _width_for(self, text: str) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right() + 2 * self.margin() + 2

    def _show_fitting(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        shown = self._full
        if room > 0 and self.fontMetrics().horizontalAdvance(shown) > room:
            shown = self.fontMetrics().elidedText(shown, self._mode, room)
        if QLabel.text(self) != shown:
            super().setText(shown)
