"""Showing text from outside in Qt as text, never as markup.

A ``QLabel`` guesses: text that *looks* like HTML (``<font color=red>X</font>``) is drawn as rich text, and a
tooltip is rich text whenever it looks like HTML. Labels that show names, zone names, destinations, call
signs, notes or comments are therefore set to plain text once (:func:`plain_label`), and tooltips that carry
such text are written as HTML on purpose with the text escaped (:func:`text_tooltip`), so they show exactly
what the text says. Callers make the outside text in it visible first (``domain.display_text.visible``, or
``ui.formatting``'s ``ship_label``/``in_text``, which also isolate a right-to-left name from its neighbours).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # Qt.mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget



def plain_label(label: QLabel) -> QLabel:
    """The label, set to show its text as plain text whatever it looks like; returned for chaining."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def text_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` (already made visible) literally — markup as written, line feeds as line
    breaks, spaces kept — however much it looks like HTML: text Qt would read as HTML (by its own test,
``Qt.mightBeRichText``) is escaped into a paragraph; any other text is shown as it is. Empty: no tooltip."""
    if not text or not GuiQt.mightBeRichText(text):
        return text  # Qt shows it as plain text as it is
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"


def show_message(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> int:
    """A modal message box whose text (a file name, an error quoting a name) is shown as plain text."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box.exec()


def window_title(text: str) -> str:
    """A window title showing ``text`` literally: Qt reads ``[*]`` in a title as the 'modified' marker and
    hides it; written twice it shows once."""
    return text.replace("[*]", "[*][*]")
