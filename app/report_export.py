"""Exporting an audit report: gather it, render it in the format its file name asks for, hash the file, and
log the export as an ``AuditReportExported`` event (unless the store is open read-only, as an auditor's is:
then the report says nothing was logged, and the export still happens).

Renderers are passed in by the composition root: CSV and JSON live here, the PDF renderer lives with Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from app.audit_report import AuditReport, ReportError, ReportRequest, build_report
from app.fleet_service import FleetService
from app.report_files import sha256_of, write_csv, write_json
from domain.events import AuditReportExported, NewEvent
from domain.time import now_micros

Renderer = Callable[..., object]   # (report, path, *, progress, cancelled)
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


def export_report(service: FleetService, request: ReportRequest, path: str | Path, *, software: str,
                  renderers: Mapping[str, Renderer] | None = None, operator: str | None = None,
                  progress: Callable[[float, str], None] | None = None, cancelled: Callable[[], bool] = lambda: False,
                  clock: Callable[[], int] = now_micros, source: str = "operator",
                  report: AuditReport | None = None) -> ExportResult:
    """Make the report of ``request`` into ``path`` and log the export; returns what was written. ``source``
    goes into the logged event's metadata: ``operator`` (asked for) or ``schedule`` (a scheduled report).
    ``report``: the report of ``request`` gathered already (``build_report``), for several files of one
    report — gathering verifies the whole log, and the files then share one chain head."""
    fmt = report_format(path)
    chosen = {"csv": write_csv, "json": write_json, **(renderers or {})}
    if fmt not in chosen:
        raise ReportError(f"{path}: {fmt.upper()} reports are not available here")
    who = operator or service.operator

    def step(text: str) -> None:
        if progress is not None:
            progress(0.0, text)

    if report is None:
        report = build_report(service, request, generated_by=who, software=software, clock=clock, progress=step)
    elif report.request != request:
        raise ValueError("the report given was gathered for another request")
    chosen[fmt](report, path, progress=progress, cancelled=cancelled)
    digest = sha256_of(path)
    logged = None
    if not service.read_only:
        now = clock()
        exported = AuditReportExported(occurred_at=now, operator=who, range_from=request.start, range_to=request.end,
                                       ships=request.ships, zone=request.zone, format=fmt, file_name=Path(path).name,
                                       output_sha256=digest, events=report.events,
                                       head_position=report.integrity.head_position,
                                       head_hash=report.integrity.head_hash)
        result = service.append([NewEvent(exported, recorded_at=now, metadata={"source": source, "operator": who})])
        logged = result.appended[0].position
    return ExportResult(Path(path), fmt, digest, report.events, len(report.ships), logged, report.integrity.head_hash)
