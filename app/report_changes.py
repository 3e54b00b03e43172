"""The changes section of a CSV audit report: a file of its own beside the report, ``NAME.changes.csv``.

The report's CSV is one row per event under one header (what spreadsheet users and ``csv`` readers count
on), so the changes between the range's start and end — a row per ship that changed and per zone — go in a
second file with its own header: ``kind`` (ship or zone), mmsi, name, presence, moved, distance_m, from_lat,
from_lon, from_report_at, to_lat, to_lon, to_report_at, changed (``field: before → after``, ``; ``-separated)
and alerts (``id type before → after``). Text cells are neutralised for spreadsheets as the report's are.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from app.atomic_files import atomic_text
from app.report_files import spreadsheet_text
from domain.fleet_diff import FleetDiff, Position
from domain.time import format_instant

COLUMNS = ("kind", "mmsi", "name", "presence", "moved", "distance_m", "from_lat", "from_lon", "from_report_at",
           "to_lat", "to_lon", "to_report_at", "changed", "alerts")


def changes_csv_path(report_path: str | Path) -> Path:
    """``watch.csv`` → ``watch.changes.csv``, beside it."""
    path = Path(report_path)
    return path.with_name(f"{path.stem}.changes.csv")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    return spreadsheet_text(str(value))


def _where(position: Position | None) -> tuple[Any, Any, Any]:
    return (None, None, None) if position is None else (position.lat, position.lon, format_instant(position.at))


def write_changes_csv(diff: FleetDiff, path: str | Path) -> int:
    """Write the rows (ships by MMSI, then zones by name), whole or not at all; returns how many."""
    with atomic_text(path) as out:
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(COLUMNS)
        rows = 0
        for ship in diff.ships:
            changed = "; ".join(f"{c.field}: {c.before or '—'} → {c.after or '—'}" for c in ship.fields)
            alerts = "; ".join(f"{a.alert_id} {a.type} {a.before or '—'} → {a.after or '—'}" for a in ship.alerts)
            writer.writerow([_cell(v) for v in ("ship", ship.mmsi, ship.name, ship.presence, ship.moved,
                                                round(ship.distance_m, 1), *_where(ship.before), *_where(ship.after),
                                                changed, alerts)])
            rows += 1
        for zone in diff.zones:
            writer.writerow([_cell(v) for v in ("zone", None, zone.name, None, None, None, None, None, None, None,
                                                None, format_instant(zone.at), f"{zone.change} ({zone.kind})", None)])
            rows += 1
    return rows
