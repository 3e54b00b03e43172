"""Correcting a ship's particulars: the fields as the log holds them, edited, with the reason and the
operator's name; the correction is appended to the log as a new event, never an edit of an old one.

The dialog hands the changed fields and the reason to ``submit`` (the detail panel's call to
``Logbook.correct_particulars``) and closes only when the log took them; a refusal (a 12-digit IMO, no
reason, nothing changed) is shown in the dialog, naming the field, and what was typed is kept.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from domain import ais
from domain.errors import DomainError
from domain.events import RecordedEvent
from domain.ship import Ship
from ui import theme
from ui.formatting import in_text
from ui.operator_entry import escape_html
from ui.plain_text import plain_label, window_title

Submit = Callable[[dict[str, Any], str], RecordedEvent]
TEXT_FIELDS = (("name", "Name"), ("callsign", "Call sign"), ("destination", "Destination"))
NUMBER_FIELDS = (("imo", "IMO", int), ("length", "Length (m)", float), ("beam", "Beam (m)", float),
                 ("draught", "Draught (m)", float))
FIELD_CAPTIONS = {key: caption for key, caption, *_ in (*TEXT_FIELDS, *NUMBER_FIELDS)} | {"ship_type": "Type"}


class FieldError(ValueError):
    """A value typed into the dialog that is not a number where one is needed."""


def _number_text(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


class CorrectionDialog(QDialog):
    """The particulars of one ship, editable, with a required reason."""

    def __init__(self, ship: Ship, subject: str, operator: str, submit: Submit, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("correctionDialog")
        self.setWindowTitle(window_title(f"Correct particulars of {subject}"))
        self._ship = ship
        self._submit = submit
        self.recorded: RecordedEvent | None = None
        heading = QLabel(f"Correct the particulars of <b>{escape_html(subject)}</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)  # on purpose: the subject in it is escaped
        heading.setWordWrap(True)
        explain = QLabel("Change what is wrong. The correction is added to the log as a new event with your name "
                         "and reason; the ship's earlier reports stay as they were.")
        explain.setWordWrap(True)
        explain.setStyleSheet(f"color: {theme.DIM_TEXT};")

        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for key, caption in TEXT_FIELDS[:2]:
            self.edits[key] = self._text_edit(getattr(ship, key))
            form.addRow(caption, self.edits[key])
        self.type_box = QComboBox()
        self.type_box.addItem("(not known)" if ship.ship_type is None else ship.ship_type)
        self.type_box.addItems([name for name in ais.SHIP_TYPES if name != ship.ship_type])
        form.addRow("Type", self.type_box)
        for key, caption, kind in NUMBER_FIELDS:
            edit = QLineEdit(_number_text(getattr(ship, key)))
            edit.setValidator(QIntValidator(1_000_000, 9_999_999, edit) if kind is int
                              else QDoubleValidator(0.0, 1_000.0, 1, edit))
            self.edits[key] = edit
            form.addRow(caption, edit)
        self.edits["destination"] = self._text_edit(ship.destination)
        form.addRow("Destination", self.edits["destination"])
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("Why is this a correction? (required; e.g. 'name confirmed with the "
                                            "agent: transponder still sends the old name')")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(72)
        form.addRow("Reason", self.reason_edit)
        signature = QLabel(f"Signed by {escape_html(in_text(operator))}")
        signature.setTextFormat(Qt.TextFormat.RichText)
        signature.setStyleSheet(f"color: {theme.DIM_TEXT};")
        self.error_label = plain_label(QLabel())
        self.error_label.setObjectName("correctionError")
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add correction to log")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update_ok)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(signature)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())
        self._update_ok()

    @staticmethod
    def _text_edit(value: str | None) -> QLineEdit:
        edit = QLineEdit(value or "")
        edit.setMaxLength(120)
        return edit

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def changes(self) -> dict[str, Any]:
        """The fields whose text differs from what the log holds, as values (empty text: None)."""
        ship, changes = self._ship, {}
        for key, _caption in TEXT_FIELDS:
            text = self.edits[key].text().strip()
            if text != (getattr(ship, key) or ""):
                changes[key] = text or None
        if self.type_box.currentIndex() > 0:
            changes["ship_type"] = self.type_box.currentText()
        for key, caption, kind in NUMBER_FIELDS:
            text = self.edits[key].text().strip()
            if text == _number_text(getattr(ship, key)):
                continue
            try:
                changes[key] = kind(text.replace(",", ".")) if text else None
            except ValueError:
                raise FieldError(f"{caption}: {text!r} is not a number") from None
        return changes

    def accept(self) -> None:
        """Append the correction; close only if the log took it."""
        try:
            self.recorded = self._submit(self.changes(), self.reason())
        except (FieldError, DomainError) as error:
            self.error_label.setText(f"The correction was not added: {self._in_words(error)}")
            self.error_label.show()
            return
        super().accept()

    @staticmethod
    def _in_words(error: Exception) -> str:
        """'IMO: must be a 7-digit IMO number…' rather than 'ShipDetailsChanged.imo: …'."""
        field = getattr(error, "field", None)
        if field in FIELD_CAPTIONS:
            return f"{FIELD_CAPTIONS[field]}: {getattr(error, 'reason', error)}"
        return str(error)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))
