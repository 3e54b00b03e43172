"""The timeline bar: a slider from the first to the last report, the moment shown, 'As known then' and 'Live'.

Dragging never queues work: each slider move only records the newest moment asked for and arms a 0-ms
single-shot timer, so however fast the drag, ``momentChanged`` fires once per pass of the event loop with
the latest moment, and the window draws only that one.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND
from ui.formatting import format_moment

_SLIDER_MAX = 2_000_000_000  # slider positions are ints; one position is at least a second


class TimelineBar(QWidget):
    """Chooses the moment everything on screen shows."""

    momentChanged = Signal("qint64")  # µs UTC; coalesced, the newest moment asked for
    asKnownThenChanged = Signal(bool)
    liveChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._first = self._last = self._moment = 0
        self._unit = MICROS_PER_SECOND  # µs per slider position
        self._has_range = False
        self._syncing = False

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

        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(0)
        self._emit_timer.timeout.connect(self._emit_moment)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(10)
        layout.addWidget(self.moment_label)
        layout.addWidget(self.first_label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.last_label)
        layout.addWidget(self.known_then_box)
        layout.addWidget(self.live_button)
        self._set_enabled(False)

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

    def has_pending_moment(self) -> bool:
        return self._emit_timer.isActive()

    def drop_pending_moment(self) -> None:
        """Forget a moment not yet emitted (its owner has just drawn it directly)."""
        self._emit_timer.stop()

    # --- changes -----------------------------------------------------------------------------------------

    def set_range(self, time_range: tuple[int, int] | None) -> None:
        """Span the slider over the log's reports; when Live, move to the new head."""
        if time_range is None:
            self._has_range = False
            self._set_enabled(False)
            self.moment_label.setText("No reports yet")
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
        self.first_label.setText(format_moment(first)[:16])
        self.last_label.setText(format_moment(self._last)[:16])
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

    # --- internals ---------------------------------------------------------------------------------------

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
            self.moment_label.setText(format_moment(at))
        if not self._emit_timer.isActive():
            self._emit_timer.start()

    def _emit_moment(self) -> None:
        self.momentChanged.emit(self._moment)

    def _on_live_toggled(self, on: bool) -> None:
        if on and self._has_range:
            self.set_moment(self._last)
        self.liveChanged.emit(on)

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.slider, self.known_then_box):  # Live stays available: it waits for the first report
            widget.setEnabled(on)
