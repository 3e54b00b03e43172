"""Help › About: the application's name and version, and the versions of what it runs on.

Versions are read from installed package metadata (``app.version``), so nothing (SQLAlchemy in particular)
is imported into the UI just to name its version.
"""
from __future__ import annotations

import platform

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.version import APP_NAME, app_version, package_version


def component_versions() -> list[tuple[str, str]]:
    """(component, version) for what the console runs on."""
    def known(*names: str) -> str:
        return package_version(*names) or "not installed"

    return [("Python", platform.python_version()), ("Qt", qVersion()),
            ("PySide6", known("PySide6-Essentials", "PySide6")), ("pyqtgraph", known("pyqtgraph")),
            ("SQLAlchemy", known("SQLAlchemy")), ("numpy", known("numpy"))]


def about_text() -> str:
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;{version}</td></tr>" for name, version in component_versions())
    return (f"<h3>{APP_NAME} {app_version()}</h3>"
            "<p>Ships on a map, and the log of everything they reported: scrub back to any moment, "
            "as it happened or as it was known then.</p>"
            f"<table>{rows}</table>")


class AboutDialog(QDialog):
    """A small dialog with ``about_text``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.text = QLabel(about_text())
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
