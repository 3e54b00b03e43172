"""Reading AIS CSV files: NOAA MarineCadastre, the Danish Maritime Authority, and other tools' exports.

Every data row becomes the observation of a position (``position_seen``) and, when the row carries
static or voyage data (name, IMO, call sign, ship type, size, draught, destination, ETA), of the ship's
particulars (``particulars_seen``). NOAA files repeat a ship's static data on every row: particulars are
only made when a row's static cells differ from that ship's previous row, which is all the import needs
(it ignores particulars that change nothing) and keeps a row cheap.

A bad row never stops the file: it becomes a ``Rejected`` with its physical line, raw text, reason and
field, and the next row is read — a row with the wrong number of cells, a quote that never closes, NUL
bytes, bytes that are neither UTF-8 nor Latin-1 text, or a line over the length limit alike. Only a file whose layout cannot be read at all (empty, required columns
not found) is refused, when the reader is made, with ``CsvLayoutError``.

The file is read through ``InputFile`` (plain, gzip or zip, streamed, lines bounded). Rows are split on
the delimiter; a line holding a quote is read with the ``csv`` module, so quoted fields may hold the
delimiter and even line breaks.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from itertools import chain
from operator import itemgetter
from typing import Iterable, Iterator, Mapping

from domain.observations import (
    MAX_RAW_CHARS, POSITION_NOT_AVAILABLE, Origin, PositionSeen, Rejected, Seen, Skipped, particulars_seen,
    position_seen,
)
from feeds.ais_csv_columns import (
    DMA, GENERIC, LAYOUTS, NOAA, ColumnLayout, CsvLayoutError, ColumnMappingError, is_comment,
    parse_column_mapping, read_layout,
)
from feeds.ais_csv_values import (
    ANY, DAY_FIRST, ISO, BadValue, TimeReader, read_heading, read_imo, read_mmsi, read_number, read_size,
    read_text,
)
from feeds.ais_csv_vocabulary import Vocabulary, nav_status_of, non_ship_transponder, ship_type_of
from feeds.input_files import InputFile, Line
from feeds.readers import BLANK, COMMENTS, CONTINUED, HEADER

__all__ = ["AisCsvReader", "CsvLayoutError", "ColumnMappingError", "LAYOUTS", "parse_column_mapping"]

TIME_STYLES: dict[str, str] = {NOAA: ISO, DMA: DAY_FIRST, GENERIC: ANY}
# The static and voyage fields a row may carry, in the order particulars are built.
PARTICULAR_COLUMNS: tuple[str, ...] = (
    "name", "imo", "callsign", "ship_type", "length", "beam", "draught", "destination", "eta",
)
MAX_ROW_LINES = 10  # a quoted field may span lines, but no row spans more than this
MAX_SHIPS_REMEMBERED = 200_000
MAX_TIMES_REMEMBERED = 65_536
_UNSEEN = object()
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters: no Latin-1 text has them


class AisCsvReader:
    """Reads one AIS CSV file as observations, in file order (an ``ObservationReader``). The reader owns
    ``input_file``: ``close`` closes it, and so does a refusal of the file's layout.

    ``layout`` is "auto" (recognised from the header), "noaa-csv", "dma-csv" or "csv"; ``columns`` maps
    fields to headers (``{"time": "Header A", "lat": "Y"}``) over the recognised ones. ``kind`` is the
    layout read; ``lines_read`` counts every line read so far, and ``passed_over()`` those that are no
    data row (the header, comments and blank lines before it, blank lines, lines continuing a quoted field).
    """

    def __init__(self, input_file: InputFile, *, layout: str = "auto", columns: Mapping[str, str] | None = None):
        self._input = input_file
        self.name: str = input_file.name
        self._lines: Iterator[Line] = input_file.lines()
        self._tally: Counter[str] = Counter()
        try:
            header = self._header_line(columns)
            self.layout: ColumnLayout = read_layout(header, layout=layout, mapping=columns, source=self.name)
        except ValueError:
            input_file.close()  # the reader owns the file from the start, a refused one included
            raise
        self.kind: str = self.layout.kind
        self._read_times = TimeReader(TIME_STYLES[self.kind])

    def _header_line(self, mapping: Mapping[str, str] | None) -> str:
        """The header: the first line that is neither blank nor a '#' comment."""
        for line in self._lines:
            text = _decoded(line.data)
            if line.too_long:
                raise CsvLayoutError(f"{self.name}: line {line.number} is longer than "
                                     f"{self._input.max_line_bytes:,} bytes before any header; this is no AIS CSV file")
            if not text.strip():
                self._tally[BLANK] += 1
            elif is_comment(text, mapping):
                self._tally[COMMENTS] += 1
            else:
                self._tally[HEADER] += 1
                return text
        raise CsvLayoutError(f"{self.name}: the file is empty (no header line)")

    @property
    def lines_read(self) -> int:
        """Every line read so far: header, comments, blank lines and rows."""
        return self._input.lines_read

    def passed_over(self) -> dict[str, int]:
        """The lines read so far that are no data row, by what they are."""
        tally = dict(self._tally)
        tally[BLANK] = tally.get(BLANK, 0) + self._input.blank_lines
        return tally

    @property
    def bytes_read(self) -> int:
        return self._input.bytes_read

    @property
    def total_bytes(self) -> int | None:
        return self._input.total_bytes

    def close(self) -> None:
        self._input.close()

    def __enter__(self) -> "AisCsvReader":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Seen]:
        """Every row's observations. The hot path of an import: it is written for speed, with the rare
        cases (bad cells, quoted fields, odd rows) handed to the methods below."""
        layout = self.layout
        name = self.name
        delimiter = layout.delimiter
        width = len(layout.headers)
        columns = layout.columns
        optional = ("sog", "cog", "heading", "nav_status")
        pad = any(field not in columns for field in optional)  # a missing column then reads a "" added to the row
        at = {field: columns.get(field, width) for field in ("time", "mmsi", "lat", "lon", *optional)}
        at["mobile"] = columns.get("mobile", 0)  # read only when the column is there
        cells_of_position = itemgetter(at["time"], at["mmsi"], at["lat"], at["lon"], at["sog"], at["cog"],
                                       at["heading"], at["nav_status"], at["mobile"])
        has_mobile = "mobile" in columns
        particular_fields = tuple(field for field in PARTICULAR_COLUMNS if field in columns)
        cells_of_particulars = _getter(columns[field] for field in particular_fields)
        no_particulars = ("",) * len(particular_fields)
        seen_particulars: dict[int, tuple[str, ...]] = {}
        read_time = self._read_times
        instants: dict[str, int] = {}  # a file repeats each time for many ships: read it once
        headings: dict[str, int | None] = {}
        statuses = Vocabulary(nav_status_of)
        known_status = statuses.known
        transponders = Vocabulary(non_ship_transponder)
        max_raw = MAX_RAW_CHARS
        tally = self._tally

        source: Iterator[Line] | None = self._lines
        while source is not None:
            lines, source = source, None
            for line in lines:
                data = line.data
                number = line.number
                try:
                    text = data.decode()
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
                    if _NOT_TEXT.search(text) is not None and b"\x00" not in data:
                        yield Rejected(Origin.of(name, number, data), "bytes that are neither UTF-8 nor Latin-1 "
                                                                      "text (binary data or a damaged file)", None)
                        continue
                if b"\x00" in data:
                    yield Rejected(Origin.of(name, number, data), "row holds NUL bytes (binary data, not text)", None)
                    continue
                if line.too_long:
                    yield Rejected(Origin.of(name, number, text),
                                   f"line is longer than {self._input.max_line_bytes:,} bytes; shown cut", None)
                    continue
                if '"' in text:
                    fields, text, taken, again, unreadable = self._quoted_row(text, lines, delimiter)
                    tally[CONTINUED] += taken - len(again)
                    origin = Origin.of(name, number, text)
                    if fields is None:
                        yield Rejected(origin, unreadable, None)
                        if again:  # read the lines after it again, as rows of their own
                            source = chain(again, lines)
                            break
                        continue
                else:
                    fields = text.split(delimiter)
                    origin = Origin(name, number, text) if len(text) <= max_raw else Origin.of(name, number, text)
                if len(fields) != width and not _trailing_empty(fields, width):
                    if text.isspace():  # a blank line
                        tally[BLANK] += 1
                        continue
                    yield Rejected(origin, f"row has {len(fields)} columns, the header has {width}", None)
                    continue
                if pad:
                    fields.append("")
                ts, mm, la, lo, sg, cg, hd, st, mobile = cells_of_position(fields)

                if has_mobile and mobile:
                    transponder = transponders(mobile)
                    if transponder is not None:
                        yield Skipped(transponder, origin)
                        continue
                try:
                    mmsi = int(mm) if mm.isdecimal() else read_mmsi(mm)
                    occurred = instants.get(ts)
                    if occurred is None:
                        occurred = read_time(ts)
                        if len(instants) >= MAX_TIMES_REMEMBERED:
                            instants.clear()
                        instants[ts] = occurred
                except BadValue as error:
                    yield self._rejected(origin, error)
                    continue

                bad = None
                try:
                    lat = float(la) if la else None
                    lon = float(lo) if lo else None
                    sog = float(sg) if sg else None
                    cog = float(cg) if cg else None
                    heading = headings.get(hd, _UNSEEN)
                    if heading is _UNSEEN:
                        heading = read_heading(hd)
                        if len(headings) < 4_096:
                            headings[hd] = heading
                    if lat != lat or lon != lon or sog != sog or cog != cog:  # NaN: not available
                        raise ValueError("nan")
                except ValueError:
                    try:
                        lat, lon, sog, cog, heading = _motion(la, lo, sg, cg, hd)
                    except BadValue as error:
                        bad = error
                if bad is None:
                    status = known_status.get(st, _UNSEEN)
                    if status is _UNSEEN:
                        status = statuses.learn(st)
                    seen = position_seen(mmsi=mmsi, occurred_at=occurred, origin=origin, lat=lat, lon=lon, sog=sog,
                                         cog=cog, heading=heading, nav_status=status)  # type: ignore[arg-type]
                else:
                    seen = self._rejected(origin, bad)
                yield seen

                if not particular_fields or (type(seen) is not PositionSeen and not _may_have_particulars(seen)):
                    continue
                cells = cells_of_particulars(fields)
                if seen_particulars.get(mmsi) == cells or cells == no_particulars:
                    continue
                if len(seen_particulars) >= MAX_SHIPS_REMEMBERED:
                    seen_particulars.clear()
                seen_particulars[mmsi] = cells
                yield from self._particulars(mmsi, occurred, origin, particular_fields, cells)

    def _rejected(self, origin: Origin, bad: BadValue) -> Rejected:
        return Rejected(origin, f"{bad.reason} (column {self.layout.header_of(bad.field)!r})", bad.field)

    @staticmethod
    def _quoted_row(text: str, lines: Iterator[Line],
                    delimiter: str) -> tuple[list[str] | None, str, int, list[Line], str]:
        """A row holding quotes, read with the csv module: its cells (None when it cannot be read: a quote
        opened here closes on none of the next lines, or the csv module refuses it), its raw text, how many
        lines it took after this one, the lines taken that must be read again (when the quote never
        closes), and why it could not be read."""
        taken: list[Line] = []
        joined = text
        while True:
            try:
                return next(csv.reader([joined], delimiter=delimiter, strict=True)), joined, len(taken), [], ""
            except csv.Error as error:
                if "unexpected end of data" not in str(error):  # '"a"b': read as a lenient reader would
                    try:
                        return next(csv.reader([joined], delimiter=delimiter)), joined, len(taken), [], ""
                    except csv.Error as refused:
                        return None, joined, len(taken), [], f"cannot be read as CSV: {refused}"
            following = next(lines, None) if len(taken) < MAX_ROW_LINES else None
            if following is not None:
                taken.append(following)
            if following is None or following.too_long or b"\x00" in following.data:
                return (None, text, len(taken), taken,
                        "a quoted field is not closed on this line nor on the next ones")
            joined = joined + "\n" + _decoded(following.data)

    def _particulars(self, mmsi: int, occurred_at: int, origin: Origin, fields: tuple[str, ...],
                     cells: tuple[str, ...]) -> list[Seen]:
        values: dict[str, object] = {}
        rejected: list[Seen] = []
        for field, cell in zip(fields, cells):
            if not cell:
                continue
            try:
                value = self._particular(field, cell)
            except BadValue as bad:
                rejected.append(Rejected(origin, f"{bad.reason} (column {self.layout.header_of(field)!r}); "
                                                 "field dropped, rest of the record kept", field))
                continue
            if value is not None:
                values[field] = value
        seen = particulars_seen(mmsi=mmsi, occurred_at=occurred_at, origin=origin, **values) if values else []
        return seen + rejected

    def _particular(self, field: str, cell: str) -> object:
        if field in ("name", "callsign", "destination"):
            return read_text(cell)
        if field == "imo":
            return read_imo(cell)
        if field == "ship_type":
            return ship_type_of(cell)
        if field == "eta":
            return None if read_text(cell) is None else self._read_times(cell, "eta")
        return read_size(cell, field)


def _decoded(data: bytes) -> str:
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _getter(indexes: Iterable[int]):
    """A function giving the cells at ``indexes`` of a row, always as a tuple."""
    chosen = tuple(indexes)
    if len(chosen) == 1:
        index = chosen[0]
        return lambda row: (row[index],)
    return itemgetter(*chosen) if chosen else (lambda row: ())


def _trailing_empty(fields: list[str], width: int) -> bool:
    """True for a row with more cells than the header when the extra ones are empty (a trailing delimiter);
    those cells are dropped."""
    if len(fields) <= width or any(cell.strip() for cell in fields[width:]):
        return False
    del fields[width:]
    return True


def _motion(la: str, lo: str, sg: str, cg: str, hd: str):
    """Latitude, longitude, speed, course and heading read cell by cell, naming the first bad one."""
    return (read_number(la, "lat"), read_number(lo, "lon"), read_number(sg, "sog"), read_number(cg, "cog"),
            read_heading(hd))


def _may_have_particulars(seen: Seen) -> bool:
    """Whether the row's particulars are worth reading after its position: not for a row whose MMSI is no
    ship's (its Skipped or Rejected says so already)."""
    kind = type(seen)
    if kind is PositionSeen:
        return True
    if kind is Skipped:
        return seen.what == POSITION_NOT_AVAILABLE  # type: ignore[union-attr]
    return seen.field != "mmsi"  # type: ignore[union-attr]
