"""What the console's menus do: open another store, import files, live feeds, export a report, who is on
watch, settings, about, find a ship.

Each command reads what it needs from the ``ConsoleState`` and the source it is given, remembers folders
and names in the ``UiSettings`` it is handed, and opens its dialogs over the ``parent`` widget. Opening a
store is only asked for (``openStoreRequested``): the composition root opens it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMessageBox, QWidget

from ui.about import AboutDialog
from ui.console_state import ConsoleState
from app.console import Console
from ui.feeds_dialog import FeedsDialog
from ui.fleet_table import FleetTable
from ui.import_dialog import ImportRun, choose_files, start_import
from ui.report_dialog import ReportDialog, ReportRun, start_report
from ui.settings import LAST_IMPORT_FOLDER, LAST_REPORT_FOLDER, LAST_STORE_PATH, OPERATOR_NAME, UiSettings
from ui.settings_dialog import SettingsDialog
from ui.status_bar import ConsoleStatusBar
from ui.timeline import TimelineBar

STORE_FILTER = "Fleet stores (*.sqlite *.sqlite3 *.db);;All files (*)"
IMPORT_TIP = "Import NMEA or CSV files (NOAA, DMA, others; gzip and zip too) into this store"
NO_WRITABLE_STORE = " (not available: no writable store is open)"


def can_import(source: Console) -> bool:
    """Files can be imported, and receiver feeds started, into a writable store."""
    return source.imports is not None and not source.imports.read_only


def can_report(source: Console) -> bool:
    return source.reports is not None


def shared_store_refusal(url: str) -> str | None:
    """Why ``url`` cannot name a shared store here (None when it can): only ``postgresql://`` URLs, and never
    one carrying a password, which would end up in settings and logs."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"A shared store is named by a postgresql:// URL, not {url.split('://')[0] or url!r}://…"
    if parts.password:
        return ("The URL holds a password: give it in PGPASSWORD, ~/.pgpass or a service file instead, so it "
                "is never kept in the console's settings or shown on screen.")
    return None


def import_tip(source: Console) -> str:
    """What File › Import does, and why it cannot when it cannot."""
    return IMPORT_TIP + ("" if can_import(source) else NO_WRITABLE_STORE)


