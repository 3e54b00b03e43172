"""The fleet at a moment as points, for a GIS or a spreadsheet: GeoJSON (a Point per ship) or CSV (a row per ship).

Both carry, per ship sorted by MMSI: mmsi, name, callsign, ship_type, destination, lat, lon, sog, cog,
heading, nav_status and last_report_at (ISO 8601 UTC); GeoJSON puts ``[lon, lat]`` in the geometry and the
rest in the properties. CSV text cells are neutralised as the audit reports' are
(``app.report_files.spreadsheet_text``): a name that starts like a formula stays text in a spreadsheet.
"""
from __future__ import annotations

import csv
import json
import math
from typing import Any, Iterator, TextIO

from app.report_files import spreadsheet_text
from domain import ais
from domain.temporal_index import FleetArrays
from domain.time import format_instant

STATE_FORMATS = ("geojson", "csv")
COLUMNS = ("mmsi", "name", "callsign", "ship_type", "destination", "lat", "lon", "sog", "cog", "heading",
           "nav_status", "last_report_at")


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def ship_rows(fleet: FleetArrays) -> Iterator[dict[str, Any]]:
    """One dict per ship, in ``COLUMNS`` order, sorted by MMSI (as ``state_at`` gives them)."""
    for i in range(len(fleet)):
        status, kind = int(fleet.status[i]), int(fleet.ship_type[i])
        heading = _number(fleet.heading[i])
        yield {"mmsi": int(fleet.mmsi[i]), "name": fleet.names[i], "callsign": fleet.callsigns[i],
               "ship_type": ais.SHIP_TYPES[kind] if kind >= 0 else None, "destination": fleet.destinations[i],
               "lat": float(fleet.lat[i]), "lon": float(fleet.lon[i]), "sog": _number(fleet.sog[i]),
               "cog": _number(fleet.cog[i]), "heading": None if heading is None else int(heading),
               "nav_status": ais.nav_status_name(status) if status >= 0 else None,
               "last_report_at": format_instant(int(fleet.last_report_at[i]))}


def write_state_geojson(fleet: FleetArrays, out: TextIO, *, at: int, known_at: int | None) -> int:
    """A FeatureCollection of a Point per ship (``at`` and ``known_at`` as members of the collection)."""
    out.write(json.dumps({"type": "FeatureCollection", "at": format_instant(at),
                          "known_at": None if known_at is None else format_instant(known_at)})[:-1])
    out.write(', "features": [\n')
    count = 0
    for row in ship_rows(fleet):
        if count:
            out.write(",\n")
        properties = {k: v for k, v in row.items() if k not in ("lat", "lon")}
        out.write(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                              "properties": properties}, ensure_ascii=False, allow_nan=False))
        count += 1
    out.write("\n]}\n")
    return count


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return spreadsheet_text(str(value))


def write_state_csv(fleet: FleetArrays, out: TextIO, *, at: int, known_at: int | None) -> int:
    """A header and a row per ship; text cells quoted and neutralised, numbers bare."""
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(COLUMNS)
    count = 0
    for row in ship_rows(fleet):
        writer.writerow([_cell(row[name]) for name in COLUMNS])
        count += 1
    return count


WRITERS = {"geojson": write_state_geojson, "csv": write_state_csv}
