"""Entry fields of the settings dialog that speak the operator's units: durations written as '30 min' or
'1 h 30 min' (the settings file keeps seconds), knots, metres with their nautical miles alongside.

``duration_text`` and ``parse_duration`` are exact inverses on whole seconds, so a value shown and read
back is the value that was there.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

METRES_PER_NM = 1_852.0
_UNITS = (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1))
_SPELLINGS = {"d": 86_400, "day": 86_400, "days": 86_400, "h": 3_600, "hr": 3_600, "hour": 3_600, "hours": 3_600,
              "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
              "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


class DurationError(ValueError):
    """Text that is not a duration."""


def duration_text(seconds: float) -> str:
    """'30 min', '1 h 30 min', '2 d', '45 s', '0 s' (whole seconds; every non-zero part named)."""
    left = int(round(seconds))
    parts = []
    for unit, size in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts) or "0 s"


def parse_duration(text: str) -> float:
    """Seconds from '30 min', '1 h 30 min', '2h', '1.5 h', '90 s' or '90' (a bare number is seconds)."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise DurationError("empty")
    total, position = 0.0, 0
    while position < len(cleaned):
        match = _PART.match(cleaned, position)
        if match is None or match.end() == position:
            raise DurationError(f"not a duration: {text!r} (write e.g. 30 min, 2 h, 1 h 30 min, 90 s)")
        unit = match[2] or "s"
        if unit not in _SPELLINGS:
            raise DurationError(f"unknown unit {match[2]!r} in {text!r} (use d, h, min or s)")
        total += float(match[1]) * _SPELLINGS[unit]
        position = match.end()
    return float(round(total))


class DurationBox(QDoubleSpinBox):
    """A duration in seconds, shown and typed as '30 min', '1 h 30 min'; arrows step by a minute under an
    hour, a quarter of an hour under a day, an hour above."""

    def __init__(self, low_s: float, high_s: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDecimals(0)
        self.setRange(low_s, high_s)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setToolTip(f"From {duration_text(low_s)} to {duration_text(high_s)}; type e.g. 45 min, 2 h, "
                        "1 h 30 min or 90 s")
        self.setMinimumWidth(110)

    def textFromValue(self, value: float) -> str:
        return duration_text(value)

    def valueFromText(self, text: str) -> float:
        try:
            return parse_duration(text)
        except DurationError:
            return self.value()

    def validate(self, text: str, position: int):
        try:
            value = parse_duration(text)
        except DurationError:
            return QValidator.State.Intermediate, text, position
        state = QValidator.State.Acceptable if self.minimum() <= value <= self.maximum() \
            else QValidator.State.Intermediate
        return state, text, position

    def fixup(self, text: str) -> str:
        return duration_text(self.value())

    def stepBy(self, steps: int) -> None:
        value = self.value()
        size = 60 if value < 3_600 else 900 if value < 86_400 else 3_600
        self.setValue(value + steps * size)


def knots_box(low: float, high: float, *, special: str | None = None) -> QDoubleSpinBox:
    """A speed to 0.1 kn; with ``special``, its lowest value is shown as that word (e.g. 'no limit')."""
    box = QDoubleSpinBox()
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setRange(low, high)
    box.setSuffix(" kn")
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    if special:
        box.setSpecialValueText(special)
    box.setMinimumWidth(110)
    return box


def number_box(low: float, high: float, *, decimals: int = 1, step: float = 1.0, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    box.setMinimumWidth(110)
    return box


class MetresField(QWidget):
    """A distance in metres with its nautical miles beside it ('926 m' · '0.50 nm')."""

    def __init__(self, low: float, high: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.box = number_box(low, high, decimals=1, step=50.0, suffix=" m")
        self.nautical = QLabel()
        self.nautical.setObjectName("dimLabel")
        self.nautical.setMinimumWidth(56)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.nautical)
        self.box.valueChanged.connect(self._show_nautical)
        self._show_nautical(self.box.value())

    def _show_nautical(self, metres: float) -> None:
        self.nautical.setText(f"{metres / METRES_PER_NM:.2f} nm")

    def value(self) -> float:
        return self.box.value()

    def setValue(self, metres: float) -> None:
        self.box.setValue(metres)
