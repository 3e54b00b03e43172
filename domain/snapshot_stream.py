"""The temporal index's snapshot written and read a piece at a time, for indexes too large to hold twice.

``TemporalIndex.to_bytes`` needs the whole index in memory, sorted. An import of a national day keeps its
position reports out of memory instead and hands them over partition by partition (the reports of a range
of ships, in log order): ``SnapshotWriter`` sorts each partition, stores its columns as ``to_bytes`` does
(the same helpers, each column's differences carried across partitions) and compresses each column as one
zlib stream, so the snapshot is the very bytes ``to_bytes`` would write for the same index.
``SnapshotReader`` reads a snapshot from a file, the rare rows whole and the position reports a few rows at
a time, for the next import to carry the old reports into its own snapshot without loading them.

Pure: it reads and writes only the file-like objects it is given.
"""
from __future__ import annotations

import zlib
from typing import Any, BinaryIO, Callable, Iterable

import numpy as np

from domain.sorted_rows import Rows
from domain.temporal_index import (POSITION_COLUMNS, POSITIONS_PREFIX, SNAPSHOT_PREAMBLE, SNAPSHOT_TRACKS,
                                   TemporalIndex, column_entry, loaded_column, snapshot_head, snapshot_head_size,
                                   snapshot_header, stored_column, stored_columns, track_dtypes)

_LEVEL = 1  # as to_bytes compresses
_READ_BYTES = 1 << 20
_COPY_BYTES = 1 << 20
POSITION_DTYPES = track_dtypes(POSITION_COLUMNS)


class SnapshotWriter:
    """A snapshot whose position reports are given partition by partition, in ascending ranges of ships.

    ``scratch(key)`` gives a new, empty binary file for one position column's compressed bytes: they are
    written as they come and copied after the header at the end, when their lengths are known.
    """

    def __init__(self, scratch: Callable[[str], BinaryIO]):
        self._files = {name: scratch(POSITIONS_PREFIX + name) for name in POSITION_DTYPES}
        self._compressors = {name: zlib.compressobj(_LEVEL) for name in POSITION_DTYPES}
        self._previous = {name: 0 for name in POSITION_DTYPES}  # each column's last value written
        self._lengths = {name: 0 for name in POSITION_DTYPES}
        self._dtypes: dict[str, str] = {}
        self.rows = 0

    def add_partition(self, parts: Iterable[Rows]) -> None:
        """The position reports of ships after those of the partitions before, in log order (``parts`` one
        after the other); sorted here by ship and time, log order breaking ties, as the index sorts them."""
        given = list(parts)
        if not given:
            return
        ship = _joined([part[0] for part in given], POSITION_DTYPES["ship"])
        occurred = _joined([part[1] for part in given], POSITION_DTYPES["occurred"])
        order = np.lexsort((occurred, ship))  # stable, as _Track's own sort
        ship, occurred = ship[order], occurred[order]
        if len(order) and self.rows and int(ship[0]) <= self._previous["ship"]:
            raise ValueError("a partition of the snapshot's reports must hold later ships than the one before")
        for name in POSITION_DTYPES:
            column = {"ship": ship, "occurred": occurred}.get(name)
            if column is None:
                column = self._column(given, name, order)
            self._write(name, stored_column(name, column, occurred, self._previous[name]))
            if len(column):
                self._previous[name] = int(column[-1])
            del column
        self.rows += len(order)

    @staticmethod
    def _column(parts: list[Rows], name: str, rows: np.ndarray) -> np.ndarray:
        """The partition's column ``name`` (recorded or a value, in the index's type) at ``rows`` of the parts
        joined."""
        pieces: list[np.ndarray] = [part[2] if name == "recorded" else part[3][name[2:]] for part in parts]
        column: np.ndarray = _joined(pieces, POSITION_DTYPES[name])[rows]
        return column

    def _write(self, name: str, stored: np.ndarray) -> None:
        self._dtypes[name] = stored.dtype.str
        self._put(name, self._compressors[name].compress(stored.view(np.uint8).data))

    def _put(self, name: str, data: bytes) -> None:
        if data:
            self._files[name].write(data)
            self._lengths[name] += len(data)

    def finish(self, index: TemporalIndex, out: BinaryIO) -> None:
        """Write the whole snapshot to ``out``: the header, the position columns written so far, then the
        rest of ``index`` (its ships, texts, rare rows and log position; its own position reports, if any,
        are not used). ``index`` must know every ship and text the partitions' rows refer to."""
        directory: list[list[Any]] = []
        for name, dtype in POSITION_DTYPES.items():
            if name not in self._dtypes:  # no rows at all: the type an empty column is stored with
                self._dtypes[name] = stored_column(name, np.empty(0, dtype), np.empty(0, np.int64)).dtype.str
            self._put(name, self._compressors[name].flush())
            directory.append([POSITIONS_PREFIX + name, self._dtypes[name], self.rows, self._lengths[name]])
        chunks = []
        for prefix, _ in SNAPSHOT_TRACKS:
            if prefix == POSITIONS_PREFIX:
                continue
            for key, column in stored_columns(prefix, index.track_arrays(prefix)):
                chunks.append(zlib.compress(column.view(np.uint8).data, _LEVEL))
                directory.append(column_entry(key, column, len(chunks[-1])))
        out.write(snapshot_head(index.mmsis, index.texts, index.log_position, directory))
        for name in POSITION_DTYPES:
            scratch = self._files[name]
            scratch.seek(0)
            while piece := scratch.read(_COPY_BYTES):
                out.write(piece)
        for chunk in chunks:
            out.write(chunk)


