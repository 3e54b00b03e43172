"""Exporting an audit report: gather it, render it in the format its file name asks for, hash the file, and
log the export as an ``AuditReportExported`` event (unless the store is open read-only, as an auditor's is:
then the report says nothing was logged, and the export still happens).

Renderers are passed in by the composition root: CSV and JSON live here, the PDF renderer lives with Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

from app.alert_desk import AlertDesk
from app.audit_report import AuditReport, ReportError, ReportRequest, build_report
from app.fleet_view import FleetView
from app.report_changes import changes_csv_path, write_changes_csv
from app.report_files import sha256_of, write_csv, write_json
from domain.events import AuditReportExported, NewEvent, RecordedEvent
from domain.time import now_micros
from store import AppendResult

Renderer = Callable[..., object]   # (report, path, *, progress, cancelled)
Append = Callable[[list[NewEvent]], AppendResult]
FORMAT_OF_SUFFIX = {".pdf": "pdf", ".csv": "csv", ".json": "json"}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    sha256: str
    events: int
    ships: int
    logged_at_position: int | None   # where AuditReportExported went in the log; None when read-only
    head_hash: str


def report_format(path: str | Path) -> str:
    """The format a report file's suffix asks for (.pdf, .csv or .json)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMAT_OF_SUFFIX:
        raise ReportError(f"{path}: the file name must end in .pdf, .csv or .json (the suffix picks the format)")
    return FORMAT_OF_SUFFIX[suffix]


class ReportDesk:
    """The reports of one console: gathered from the fleet view and the alert desk, the export logged through
    ``append`` and signed by ``operator``."""

    def __init__(self, fleet: FleetView, alerts: AlertDesk, append: Append, *, operator: str,
                 clock: Callable[[], int] = now_micros):
        self._fleet = fleet
        self._alerts = alerts
        self._append = append
        self.operator = operator
        self._clock = clock

    @property
    def read_only(self) -> bool:
        return self._fleet.store.read_only

    def build(self, request: ReportRequest, *, software: str,
              progress: Callable[[str], None] = lambda _step: None) -> AuditReport:
        """Gather the report of ``request`` (once, for several files of one report)."""
        return build_report(self._fleet, self._alerts, request, generated_by=self.operator, software=software,
                            clock=self._clock, progress=progress)

    def export(self, request: ReportRequest, path: str | Path, *, software: str,
               renderers: Mapping[str, Renderer] | None = None,
               progress: Callable[[float, str], None] | None = None, cancelled: Callable[[], bool] = lambda: False,
               source: str = "operator", report: AuditReport | None = None) -> ExportResult:
        """Make the report of ``request`` into ``path`` (format by suffix) and log the export (unless the
        store is read-only); returns what was written. ``source`` goes into the logged event's metadata:
        ``operator`` (asked for) or ``schedule`` (a scheduled report). ``report``: the report of ``request``
        gathered already (``build``), for several files of one report — gathering verifies the whole log,
        and the files then share one chain head."""
        fmt = report_format(path)
        chosen = {"csv": write_csv, "json": write_json, **(renderers or {})}
        if fmt not in chosen:
            raise ReportError(f"{path}: {fmt.upper()} reports are not available here")

        def step(text: str) -> None:
            if progress is not None:
                progress(0.0, text)

        if report is None:
            report = self.build(request, software=software, progress=step)
        elif report.request != request:
            raise ValueError("the report given was gathered for another request")
        chosen[fmt](report, path, progress=progress, cancelled=cancelled)
        if fmt == "csv" and report.changes is not None:  # its own header: a file beside the report
            write_changes_csv(report.changes, changes_csv_path(path))
        digest = sha256_of(path)
        logged = None
        if not self.read_only:
            now = self._clock()
            exported = AuditReportExported(
                occurred_at=now, operator=self.operator, range_from=request.start, range_to=request.end,
                ships=request.ships, zone=request.zone, format=fmt, file_name=Path(path).name, output_sha256=digest,
                events=report.events, head_position=report.integrity.head_position,
                head_hash=report.integrity.head_hash)
            metadata = {"source": source, "operator": self.operator}
            logged = self._append([NewEvent(exported, recorded_at=now, metadata=metadata)]).appended[0].position
        return ExportResult(Path(path), fmt, digest, report.events, len(report.ships), logged,
                            report.integrity.head_hash)

    def exported(self) -> Iterator[RecordedEvent]:
        """Every report export the log holds, in order."""
        return self._fleet.store.read_types((AuditReportExported.TYPE,))