class ConsoleCommands(QObject):
    """The menu commands of one console, over the source it is showing."""

    openStoreRequested = Signal(str)  # the operator chose a store file to open (File › Open store…)

    def __init__(self, state: ConsoleState, settings: UiSettings, source: Console, timeline: TimelineBar,
                 status: ConsoleStatusBar, fleet_dock: QDockWidget, fleet_table: FleetTable, parent: QWidget):
        super().__init__(parent)
        self.parent_widget = parent
        self.state, self.settings, self.source = state, settings, source
        self.timeline, self.status = timeline, status
        self.fleet_dock, self.fleet_table = fleet_dock, fleet_table
        self.settings_target = None  # the running console's jobs, for File › Settings (set by its controller)
        self.feeds_dialog: FeedsDialog | None = None

    def use_source(self, source: Console) -> None:
        """Act on another store's source from now on, signed by the operator on watch."""
        self.source = source
        self.apply_operator_name()

    # --- File -------------------------------------------------------------------------------------------------

    def choose_store(self) -> None:
        """File › Open store…: ask for a store file, then ``request_open_store``."""
        last = self.settings.get(LAST_STORE_PATH)
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open store",
                                              str(Path(last).parent) if last else "", STORE_FILTER)
        if path:
            self.request_open_store(path)

    def choose_shared_store(self) -> str | None:
        """File › Open shared store…: ask for a shared store's ``postgresql://`` URL (never with a password: it
        comes from ``PGPASSWORD``, ``~/.pgpass`` or a service file), then ``request_open_store``."""
        last = self.settings.get(LAST_STORE_PATH) or ""
        url, ok = QInputDialog.getText(
            self.parent_widget, "Open shared store",
            "PostgreSQL URL of the shared store, e.g. postgresql://watch.example.org/fleet\n"
            "(no password here: it is read from PGPASSWORD, ~/.pgpass or a service file)",
            text=last if "://" in last else "postgresql://")
        url = url.strip()
        if not ok or not url:
            return None
        refusal = shared_store_refusal(url)
        if refusal:
            QMessageBox.warning(self.parent_widget, "Open shared store", refusal)
            return None
        self.request_open_store(url)
        return url

    def request_open_store(self, path: str) -> None:
        """Remember ``path`` as the last store and ask the composition root to open it."""
        self.settings.set(LAST_STORE_PATH, str(path))
        self.openStoreRequested.emit(str(path))

    def import_files(self, paths: Sequence[str] | None = None) -> ImportRun | None:
        """File › Import: ask for files (unless given), then import them on a worker with progress."""
        imports = self.source.imports
        if imports is None or imports.read_only:
            QMessageBox.information(self.parent_widget, "Import", import_tip(self.source))
            return None
        if paths is None:
            paths = choose_files(self.parent_widget, self.settings.get(LAST_IMPORT_FOLDER) or "")
        if not paths:
            return None
        self.settings.set(LAST_IMPORT_FOLDER, str(Path(paths[0]).parent))
        return start_import(imports, paths, self.parent_widget)

    def show_feeds(self) -> FeedsDialog | None:
        """File › Live feeds: the dialog that starts and stops receiver feeds (kept while the console lives)."""
        imports = self.source.imports
        if imports is None:
            return None
        if self.feeds_dialog is None or self.feeds_dialog.control is not imports.feeds:
            self.feeds_dialog = FeedsDialog(imports, self.parent_widget)
        self.feeds_dialog.show()
        self.feeds_dialog.raise_()
        return self.feeds_dialog

    def export_report(self) -> ReportRun | None:
        """File › Export report: choose range, ships, zone, content and file, then export on a worker with
        progress."""
        reports = self.source.reports
        time_range = self.timeline.time_range()
        if reports is None or time_range is None:
            QMessageBox.information(self.parent_widget, "Export report",
                                    "Open a store with events to export a report of it.")
            return None
        dialog = ReportDialog(time_range, self.state.moment, self.state.selected_ship, reports.read_only,
                              self.parent_widget, folder=self.settings.get(LAST_REPORT_FOLDER),
                              zones=sorted(zone.name for zone in self.source.zones.in_force()))
        if dialog.exec() != ReportDialog.DialogCode.Accepted or dialog.request is None:
            return None
        self.settings.set(LAST_REPORT_FOLDER, str(Path(dialog.path()).parent))
        return start_report(reports, dialog.request, dialog.path(), self.parent_widget)

    def ask_operator_name(self) -> None:
        """File › Operator name: ask who is on watch."""
        current = getattr(self.source, "operator", "")
        name, ok = QInputDialog.getText(self.parent_widget, "Operator name",
                                        "Sign notes, acknowledgements, imports and reports as:", text=current)
        if ok and name.strip():
            self.set_operator_name(name)

    def set_operator_name(self, name: str) -> None:
        """Sign what this console appends with ``name`` ('' goes back to the OS user); remembered."""
        self.settings.set(OPERATOR_NAME, name.strip()[:80])
        self.apply_operator_name()

    def apply_operator_name(self) -> None:
        """Sign the source's appends with the remembered name, and show who signs in the status bar."""
        name = self.settings.get(OPERATOR_NAME)
        if name:
            self.source.operator = name  # every desk of the console signs with it
        self.status.set_operator(self.source.operator, self.source.read_only)

    def show_settings(self) -> SettingsDialog:
        """File › Settings: the rules' thresholds, the scheduled report, the background jobs."""
        dialog = SettingsDialog(self.settings_target, self.parent_widget, time_zone=self.state.time_zone)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- Go and Help ------------------------------------------------------------------------------------------

    def find_ship(self) -> None:
        """Go › Find ship: show the fleet dock and put the cursor in its filter box."""
        self.fleet_dock.show()
        self.fleet_dock.raise_()
        self.fleet_table.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.fleet_table.filter_box.selectAll()

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