class SnapshotReader:
    """A snapshot (of ``to_bytes``' format) in a seekable binary file, read a column at a time.

    Raises ``ValueError`` on anything that is not such a snapshot, now for its header and later for a
    column that does not decompress to the rows the header says."""

    def __init__(self, file: BinaryIO):
        self._file = file
        file.seek(0)
        size = snapshot_head_size(file.read(SNAPSHOT_PREAMBLE))
        self.header = snapshot_header(file.read(size))
        offset = SNAPSHOT_PREAMBLE + size
        self._columns: dict[str, tuple[np.dtype, int, int, int]] = {}
        try:
            for key, dtype, count, length in self.header["columns"]:
                self._columns[key] = (np.dtype(dtype), int(count), offset, int(length))
                offset += int(length)
        except (TypeError, ValueError) as error:
            raise ValueError(f"not an index snapshot: its directory is damaged ({error})") from None
        missing = [POSITIONS_PREFIX + name for name in POSITION_DTYPES if POSITIONS_PREFIX + name not in self._columns]
        if missing:
            raise ValueError(f"not an index snapshot: no column {missing[0]}")

    @property
    def log_position(self) -> int:
        return int(self.header["log_position"])

    @property
    def report_count(self) -> int:
        return self._columns[POSITIONS_PREFIX + "ship"][1]

    def index_without_positions(self) -> TemporalIndex:
        """The snapshot's ships, texts and rare rows as an index, its position reports left in the file."""
        stored = {key: self._whole(key) for key in self._columns if not key.startswith(POSITIONS_PREFIX)}
        try:
            return TemporalIndex.from_snapshot_columns(self.header, stored, positions=False)
        except KeyError as error:
            raise ValueError(f"not an index snapshot: no column {error}") from None

    def report_counts(self) -> np.ndarray:
        """How many position reports the snapshot holds for each ship slot (reading its ship column once)."""
        counts = np.zeros(len(self.header["mmsis"]), np.int64)
        stream, previous = self._stream(POSITIONS_PREFIX + "ship"), 0
        while stream.remaining:
            slots = loaded_column("ship", stream.take(_READ_BYTES), POSITION_DTYPES["ship"], previous=previous)
            previous = int(slots[-1])
            if slots.min() < 0 or slots.max() >= len(counts):
                raise ValueError("index snapshot column p_ship names a ship it does not list")
            counts += np.bincount(slots, minlength=len(counts))
        return counts

    def reports(self) -> "StoredReports":
        """The position reports in their stored order (by ship, then time), to be taken a few at a time."""
        return StoredReports({name: self._stream(POSITIONS_PREFIX + name) for name in POSITION_DTYPES})

    def _whole(self, key: str) -> np.ndarray:
        stream = self._stream(key)
        return stream.take(stream.remaining)

    def _stream(self, key: str) -> "_ColumnStream":
        dtype, count, offset, length = self._columns[key]
        return _ColumnStream(self._file, key, dtype, count, offset, length)


