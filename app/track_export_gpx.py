"""Tracks as GPX 1.1 for chart plotters: one ``trk`` per ship, a ``trkseg`` per run of reports between gaps.

Every point has its ``time``. GPX 1.1 has no fields for speed and course, so they go in each point's
``extensions`` in this program's namespace (``EXTENSION_NAMESPACE``, prefix ``fl``): ``fl:sog`` in knots and
``fl:cog`` in degrees, left out when not reported; the ship's MMSI and callsign go in the track's. The
track is named by the ship's name (its MMSI when it never sent one); its ``type`` is the ship type. Every
text is escaped for XML. GPX takes longitudes in [-180, 180): 180° E is written as 180° W, the same meridian.
"""
from __future__ import annotations

import math
from typing import Iterator, TextIO

from app.track_export_lines import ShipLines, TrackExportRequest, Written, document_title, write_document
from app.track_export_xml import xml_number, xml_text, xml_time
from domain.tracks import Track

EXTENSION_NAMESPACE = "urn:fleet-logbook:gpx:track-extensions:1"


def _gpx_lon(lon: float) -> float:
    return -180.0 if lon >= 180.0 else float(lon)


def _point(lat: float, lon: float, occurred: int, sog: float, cog: float) -> str:
    motion = "".join(f"<fl:{name}>{xml_number(value)}</fl:{name}>"
                     for name, value in (("sog", sog), ("cog", cog)) if not math.isnan(value))
    extensions = f"<extensions>{motion}</extensions>" if motion else ""
    return (f'<trkpt lat="{xml_number(lat)}" lon="{xml_number(_gpx_lon(lon))}"><time>{xml_time(occurred)}</time>'
            f"{extensions}</trkpt>")


def _segment(segment: Track) -> str:
    return ("<trkseg>"
            + "".join(_point(lat, lon, int(t), sog, cog) for lat, lon, t, sog, cog in
                      zip(segment.lat, segment.lon, segment.occurred, segment.sog, segment.cog))
            + "</trkseg>\n")


def track(ship: ShipLines) -> str:
    extensions = f"<fl:mmsi>{ship.mmsi}</fl:mmsi>" + (
        f"<fl:callsign>{xml_text(ship.callsign)}</fl:callsign>" if ship.callsign else "")
    kind = f"<type>{xml_text(ship.ship_type)}</type>" if ship.ship_type else ""
    return (f"<trk><name>{xml_text(ship.label)}</name><desc>MMSI {ship.mmsi}</desc>{kind}"
            f"<extensions>{extensions}</extensions>\n" + "".join(_segment(s) for s in ship.segments) + "</trk>\n")


def write_gpx(ships: Iterator[ShipLines], out: TextIO, request: TrackExportRequest) -> Written:
    return write_document(ships, out, ship_text=track, tail="</gpx>\n", head=(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx version="1.1" creator="Fleet Logbook" xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:fl="{EXTENSION_NAMESPACE}">\n'
        f"<metadata><name>{xml_text(document_title(request))}</name></metadata>\n"))
