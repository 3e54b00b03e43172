"""File › Import: AIS files into the open store on a worker thread, with progress, rate, ETA and Cancel.

The worker gets the source's ``import_files`` use case and the paths, nothing of Qt's widgets; it reports
by signals, which Qt queues to the GUI thread. Events reach the map as each batch commits (the source
publishes them), so the fleet fills in while the import runs. Cancel stops after the batch in hand: what
was committed stays, and importing the same files again completes the rest without duplicates.
"""
from __future__ import annotations

from typing import Callable, Protocol, Sequence, runtime_checkable

from PySide6.QtWidgets import QFileDialog, QWidget

from app.ais_import import ImportFailed, ImportOptions, ImportProgress, ImportRefused, ImportSummary
from app.errors import StoreError
from domain.display_text import visible, visible_lines
from ui.background_work import BackgroundRun, run_with_progress
from ui.plain_text import show_message

FILE_FILTER = ("AIS files (*.nmea *.aivdm *.raw *.log *.txt *.csv *.gz *.zip);;NMEA (*.nmea *.aivdm *.raw *.log *.txt);;"
               "CSV (*.csv);;Compressed (*.gz *.zip);;All files (*)")


@runtime_checkable
class ImportingSource(Protocol):
    """What takes files in: a console's ``app.imports.Imports`` (none while no store is open)."""

    read_only: bool

    def import_files(self, paths: Sequence[str], options: ImportOptions | None = None, *,
                     progress: Callable[[ImportProgress], None] | None = None,
                     cancelled: Callable[[], bool] = lambda: False) -> ImportSummary: ...


ImportRun = BackgroundRun  # an import under way (see ui.background_work)


def progress_text(progress: ImportProgress) -> str:
    """'file 1 of 2: noaa.csv — 120,000 read, 41,000/s, about 0:12 left'."""
    rate = progress.read / progress.seconds if progress.seconds > 0 else 0.0
    fraction = progress.fraction
    left = progress.seconds / fraction - progress.seconds if 0 < fraction < 1 else 0.0
    name = progress.file.rsplit("/", 1)[-1]
    return (f"File {progress.file_number} of {progress.files}: {name}\n"
            f"{progress.read:,} read · {progress.appended:,} appended · {progress.quarantined:,} quarantined\n"
            f"{rate:,.0f} per second · about {int(left) // 60}:{int(left) % 60:02d} left")


def summary_text(summary: ImportSummary) -> str:
    skipped = ", ".join(f"{what}: {count:,}" for what, count in sorted(summary.skipped_types.items())) or "none"
    head = "Import cancelled — what was committed stays; import again to complete it." if summary.cancelled \
        else "Import finished."
    if summary.ended_early:  # a truncated archive: what it held is in, the file named with where it ended
        head += "".join(f"\n\n{ended}; import the whole file again to complete it." for ended in summary.ended_early)
    return (f"{head}\n\nRead: {summary.read:,}\nAppended: {summary.appended:,}\n"
            f"Already in the log: {summary.duplicates:,}\nQuarantined: {summary.quarantined:,}\n"
            f"Skipped: {skipped}\nTime: {summary.seconds:,.1f} s")


def failure_text(error: Exception) -> tuple[str, str]:
    """The title and text that tell the operator why an import stopped, by what stopped it."""
    if isinstance(error, ImportRefused):  # the files or options, judged before anything was appended
        return "Import refused", f"Nothing was imported:\n{visible(str(error))}"
    if isinstance(error, ImportFailed):  # stopped part-way: what was committed before it stays, told exactly
        committed = error.summary
        why = "The store refused a batch" if isinstance(error.__cause__, StoreError) else "The import stopped"
        return "Import stopped", (f"{why}; what was committed before it is in the log ({committed.appended:,} "
                                  f"events appended, {committed.quarantined:,} records quarantined, "
                                  f"{committed.read:,} lines read). Importing the same files again completes "
                                  f"the rest:\n{visible(str(error))}")
    if isinstance(error, StoreError):  # the log refused a batch (busy, read-only, failing)
        return "Import stopped", (f"The store refused a batch; the batches before it are in the log, importing "
                                  f"the same files again completes the rest:\n{visible(str(error))}")
    if isinstance(error, OSError):  # a file that could not be read on the way
        return "Import stopped", f"A file could not be read; what was committed stays:\n{visible(str(error))}"
    return "Import failed", f"Nothing more was imported:\n{visible(str(error) or type(error).__name__)}"


def start_import(source: ImportingSource, paths: Sequence[str], parent: QWidget,
                 options: ImportOptions = ImportOptions(),
                 on_done: Callable[[ImportSummary], None] | None = None,
                 on_failed: Callable[[Exception], None] | None = None) -> ImportRun:
    """Run the import with a window-modal progress dialog over ``parent``; a summary box when it ends, or
    a warning saying why it stopped (unless ``on_done`` takes the summary, ``on_failed`` the exception)."""
    paths = list(paths)

    def finished(summary: ImportSummary) -> None:
        if on_done is not None:
            on_done(summary)
        else:
            show_message(parent, "Import", visible_lines(summary_text(summary)))

    def failed(error: Exception) -> None:
        if on_failed is not None:
            on_failed(error)
        else:
            show_message(parent, *failure_text(error), warning=True)

    return run_with_progress(
        lambda progress, cancelled: source.import_files(paths, options, progress=progress, cancelled=cancelled),
        parent, name="importProgress", title="Importing AIS data", first_text="Starting the import…",
        cancel_text="Cancelling after the batch in hand…",
        describe=lambda progress: (progress.fraction, progress_text(progress)), on_done=finished, on_failed=failed)


def choose_files(parent: QWidget, folder: str = "") -> list[str]:
    """Ask for AIS files to import (several at once)."""
    paths, _ = QFileDialog.getOpenFileNames(parent, "Import AIS files", folder, FILE_FILTER)
    return paths
