"""Audit report benchmark: a PDF report of 200 ships over 24 hours (≈1,000,000 events), end to end.

``report_pdf_s`` times what an operator waits for: gathering the report (counts, tracks, alerts, notes,
verifying the whole log), rendering every page including the full event listing, hashing the file and
logging the export. The listing is streamed from the log to the drawing, never held.

``report_peak_mb`` is the memory that report costs, made the way an operator makes it from the command line
(``main.py report … --out FILE.pdf`` in a child process: opening the store and its index, gathering,
reading the log, and the helper process that draws), each process at its own high-water mark, added up.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from app.audit_report import ReportRequest
from app.console import Console
from app.fleet_service import FleetService
from bench.figures import emit
from bench.process_memory import run_measured
from bench.synthetic_fleet import position_batches, position_columns, registrations
from domain.time import format_instant
from store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHIPS = 200


def run(scale: float) -> None:
    from pdf_report.render import ensure_gui_application, render_pdf

    ensure_gui_application()
    events = max(20_000, round(1_000_000 * scale))
    with tempfile.TemporaryDirectory(prefix="fleet-report-") as folder:
        path = Path(folder) / "report.sqlite"
        with open_store(path) as store:
            store.append_batch(registrations(SHIPS))
            columns = position_columns(SHIPS, events, step_s=(10, 25))  # one report every ~17 s: 24 h of a day
            for batch in position_batches(columns, 20_000):
                store.append_batch(batch)
            service = FleetService.open(store)
            service.save_snapshot()  # as a store the console has had open: the command starts from it
            console = Console.over(service, operator="bench")
            start, end = console.fleet.time_range()
            started = time.perf_counter()
            result = console.reports.export(ReportRequest(start, end), str(Path(folder) / "report.pdf"),
                                            software="Fleet Logbook bench", renderers={"pdf": render_pdf})
            seconds = time.perf_counter() - started
            size_mb = (Path(folder) / "report.pdf").stat().st_size / 1e6
        emit("report_pdf_s", seconds, "s", events=result.events, ships=result.ships, hours=round((end - start) / 3.6e9, 1),
             pdf_mb=round(size_mb, 1))
        command = run_measured([sys.executable, str(ROOT / "main.py"), "report", "--db", str(path),
                                "--from", format_instant(start), "--to", format_instant(end),
                                "--out", str(Path(folder) / "command.pdf")], cwd=ROOT)
        printed = json.loads(command.stdout.strip().splitlines()[-1])
        emit("report_peak_mb", command.peak_mb, "MB", events=printed["events"], ships=printed["ships"],
             processes=command.processes, seconds=round(command.seconds, 1))
