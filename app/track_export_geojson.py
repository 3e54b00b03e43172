"""Tracks as GeoJSON (RFC 7946): a FeatureCollection with one Feature per ship.

Each ship is a ``LineString`` of its reports' ``[lon, lat]`` (a ``Point`` when it reported once), with the
properties ``mmsi``, ``name``, ``ship_type``, ``callsign`` and, parallel to the coordinates, ``times``
(ISO 8601 UTC), ``sog`` (knots) and ``cog`` (degrees; null when not reported), and ``segment_starts``: the
index in ``times`` where each segment after a reporting gap begins (the first is always 0). Text is
escaped by the JSON encoder; the file is UTF-8 and streams out a ship per line.
"""
from __future__ import annotations

import json
import math
from typing import Any, Iterator, TextIO

from app.track_export_lines import ShipLines, TrackExportRequest, Written, write_document
from domain.time import format_instant


def _measure(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def ship_feature(ship: ShipLines) -> dict[str, Any]:
    """One ship's Feature."""
    coordinates: list[list[float]] = []
    times: list[str] = []
    sog: list[float | None] = []
    cog: list[float | None] = []
    starts: list[int] = []
    for segment in ship.segments:
        starts.append(len(times))
        coordinates.extend([float(lon), float(lat)] for lon, lat in zip(segment.lon, segment.lat))
        times.extend(format_instant(int(t)) for t in segment.occurred)
        sog.extend(_measure(v) for v in segment.sog)
        cog.extend(_measure(v) for v in segment.cog)
    geometry = ({"type": "Point", "coordinates": coordinates[0]} if len(coordinates) == 1
                else {"type": "LineString", "coordinates": coordinates})
    return {"type": "Feature", "geometry": geometry,
            "properties": {"mmsi": ship.mmsi, "name": ship.name, "ship_type": ship.ship_type,
                           "callsign": ship.callsign, "times": times, "sog": sog, "cog": cog,
                           "segment_starts": starts}}


def write_geojson(ships: Iterator[ShipLines], out: TextIO, request: TrackExportRequest) -> Written:
    return write_document(ships, out, head='{"type": "FeatureCollection", "features": [\n', between=",\n",
                          ship_text=lambda ship: json.dumps(ship_feature(ship), ensure_ascii=False, allow_nan=False),
                          tail="\n]}\n")
