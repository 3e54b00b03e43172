"""What the map says over a store with no ship reports: how to fill it.

A new store, or one a listener has made but not yet fed, opens as an empty console. Rather than an empty sea
and no word, a notice in the middle of the map names the ways in (File › Import AIS files, File › Live feeds,
or a simulated fleet from the command line). It is not a dialog: it blocks nothing, lets every click through
to the map, and goes away as soon as the first report arrives.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui import theme

WIDTH = 520  # px at most; narrower over a narrow map

FILL_IT = ("<b>This store has no ship reports yet.</b><br><br>"
           "Fill it from recordings with <b>File › Import AIS files…</b> (Ctrl+I) — NMEA, NOAA or DMA CSV, "
           "gzip and zip too — or from an AIS receiver with <b>File › Live feeds…</b> (Ctrl+Shift+L).<br><br>"
           "To try the console on a simulated fleet instead, write one into a store of its own:<br>"
           "<nobr><tt>python main.py simulate --db FILE</tt></nobr><br>"
           "<nobr><tt>python main.py gui --demo --db FILE</tt></nobr>")
READ_ONLY = ("<b>This store has no ship reports yet.</b><br><br>"
             "It is open read-only, so nothing can be added from this console.")


class EmptyConsoleNotice(QLabel):
    """A notice centred over ``parent`` (the map), transparent to the mouse; ``show_for`` shows or hides it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("emptyConsoleNotice")
        self.setTextFormat(Qt.TextFormat.RichText)  # only our own text, never a name from outside
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(f"#emptyConsoleNotice {{ color: {theme.TEXT}; background: rgba(16, 21, 26, 225);"
                           f" border: 1px solid {theme.BORDER}; border-radius: 6px; padding: 18px; }}")
        self.hide()
        parent.installEventFilter(self)

    def show_for(self, empty: bool, read_only: bool = False) -> None:
        """Show how to fill the store while it is ``empty`` (just that it is empty, when ``read_only``)."""
        if not empty:
            self.hide()
            return
        self.setText(READ_ONLY if read_only else FILL_IT)
        self._place()
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        area = self.parentWidget().rect()
        width = max(160, min(WIDTH, area.width() - 40))
        height = min(self.heightForWidth(width), max(60, area.height() - 40))
        self.setGeometry(area.center().x() - width // 2, area.center().y() - height // 2, width, height)

