"""Which column of an AIS CSV file holds which field: layouts recognised by their headers, or named by the user.

Columns are always found by their header, never by position: NOAA's 2025 files list longitude before
latitude, the Danish files sometimes add four columns, and other tools order columns as they please.
Headers are compared case-insensitively, ignoring surrounding spaces, a leading '#' ('# Timestamp') and
the difference between spaces, hyphens and underscores.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Mapping

NOAA = "noaa-csv"
DMA = "dma-csv"
GENERIC = "csv"
LAYOUTS: tuple[str, ...] = ("auto", NOAA, DMA, GENERIC)

# The fields a row can carry, in the words of --columns, and what the headers of known files call them.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "datetime", "date_time", "basedatetime", "base_date_time", "time_utc",
             "timestamp_utc"),
    "mmsi": ("mmsi",),
    "lat": ("lat", "latitude", "latitude_degrees"),
    "lon": ("lon", "lng", "long", "longitude", "longitude_degrees"),
    "sog": ("sog", "speed", "sog_knots", "speed_over_ground"),
    "cog": ("cog", "course", "cog_degrees", "course_over_ground"),
    "heading": ("heading", "true_heading", "heading_degrees"),
    "nav_status": ("status", "nav_status", "navigational_status", "navstatus"),
    "name": ("name", "vessel_name", "vesselname", "shipname", "ship_name"),
    "imo": ("imo", "imo_number"),
    "callsign": ("callsign", "call_sign"),
    "ship_type": ("ship_type", "shiptype", "vessel_type", "vesseltype"),
    "length": ("length",),
    "beam": ("width", "beam"),
    "draught": ("draught", "draft"),
    "destination": ("destination",),
    "eta": ("eta",),
    "mobile": ("type_of_mobile",),
}
FIELDS: tuple[str, ...] = tuple(FIELD_HEADERS)
REQUIRED: tuple[str, ...] = ("time", "mmsi", "lat", "lon")
FIELD_LABELS: dict[str, str] = {
    "time": "time", "mmsi": "MMSI", "lat": "latitude", "lon": "longitude", "sog": "speed over ground",
    "cog": "course over ground", "heading": "heading", "nav_status": "navigational status", "name": "name",
    "imo": "IMO number", "callsign": "call sign", "ship_type": "ship type", "length": "length", "beam": "beam",
    "draught": "draught", "destination": "destination", "eta": "ETA", "mobile": "type of mobile",
}
DELIMITERS: tuple[str, ...] = (",", ";", "\t")


class CsvLayoutError(ValueError):
    """A CSV file whose layout cannot be read: empty, no header, or the required columns not found."""


class ColumnMappingError(ValueError):
    """A column mapping (``--columns time=Header A,lat=Y``) that names unknown fields or is malformed."""


def header_key(header: str) -> str:
    """A header as compared with the known names: 'Latitude_degrees' -> 'latitude_degrees',
    '# Timestamp' -> 'timestamp', 'Type of mobile' -> 'type_of_mobile'."""
    key = header.strip().lstrip("\ufeff").lstrip("#").strip().lower()
    return "_".join(key.replace("-", " ").replace("_", " ").split())


_FIELD_OF_HEADER: dict[str, str] = {key: field for field, keys in FIELD_HEADERS.items() for key in keys}
_FIELD_OF_KEY: dict[str, str] = {**_FIELD_OF_HEADER, **{field: field for field in FIELDS}}


def field_named(name: str) -> str | None:
    """The field a --columns key names: its own name or any header name known for it ('width' -> 'beam')."""
    return _FIELD_OF_KEY.get(header_key(name))


def parse_column_mapping(text: str) -> dict[str, str]:
    """Read ``time=Header A,lat=Y,lon=X`` into ``{"time": "Header A", "lat": "Y", "lon": "X"}``.

    Keys are field names (or a header name known for the field: 'width' means 'beam'); values are the
    headers of the file, spaces inside kept. Unknown fields, missing '=' or headers, and a field named
    twice are refused with a message that lists the known fields.
    """
    mapping: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key, equals, header = item.partition("=")
        if not equals:
            raise ColumnMappingError(f"column mapping {item.strip()!r} has no '=': "
                                     "write field=header, e.g. time=Header A")
        field = field_named(key)
        if field is None:
            raise ColumnMappingError(f"unknown field {key.strip()!r} in the column mapping; "
                                     f"known fields: {', '.join(FIELDS)}")
        header = header.strip()
        if not header:
            raise ColumnMappingError(f"the column mapping of {field!r} names no header: write {field}=<header>")
        if field in mapping:
            raise ColumnMappingError(f"field {field!r} is mapped twice in the column mapping")
        mapping[field] = header
    if not mapping:
        raise ColumnMappingError("the column mapping is empty: write field=header pairs, e.g. time=Header A,lat=Y")
    return mapping


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: whichever of ',', ';' and tab it holds most of (',' if none)."""
    return max(DELIMITERS, key=header_line.count)


