"""The dialog that names a zone: name, kind and optional speed limit, for a zone just drawn or one edited.

What the operator types is checked as it is typed, by the same decision the log's append makes
(``domain.zone_list.zone_definition``): an empty or taken name, an outline that cannot be a zone, a limit
out of range are named under the fields and the OK button waits. OK hands the fields to ``submit``, which
appends; the dialog closes only when the log took it, and otherwise says why (the zones changed meanwhile,
the log is read-only) and keeps what was typed.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from app.errors import StoreError
from app.zone_desk import ZonesChanged, ZonesReadOnly
from domain import ais
from domain.events import RecordedEvent
from domain.events.zones import MAX_ZONE_NAME_LENGTH
from domain.zone_list import InvalidZone, ZoneList, ZoneView, zone_definition
from domain.zone_shapes import InvalidOutline, area_nm2, outline_ring
from ui import theme
from ui.map.zone_layer import format_area, zone_kind_label
from domain.display_text import visible
from ui.formatting import in_text
from ui.operator_entry import escape_html
from ui.plain_text import plain_label, window_title

KIND_TIPS = {
    "port": "Arrivals and departures are noted; ships here are not flagged for loitering or close quarters",
    "restricted": "Entering it is a critical alert",
    "anchorage": "Where ships are expected to wait: entering it is noted, waiting is not loitering",
    "generic": "Any other area to watch: entering it is noted",
}
Submit = Callable[[str, str, "float | None"], list[RecordedEvent]]
# What the log answers an edit it does not take: the zones changed since they were shown, the log is open
# read-only, or the store refused the batch (busy, failing). Nothing was appended; the operator is told why.
EDIT_REFUSED = (ZonesChanged, ZonesReadOnly, StoreError)


class ZoneDialog(QDialog):
    """Name, kind and speed limit of a new zone (``outline`` its drawn corners) or of ``zone`` (an edit)."""

    def __init__(self, zones: ZoneList, operator: str, submit: Submit, *,
                 outline: Sequence[tuple[float, float]] | None = None, zone: ZoneView | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("zoneDialog")
        self.zones, self.outline, self.zone = zones, outline, zone
        self._submit = submit
        self.recorded: list[RecordedEvent] | None = None
        self.setWindowTitle("New zone" if zone is None else window_title(f"Zone {in_text(zone.name)}"))

        self.name_edit = QLineEdit(zone.name if zone is not None else "")
        self.name_edit.setMaxLength(MAX_ZONE_NAME_LENGTH + 20)  # longer names are refused with a reason, not cut
        self.name_edit.setPlaceholderText("e.g. Solent traffic separation, Berth 4, Firing range D")
        self.kind_combo = QComboBox()
        for kind in ("generic", "port", "anchorage", "restricted"):
            self.kind_combo.addItem(zone_kind_label(kind) if kind != "generic" else "Zone (generic)", kind)
            self.kind_combo.setItemData(self.kind_combo.count() - 1, KIND_TIPS[kind], Qt.ItemDataRole.ToolTipRole)
        if zone is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(zone.kind))
        self.limit_spin = QDoubleSpinBox()
        self.limit_spin.setDecimals(1)
        self.limit_spin.setRange(0.0, ais.SOG_MAX)
        self.limit_spin.setSingleStep(0.5)
        self.limit_spin.setSuffix(" kn")
        self.limit_spin.setSpecialValueText("No limit")
        self.limit_spin.setValue((zone.speed_limit_kn or 0.0) if zone is not None else 0.0)
        self.limit_spin.setToolTip("Ships faster than this inside the zone raise a speed alert (kn); "
                                   "'No limit' leaves them to the limit of their type")
        self.shape_label = QLabel(self._shape_text())
        self.shape_label.setStyleSheet(f"color: {theme.DIM_TEXT};")
        self.signature_label = QLabel(f"Defined by <b>{escape_html(in_text(operator))}</b>")
        self.signature_label.setTextFormat(Qt.TextFormat.RichText)  # on purpose: the name in it is escaped
        self.signature_label.setStyleSheet(f"color: {theme.DIM_TEXT};")
        self.error_label = plain_label(QLabel())  # may quote a zone's name
        self.error_label.setObjectName("zoneError")
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Define zone" if zone is None else "Save changes")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Kind", self.kind_combo)
        form.addRow("Speed limit", self.limit_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.shape_label)
        layout.addWidget(self.signature_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._check)
        self.kind_combo.currentIndexChanged.connect(self._check)
        self.limit_spin.valueChanged.connect(self._check)
        self.resize(440, self.sizeHint().height())
        self._check()

    # --- the fields ------------------------------------------------------------------------------------------

    def name(self) -> str:
        return self.name_edit.text().strip()

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def speed_limit(self) -> float | None:
        value = self.limit_spin.value()
        return None if value <= 0.0 else value

    def set_fields(self, name: str | None = None, kind: str | None = None, speed_limit: float | None = None) -> None:
        """Fill the fields as an operator would (for scripts and tests); None leaves a field as it is."""
        if name is not None:
            self.name_edit.setText(name)
        if kind is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        if speed_limit is not None:
            self.limit_spin.setValue(speed_limit)

    def problem(self) -> str:
        """What stops the zone being defined as the fields stand ('' when nothing does)."""
        try:
            events = zone_definition(self.zones, name=self.name(), kind=self.kind(), outline=self.outline,
                                     speed_limit_kn=self.speed_limit(),
                                     replacing=None if self.zone is None else self.zone.name, at=0)
        except InvalidZone as error:
            return _sentence(error)
        return "" if events else "Nothing changed yet."

    # --- QDialog -----------------------------------------------------------------------------------------------

    def accept(self) -> None:
        """Append the zone; close only if the log took it."""
        if self.problem():
            return
        try:
            self.recorded = self._submit(self.name(), self.kind(), self.speed_limit())
        except InvalidZone as error:
            self._show_error(f"The zone was not saved: {_sentence(error)}")
            return
        except EDIT_REFUSED as error:
            self._show_error(f"The zone was not saved: {error}")
            return
        super().accept()

    def _check(self, *_args) -> None:
        problem = self.problem()
        self.ok_button.setEnabled(not problem)
        self.error_label.setStyleSheet("color: #ff6b6b;" if problem != "Nothing changed yet." else
                                       f"color: {theme.DIM_TEXT};")
        self.error_label.setText(visible(problem))
        self.error_label.setVisible(bool(problem))

    def _show_error(self, text: str) -> None:
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setText(visible(text))
        self.error_label.show()

    def _shape_text(self) -> str:
        if self.outline is None:
            if self.zone is None:
                return ""
            return f"Outline unchanged · {format_area(self.zone.area_nm2)} nm²"
        try:
            ring = outline_ring(self.outline)
        except InvalidOutline:
            return f"Drawn outline: {len(self.outline)} corners"
        return f"Drawn outline: {len(ring)} corners · {format_area(area_nm2(((ring,),)))} nm²"


def _sentence(error: InvalidZone) -> str:
    """"Name: a zone named 'Solent' exists already." or "The outline crosses itself: ..." """
    reason = error.reason.rstrip(".")
    if error.field == "outline":
        return f"The outline {reason}." if not reason.startswith("a new zone") else f"{reason[:1].upper()}{reason[1:]}."
    return f"{error.field[:1].upper()}{error.field[1:]}: {reason}."

