"""The ship detail dock: everything known of the selected ship at the selected moment.

Static and voyage data, the ship's status at the moment (position, speed, course, heading, navigational
status and how old its last report is), and its speed and course over a window of time around the moment
with a cursor at it. Scrubbing is cheap: a new moment moves the cursor and updates the report age at once;
the track is fetched again only when the ship, the window or the 'known at' moment changes, and the
ship's details are asked of the source at most once per ``_DETAILS_DELAY_MS`` while the moment moves.
"""
from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from domain.events import RecordedEvent, ship_stream
from domain.ship import Ship
from domain.time import MICROS_PER_HOUR, now_micros, to_datetime
from domain.tracks import Track
from ui import theme
from app.fleet_view import FleetView
from app.logbook import Logbook
from domain.display_text import visible
from ui.formatting import format_age, format_moment, format_position, ship_label, ship_with_mmsi
from ui.live_bridge import LiveBridge
from ui.correction_dialog import CorrectionDialog
from ui.note_dialog import NoteDialog
from ui.plain_text import plain_label
from ui.ship_plots import ShipPlots

BEFORE = 6 * MICROS_PER_HOUR   # default window: this long before the moment...
AFTER = 1 * MICROS_PER_HOUR    # ...to this long after it
EMPTY_TEXT = "Select a ship on the map or in the table"
_DETAILS_DELAY_MS = 100
_NONE = "–"

# (key, caption) of the static and voyage fields, laid out two to a row
STATIC_FIELDS = (("mmsi", "MMSI"), ("imo", "IMO"), ("callsign", "Call sign"), ("type", "Type"),
                 ("size", "Length × beam"), ("draught", "Draught"), ("destination", "Destination"), ("eta", "ETA"))
STATUS_FIELDS = (("position", "Position"), ("status", "Status"), ("sog", "SOG"), ("cog", "COG"),
                 ("heading", "Heading"), ("last_report", "Last report"))


def _metres(value: float | None) -> str:
    return _NONE if value is None else f"{value:g}"


def static_texts(ship: Ship | None, mmsi: int) -> dict[str, str]:
    """What the static fields show for a ship (None: nothing known of it)."""
    if ship is None:
        return {key: (str(mmsi) if key == "mmsi" else _NONE) for key, _ in STATIC_FIELDS}
    if ship.length is None and ship.beam is None:
        size = _NONE
    else:
        size = f"{_metres(ship.length)} × {_metres(ship.beam)} m"
    return {
        "mmsi": str(ship.mmsi), "imo": str(ship.imo) if ship.imo is not None else _NONE,
        "callsign": visible(ship.callsign) or _NONE, "type": visible(ship.ship_type) or _NONE, "size": size,
        "draught": _NONE if ship.draught is None else f"{ship.draught:g} m",
        "destination": visible(ship.destination) or _NONE,
        "eta": _NONE if ship.eta is None else to_datetime(ship.eta).strftime("%Y-%m-%d %H:%M UTC"),
    }


def status_texts(ship: Ship | None, at: int) -> dict[str, str]:
    """What the status fields show for a ship at the moment ``at``."""
    if ship is None or not ship.has_position:
        texts = {key: _NONE for key, _ in STATUS_FIELDS}
        texts["last_report"] = "no report yet"
        return texts
    assert ship.lat is not None and ship.lon is not None and ship.last_report_at is not None
    return {
        "position": format_position(ship.lat, ship.lon), "status": visible(ship.nav_status) or _NONE,
        "sog": _NONE if ship.sog is None else f"{ship.sog:.1f} kn",
        "cog": _NONE if ship.cog is None else f"{ship.cog:.1f}°",
        "heading": _NONE if ship.heading is None else f"{ship.heading}°",
        "last_report": last_report_text(ship.last_report_at, at),
    }


def last_report_text(last_report_at: int, at: int) -> str:
    """'14:03:12 UTC · 2 min ago'."""
    clock = format_moment(last_report_at)[11:]
    return f"{clock} · {format_age(at - last_report_at)} ago"


