"""The timeline bar: the moment shown, a slider from the first to the last report under a strip of event
density, play/pause with speed presets, steps to the previous/next report, Home/End, jump to a time,
'As known then' and 'Live'.

Dragging never queues work: each slider move only records the newest moment asked for and arms a 0-ms
single-shot timer, so however fast the drag, ``momentChanged`` fires once per pass of the event loop with
the latest moment, and the window draws only that one. Playing (``ui.timeline_player``) and every button
go through the same path.

The transport actions (``play_action``, ``previous_action``, ...) carry no shortcuts here: the window puts
them in its Go menu with their keys. Previous/next step through the report times given by
``set_step_targets`` (the selected ship's), or by a minute when there are none.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QSlider, QToolButton,
                               QWidget)

from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND
from ui.console_state import ConsoleState
from ui.formatting import UTC, format_minute, format_moment
from ui.timeline_density import DensityStrip
from ui.timeline_icons import transport_icon
from ui.timeline_jump import JumpEdit, qdatetime_of
from ui.timeline_player import DEFAULT_SPEED, SPEEDS, TimelinePlayer

_SLIDER_MAX = 2_000_000_000  # slider positions are ints; one position is at least a second


class TimelineBar(QWidget):
    """Chooses the moment everything on screen shows."""

    momentChanged = Signal("qint64")  # µs UTC; coalesced, the newest moment asked for
    asKnownThenChanged = Signal(bool)
    liveChanged = Signal(bool)
    playSpeedChanged = Signal(int)    # log seconds per wall second, when the operator picks another

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._first = self._last = self._moment = 0
        self._unit = MICROS_PER_SECOND  # µs per slider position
        self._has_range = False
        self._syncing = False
        self._zone = UTC
        self._step_targets: Callable[[], np.ndarray | None] | None = None

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setTracking(True)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.moment_label = QLabel("No reports yet")
        self.moment_label.setObjectName("momentLabel")
        widest = self.moment_label.fontMetrics().horizontalAdvance("0000-00-00 00:00:00 UTC")
        self.moment_label.setMinimumWidth(widest + 40)
        self.first_label, self.last_label = QLabel(), QLabel()
        for label in (self.first_label, self.last_label):
            label.setEnabled(False)  # drawn dim
        self.known_then_box = QCheckBox("As known then")
        self.known_then_box.setToolTip("Show only reports the log had recorded by the selected moment")
        self.known_then_box.toggled.connect(self.asKnownThenChanged)
        self.live_button = QToolButton()
        self.live_button.setText("● Live")
        self.live_button.setCheckable(True)
        self.live_button.setToolTip("Follow the newest reports as they arrive")
        self.live_button.toggled.connect(self._on_live_toggled)

        self.density = DensityStrip()
        self.density.fractionChosen.connect(self._on_density_chosen)
        self.jump_edit = JumpEdit()
        self.jump_edit.jumpRequested.connect(self.set_moment)
        self.player = TimelinePlayer(self)
        self._build_transport()

        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(0)
        self._emit_timer.timeout.connect(self._emit_moment)

        transport = QHBoxLayout()
        transport.setSpacing(2)
        for action in (self.home_action, self.previous_action, self.play_action, self.next_action, self.end_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setObjectName("transportButton")
            transport.addWidget(button)
        transport.addSpacing(6)
        transport.addWidget(self.speed_box)
        transport.addStretch(1)
        modes = QHBoxLayout()
        modes.setSpacing(10)
        modes.addWidget(self.known_then_box)
        modes.addWidget(self.live_button)
        self._modes = modes

        layout = QGridLayout(self)
        layout.setContentsMargins(10, 4, 10, 6)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.moment_label, 0, 0)
        layout.addWidget(self.density, 0, 2)
        layout.addWidget(self.jump_edit, 0, 4)
        layout.addLayout(transport, 1, 0)
        layout.addWidget(self.first_label, 1, 1)
        layout.addWidget(self.slider, 1, 2)
        layout.addWidget(self.last_label, 1, 3)
        layout.addLayout(modes, 1, 4)
        layout.setColumnStretch(2, 1)
        self._set_enabled(False)

    def _build_transport(self) -> None:
        def action(text: str, icon: str, tip: str, slot) -> QAction:
            made = QAction(transport_icon(icon), text, self)
            made.setToolTip(tip)
            made.triggered.connect(slot)
            return made

        self.play_action = action("Play", "play", "Play the log forward at the chosen speed", self.player.toggle)
        self.play_action.setCheckable(True)
        self.player.playingChanged.connect(self._on_playing_changed)
        self.previous_action = action("Previous report", "previous",
                                      "Previous report of the selected ship (a minute back without one)",
                                      lambda: self.step_to_report(-1))
        self.next_action = action("Next report", "next", "Next report of the selected ship (a minute on without one)",
                                  lambda: self.step_to_report(1))
        self.home_action = action("First event", "first", "First event of the log", self.go_to_first)
        self.end_action = action("Last event", "last", "Last event of the log", self.go_to_last)
        self.speed_box = QComboBox()
        self.speed_box.setToolTip("Playback speed: log time per second")
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:,}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed_box.currentIndexChanged.connect(self._on_speed_chosen)

    def add_mode_action(self, action: QAction) -> QToolButton:
        """A button for ``action`` beside 'As known then' and Live (the Changes dock's mark)."""
        button = QToolButton()
        button.setDefaultAction(action)
        self._modes.insertWidget(0, button)
        return button

    # --- state ---------------------------------------------------------------------------------------------

    def moment(self) -> int:
        return self._moment

    def time_range(self) -> tuple[int, int] | None:
        return (self._first, self._last) if self._has_range else None

    def is_live(self) -> bool:
        return self.live_button.isChecked()

    def as_known_then(self) -> bool:
        return self.known_then_box.isChecked()

    def set_as_known_then(self, on: bool) -> None:
        self.known_then_box.setChecked(on)

    def set_live(self, on: bool) -> None:
        self.live_button.setChecked(on)

    def is_playing(self) -> bool:
        return self.player.is_playing()

    def play_speed(self) -> int:
        return self.player.speed

    def set_play_speed(self, speed: int) -> None:
        """Play at ``speed`` log seconds per second (one of ``SPEEDS``; others are added to the list)."""
        index = self.speed_box.findData(speed)
        if index < 0:
            self.speed_box.addItem(f"{speed:,}×", speed)
            index = self.speed_box.count() - 1
        self.speed_box.setCurrentIndex(index)
        self.player.speed = speed

    def play(self) -> None:
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    def set_time_zone(self, zone: str) -> None:
        """Write times in UTC or local time (``ui.formatting.UTC`` / ``LOCAL``)."""
        self._zone = zone
        self.jump_edit.set_time_zone(zone)
        if self._has_range:
            self._label_ends()
            self.moment_label.setText(format_moment(self._moment, zone))

    def set_density(self, counts: np.ndarray) -> None:
        """Event counts per equal slice of the time range, drawn above the slider."""
        self.density.set_counts(counts)

    def set_alert_marks(self, raised: list[tuple[int, str]]) -> None:
        """Mark alerts on the density strip: (raised at µs, severity) each; those outside the range are left out."""
        span = self.time_range()
        if span is None or span[1] <= span[0]:
            self.density.set_alert_marks([])
            return
        first, last = span
        self.density.set_alert_marks([((at - first) / (last - first), severity) for at, severity in raised
                                      if first <= at <= last])

    def set_step_targets(self, targets: Callable[[], np.ndarray | None] | None) -> None:
        """Where previous/next go: a function giving sorted report times (µs), or None for minute steps."""
        self._step_targets = targets

    def has_pending_moment(self) -> bool:
        return self._emit_timer.isActive()

    def drop_pending_moment(self) -> None:
        """Forget a moment not yet emitted (its owner has just drawn it directly)."""
        self._emit_timer.stop()

    def follow_state(self, state: ConsoleState) -> None:
        """Be the clock of a ``ConsoleState``: the moment, Live and 'as known then' chosen here go to it, and
        a moment, Live or 'as known then' asked of it, or its time zone, come here."""
        self.momentChanged.connect(state.set_moment)
        self.asKnownThenChanged.connect(state.set_as_known_then)
        self.liveChanged.connect(state.set_live)
        state.momentRequested.connect(self.set_moment)
        state.asKnownThenChanged.connect(self.set_as_known_then)
        state.liveChanged.connect(self.set_live)
        state.timeZoneChanged.connect(self.set_time_zone)
        self.set_time_zone(state.time_zone)

    # --- changes -----------------------------------------------------------------------------------------

    def set_range(self, time_range: tuple[int, int] | None) -> None:
        """Span the slider over the log's reports; when Live, move to the new head."""
        if time_range is None:
            self._has_range = False
            self._set_enabled(False)
            self.moment_label.setText("No reports yet")
            self.jump_edit.show_no_time()
            return
        first, last = time_range
        self._first, self._last, self._has_range = first, max(first, last), True
        self._unit = max(MICROS_PER_SECOND, -(-(self._last - first) // _SLIDER_MAX))
        self._syncing = True
        try:
            self.slider.setRange(0, self._position_of(self._last))
            self.slider.setSingleStep(max(1, MICROS_PER_MINUTE // self._unit))
            self.slider.setPageStep(max(1, 10 * MICROS_PER_MINUTE // self._unit))
        finally:
            self._syncing = False
        self._label_ends()
        self.jump_edit.setSpecialValueText("")  # from now on every value is a real moment
        self.jump_edit.setDateTimeRange(qdatetime_of(first, self._zone), qdatetime_of(self._last, self._zone))
        self._set_enabled(True)
        if self.is_live():
            self.set_moment(self._last)
        else:
            self._place_slider(self._moment)

    def set_moment(self, at: int) -> None:
        """Show ``at`` (clamped to the range); leaving the head turns Live off."""
        if self._has_range:
            at = min(max(at, self._first), self._last)
            if at < self._last and self.is_live():
                self.set_live(False)
        self._place_slider(at)
        self._request(at)

    def step(self, micros: int) -> None:
        """Move the moment by ``micros`` (negative: back)."""
        self.set_moment(self._moment + micros)

    def step_to_report(self, direction: int) -> None:
        """Go to the previous (-1) or next (+1) report of the step targets, or a minute back or on."""
        times = self._step_targets() if self._step_targets is not None else None
        if times is None:
            self.step(direction * MICROS_PER_MINUTE)
            return
        if direction > 0:
            index = int(np.searchsorted(times, self._moment, side="right"))
            if index < len(times):
                self.set_moment(int(times[index]))
        else:
            index = int(np.searchsorted(times, self._moment, side="left")) - 1
            if index >= 0:
                self.set_moment(int(times[index]))

    def go_to_first(self) -> None:
        if self._has_range:
            self.set_moment(self._first)

    def go_to_last(self) -> None:
        if self._has_range:
            self.set_moment(self._last)

    def focus_jump(self) -> None:
        """Put the cursor in the jump-to-time box, its time selected for typing over."""
        self.jump_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.jump_edit.selectAll()

    # --- internals ---------------------------------------------------------------------------------------

    def _label_ends(self) -> None:
        self.first_label.setText(format_minute(self._first, self._zone))
        self.last_label.setText(format_minute(self._last, self._zone))

    def _position_of(self, at: int) -> int:
        return (at - self._first + self._unit // 2) // self._unit

    def _moment_of(self, position: int) -> int:
        return self._last if position >= self.slider.maximum() else self._first + position * self._unit

    def _place_slider(self, at: int) -> None:
        self._syncing = True
        try:
            self.slider.setValue(self._position_of(at))
        finally:
            self._syncing = False

    def _on_slider_moved(self, position: int) -> None:
        if self._syncing:
            return
        if position < self.slider.maximum() and self.is_live():
            self.set_live(False)
        self._request(self._moment_of(position))

    def _request(self, at: int) -> None:
        self._moment = at
        if self._has_range:
            self.moment_label.setText(format_moment(at, self._zone))
            self.jump_edit.show_instant(at)
            span = self._last - self._first
            self.density.set_cursor((at - self._first) / span if span else 1.0)
        if not self._emit_timer.isActive():
            self._emit_timer.start()

    def _emit_moment(self) -> None:
        self.momentChanged.emit(self._moment)

    def _on_live_toggled(self, on: bool) -> None:
        if on:
            self.player.pause()
        if on and self._has_range:
            self.set_moment(self._last)
        self.liveChanged.emit(on)

    def _on_density_chosen(self, fraction: float) -> None:
        if self._has_range:
            self.set_moment(self._first + round(fraction * (self._last - self._first)))

    def _on_speed_chosen(self, index: int) -> None:
        speed = int(self.speed_box.itemData(index))
        self.player.speed = speed
        self.playSpeedChanged.emit(speed)

    def _on_playing_changed(self, playing: bool) -> None:
        self.play_action.setChecked(playing)
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(transport_icon("pause" if playing else "play"))

    def _set_enabled(self, on: bool) -> None:
        # Live stays available: it waits for the first report
        for widget in (self.slider, self.known_then_box, self.density, self.jump_edit):
            widget.setEnabled(on)
        for action in (self.play_action, self.previous_action, self.next_action, self.home_action,
                       self.end_action):
            action.setEnabled(on)
