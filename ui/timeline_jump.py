"""The jump-to-time box: a date and time in UTC (or local time); Enter goes there."""
from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QWidget

from ui.formatting import LOCAL, UTC

_MICROS_PER_MS = 1_000


def qdatetime_of(instant: int, zone: str = UTC) -> QDateTime:
    """The instant (µs UTC) as a QDateTime in UTC or the system's time zone."""
    return QDateTime.fromMSecsSinceEpoch(instant // _MICROS_PER_MS, _qt_zone(zone))


def utc_time_edit(instant: int | None = None) -> QDateTimeEdit:
    """A date-and-time field in UTC with a calendar (a range's ends in the export and event-log dialogs)."""
    edit = QDateTimeEdit() if instant is None else QDateTimeEdit(qdatetime_of(instant))
    edit.setTimeZone(QTimeZone.utc())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'")
    edit.setCalendarPopup(True)
    return edit


def _qt_zone(zone: str) -> QTimeZone:
    return QTimeZone.systemTimeZone() if zone == LOCAL else QTimeZone.utc()


class JumpEdit(QDateTimeEdit):
    """Shows the moment while not being edited; emits ``jumpRequested(µs)`` when Enter is pressed."""

    jumpRequested = Signal("qint64")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("jumpEdit")
        self.setCalendarPopup(True)
        self.setKeyboardTracking(False)
        self.setToolTip("Jump to a time: type or pick it, then press Enter")
        self._zone = UTC
        self.set_time_zone(UTC)

    def set_time_zone(self, zone: str) -> None:
        instant = self.instant()
        self._zone = zone
        self.setTimeZone(_qt_zone(zone))
        self.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'" if zone == UTC else "yyyy-MM-dd HH:mm:ss t")
        self.show_instant(instant)

    def instant(self) -> int:
        """The time in the box, µs UTC."""
        return self.dateTime().toMSecsSinceEpoch() * _MICROS_PER_MS

    def show_instant(self, instant: int) -> None:
        """Put a time in the box, unless the operator is typing in it."""
        if not self.hasFocus():
            self.setDateTime(qdatetime_of(instant, self._zone))

    def show_no_time(self) -> None:
        """A log with no reports has no moment to show: a dash, not Qt's default date."""
        self.setSpecialValueText("—")
        self.setDateTime(self.minimumDateTime())

    def set_instant(self, instant: int) -> None:
        """Put a time in the box (even while it has focus)."""
        self.setDateTime(qdatetime_of(instant, self._zone))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.interpretText()
            self.jumpRequested.emit(self.instant())
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clearFocus()
            event.accept()
            return
        super().keyPressEvent(event)
