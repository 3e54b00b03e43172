"""Which AIS input format a file is, and the reader for it.

Detection looks at the first lines of the content (decompressed, for gzip and zip): NMEA sentences start
with '!' or '$', or with a '\\' tag block; NOAA MarineCadastre and Danish Maritime Authority files are
known by their headers; any other delimited header is read as a generic CSV. A file that is none of
these is refused with what was seen. ``--format`` skips detection.
"""
from __future__ import annotations

import os
import re
from typing import Mapping

from feeds.ais_csv import AisCsvReader
from feeds.ais_csv_columns import ColumnMappingError, is_comment, kind_of_headers, sniff_delimiter, split_header
from feeds.input_files import InputFile
from feeds.readers import ObservationReader

NMEA = "nmea"
FORMATS: tuple[str, ...] = ("auto", NMEA, "noaa-csv", "dma-csv", "csv")
_LINES_LOOKED_AT = 20
HEAD_BYTES = 8_192  # how much of a file's content format detection looks at
_SENTENCE_STARTS = ("!", "$", "\\")
_MOSTLY_TEXT = 50  # a head with more than one NUL byte in 50 is binary, not text with a damaged line
_SENTENCE_INSIDE = re.compile(r"[!$][A-Z]{2}VD[MO],")  # '1569890582 !AIVDM,...': a sentence after a receiver stamp


class UnknownFormat(ValueError):
    """Input whose format cannot be told (or a format name that is not one of ``FORMATS``)."""


def detect_format(head: bytes) -> str:
    """The format of a file from its first bytes: "nmea", "noaa-csv", "dma-csv" or "csv".

    Blank lines and '#' comment lines before the first sentence or header are passed over (the Danish
    header, '# Timestamp,...', is no comment), and so are lines holding a NUL byte (a damaged line is
    quarantined when the file is read; a file of mostly NULs is binary and refused). Raises
    ``UnknownFormat``, quoting the first lines, otherwise.
    """
    if not head.strip():
        if len(head) < HEAD_BYTES:
            raise UnknownFormat("the file is empty: nothing to tell its format by")
        raise UnknownFormat(f"the file starts with more than {HEAD_BYTES:,} bytes of blank lines: nothing to tell "
                            f"its format by. Name the format with --format ({', '.join(FORMATS[1:])}) to read on")
    if head.count(b"\x00") * _MOSTLY_TEXT > len(head) or head[:1] == b"\x00":
        raise UnknownFormat(f"this is not a text file (it holds NUL bytes); it starts {_shown(head[:60])}")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines.pop()  # the head may end inside a line
    seen: list[str] = []
    for line in lines[:_LINES_LOOKED_AT]:
        stripped = line.strip()
        if not stripped or "\x00" in stripped:
            continue
        seen.append(stripped)
        if stripped.startswith(_SENTENCE_STARTS) or _SENTENCE_INSIDE.search(stripped):
            return NMEA
        if is_comment(stripped):
            continue
        headers = split_header(stripped, sniff_delimiter(stripped))
        if len(headers) > 1 and "\ufffd" not in stripped:
            return kind_of_headers(headers)
        break
    shown = "; ".join(_shown(line) for line in seen[:3]) or _shown(head[:60])
    raise UnknownFormat(
        "cannot tell the format: the file is neither NMEA (lines starting with '!', '$' or '\\') nor a CSV "
        f"with a header line (columns separated by ',', ';' or tab). It starts: {shown}. "
        f"Name the format with --format ({', '.join(FORMATS[1:])}) if it is one of these.")


def _shown(text: str | bytes) -> str:
    shown = repr(text if len(text) <= 80 else text[:80])
    return shown + ("…" if len(text) > 80 else "")


def open_reader(path: str | os.PathLike[str], *, format: str = "auto", columns: Mapping[str, str] | None = None,
                assume_start: int | None = None, rate_hz: float | None = None) -> ObservationReader:
    """Open an AIS input file with the reader of its format (detected, or ``format`` when given).

    ``columns`` maps fields to headers for CSV files; ``assume_start`` and ``rate_hz`` time NMEA sentences
    that carry no time of their own and do not apply to CSV files. The file is closed again if no reader
    can be made for it.
    """
    if format not in FORMATS:
        raise UnknownFormat(f"unknown input format {format!r}; choose one of {', '.join(FORMATS)}")
    input_file = InputFile(path)
    try:
        kind = detect_format(input_file.head(HEAD_BYTES)) if format == "auto" else format
        if kind == NMEA:
            if columns:
                raise ColumnMappingError(f"{input_file.name}: a column mapping applies to CSV files only; "
                                         "this file is NMEA")
            from feeds.nmea import NmeaFileReader

            return NmeaFileReader(input_file, assume_start=assume_start, rate_hz=rate_hz)
        return AisCsvReader(input_file, layout=kind, columns=columns)
    except BaseException:
        input_file.close()
        raise
