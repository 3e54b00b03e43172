"""File › Export report (Ctrl+E): choose the range, the ships (all, the selected one, a list, or those that
were in a zone), what a PDF contains, and the file; the report is made on a worker thread with progress and
Cancel, and its export is logged (except in a read-only store, which the dialog says before the operator
starts).

The format follows the file name (.pdf, .csv, .json), as on the command line; the content choices apply to
PDF reports (CSV and JSON files always hold their whole layout), so they are offered only for a .pdf file.
The worker gets the report desk's ``export`` use case and plain values; it reports by signals, queued to
the GUI thread.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from app.audit_report import SECTION_TITLES, SECTIONS, ReportError, ReportRequest
from app.report_files import ReportCancelled, ReportFileError
from app.report_export import ExportResult, report_format
from app.version import app_version
from domain.display_text import visible, visible_lines
from ui.background_work import BackgroundRun, run_with_progress
from ui.export_form import lay_out_export_dialog
from ui.plain_text import plain_label, show_message
from ui.timeline_jump import utc_time_edit

FILE_FILTER = "PDF report (*.pdf);;CSV, one row per event (*.csv);;JSON, events with summary and integrity (*.json)"
NO_ZONE = "Anywhere (no zone)"


@runtime_checkable
class ReportingSource(Protocol):
    """What exports reports: a console's ``app.report_export.ReportDesk``."""

    read_only: bool

    def export(self, request: ReportRequest, path: str, *, software: str, renderers: dict,
               progress: Callable[[float, str], None] | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> ExportResult: ...


def pdf_renderers() -> dict:
    """The renderers the console hands to report exports: the PDF one (``pdf_report``, Qt's PDF writer)."""
    from pdf_report.render import render_pdf

    return {"pdf": render_pdf}


class ReportDialog(QDialog):
    """Range, ships, zone, content and file of a report."""

    def __init__(self, time_range: tuple[int, int], moment: int | None, selected_ship: int | None,
                 read_only: bool, parent: QWidget | None = None, folder: str = "", zones: Sequence[str] = ()):
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle("Export audit report")
        first, last = time_range
        self.start_edit = utc_time_edit(max(first, (moment or last) - 24 * 3_600_000_000))
        self.end_edit = utc_time_edit(moment or last)
        self.all_ships = QRadioButton("All ships")
        self.selected = QRadioButton("The selected ship" + (f" ({selected_ship})" if selected_ship else ""))
        self.listed = QRadioButton("These ships (MMSIs):")
        self.ship_list = QLineEdit()
        self.ship_list.setPlaceholderText("e.g. 219000001, 235000002")
        group = QButtonGroup(self)
        for button in (self.all_ships, self.selected, self.listed):
            group.addButton(button)
        self.all_ships.setChecked(True)
        self.selected.setEnabled(selected_ship is not None)
        self._selected_ship = selected_ship
        self.zone_box = QComboBox()
        self.zone_box.addItem(NO_ZONE)
        for zone in zones:  # shown with hidden characters made visible; chosen by the exact name
            self.zone_box.addItem(visible(zone), zone)
        self.zone_box.setEnabled(bool(zones))
        self.zone_box.setToolTip("Only the ships that reported inside this zone in the range, with all their events"
                                 if zones else "No zones are defined in this store")
        self.section_boxes: dict[str, QCheckBox] = {}
        for name in SECTIONS:
            box = QCheckBox(SECTION_TITLES[name])
            box.setChecked(True)
            self.section_boxes[name] = box
        self.path_edit = QLineEdit(str(Path(folder or Path.home()) / "audit-report.pdf"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_file)
        self.message = plain_label(QLabel())  # may quote a zone's name
        self.message.setWordWrap(True)
        self.message.setObjectName("reportMessage")
        if read_only:
            self.message.setText("This store is open read-only (auditor mode): the report is made, but its export "
                                 "is not logged.")

        form = QFormLayout()
        form.addRow("From (UTC)", self.start_edit)
        form.addRow("To (UTC)", self.end_edit)
        ships = QVBoxLayout()
        ships.addWidget(self.all_ships)
        ships.addWidget(self.selected)
        listed_row = QHBoxLayout()
        listed_row.addWidget(self.listed)
        listed_row.addWidget(self.ship_list, 1)
        ships.addLayout(listed_row)
        form.addRow("Ships", ships)
        form.addRow("In zone", self.zone_box)
        content = QGridLayout()
        for number, box in enumerate(self.section_boxes.values()):
            content.addWidget(box, number // 2, number % 2)
        self.content_note = QLabel()
        self.content_note.setObjectName("dimLabel")
        self.content_note.setWordWrap(True)
        content.addWidget(self.content_note, 2, 0, 1, 2)
        form.addRow("Content", content)
        lay_out_export_dialog(self, form, self.path_edit, browse,
                              "The file name picks the format: .pdf (summary, map, ships, listing, integrity), "
                              ".csv (one row per event) or .json (events, summary and integrity).",
                              self.message)
        self.ship_list.textEdited.connect(lambda _text: self.listed.setChecked(True))
        self.path_edit.textChanged.connect(self._offer_content)
        self._offer_content()
        self.resize(600, self.sizeHint().height())
        self.request: ReportRequest | None = None

    def _offer_content(self) -> None:
        """The content choices apply to a PDF; a CSV or JSON file always holds the whole listing."""
        is_pdf = Path(self.path_edit.text()).suffix.lower() == ".pdf"
        for box in self.section_boxes.values():
            box.setEnabled(is_pdf)
        self.content_note.setText("The title page and the integrity section are always included." if is_pdf else
                                  "CSV and JSON reports always hold every event, the summary (JSON) and the "
                                  "integrity record (JSON); the content choices are for PDF reports.")

    def zone(self) -> str | None:
        return None if self.zone_box.currentIndex() <= 0 else str(self.zone_box.currentData())

    def sections(self) -> frozenset[str]:
        """The optional parts of the PDF that are ticked (all of them for CSV and JSON)."""
        if Path(self.path_edit.text()).suffix.lower() != ".pdf":
            return frozenset(SECTIONS)
        return frozenset(name for name, box in self.section_boxes.items() if box.isChecked())

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export audit report", self.path_edit.text(), FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def ships(self) -> tuple[int, ...]:
        if self.selected.isChecked() and self._selected_ship is not None:
            return (self._selected_ship,)
        if self.listed.isChecked():
            parts = [part for part in self.ship_list.text().replace(";", ",").replace(" ", ",").split(",") if part]
            if not parts or not all(part.isdigit() and len(part) <= 9 and int(part) > 0 for part in parts):
                raise ReportError("list the ships by MMSI (numbers of up to 9 digits, separated by commas)")
            return tuple(dict.fromkeys(int(part) for part in parts))
        return ()

    def accept(self) -> None:
        """Check the choices; the dialog closes only when they make a report."""
        try:
            start = self.start_edit.dateTime().toMSecsSinceEpoch() * 1_000
            end = self.end_edit.dateTime().toMSecsSinceEpoch() * 1_000
            report_format(self.path_edit.text())
            request = ReportRequest(start, end, self.ships(), self.zone(), self.sections())
        except ReportError as error:
            self.request = None
            self.message.setText(visible(str(error)))
            return
        self.request = request
        super().accept()

    def path(self) -> str:
        return self.path_edit.text()


ReportRun = BackgroundRun  # a report under way (see ui.background_work)


def result_text(result: ExportResult) -> str:
    logged = (f"Logged as event {result.logged_at_position:,}." if result.logged_at_position is not None
              else "Not logged: the store is open read-only.")
    return (f"The report was written to\n{result.path}\n\n{result.events:,} events, {result.ships:,} ships.\n"
            f"SHA-256 of the file: {result.sha256}\n{logged}")


def failure_text(error: Exception) -> tuple[str, str]:
    """The title and text that tell the operator why no report was written, by what stopped it."""
    if isinstance(error, ReportCancelled):  # the operator's Cancel
        return "Report cancelled", "The report was cancelled; no file was written."
    if isinstance(error, (ReportError, ReportFileError, OSError)):  # the request, or the file, cannot be
        return "Report not exported", f"No report was written:\n{visible(str(error))}"
    return "Report not exported", f"No report was written:\n{visible(str(error) or type(error).__name__)}"


def start_report(source: ReportingSource, request: ReportRequest, path: str, parent: QWidget,
                 on_done: Callable[[ExportResult], None] | None = None,
                 on_failed: Callable[[Exception], None] | None = None) -> ReportRun:
    """Run the export with a window-modal progress dialog; a message box when it ends (unless ``on_done``
    takes the result, ``on_failed`` the exception)."""
    def export(progress: Callable[[object], None], cancelled: Callable[[], bool]) -> ExportResult:
        renderers = pdf_renderers() if report_format(path) == "pdf" else {}
        return source.export(request, path, software=f"Fleet Logbook {app_version()}", renderers=renderers,
                             progress=lambda fraction, text: progress((fraction, text)), cancelled=cancelled)

    def finished(result: ExportResult) -> None:
        if on_done is not None:
            on_done(result)
        else:
            show_message(parent, "Report exported", visible_lines(result_text(result)))

    def failed(error: Exception) -> None:
        if on_failed is not None:
            on_failed(error)
        else:
            title, text = failure_text(error)
            show_message(parent, title, text, warning=not isinstance(error, ReportCancelled))

    return run_with_progress(export, parent, name="reportProgress", title="Exporting audit report",
                             first_text="Gathering the report…", cancel_text="Cancelling…",
                             describe=lambda step: step, on_done=finished, on_failed=failed)