class StoredReports:
    """A snapshot's position reports read in order, the next ``k`` rows at a time, in the index's units."""

    def __init__(self, streams: dict[str, "_ColumnStream"]):
        self._streams = streams
        self._previous = {name: 0 for name in streams}
        self.remaining = streams["ship"].remaining
        if any(stream.remaining != self.remaining for stream in streams.values()):
            raise ValueError("index snapshot's position columns hold different numbers of rows")

    def take(self, k: int) -> Rows:
        """The next ``min(k, remaining)`` reports as (ship, occurred, recorded, values)."""
        k = min(k, self.remaining)
        columns: dict[str, np.ndarray] = {}
        for name, dtype in POSITION_DTYPES.items():
            values = loaded_column(name, self._streams[name].take(k), dtype, columns.get("occurred"),
                                   self._previous[name])
            if len(values):  # the row a column's next part follows (``loaded_column`` adds it to differences)
                self._previous[name] = int(values[-1])
            columns[name] = values
        self.remaining -= k
        return (columns.pop("ship"), columns.pop("occurred"), columns.pop("recorded"),
                {name[2:]: values for name, values in columns.items()})


class _ColumnStream:
    """One compressed column, decompressed as its values are taken (never more than asked for at once)."""

    def __init__(self, file: BinaryIO, key: str, dtype: np.dtype, count: int, offset: int, length: int):
        self._file, self._key, self._dtype = file, key, dtype
        self._next, self._end = offset, offset + length
        self._decompressor = zlib.decompressobj()
        self._held = bytearray()
        self.remaining = count

    def take(self, k: int) -> np.ndarray:
        k = min(k, self.remaining)
        wanted = k * self._dtype.itemsize
        try:
            while len(self._held) < wanted:
                data = self._decompressor.unconsumed_tail or self._read()
                if not data:
                    raise ValueError(f"index snapshot column {self._key} holds fewer rows than it says")
                self._held += self._decompressor.decompress(data, wanted - len(self._held))
        except zlib.error as error:
            raise ValueError(f"not an index snapshot: column {self._key}: {error}") from None
        values = np.frombuffer(bytes(self._held[:wanted]), dtype=self._dtype)
        del self._held[:wanted]
        self.remaining -= k
        if not self.remaining:
            self._check_ended()
        return values

    def _check_ended(self) -> None:
        """The column's stream must end with its last row: no more rows, nothing cut off."""
        try:
            while data := self._decompressor.unconsumed_tail or self._read():
                if self._decompressor.decompress(data, 1):
                    raise ValueError(f"index snapshot column {self._key} holds more rows than it says")
        except zlib.error as error:
            raise ValueError(f"not an index snapshot: column {self._key}: {error}") from None
        if self._held or not self._decompressor.eof:
            raise ValueError(f"index snapshot column {self._key} is cut short")

    def _read(self) -> bytes:
        if self._next >= self._end:
            return b""
        self._file.seek(self._next)
        data = self._file.read(min(_READ_BYTES, self._end - self._next))
        if not data:
            raise ValueError(f"index snapshot column {self._key} is cut short")
        self._next += len(data)
        return data


def _joined(pieces: list[np.ndarray], dtype: np.dtype) -> np.ndarray:
    """The pieces one after the other in ``dtype`` (the one piece itself when there is one of that type)."""
    if len(pieces) == 1:
        return pieces[0].astype(dtype, copy=False)
    return np.concatenate([piece.astype(dtype, copy=False) for piece in pieces])


def partition_edges(counts: np.ndarray, rows: int) -> np.ndarray:
    """Ship slots cutting the ships ``0 .. len(counts)`` (each with ``counts[slot]`` reports) into ranges of
    about ``rows`` reports: ``edges[i] <= slot < edges[i + 1]``. A range holds more only when one ship alone
    has more than ``rows``."""
    cumulative = np.cumsum(counts)
    total = int(cumulative[-1]) if len(cumulative) else 0
    cuts = np.searchsorted(cumulative, np.arange(rows, total, rows), side="left") + 1
    return np.unique(np.concatenate([[0], cuts, [len(counts)]])).astype(np.int64)