class ShipDetailPanel(QWidget):
    """Static data, status and recent speed and course of one ship; to be put in a dock by the window."""

    historyRequested = Signal(int)  # MMSI: show this ship's whole history in the event log
    noteAdded = Signal(object)      # RecordedEvent of a note the operator added here
    corrected = Signal(object)      # RecordedEvent of a correction of the ship's particulars made here

    def __init__(self, fleet: FleetView, logbook: Logbook, parent: QWidget | None = None, *, live: bool = True):
        super().__init__(parent)
        self.setObjectName("shipDetailPanel")
        self._fleet = fleet
        self._logbook = logbook  # notes and corrections
        self._mmsi: int | None = None
        self._at = 0
        self._known_at: int | None = None
        self._window = (0, 0)
        self._ship: Ship | None = None
        self._track: Track | None = None
        self._track_stale = False
        self.track_fetches = 0    # how often the track was asked of the source (scrubbing must not)
        self.note_dialog: NoteDialog | None = None
        self.correction_dialog: CorrectionDialog | None = None

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {theme.DIM_TEXT}; padding: 24px;")

        self.name_label = plain_label(QLabel())  # names come from radios and files: never markup
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values: dict[str, QLabel] = {}
        static_grid = self._grid(STATIC_FIELDS)
        status_grid = self._grid(STATUS_FIELDS)
        self.plots = ShipPlots()
        self.note_button = QPushButton("Add note…")
        self.note_button.setToolTip("Write a note about this ship into the log")
        self.note_button.clicked.connect(self.open_note_dialog)
        self.correct_button = QPushButton("Correct…")
        self.correct_button.clicked.connect(self.open_correction_dialog)
        self._show_writable()
        self.history_button = QPushButton("Full history")
        self.history_button.setToolTip("Show every event of this ship in the event log")
        self.history_button.clicked.connect(self._request_history)

        details = QWidget()
        layout = QVBoxLayout(details)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addLayout(static_grid)
        layout.addWidget(self._rule())
        layout.addLayout(status_grid)
        layout.addWidget(self.plots, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note_button)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(details)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self._details_timer = QTimer(self)
        self._details_timer.setSingleShot(True)
        self._details_timer.setInterval(_DETAILS_DELAY_MS)
        self._details_timer.timeout.connect(self._catch_up)

        self.bridge: LiveBridge | None = None
        if live:
            self.bridge = LiveBridge(fleet, self)
            self.bridge.eventsArrived.connect(self.add_events)

    def _grid(self, fields: tuple[tuple[str, str], ...]) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        for number, (key, caption) in enumerate(fields):
            row, column = divmod(number, 2)
            label = QLabel(caption)
            label.setStyleSheet(f"color: {theme.DIM_TEXT};")
            value = plain_label(QLabel(_NONE))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 2 * column)
            grid.addWidget(value, row, 2 * column + 1)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    def _rule(self) -> QWidget:
        rule = QWidget()
        rule.setFixedHeight(1)
        rule.setStyleSheet(f"background: {theme.PANEL};")
        return rule

    # --- fed by the window --------------------------------------------------------------------------------

    def set_source(self, fleet: FleetView, logbook: Logbook) -> None:
        """Show another store's ships (the panel is kept; it starts empty)."""
        self._fleet, self._logbook = fleet, logbook
        self._show_writable()
        self.show_ship(None, 0)

    def _show_writable(self) -> None:
        """Notes and corrections are appended to the log: in a store open read-only (auditor mode) the buttons
        say why not."""
        read_only = bool(getattr(self._logbook, "read_only", False))
        self.note_button.setEnabled(not read_only)
        self.note_button.setToolTip("This store is open read-only (auditor mode): notes cannot be added"
                                    if read_only else "Write a note about this ship into the log")
        self.correct_button.setEnabled(not read_only)
        self.correct_button.setToolTip("This store is open read-only (auditor mode): particulars cannot be corrected"
                                       if read_only else "Correct this ship's name, type, size or voyage data, with "
                                                         "a reason; the correction is added to the log")

    def show_ship(self, mmsi: int | None, at: int, known_at: int | None = None,
                  start: int | None = None, end: int | None = None) -> None:
        """Show a ship (None: none) at the moment ``at``; the plots cover [start, end] (default at−6 h..at+1 h).

        Called on every moment while scrubbing: only a new ship, a window that no longer covers ``at`` (or
        an explicit new one) fetches the track again; otherwise the cursor moves and the details follow
        shortly after.
        """
        if mmsi is None:
            self._mmsi, self._ship, self._track = None, None, None
            self._details_timer.stop()
            self.stack.setCurrentIndex(0)
            return
        new_ship = mmsi != self._mmsi
        if start is not None or end is not None:
            window = (at - BEFORE if start is None else start, at + AFTER if end is None else end)
        elif not new_ship and self._window[0] <= at <= self._window[1]:
            window = self._window
        else:
            window = (at - BEFORE, at + AFTER)
        known_changed = known_at != self._known_at
        self._mmsi, self._at, self._known_at = mmsi, at, known_at
        self.stack.setCurrentIndex(1)
        if new_ship or window != self._window:
            self._window = window
            self._fetch_track()
        elif known_changed:
            self._track_stale = True
        self.plots.set_cursor(at)
        if new_ship:
            self._details_timer.stop()
            self._fetch_details()
        else:
            self._update_age()
            if not self._details_timer.isActive():
                self._details_timer.start()

    def refresh(self) -> None:
        """Ask the source again for the ship shown (e.g. after new events about it)."""
        if self._mmsi is not None:
            self._details_timer.stop()
            self._fetch_track()
            self._fetch_details()

    def add_events(self, events: Iterable[RecordedEvent]) -> None:
        """Newly committed events (GUI thread): refresh soon if any is about the ship shown."""
        if self._mmsi is None:
            return
        stream = ship_stream(self._mmsi)
        if any(event.stream_id == stream for event in events):
            self._track_stale = True
            if not self._details_timer.isActive():
                self._details_timer.start()

    def shutdown(self) -> None:
        """Stop listening for new events (call when the window closes); idempotent."""
        if self.bridge is not None:
            self.bridge.close()

    # --- reading ----------------------------------------------------------------------------------------

    @property
    def mmsi(self) -> int | None:
        return self._mmsi

    @property
    def ship(self) -> Ship | None:
        return self._ship

    @property
    def track(self) -> Track | None:
        return self._track

    @property
    def window(self) -> tuple[int, int]:
        return self._window

    def text_of(self, key: str) -> str:
        """What a field shows ('name', or a key of STATIC_FIELDS / STATUS_FIELDS)."""
        return self.name_label.text() if key == "name" else self.values[key].text()

    # --- notes and history ------------------------------------------------------------------------------

    def open_note_dialog(self) -> NoteDialog | None:
        """Open the note dialog for the ship shown (window-modal, not blocking); returns it."""
        if self._mmsi is None:
            return None
        mmsi = self._mmsi
        subject = self._subject()
        dialog = NoteDialog(self._logbook.operator, subject, lambda text: self._logbook.add_note(text, mmsi=mmsi), self)
        dialog.accepted.connect(lambda: self.noteAdded.emit(dialog.recorded))
        dialog.finished.connect(self._note_dialog_closed)
        self.note_dialog = dialog
        dialog.open()
        dialog.text_edit.setFocus()
        return dialog

    def open_correction_dialog(self) -> CorrectionDialog | None:
        """Open the correction dialog over the particulars the log holds now (window-modal); returns it."""
        if self._mmsi is None:
            return None
        mmsi = self._mmsi
        ship = self._fleet.ship_details(mmsi, max(now_micros(), self._at)) or Ship(mmsi)
        dialog = CorrectionDialog(ship, self._subject(), self._logbook.operator,
                                  lambda changes, reason: self._logbook.correct_particulars(mmsi, changes, reason), self)
        dialog.accepted.connect(lambda: self.corrected.emit(dialog.recorded))
        dialog.finished.connect(self._correction_dialog_closed)
        self.correction_dialog = dialog
        dialog.open()
        return dialog

    def _correction_dialog_closed(self, _result: int) -> None:
        if self.correction_dialog is not None:
            self.correction_dialog.deleteLater()
            self.correction_dialog = None

    def _note_dialog_closed(self, _result: int) -> None:
        if self.note_dialog is not None:
            self.note_dialog.deleteLater()
            self.note_dialog = None

    def _request_history(self) -> None:
        if self._mmsi is not None:
            self.historyRequested.emit(self._mmsi)

    def _subject(self) -> str:
        assert self._mmsi is not None
        name = self._ship.name if self._ship is not None else None
        return ship_with_mmsi(name, self._mmsi)

    # --- internals ---------------------------------------------------------------------------------------

    def _fetch_track(self) -> None:
        assert self._mmsi is not None
        start, end = self._window
        self._track = self._fleet.track(self._mmsi, start, end, self._known_at)
        self._track_stale = False
        self.track_fetches += 1
        self.plots.set_track(self._track, start, end)

    def _fetch_details(self) -> None:
        assert self._mmsi is not None
        self._ship = self._fleet.ship_details(self._mmsi, self._at, self._known_at)
        ship, mmsi = self._ship, self._mmsi
        if ship is None:
            self.name_label.setText(f"{ship_label(None, mmsi)} — nothing known at this moment")
        else:
            self.name_label.setText(ship_label(ship.name, mmsi))
        for key, text in {**static_texts(ship, mmsi), **status_texts(ship, self._at)}.items():
            self.values[key].setText(text)

    def _update_age(self) -> None:
        ship = self._ship
        if ship is not None and ship.last_report_at is not None:
            self.values["last_report"].setText(last_report_text(ship.last_report_at, self._at))

    def _catch_up(self) -> None:
        if self._mmsi is None:
            return
        if self._track_stale:
            self._fetch_track()
        self._fetch_details()
