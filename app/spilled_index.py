"""The temporal index of an import, kept mostly on disk, written out as the snapshot at the end.

An import of a national day folds ten million reports; the whole ``TemporalIndex`` of them, with the copies
its compaction makes, would take more memory than the import itself. Only what is small stays in memory
here: the ships, the texts and the rare rows (names, ship types, destinations, callsigns). The reports of the
snapshot the import started from stay in that snapshot's file, and the reports folded since go to a
``PositionSpill``. At the end the snapshot is written a range of ships at a time (``SnapshotWriter``), the
same bytes ``TemporalIndex.to_bytes`` would write for the index of the same events.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Sequence

import numpy as np

from domain import ais
from domain.events import PositionReported, RecordedEvent
from domain.events.report_entries import ReportEntry
from domain.snapshot_stream import SnapshotReader, SnapshotWriter, partition_edges
from domain.temporal_index import TemporalIndex, Rows
from app.position_spill import PositionSpill

RANGE_REPORTS = 1 << 18  # about this many reports sorted and written at once: ~35 MB of work (twice as many, ~70)
_NOT_AVAILABLE = -1


class SpilledIndex:
    """Folds events as ``TemporalIndex`` does (``add``, ``extend_positions``, in log order) and writes the
    snapshot of them; ``start`` is the snapshot it begins from (a seekable file it reads until the end)."""

    def __init__(self, folder: Path, start: BinaryIO | None = None, *, range_reports: int = RANGE_REPORTS):
        self._folder = folder
        self._range_reports = range_reports
        self._start = None if start is None else SnapshotReader(start)
        self.index = TemporalIndex() if self._start is None else self._start.index_without_positions()
        self._start_counts = np.zeros(0, np.int64) if self._start is None else self._start.report_counts()
        self._spill = PositionSpill(folder)

    @property
    def log_position(self) -> int:
        return self.index.log_position

    @property
    def report_count(self) -> int:
        return int(self._start_counts.sum()) + self._spill.rows

    def add(self, recorded: RecordedEvent) -> None:
        """Fold one event in (after those before it in the log)."""
        if isinstance(recorded.event, PositionReported):  # a report of an older schema, read back one by one
            self.extend_positions(*report_columns([recorded.event], [recorded.recorded_at]), recorded.position)
        else:
            self.index.add(recorded)

    def extend_positions(self, mmsi: np.ndarray, occurred: np.ndarray, recorded: np.ndarray, lat: np.ndarray,
                         lon: np.ndarray, sog: np.ndarray, cog: np.ndarray, heading: np.ndarray, status: np.ndarray,
                         last_position: int) -> None:
        """A run of reports in index units (``TemporalIndex.extend_positions``), kept on disk."""
        slots = self.index.slots_of_reports(mmsi)
        self._spill.append(slots, occurred, recorded, {"lat": lat, "lon": lon, "sog": sog, "cog": cog,
                                                       "heading": heading, "status": status})
        self.index.log_position = max(self.index.log_position, last_position)

    def compact(self) -> None:
        """Nothing to sort until the snapshot is written (the rare rows are compacted then)."""

    def write_snapshot(self, out: BinaryIO) -> None:
        """Write the snapshot of everything folded to ``out``; the reports are sorted a range of ships at a
        time, each range's reports from the start snapshot first (they came first in the log)."""
        ships = len(self.index.mmsis)
        counts = np.zeros(ships, np.int64)
        counts[:len(self._start_counts)] += self._start_counts
        counts[:len(self._spill.counts)] += self._spill.counts
        edges = partition_edges(counts, self._range_reports)
        started = None if self._start is None else self._start.reports()
        scratch: list[BinaryIO] = []

        def scratch_file(key: str) -> BinaryIO:
            scratch.append(open(self._folder / f"{key}.deflate", "w+b"))
            return scratch[-1]

        try:
            writer = SnapshotWriter(scratch_file)
            for low, high, folded in zip(edges[:-1], edges[1:], self._spill.by_ranges(edges)):
                parts: list[Rows] = []
                if started is not None:
                    parts.append(started.take(int(self._start_counts[low:high].sum())))
                parts.append(folded)
                writer.add_partition(parts)
                del parts, folded
            if started is not None and started.remaining:
                raise ValueError("the start snapshot holds reports of ships it does not list")
            writer.finish(self.index, out)
        finally:
            for file in scratch:
                file.close()

    def close(self) -> None:
        self._spill.close()


def report_columns(reports: Sequence[PositionReported], recorded_at: Sequence[int]) -> tuple[np.ndarray, ...]:
    """Reports as the columns ``extend_positions`` takes (MMSI, times, then ``POSITION_COLUMNS`` in index
    units), converted as ``TemporalIndex.add`` converts one report."""
    return _index_columns([r.mmsi for r in reports], [r.occurred_at for r in reports], recorded_at,
                          [r.lat for r in reports], [r.lon for r in reports], [r.sog for r in reports],
                          [r.cog for r in reports], [r.heading for r in reports], [r.nav_status for r in reports])


def entry_columns(entries: Sequence[ReportEntry]) -> tuple[np.ndarray, ...]:
    """``report_columns`` of the reports these entries stand for (their recording times their own), taken
    from the entries a field at a time: an import folds ten million of them."""
    if not entries:
        return report_columns([], [])
    mmsi, occurred, lat, lon, sog, cog, heading, status, _, _, recorded, _ = zip(*entries)
    return _index_columns(mmsi, occurred, recorded, lat, lon, sog, cog, heading, status)


def _index_columns(mmsi: Sequence[int], occurred: Sequence[int], recorded: Sequence[int], lat: Sequence[float],
                   lon: Sequence[float], sog: Sequence[float | None], cog: Sequence[float | None],
                   heading: Sequence[int | None], status: Sequence[str | None]) -> tuple[np.ndarray, ...]:
    """The fields of reports, one sequence each, in index units: positions in 1e-7 degree, speed and course
    in tenths, rounded as ``round`` rounds (half to even), what is not available as -1."""
    none, codes = _NOT_AVAILABLE, ais.NAV_STATUS_CODES
    return (np.array(mmsi, np.int64), np.array(occurred, np.int64), np.array(recorded, np.int64),
            np.rint(np.array(lat, np.float64) * 10_000_000).astype(np.int32),
            np.rint(np.array(lon, np.float64) * 10_000_000).astype(np.int32),
            _tenths_or_none(sog), _tenths_or_none(cog), _whole_or_none(heading),
            np.fromiter((none if name is None else codes[name] for name in status), np.int64, len(status)))


def _tenths_or_none(values: Sequence[float | None]) -> np.ndarray:
    floats = np.array(values, np.float64)  # None becomes NaN
    missing = np.isnan(floats)
    return np.where(missing, _NOT_AVAILABLE, np.rint(np.where(missing, 0.0, floats) * 10)).astype(np.int64)


def _whole_or_none(values: Sequence[int | None]) -> np.ndarray:
    floats = np.array(values, np.float64)  # None becomes NaN (a heading is at most 359: exact as a float)
    return np.where(np.isnan(floats), _NOT_AVAILABLE, floats).astype(np.int64)
