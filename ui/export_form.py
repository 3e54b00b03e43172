"""The lower half every export dialog shares: the file row, a hint saying how the file name picks the
format, the message line, and Export / Cancel."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)


def lay_out_export_dialog(dialog: QDialog, form: QFormLayout, path_edit: QLineEdit, browse: QPushButton,
                          format_hint: str, message: QLabel) -> None:
    """Add the file row to ``form`` and lay ``dialog`` out: the form, the hint, the message, the buttons
    (Export accepts, Cancel rejects)."""
    file_row = QHBoxLayout()
    file_row.addWidget(path_edit, 1)
    file_row.addWidget(browse)
    form.addRow("File", file_row)
    hint = QLabel(format_hint)
    hint.setWordWrap(True)
    hint.setObjectName("dimLabel")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(hint)
    layout.addWidget(message)
    layout.addWidget(buttons)
