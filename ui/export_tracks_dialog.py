"""File › Export tracks: the ships' tracks of a time range as GeoJSON, KML or GPX (the file name picks the
format), for all ships, the selected one, or those listed in the fleet table (its filter), thinned by
distance if asked; written on a worker thread with progress and Cancel (``ui.background_work``), the file
whole or not at all."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QVBoxLayout, QWidget)

from app.fleet_view import FleetView
from app.track_export import (TrackExportCancelled, TrackExportError, TrackExportRequest, TrackExportResult,
                              export_tracks, track_format)
from domain.display_text import visible, visible_lines
from ui.background_work import BackgroundRun, run_with_progress
from ui.export_form import lay_out_export_dialog
from ui.plain_text import plain_label, show_message
from ui.timeline_jump import utc_time_edit

FILE_FILTER = ("GeoJSON, a LineString per ship (*.geojson);;KML for Google Earth, a gx:Track per ship (*.kml);;"
               "GPX 1.1 for chart plotters, a track per ship (*.gpx)")


class ExportTracksDialog(QDialog):
    """Range, ships, thinning and file of a track export."""

    def __init__(self, time_range: tuple[int, int], moment: int | None, selected_ship: int | None,
                 listed_ships: Sequence[int], parent: QWidget | None = None, folder: str = ""):
        super().__init__(parent)
        self.setObjectName("exportTracksDialog")
        self.setWindowTitle("Export tracks")
        first, last = time_range
        self.start_edit = utc_time_edit(max(first, (moment or last) - 3_600_000_000))
        self.end_edit = utc_time_edit(moment or last)
        self._selected_ship = selected_ship
        self._listed = tuple(listed_ships)
        self.all_ships = QRadioButton("All ships that reported in the range")
        self.selected = QRadioButton("The selected ship" + (f" ({selected_ship})" if selected_ship else ""))
        self.listed = QRadioButton(f"The {len(self._listed):,} ships listed in the fleet table")
        group = QButtonGroup(self)
        for button in (self.all_ships, self.selected, self.listed):
            group.addButton(button)
        self.selected.setEnabled(selected_ship is not None)
        self.listed.setEnabled(bool(self._listed))
        (self.selected if selected_ship is not None else self.all_ships).setChecked(True)
        self.simplify = QDoubleSpinBox()
        self.simplify.setRange(0, 100_000)
        self.simplify.setDecimals(0)
        self.simplify.setSuffix(" m")
        self.simplify.setSpecialValueText("every report")
        self.simplify.setToolTip("Keep a report only once the ship is this far from the last one kept; each "
                                 "segment's first and last reports are always kept")
        self.path_edit = QLineEdit(str(Path(folder or Path.home()) / "tracks.geojson"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_file)
        self.message = plain_label(QLabel())
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("From (UTC)", self.start_edit)
        form.addRow("To (UTC)", self.end_edit)
        ships = QVBoxLayout()
        for button in (self.all_ships, self.selected, self.listed):
            ships.addWidget(button)
        form.addRow("Ships", ships)
        form.addRow("Thin to", self.simplify)
        lay_out_export_dialog(self, form, self.path_edit, browse,
                              "The file name picks the format: .geojson (a LineString per ship with its times), .kml "
                              "(a gx:Track per ship, coloured by type) or .gpx (a track per ship, a segment per run of "
                              "reports, speed and course as extensions).",
                              self.message)
        self.resize(600, self.sizeHint().height())
        self.request: TrackExportRequest | None = None

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export tracks", self.path_edit.text(), FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def ships(self) -> tuple[int, ...]:
        if self.selected.isChecked() and self._selected_ship is not None:
            return (self._selected_ship,)
        if self.listed.isChecked():
            return self._listed
        return ()

    def accept(self) -> None:
        """Check the choices; the dialog closes only when they make an export."""
        try:
            track_format(self.path_edit.text())
            self.request = TrackExportRequest(self.start_edit.dateTime().toMSecsSinceEpoch() * 1_000,
                                              self.end_edit.dateTime().toMSecsSinceEpoch() * 1_000,
                                              self.ships(), None, float(self.simplify.value()))
        except TrackExportError as error:
            self.request = None
            self.message.setText(visible(str(error)))
            return
        super().accept()

    def path(self) -> str:
        return self.path_edit.text()


def result_text(result: TrackExportResult) -> str:
    return (f"The tracks were written to\n{result.path}\n\n{result.ships:,} ships, {result.points:,} points "
            f"({result.format.upper()}).\nSHA-256 of the file: {result.sha256}")


def start_track_export(fleet: FleetView, request: TrackExportRequest, path: str, parent: QWidget,
                       on_done: Callable[[TrackExportResult], None] | None = None,
                       on_failed: Callable[[Exception], None] | None = None) -> BackgroundRun:
    """Run the export behind a window-modal progress dialog with Cancel; a message box when it ends (unless
    ``on_done`` takes the result, ``on_failed`` the exception)."""
    def work(progress: Callable[[object], None], cancelled: Callable[[], bool]) -> TrackExportResult:
        return export_tracks(fleet, request, path, progress=lambda fraction, text: progress((fraction, text)),
                             cancelled=cancelled)

    def finished(result: TrackExportResult) -> None:
        if on_done is not None:
            on_done(result)
        else:
            show_message(parent, "Tracks exported", visible_lines(result_text(result)))

    def failed(error: Exception) -> None:
        if on_failed is not None:
            on_failed(error)
            return
        if isinstance(error, TrackExportCancelled):
            show_message(parent, "Export cancelled", "The export was cancelled; no file was written.")
        else:
            show_message(parent, "Tracks not exported",
                         f"No file was written:\n{visible(str(error) or type(error).__name__)}", warning=True)

    return run_with_progress(work, parent, name="trackExportProgress", title="Exporting tracks",
                             first_text="Reading the tracks…", cancel_text="Cancelling…",
                             describe=lambda step: step, on_done=finished, on_failed=failed)


class ExportTracksCommand:
    """File › Export tracks for one window: asks the dialog with the moment, the selected ship and the ships
    the fleet table lists, then exports on a worker."""

    def __init__(self, parent: QWidget, time_range: Callable[[], tuple[int, int] | None],
                 moment: Callable[[], int | None], selected_ship: Callable[[], int | None],
                 listed_ships: Callable[[], Sequence[int]], fleet: Callable[[], FleetView]):
        from PySide6.QtGui import QAction

        self.parent = parent
        self._time_range, self._moment, self._selected = time_range, moment, selected_ship
        self._listed, self._fleet = listed_ships, fleet
        self.folder = ""
        self.action = QAction("Export &tracks…", parent)
        self.action.setToolTip("Export the ships' tracks of a time range as GeoJSON, KML or GPX")
        self.action.setStatusTip(self.action.toolTip())
        self.action.triggered.connect(lambda: self.run())

    def run(self) -> BackgroundRun | None:
        time_range = self._time_range()
        if time_range is None:
            show_message(self.parent, "Export tracks", "Open a store with reports to export tracks of it.")
            return None
        dialog = ExportTracksDialog(time_range, self._moment(), self._selected(), self._listed(), self.parent,
                                    folder=self.folder)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.request is None:
            return None
        self.folder = str(Path(dialog.path()).parent)
        return start_track_export(self._fleet(), dialog.request, dialog.path(), self.parent)
