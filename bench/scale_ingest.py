"""National-scale ingest benchmarks: a NOAA-shaped day of 10,000 ships (``bench.national_day``) imported by the
real command, the first ``state`` after it, and ``verify`` of the log it made.

Figures, each with ``"ships": 10000``: ``import_rows_per_s`` (rows read per second, from the command's own
summary), ``import_peak_mb`` (the import process and its reading process, each at its high-water mark,
added), ``state_ready_after_import_s`` (the first ``state --at`` after the import, process start to answer:
the index comes from the snapshot the import left) and ``verify_s`` (``verify`` of the whole log). At
``--scale 1.0`` the day has 10,000,000 rows; smaller scales make a shorter day of the same fleet. The zip is
made once and kept in the system's temporary folder.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import emit
from bench.national_day import FULL_DAY_ROWS, NATIONAL_SHIPS, write_national_day
from bench.process_memory import run_measured
from domain.time import format_instant

ROOT = Path(__file__).resolve().parents[1]


def _day(rows: int) -> tuple[Path, int, int]:
    """The day's zip (made once), and its first and last report times."""
    folder = Path(tempfile.gettempdir()) / "fleet-logbook-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"AIS_national_{rows}.zip"
    bounds = path.with_suffix(".json")
    if not (path.exists() and bounds.exists()):
        partial = folder / f"AIS_national_{rows}.partial.zip"
        day = write_national_day(partial, rows=rows, ships=NATIONAL_SHIPS)
        partial.replace(path)
        bounds.write_text(json.dumps({"first": day.first, "last": day.last}))
    known = json.loads(bounds.read_text())
    return path, known["first"], known["last"]


def _command(*argv: str):
    return run_measured([sys.executable, str(ROOT / "main.py"), *argv], cwd=ROOT)


def run(scale: float) -> None:
    rows = max(50_000, int(FULL_DAY_ROWS * scale))
    path, first, last = _day(rows)
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "national.sqlite")
        imported = _command("import", str(path), "--db", db)
        summary = json.loads(imported.stdout.strip().splitlines()[-1])
        events = summary["appended"]
        emit("import_rows_per_s", summary["read"] / imported.seconds, "rows/s", events=events, ships=NATIONAL_SHIPS,
             rows=summary["read"], seconds=round(imported.seconds, 1), summary_seconds=summary["seconds"],
             file_mb=round(path.stat().st_size / 1e6, 1))
        emit("import_peak_mb", imported.peak_mb, "MB", events=events, ships=NATIONAL_SHIPS,
             processes=imported.processes)
        started = time.perf_counter()  # its answer is megabytes: read as it comes (no polling for memory here)
        state = subprocess.run([sys.executable, str(ROOT / "main.py"), "state", "--db", db, "--at",
                                format_instant((first + last) // 2), "--json"], cwd=ROOT, capture_output=True,
                               text=True, check=True)
        emit("state_ready_after_import_s", time.perf_counter() - started, "s", events=events, ships=NATIONAL_SHIPS,
             fleet=len(json.loads(state.stdout)["ships"]))
        verified = _command("verify", "--db", db, "--json")
        emit("verify_s", verified.seconds, "s", events=json.loads(verified.stdout)["events"], ships=NATIONAL_SHIPS,
             peak_mb=round(verified.peak_mb, 1))
