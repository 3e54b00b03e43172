"""Writing an operator's note: a few lines of text, signed with the operator's name, appended to the log.

The dialog hands the text to ``submit`` (the detail panel's call to ``Logbook.add_note``) and closes
only when that succeeds; if the log refuses the note the reason is shown in the dialog and the text kept.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QWidget

from domain.errors import DomainError
from domain.events import RecordedEvent
from ui.formatting import in_text
from ui.operator_entry import OperatorEntryDialog, escape_html

MAX_NOTE_LENGTH = 10_000  # what OperatorNoteAdded accepts


class NoteDialog(OperatorEntryDialog):
    """A note about one ship (or the watch), written by ``operator``."""

    def __init__(self, operator: str, subject: str, submit: Callable[[str], RecordedEvent],
                 parent: QWidget | None = None):
        super().__init__(title=f"Note on {subject}", heading_html=f"Note on <b>{escape_html(subject)}</b>",
                         signature_html=f"Signed by {escape_html(in_text(operator))}",
                         placeholder="What did you see or do? The note is added to the log and cannot be edited.",
                         ok_text="Add to log", what="note", max_length=MAX_NOTE_LENGTH, required=True,
                         submit=submit, refusals=(DomainError,), refused_text="The note was not added", parent=parent)
        self.setObjectName("noteDialog")
        self.subject_label = self.heading_label

    def text(self) -> str:
        return self.entry() or ""
