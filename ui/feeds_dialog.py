"""File › Feeds: start and stop live AIS receiver feeds (NMEA over UDP or TCP) into the open store.

A feed runs on its own thread in the application layer; this dialog only asks it to start or stop and
shows, once a second, each feed's state and rates. Events a feed appends reach the map through the
source's subscription like any other.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from domain.display_text import visible
from ui import theme
from ui.plain_text import plain_label, text_tooltip

REFRESH_MS = 1_000
COLUMNS = ("Feed", "State", "Lines", "Lines/s", "Appended", "Quarantined", "Not yet in log", "Lost")
HINTS = {"udp": "[host:]port — listens on 127.0.0.1 unless a host is given (e.g. 10110 or 0.0.0.0:10110)",
         "tcp": "host:port of an NMEA server (e.g. 127.0.0.1:5631); reconnects by itself"}


@runtime_checkable
class FeedingSource(Protocol):
    """What runs live feeds: a console's ``app.imports.Imports``."""

    read_only: bool

    @property
    def feeds(self): ...


class FeedsDialog(QDialog):
    """Start a feed, see the running ones, stop one."""

    def __init__(self, source: FeedingSource, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("feedsDialog")
        self.setWindowTitle("Live feeds")
        self.control = source.feeds
        self.read_only = source.read_only

        self.protocol = QComboBox()
        self.protocol.addItem("UDP", "udp")
        self.protocol.addItem("TCP", "tcp")
        self.address = QLineEdit("10110")
        self.address.setMinimumWidth(220)
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.hint = plain_label(QLabel())
        self.hint.setWordWrap(True)
        self.message = plain_label(QLabel())
        self.message.setWordWrap(True)
        self.message.setObjectName("feedMessage")
        self.trouble = plain_label(QLabel())  # a feed whose lines do not reach the log, until it heals
        self.trouble.setWordWrap(True)
        self.trouble.setObjectName("feedTrouble")
        self.trouble.setStyleSheet(f"color: {theme.ALERT};")
        self.trouble.setVisible(False)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.stop_button = QPushButton("Stop selected")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        start_row = QHBoxLayout()
        start_row.addWidget(self.protocol)
        start_row.addWidget(self.address, 1)
        start_row.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addLayout(start_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.trouble)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.stop_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.resize(720, 320)

        self.protocol.currentIndexChanged.connect(self._show_hint)
        self.start_button.clicked.connect(self.start_feed)
        self.address.returnPressed.connect(self.start_feed)
        self.stop_button.clicked.connect(self.stop_selected)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._show_hint()
        if self.read_only:
            for widget in (self.start_button, self.address, self.protocol):
                widget.setEnabled(False)
            self.message.setText("This store is open read-only: a feed cannot append to it.")
        self.refresh()

    def _show_hint(self) -> None:
        self.hint.setText(HINTS[self.protocol.currentData()])

    def start_feed(self) -> str | None:
        """Start the feed described by the protocol box and address; the reason shown if it cannot."""
        try:
            name = self.control.start(self.protocol.currentData(), self.address.text().strip())
        except (ValueError, OSError) as error:
            self.message.setText(f"Not started: {error}")
            return None
        self.message.setText(f"Started {name}.")
        self.refresh()
        return name

    def stop_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.message.setText("Select a feed to stop.")
            return
        name = self.table.item(row, 0).text()
        self.control.stop(name)
        self.message.setText(f"Stopped {name}.")
        self.refresh()

    def refresh(self) -> None:
        feeds = self.control.feeds()
        selected = self.table.currentRow()
        self.table.setRowCount(len(feeds))
        for row, info in enumerate(feeds):
            cells = (info.name, info.status, f"{info.lines:,}", f"{info.lines_per_s:,.1f}", f"{info.appended:,}",
                     f"{info.quarantined:,}", f"{info.spooled:,}", f"{info.lost:,}")
            for column, text in enumerate(cells):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                item.setText(visible(text))  # a feed's name and state quote what was typed and what came back
                if column == 1:
                    item.setToolTip(text_tooltip(visible(text)))
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        trouble = "; ".join(info.trouble for info in feeds if info.trouble)
        self.trouble.setText(visible(trouble))
        self.trouble.setVisible(bool(trouble))
        if 0 <= selected < len(feeds):
            self.table.selectRow(selected)
        self.stop_button.setEnabled(bool(feeds))

    def done(self, result: int) -> None:  # closing the dialog leaves the feeds running
        self._timer.stop()
        super().done(result)