def split_header(header_line: str, delimiter: str) -> list[str]:
    """The column names of a header line (quoted names allowed), stripped of spaces and a byte order mark."""
    line = header_line.lstrip("\ufeff")
    if '"' in line:
        names = next(csv.reader([line], delimiter=delimiter), [])
    else:
        names = line.split(delimiter)
    return [name.strip() for name in names]


def kind_of_headers(headers: list[str] | tuple[str, ...]) -> str:
    """Which layout a header is: NOAA MarineCadastre (both the pre-2025 and the 2025 header), the Danish
    Maritime Authority's, or any other CSV."""
    keys = {header_key(header) for header in headers}
    if "mmsi" in keys and ("basedatetime" in keys or "base_date_time" in keys):
        return NOAA
    first = headers[0].lstrip("\ufeff").strip() if headers else ""
    if "type_of_mobile" in keys or (first.startswith("#") and header_key(first) == "timestamp"):
        return DMA
    return GENERIC


def is_comment(line: str, mapping: Mapping[str, str] | None = None) -> bool:
    """Whether a line before the header is a '#' comment rather than the header itself: the Danish header
    ('# Timestamp,...') and any '#' line naming the required columns (or the mapped ones) are headers."""
    if not line.lstrip("\ufeff").lstrip().startswith("#"):
        return False
    headers = split_header(line, sniff_delimiter(line))
    if kind_of_headers(headers) == DMA:
        return False
    if mapping:
        keys = {header_key(header) for header in headers}
        return not all(header_key(header) in keys for header in mapping.values())
    found = {_FIELD_OF_HEADER.get(header_key(header)) for header in headers}
    return not all(field in found for field in REQUIRED)


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """Where each field of a CSV file's rows is: its layout, delimiter, headers and the column of each field."""

    kind: str
    delimiter: str
    headers: tuple[str, ...]
    columns: Mapping[str, int]

    def header_of(self, field: str) -> str:
        index = self.columns.get(field)
        return self.headers[index] if index is not None else field


def read_layout(header_line: str, *, layout: str = "auto", mapping: Mapping[str, str] | None = None,
                source: str = "") -> ColumnLayout:
    """The layout of a file from its header line: recognised (``layout="auto"``) or as told, with the
    columns of ``mapping`` taking precedence over the recognised ones.

    Raises ``CsvLayoutError`` when a mapped header is not in the file or a required field (time, MMSI,
    latitude, longitude) has no column, listing the headers found and the fields missing.
    """
    if layout not in LAYOUTS:
        raise CsvLayoutError(f"unknown CSV layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    where = f"{source}: " if source else ""
    delimiter = sniff_delimiter(header_line)
    headers = tuple(split_header(header_line, delimiter))
    kind = kind_of_headers(headers) if layout == "auto" else layout
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = _FIELD_OF_HEADER.get(header_key(header))
        if field is not None and field not in columns:
            columns[field] = index
    for key, header in (mapping or {}).items():
        field = field_named(key)
        if field is None:
            raise ColumnMappingError(f"unknown field {key!r} in the column mapping; known fields: {', '.join(FIELDS)}")
        columns[field] = _column_of(header, headers, field, where)
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        raise CsvLayoutError(
            f"{where}cannot read this CSV layout: no column found for {', '.join(missing)}. "
            f"Headers found: {_listing(headers)}. Name the columns, e.g. --columns "
            + ",".join(f"{field}=<header>" for field in missing))
    return ColumnLayout(kind, delimiter, headers, columns)


def _column_of(header: str, headers: tuple[str, ...], field: str, where: str) -> int:
    if header in headers:
        return headers.index(header)
    wanted = header.strip().lower()
    for index, candidate in enumerate(headers):
        if candidate.lower() == wanted:
            return index
    raise CsvLayoutError(f"{where}the column {header!r} mapped to {field} is not in the file. "
                         f"Headers found: {_listing(headers)}")


def _listing(headers: tuple[str, ...]) -> str:
    shown = ", ".join(repr(header) for header in headers[:40])
    return shown + (f" … ({len(headers)} in all)" if len(headers) > 40 else "") if headers else "none"
