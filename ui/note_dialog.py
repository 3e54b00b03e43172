"""Writing an operator's note: a few lines of text, signed with the operator's name, appended to the log.

The dialog hands the text to ``submit`` (the detail panel's call to ``FleetSource.add_note``) and closes
only when that succeeds; if the log refuses the note the reason is shown in the dialog and the text kept.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from domain.errors import DomainError
from domain.events import RecordedEvent
from ui import theme

MAX_NOTE_LENGTH = 10_000  # what OperatorNoteAdded accepts


class NoteDialog(QDialog):
    """A note about one ship (or the watch), written by ``operator``."""

    def __init__(self, operator: str, subject: str, submit: Callable[[str], RecordedEvent],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Note on {subject}")
        self.setObjectName("noteDialog")
        self._submit = submit
        self.recorded: RecordedEvent | None = None

        self.subject_label = QLabel(f"Note on <b>{_escape(subject)}</b>")
        self.operator_label = QLabel(f"Signed by {_escape(operator)}")
        self.operator_label.setStyleSheet(f"color: {theme.DIM_TEXT};")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("What did you see or do? The note is added to the log and cannot be edited.")
        self.text_edit.setTabChangesFocus(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add to log")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text_edit.textChanged.connect(self._update_ok)

        layout = QVBoxLayout(self)
        layout.addWidget(self.subject_label)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.operator_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(460, 260)
        self._update_ok()

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def accept(self) -> None:
        """Append the note; close only if the log took it."""
        text = self.text()
        if not text or len(text) > MAX_NOTE_LENGTH:
            return
        try:
            self.recorded = self._submit(text)
        except DomainError as error:
            self.error_label.setText(f"The note was not added: {error}")
            self.error_label.show()
            return
        super().accept()

    def _update_ok(self) -> None:
        length = len(self.text())
        self.ok_button.setEnabled(0 < length <= MAX_NOTE_LENGTH)
        if length > MAX_NOTE_LENGTH:
            self.error_label.setText(f"A note can be at most {MAX_NOTE_LENGTH:,} characters ({length:,} now).")
            self.error_label.show()
        elif self.error_label.isVisible():
            self.error_label.hide()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
