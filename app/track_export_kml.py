"""Tracks as KML 2.2 for Google Earth: a ``gx:Track`` per ship, its ``<when>`` and ``<gx:coord>`` in step.

A ship whose reports have gaps is a ``gx:MultiTrack`` of one ``gx:Track`` per segment, not interpolated
across the gaps. Each placemark is named by the ship's name (its MMSI when it never sent one), carries
mmsi, ship type and callsign as ``ExtendedData``, and is styled by its ship type's colour group — the colours
of the console's map and the printed report (``chart.ship_groups``). Every text is escaped for XML.
"""
from __future__ import annotations

from typing import Iterator, TextIO

from app.track_export_lines import ShipLines, TrackExportRequest, Written, document_title, write_document
from app.track_export_xml import xml_number, xml_text, xml_time
from chart.ship_groups import ALL_GROUPS, GROUPS, UNKNOWN_GROUP
from domain import ais
from domain.tracks import Track


def _kml_colour(hex_rgb: str) -> str:
    """``#rrggbb`` as KML's aabbggrr, opaque."""
    red, green, blue = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"ff{blue}{green}{red}"


def style_id(ship_type: str | None) -> str:
    """The style of a ship type's colour group: ``group-0`` … (``group-N`` for an unknown type)."""
    if ship_type is None or ship_type not in ais.SHIP_TYPE_CODES:
        return f"group-{UNKNOWN_GROUP}"
    return next((f"group-{number}" for number, group in enumerate(GROUPS) if ship_type in group.types),
                f"group-{UNKNOWN_GROUP}")


def _styles() -> str:
    return "".join(
        f'<Style id="group-{number}"><LineStyle><color>{_kml_colour(group.colour)}</color><width>2</width>'
        f"</LineStyle><IconStyle><color>{_kml_colour(group.colour)}</color></IconStyle></Style>\n"
        for number, group in enumerate(ALL_GROUPS))


def _track(segment: Track) -> str:
    whens = "".join(f"<when>{xml_time(int(t))}</when>" for t in segment.occurred)
    coords = "".join(f"<gx:coord>{xml_number(lon)} {xml_number(lat)} 0</gx:coord>"
                     for lon, lat in zip(segment.lon, segment.lat))
    return f"<gx:Track><altitudeMode>clampToGround</altitudeMode>{whens}{coords}</gx:Track>"


def placemark(ship: ShipLines) -> str:
    data = "".join(f'<Data name="{name}"><value>{xml_text(str(value))}</value></Data>'
                   for name, value in (("mmsi", ship.mmsi), ("ship_type", ship.ship_type), ("callsign", ship.callsign))
                   if value is not None)
    if len(ship.segments) == 1:
        geometry = _track(ship.segments[0])
    else:
        geometry = ("<gx:MultiTrack><gx:interpolate>0</gx:interpolate>"
                    + "".join(_track(segment) for segment in ship.segments) + "</gx:MultiTrack>")
    return (f"<Placemark><name>{xml_text(ship.label)}</name>"
            f"<description>MMSI {ship.mmsi}, {xml_text(ship.ship_type or 'type unknown')}</description>"
            f"<styleUrl>#{style_id(ship.ship_type)}</styleUrl><ExtendedData>{data}</ExtendedData>"
            f"{geometry}</Placemark>\n")


def write_kml(ships: Iterator[ShipLines], out: TextIO, request: TrackExportRequest) -> Written:
    return write_document(ships, out, ship_text=placemark, tail="</Document>\n</kml>\n", head=(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">\n'
        f"<Document><name>{xml_text(document_title(request))}</name>\n{_styles()}"))
