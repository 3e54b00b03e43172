"""The dialog an operator signs: a heading saying what it is about, the operator's name, a text, and OK.

Notes and alert acknowledgements are both a few lines written by a named operator and appended to the log.
The dialog hands the text to ``submit`` and closes only when the log took it; if the log refuses, the
reason is shown and the text kept.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from domain.events import RecordedEvent
from ui import theme
from ui.plain_text import plain_label, window_title


def escape_html(text: str) -> str:
    """Text to put into rich text as it is (callers show outside text visibly first, see ui.formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class OperatorEntryDialog(QDialog):
    """A signed entry for the log. ``required`` entries need some text; all are at most ``max_length``."""

    def __init__(self, *, title: str, heading_html: str, signature_html: str, placeholder: str, ok_text: str,
                 what: str, max_length: int, required: bool, submit: Callable[[str | None], RecordedEvent],
                 refusals: tuple[type[BaseException], ...], refused_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(window_title(title))
        self._submit = submit
        self._what, self._max_length, self._required = what, max_length, required
        self._refusals, self._refused_text = refusals, refused_text
        self.recorded: RecordedEvent | None = None

        self.heading_label = QLabel(heading_html)  # rich text on purpose: what it quotes is escaped
        self.heading_label.setTextFormat(Qt.TextFormat.RichText)
        self.heading_label.setWordWrap(True)
        self.operator_label = QLabel(signature_html)
        self.operator_label.setTextFormat(Qt.TextFormat.RichText)
        self.operator_label.setStyleSheet(f"color: {theme.DIM_TEXT};")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(placeholder)
        self.text_edit.setTabChangesFocus(True)
        self.error_label = plain_label(QLabel())
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text_edit.textChanged.connect(self._update_ok)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.operator_label)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(460, 260)
        self._update_ok()

    def entry(self) -> str | None:
        """The text written, trimmed; None when empty."""
        return self.text_edit.toPlainText().strip() or None

    def _acceptable(self, length: int) -> bool:
        return (length > 0 or not self._required) and length <= self._max_length

    def accept(self) -> None:
        """Append the entry; close only if the log took it."""
        entry = self.entry()
        if not self._acceptable(len(entry or "")):
            return
        try:
            self.recorded = self._submit(entry)
        except self._refusals as error:
            self.error_label.setText(f"{self._refused_text}: {error}")
            self.error_label.show()
            return
        super().accept()

    def _update_ok(self) -> None:
        length = len(self.entry() or "")
        self.ok_button.setEnabled(self._acceptable(length))
        if length > self._max_length:
            self.error_label.setText(f"A {self._what} can be at most {self._max_length:,} characters ({length:,} now).")
            self.error_label.show()
        elif self.error_label.isVisible():
            self.error_label.hide()
