"""TemporalIndex: the fast path for 'where was every ship at T (as known at R)'.

Columnar numpy arrays, one row per report, sorted by ship, then ``occurred_at``, then log order. The state
of every ship at T is one vectorised ``searchsorted`` over a composite key (ship, rank of time) plus a
gather, so scrubbing never loops over ships in Python. Rows appended live go to a small unsorted tail that
is searched with vectorised masks and sorted into a recent block when it grows; the recent block is merged
into the main one a piece with each report after it (``domain.sorted_rows``), so a console following a
national feed never stops to sort ten million rows again.

It answers exactly what ``fleet_state.replay`` answers (tests hold it to that): per ship, the report with
the latest ``occurred_at <= at`` among those with ``recorded_at <= known_at``, later log entries winning
ties; and for each static field the value of the latest event that set it.
"""
from __future__ import annotations

import io
import json
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np

from domain import ais
from domain.events import PositionReported, RecordedEvent, ShipDetailsChanged, ShipRegistered
from domain.ship import ShipState
from domain.sorted_rows import Merge, Rows, SortedRows, merged
from domain.tracks import Track, Trails

_NONE = -1
_FALLBACK_AFTER_STEPS = 8
_TAIL_LIMIT = 8_192  # live rows kept unsorted: each query looks at all of them
_RECENT_LIMIT = 131_072  # rows sorted apart from the main block before they are merged into it
_MERGE_STEP_ROWS = 16_384  # rows of the main block's merge written with each live report (under a millisecond)
_AT_ONCE_SHARE = 1  # a recent block as large as the main block (a bulk block, a young index) is merged into it at once
_SNAPSHOT_FORMAT = 5
_SNAPSHOT_MAGIC = b"fleet-logbook-index\n"
SNAPSHOT_PREAMBLE = len(_SNAPSHOT_MAGIC) + 8  # the magic line, then the header's length in 8 bytes
_WHOLE_ARCHIVE_FORMAT = 4  # snapshots made before columns were compressed one by one: still read
_EXACT_DENSITY_ROWS = 1_000_000  # above this many sorted rows, density is counted from fine time cells
_DENSITY_CELLS = 65_536
_DELTA_COLUMNS = ("ship", "occurred", "v_lat", "v_lon")

POSITION_COLUMNS: dict[str, np.dtype] = {
    "lat": np.dtype(np.int32),  # 1e-7 degree
    "lon": np.dtype(np.int32),
    "sog": np.dtype(np.int16),  # 0.1 knot, -1 = not available
    "cog": np.dtype(np.int16),  # 0.1 degree, -1 = not available
    "heading": np.dtype(np.int16),  # degrees, -1 = not available
    "status": np.dtype(np.int8),  # navigational status code, -1 = not available
}
VALUE_COLUMN = {"value": np.dtype(np.int32)}
# The snapshot's tracks in the order it stores them, by the prefix of their column keys: position reports
# first, then the rare rows (names, ship types, destinations, callsigns).
POSITIONS_PREFIX = "p_"
SNAPSHOT_TRACKS: tuple[tuple[str, Mapping[str, np.dtype]], ...] = (
    (POSITIONS_PREFIX, POSITION_COLUMNS), ("n_", VALUE_COLUMN), ("t_", VALUE_COLUMN), ("d_", VALUE_COLUMN),
    ("c_", VALUE_COLUMN))


# Each ship's latest row at a moment: (found, occurred, recorded, value columns by name), one entry per ship.
Latest = tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]


class _Track:
    """Rows of (ship, occurred, recorded, values...): sorted blocks, each newer in the log than the one before
    (the main block, the block being merged into it, the recent block), then an unsorted tail of live rows.

    A live report goes to the tail (a list append). Every ``_TAIL_LIMIT`` reports the tail is sorted into the
    recent block, a merge that costs the recent block's rows, not the main block's. Once the recent block holds
    ``_RECENT_LIMIT`` rows it is merged into the main block a piece at a time, one piece with each report
    folded after, while both blocks go on answering; the merged block takes the main block's place when it is
    done. So no report waits for the whole index to be sorted again, and memory grows by one copy of the main
    block while a merge runs, not two. Rows added in bulk (``extend``) are sorted together at the next
    ``compact``; a block as large as the main one is merged into it at once."""

    def __init__(self, columns: Mapping[str, np.dtype], *, steady: bool = False):
        """``steady``: rows are rare (a ship's name, type, ...), so they all go to the main block at each
        compaction, and the answer at a moment is kept and given again for the next moments until a row's
        time or recording lies between them."""
        self.columns = dict(columns)
        self._steady = steady
        self._latest_kept: dict[bool, tuple[int, int | None, int, Latest]] = {}  # by "as known then" or not
        self._occurred_sorted = self._recorded_sorted = np.empty(0, np.int64)
        self.main = SortedRows.empty(self.columns)
        self._merge: Merge | None = None  # the main block and ``_merging`` becoming one
        self._merging: SortedRows | None = None
        self._retired: list[np.ndarray] = []  # the columns of a main block just replaced, let go one at a time
        self.recent = SortedRows.empty(self.columns)
        self._tail: list[tuple[int, ...]] = []
        self._tail_arrays: Rows | None = None
        self._pending: list[Rows] = []  # blocks added in bulk, sorted in at the next compaction

    @property
    def ship(self) -> np.ndarray:
        """The main block's ship column (``arrays()`` gives every row)."""
        return self.main.ship

    def __len__(self) -> int:
        return sum(len(block) for block in self._blocks()) + len(self._tail) + sum(len(b[0]) for b in self._pending)

    @property
    def nbytes(self) -> int:
        return sum(block.nbytes for block in self._blocks())

    def _blocks(self) -> list[SortedRows]:
        """The sorted blocks, oldest in the log first."""
        blocks = [self.main] if self._merging is None else [self.main, self._merging]
        return blocks + [self.recent] if len(self.recent) else blocks

    def append(self, ship: int, occurred: int, recorded: int, *values: int) -> None:
        self._tail.append((ship, occurred, recorded, *values))
        self._tail_arrays = None
        if self._merge is not None or self._retired:
            self._merge_step()
        if len(self._tail) >= _TAIL_LIMIT:
            self.compact()

    def extend(self, ship: np.ndarray, occurred: np.ndarray, recorded: np.ndarray, values: Mapping[str, np.ndarray]) -> None:
        """Add many rows at once (in log order, after the rows already held); sorted in at the next compaction."""
        self._tail_to_pending()
        self._pending.append((ship.astype(np.int32), occurred.astype(np.int64), recorded.astype(np.int64),
                              {n: values[n].astype(d) for n, d in self.columns.items()}))

    def _tail_to_pending(self) -> None:
        if self._tail:
            self._pending.append(self._tail_columns())
            self._tail, self._tail_arrays = [], None

    def compact(self) -> None:
        """Sort the tail and any bulk blocks (one sort for all of them) into the recent block, and start
        merging the recent block into the main block once it has grown (see the class)."""
        self._tail_to_pending()
        if not self._pending:
            return
        blocks, self._pending = self._pending, []
        block = blocks[0] if len(blocks) == 1 else (
            np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks]),
            np.concatenate([b[2] for b in blocks]), {n: np.concatenate([b[3][n] for b in blocks]) for n in self.columns})
        del blocks
        self.recent = merged(self.recent, SortedRows.of_block(block))
        self._latest_kept = {}
        if self._steady or not len(self.main):
            self._settle()
            return
        if self._merge is not None and len(self.recent) >= _RECENT_LIMIT:
            self._end_merge(self._merge.finish())  # more came in bulk than the merge could take in the meantime
        if self._merge is None and len(self.recent) >= _RECENT_LIMIT:
            if _AT_ONCE_SHARE * len(self.recent) >= len(self.main):  # no stall worth spreading
                self._settle()
            else:
                self._merging, self.recent = self.recent, SortedRows.empty(self.columns)
                self._merge = Merge(self.main, self._merging, self._density_cells(len(self.main) + len(self._merging)),
                                    _MERGE_STEP_ROWS)

    def _merge_step(self) -> None:
        """One piece of the running merge, or, once it is done, the merged block in the main block's place
        (the replaced block's columns are let go one with each report after: returning hundreds of
        megabytes to the system at once is itself a stall)."""
        if self._retired:
            self._retired.pop()
        elif self._merge is not None and self._merge.step():
            replaced = self.main
            self._end_merge(self._merge.finish())
            self._retired = [replaced.grid.grid, replaced.ship, replaced.occurred, replaced.recorded,
                             *replaced.values.values()]

    def _end_merge(self, main: SortedRows) -> None:
        self._merge = self._merging = None
        self._set_main(main)

    def _settle(self) -> None:
        """Everything sorted into the main block, now (a snapshot, a bulk block, a steady track)."""
        self.compact()
        if self._merge is not None:
            self._end_merge(self._merge.finish())
        if len(self.recent):
            recent, self.recent = self.recent, SortedRows.empty(self.columns)
            self._set_main(merged(self.main, recent, self._density_cells(len(self.main) + len(recent))))

    @staticmethod
    def _density_cells(rows: int) -> int | None:
        return _DENSITY_CELLS if rows > _EXACT_DENSITY_ROWS else None

    def _set_main(self, main: SortedRows) -> None:
        self.main = main.with_cells(self._density_cells(len(main)))
        self._latest_kept = {}
        if self._steady:
            self._occurred_sorted, self._recorded_sorted = np.sort(main.occurred), np.sort(main.recorded)

    def time_span(self) -> tuple[int, int] | None:
        """The first and last ``occurred`` of any row (without sorting the rows added since the last
        compaction: asked at every live batch, it must not cost a sort of the whole index)."""
        spans = [(block.grid.first, block.grid.last) for block in self._blocks() if len(block)]
        blocks = list(self._pending) + ([self._tail_columns()] if self._tail else [])
        spans += [(int(block[1].min()), int(block[1].max())) for block in blocks if len(block[1])]
        if not spans:
            return None
        return min(low for low, _ in spans), max(high for _, high in spans)

    def occurred_counts(self, start: int, end: int, bins: int) -> np.ndarray:
        """How many rows occurred in each of ``bins`` equal slices of [start, end] (the last slice closed).

        Exact for blocks up to ``_EXACT_DENSITY_ROWS`` rows; a larger sorted block is counted by the fine
        cells made when it was sorted (65,536 over its span), so a row may be counted in the slice next to
        its own when it lies within one cell (half a second in a day) of their border."""
        counts = np.zeros(bins, np.int64)
        blocks = list(self._pending) + ([self._tail_columns()] if self._tail else [])
        for block in blocks:
            counts += _slice_counts(block[1], start, end, bins)
        for rows in self._blocks():
            if rows.cells is None:
                counts += _slice_counts(rows.occurred, start, end, bins)
            else:
                first, width, cells = rows.cells
                counts += _slice_counts(first + width * np.arange(len(cells), dtype=np.int64), start, end, bins, cells)
        return counts

    def _tail_columns(self) -> Rows:
        if self._tail_arrays is None:
            n = len(self._tail)
            width = 3 + len(self.columns)
            table = np.array(self._tail, dtype=np.int64).reshape(n, width) if n else np.empty((0, width), np.int64)
            values = {name: table[:, 3 + i].astype(dtype) for i, (name, dtype) in enumerate(self.columns.items())}
            self._tail_arrays = (table[:, 0].astype(np.int32), table[:, 1].copy(), table[:, 2].copy(), values)
        return self._tail_arrays

    def latest(self, ship_count: int, at: int,
               known_at: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Per ship: whether a row qualifies, and its occurred, recorded and values."""
        if self._pending:
            self.compact()
        keep = self._steady and not self._tail
        kept = self._latest_kept.get(known_at is None) if keep else None
        if kept is not None:
            kept_at, kept_known, kept_count, answer = kept
            if kept_count == ship_count and self._same_rows_qualify(kept_at, at, kept_known, known_at):
                return answer
        ships = np.arange(ship_count, dtype=np.int64)
        main, *later = self._blocks()
        found, pos = main.latest(ships, at, known_at, _FALLBACK_AFTER_STEPS)
        some = len(pos) and len(main)
        out_occ = np.where(found, main.occurred[pos] if some else 0, 0)
        out_rec = np.where(found, main.recorded[pos] if some else 0, 0)
        out_values = {n: np.where(found, v[pos], _NONE) if len(v) else np.full(ship_count, _NONE, v.dtype)
                      for n, v in main.values.items()}
        for block in later:  # a later block wins a tie in time: its rows are later in the log
            block_found, block_pos = block.latest(ships, at, known_at, _FALLBACK_AFTER_STEPS)
            take = np.flatnonzero(block_found & (~found | (block.occurred[block_pos] >= out_occ)))
            if take.size:
                rows = block_pos[take]
                found[take] = True
                out_occ[take], out_rec[take] = block.occurred[rows], block.recorded[rows]
                for n, v in block.values.items():
                    out_values[n][take] = v[rows]
        if self._tail:
            self._merge_tail(found, out_occ, out_rec, out_values, at, known_at)
        if keep:
            self._latest_kept[known_at is None] = (at, known_at, ship_count, (found, out_occ, out_rec, out_values))
        return found, out_occ, out_rec, out_values

    def _same_rows_qualify(self, at: int, other_at: int, known_at: int | None, other_known_at: int | None) -> bool:
        """Whether the same rows have occurred by ``at`` and ``other_at`` (and were recorded by both
        ``known_at``): no row's time, nor recording, lies between them."""
        if (known_at is None) != (other_known_at is None):
            return False
        spans = [(self._occurred_sorted, at, other_at)]
        if known_at is not None and other_known_at is not None:
            spans.append((self._recorded_sorted, known_at, other_known_at))
        for times, one, other in spans:
            low, high = np.searchsorted(times, [min(one, other), max(one, other)], side="right")
            if low != high:
                return False
        return True

    def _merge_tail(self, found: np.ndarray, out_occ: np.ndarray, out_rec: np.ndarray,
                    out_values: dict[str, np.ndarray], at: int, known_at: int | None) -> None:
        ship, occurred, recorded, values = self._tail_columns()
        mask = occurred <= at
        if known_at is not None:
            mask &= recorded <= known_at
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        order = np.lexsort((rows, occurred[rows], ship[rows]))
        rows = rows[order]
        row_ships = ship[rows]
        last_of_ship = np.r_[row_ships[1:] != row_ships[:-1], True]
        rows, row_ships = rows[last_of_ship], row_ships[last_of_ship]
        take = ~found[row_ships] | (occurred[rows] >= out_occ[row_ships])  # the tail is later in the log
        rows, row_ships = rows[take], row_ships[take]
        found[row_ships] = True
        out_occ[row_ships] = occurred[rows]
        out_rec[row_ships] = recorded[rows]
        for n in self.columns:
            out_values[n][row_ships] = values[n][rows]

    def window_rows(self, ship_count: int, start: int, end: int, known_at: int | None,
                    columns: tuple[str, ...] | None = None, only: np.ndarray | None = None) -> Rows:
        """Rows of every ship with ``start < occurred <= end`` (recorded by ``known_at``), ship after ship in
        time order (log order between rows of one time), as (ship, occurred, recorded, values). Only the
        value ``columns`` asked for are gathered (all by default); with ``only`` (ship slots, ascending),
        only those ships' rows."""
        wanted = tuple(self.columns) if columns is None else columns
        if self._pending:
            self.compact()
        ships = np.arange(ship_count, dtype=np.int64) if only is None else only
        parts = [block.rows(block.window(ships, start, end), wanted) for block in self._blocks() if len(block)]
        if self._tail:
            ship, occurred, recorded, values = self._tail_columns()
            chosen = (occurred > start) & (occurred <= end)
            if only is not None:
                chosen &= np.isin(ship, only)
            rows = np.flatnonzero(chosen)
            rows = rows[np.lexsort((occurred[rows], ship[rows]))]  # stable: log order between rows of one time
            parts.append((ship[rows], occurred[rows], recorded[rows], {n: values[n][rows] for n in wanted}))
        parts = [part for part in parts if len(part[0])]
        if not parts:
            return (np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int64),
                    {n: np.empty(0, self.columns[n]) for n in wanted})
        ship, occurred, recorded, values = _in_ship_time_order(parts, start, end)
        if known_at is not None:
            known = recorded <= known_at
            ship, occurred, recorded = ship[known], occurred[known], recorded[known]
            values = {n: v[known] for n, v in values.items()}
        return ship, occurred, recorded, values

    def ship_rows(self, ship: int) -> Rows:
        """One ship's rows in time order (log order between rows of one time)."""
        if self._pending:
            self.compact()
        parts = [block.rows(block.of_ship(ship), tuple(self.columns)) for block in self._blocks() if len(block)]
        if self._tail:
            tail_ship, occurred, recorded, values = self._tail_columns()
            rows = np.flatnonzero(tail_ship == ship)
            rows = rows[np.argsort(occurred[rows], kind="stable")]
            parts.append((tail_ship[rows], occurred[rows], recorded[rows], {n: v[rows] for n, v in values.items()}))
        parts = [p for p in parts if len(p[0])]
        if not parts:
            return (np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int64),
                    {n: np.empty(0, d) for n, d in self.columns.items()})
        times = np.concatenate([p[1] for p in parts]) if len(parts) > 1 else parts[0][1]
        return _in_ship_time_order(parts, int(times.min()) - 1, int(times.max()))

    def ships_between(self, start: int, end: int) -> np.ndarray:
        """The slots of the ships with a row with ``start <= occurred <= end``, ascending."""
        self.compact()
        found = [np.unique(block.ship[(block.occurred >= start) & (block.occurred <= end)]) for block in self._blocks()]
        return np.unique(np.concatenate(found))

    def arrays(self) -> dict[str, np.ndarray]:
        """Every row, sorted (everything is merged into the main block first)."""
        self._settle()
        return {"ship": self.main.ship, "occurred": self.main.occurred, "recorded": self.main.recorded,
                **{f"v_{n}": v for n, v in self.main.values.items()}}

    def load(self, arrays: Mapping[str, np.ndarray]) -> None:
        self._merge = self._merging = None
        self.recent = SortedRows.empty(self.columns)
        self._tail, self._tail_arrays, self._pending = [], None, []
        self._set_main(SortedRows(arrays["ship"], arrays["occurred"], arrays["recorded"],
                                  {n: arrays[f"v_{n}"] for n in self.columns}))


def _in_ship_time_order(parts: list[Rows], start: int, end: int) -> Rows:
    """Parts (in log order, each sorted by ship then time, every time in (start, end]) as one block sorted by
    ship then time, a part's rows after an earlier part's of the same ship and time."""
    if len(parts) == 1:
        return parts[0]
    ship, occurred, recorded = (np.concatenate([p[i] for p in parts]) for i in range(3))
    values = {n: np.concatenate([p[3][n] for p in parts]) for n in parts[0][3]}
    span = end - start
    if span > 0 and (int(ship.max(initial=0)) + 1) * span < 2**62:  # one key, sorted stably (the parts are runs)
        key = ship.astype(np.int64) * span
        key += occurred - start - 1
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort((occurred, ship))
    return ship[order], occurred[order], recorded[order], {n: v[order] for n, v in values.items()}


@dataclass(frozen=True)
class FleetArrays:
    """The state of every positioned ship at a moment, as columns ready for a plot or a table.

    Missing values: NaN for sog/cog/heading, -1 for status and type codes, None in ``names``,
    ``destinations`` and ``callsigns``.
    """

    mmsi: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    status: np.ndarray
    ship_type: np.ndarray
    last_report_at: np.ndarray
    recorded_at: np.ndarray
    names: np.ndarray
    destinations: np.ndarray
    callsigns: np.ndarray

    def __len__(self) -> int:
        return len(self.mmsi)

    def ship_states(self) -> list[ShipState]:
        """One ``ShipState`` per ship, sorted by MMSI (the form the fold produces)."""
        states = []
        for i in range(len(self.mmsi)):
            sog, cog, heading = self.sog[i], self.cog[i], self.heading[i]
            states.append(ShipState(
                mmsi=int(self.mmsi[i]), name=self.names[i],
                ship_type=ais.SHIP_TYPES[self.ship_type[i]] if self.ship_type[i] >= 0 else None,
                lat=float(self.lat[i]), lon=float(self.lon[i]),
                sog=None if np.isnan(sog) else float(sog), cog=None if np.isnan(cog) else float(cog),
                heading=None if np.isnan(heading) else int(heading),
                nav_status=ais.NAV_STATUSES[self.status[i]] if self.status[i] >= 0 else None,
                last_report_at=int(self.last_report_at[i]), destination=self.destinations[i]))
        return states


def _tenths(value: float | None) -> int:
    return _NONE if value is None else round(value * 10)


class TemporalIndex:
    """Every ship's reports and static data as columns, answering state-at-T queries in microseconds."""

    def __init__(self) -> None:
        self.mmsis: list[int] = []
        self._slot: dict[int, int] = {}
        self._names: list[str] = []
        self._name_code: dict[str, int] = {}
        self.positions = _Track(POSITION_COLUMNS)
        self.ship_names = _Track(VALUE_COLUMN, steady=True)
        self.ship_types = _Track(VALUE_COLUMN, steady=True)
        self.destinations = _Track(VALUE_COLUMN, steady=True)  # values: codes into the same text vocabulary as names
        self.callsigns = _Track(VALUE_COLUMN, steady=True)
        self.log_position = 0
        self.snapshot_position: int | None = None  # the log position of the snapshot this index was read from
        self._by_mmsi: np.ndarray | None = None
        self._mmsi_array: np.ndarray | None = None
        self._names_array: np.ndarray | None = None  # the texts by code, then None (for codes not set)

    # --- growing -------------------------------------------------------------------------------------------

    def slot_of(self, mmsi: int) -> int:
        """The dense row number of a ship, allotted on first sight."""
        slot = self._slot.get(mmsi)
        if slot is None:
            slot = self._slot[mmsi] = len(self.mmsis)
            self.mmsis.append(mmsi)
            self._by_mmsi = self._mmsi_array = None
        return slot

    def _name_value(self, name: str) -> int:
        code = self._name_code.get(name)
        if code is None:
            code = self._name_code[name] = len(self._names)
            self._names.append(name)
            self._names_array = None
        return code

    def add(self, recorded: RecordedEvent) -> None:
        """Fold one stored event in; events must be added in log order."""
        event = recorded.event
        if isinstance(event, PositionReported):
            self.positions.append(self.slot_of(event.mmsi), event.occurred_at, recorded.recorded_at,
                                  round(event.lat * 10_000_000), round(event.lon * 10_000_000), _tenths(event.sog),
                                  _tenths(event.cog), _NONE if event.heading is None else event.heading,
                                  _NONE if event.nav_status is None else ais.NAV_STATUS_CODES[event.nav_status])
        elif isinstance(event, (ShipRegistered, ShipDetailsChanged)):
            slot = self.slot_of(event.mmsi)
            if event.name is not None:
                self.ship_names.append(slot, event.occurred_at, recorded.recorded_at, self._name_value(event.name))
            if event.ship_type is not None:
                self.ship_types.append(slot, event.occurred_at, recorded.recorded_at, ais.SHIP_TYPE_CODES[event.ship_type])
            if event.callsign is not None:
                self.callsigns.append(slot, event.occurred_at, recorded.recorded_at, self._name_value(event.callsign))
            destination = getattr(event, "destination", None)
            if destination is not None:
                self.destinations.append(slot, event.occurred_at, recorded.recorded_at, self._name_value(destination))
        self.log_position = max(self.log_position, recorded.position)

    def add_all(self, events: Iterable[RecordedEvent]) -> None:
        for recorded in events:
            self.add(recorded)
        self.compact()

    def extend_positions(self, mmsi: np.ndarray, occurred: np.ndarray, recorded: np.ndarray, lat: np.ndarray,
                         lon: np.ndarray, sog: np.ndarray, cog: np.ndarray, heading: np.ndarray, status: np.ndarray,
                         last_position: int) -> None:
        """Bulk-add position reports already in index units (see ``POSITION_COLUMNS``), in log order."""
        slots = self.slots_of_reports(mmsi)
        self.positions.extend(slots, occurred, recorded, {"lat": lat, "lon": lon, "sog": sog, "cog": cog,
                                                          "heading": heading, "status": status})
        self.log_position = max(self.log_position, last_position)

    def slots_of_reports(self, mmsi: np.ndarray) -> np.ndarray:
        """The slots of a run of reports' ships (int32), ships first seen allotted theirs in MMSI order."""
        distinct, inverse = np.unique(mmsi, return_inverse=True)
        return np.array([self.slot_of(int(m)) for m in distinct], dtype=np.int32)[inverse]

    def compact(self) -> None:
        for track in self._tracks():
            track.compact()

    # --- asking ---------------------------------------------------------------------------------------------

    @property
    def report_count(self) -> int:
        return len(self.positions)

    @property
    def nbytes(self) -> int:
        return sum(track.nbytes for _, track in self._tracks_by_prefix()) + 8 * len(self.mmsis)

    def _tracks_by_prefix(self) -> tuple[tuple[str, _Track], ...]:
        tracks = (self.positions, self.ship_names, self.ship_types, self.destinations, self.callsigns)
        return tuple((prefix, track) for (prefix, _), track in zip(SNAPSHOT_TRACKS, tracks))

    def _tracks(self) -> tuple[_Track, ...]:
        return tuple(track for _, track in self._tracks_by_prefix())

    def time_range(self) -> tuple[int, int] | None:
        """The first and last ``occurred_at`` of any report, or None when there is none."""
        return self.positions.time_span()

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        """Every ship with a report by ``at`` (recorded by ``known_at``), sorted by MMSI."""
        n = len(self.mmsis)
        found, occurred, recorded, v = self.positions.latest(n, at, known_at)
        named, _, _, name_v = self.ship_names.latest(n, at, known_at)
        typed, _, _, type_v = self.ship_types.latest(n, at, known_at)
        bound, _, _, destination_v = self.destinations.latest(n, at, known_at)
        signed, _, _, callsign_v = self.callsigns.latest(n, at, known_at)
        order = self._mmsi_order()
        slots = order[found[order]]
        if self._names_array is None:
            self._names_array = np.array(self._names + [None], dtype=object)
        names_all = self._names_array
        name_codes = np.where(named, name_v["value"], len(self._names))
        destination_codes = np.where(bound, destination_v["value"], len(self._names))
        callsign_codes = np.where(signed, callsign_v["value"], len(self._names))
        return FleetArrays(
            mmsi=self._mmsi_values()[slots],
            lat=v["lat"][slots] / 10_000_000, lon=v["lon"][slots] / 10_000_000,
            sog=_tenths_to_float(v["sog"][slots]), cog=_tenths_to_float(v["cog"][slots]),
            heading=np.where(v["heading"][slots] >= 0, v["heading"][slots], np.nan),
            status=v["status"][slots].astype(np.int8),
            ship_type=np.where(typed, type_v["value"], _NONE)[slots].astype(np.int8),
            last_report_at=occurred[slots], recorded_at=recorded[slots],
            names=names_all[name_codes[slots]], destinations=names_all[destination_codes[slots]],
            callsigns=names_all[callsign_codes[slots]],
        )

    def trails(self, at: int, window: int, known_at: int | None = None, mmsis: np.ndarray | None = None) -> Trails:
        """Every ship's reports with ``at - window < occurred <= at`` as one polyline set (see ``Trails``);
        with ``mmsis``, only those ships' (a map showing part of a large fleet asks for the ships in view)."""
        only = None if mmsis is None else self._slots_of(mmsis)
        ship, _, _, v = self.positions.window_rows(len(self.mmsis), at - window, at, known_at, ("lat", "lon"), only)
        connect = np.ones(len(ship), dtype=bool)
        if len(ship):
            connect[:-1] = ship[1:] == ship[:-1]
            connect[-1] = False
        return Trails(lon=v["lon"] / 10_000_000, lat=v["lat"] / 10_000_000, connect=connect,
                      mmsi=self._mmsi_values()[ship] if len(ship) else np.empty(0, np.int64))

    def track(self, mmsi: int, start: int, end: int, known_at: int | None = None) -> Track:
        """One ship's reports with ``start <= occurred <= end`` (recorded by ``known_at``), in time order."""
        slot = self._slot.get(mmsi)
        _, occurred, recorded, v = self.positions.ship_rows(slot if slot is not None else len(self.mmsis))
        keep = (occurred >= start) & (occurred <= end)
        if known_at is not None:
            keep &= recorded <= known_at
        v = {n: values[keep] for n, values in v.items()}
        return Track(mmsi=mmsi, occurred=occurred[keep], recorded=recorded[keep],
                     lat=v["lat"] / 10_000_000, lon=v["lon"] / 10_000_000, sog=_tenths_to_float(v["sog"]),
                     cog=_tenths_to_float(v["cog"]), heading=np.where(v["heading"] >= 0, v["heading"], np.nan),
                     status=v["status"].astype(np.int8))

    def ships_reporting(self, start: int, end: int) -> list[int]:
        """The MMSIs of the ships with at least one report with ``start <= occurred <= end``, sorted."""
        return sorted(self.mmsis[int(slot)] for slot in self.positions.ships_between(start, end))

    def report_times(self, mmsi: int) -> np.ndarray:
        """The sorted ``occurred_at`` of all of one ship's reports."""
        slot = self._slot.get(mmsi)
        if slot is None:
            return np.empty(0, np.int64)
        times: np.ndarray = self.positions.ship_rows(slot)[1]
        return times

    def report_density(self, start: int, end: int, bins: int) -> np.ndarray:
        """How many reports occurred in each of ``bins`` equal slices of [start, end] (see
        ``_Track.occurred_counts``: without loading or sorting anything, in a few milliseconds at 10 million)."""
        if end <= start or bins <= 0:
            return np.zeros(max(bins, 0), dtype=np.int64)
        return self.positions.occurred_counts(start, end, bins)

    def ships_at(self, at: int, known_at: int | None = None) -> list[ShipState]:
        return self.state_at(at, known_at).ship_states()

    def _mmsi_values(self) -> np.ndarray:
        if self._mmsi_array is None:
            self._mmsi_array = np.array(self.mmsis, dtype=np.int64)
        return self._mmsi_array

    def _slots_of(self, mmsis: np.ndarray) -> np.ndarray:
        """The slots of the ships with these MMSIs that the index knows, ascending."""
        values, order = self._mmsi_values(), self._mmsi_order()
        wanted = np.asarray(mmsis, dtype=np.int64)
        at = np.minimum(np.searchsorted(values[order], wanted), max(len(order) - 1, 0))
        known = values[order][at] == wanted if len(order) else np.zeros(len(wanted), bool)
        return np.unique(order[at[known]]).astype(np.int64)

    def _mmsi_order(self) -> np.ndarray:
        if self._by_mmsi is None:
            self._by_mmsi = np.argsort(self._mmsi_values(), kind="stable")
        return self._by_mmsi

    # --- snapshots ------------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A snapshot of the index (a cache: the log stays the truth).

        Rows are sorted by ship and time, so ship, time and position columns are stored as differences
        from the row before and the recording lag instead of the recording time: small numbers that
        compress to about a quarter of the index's size in memory. Each column is compressed on its own,
        so that saving and loading hold one column's worth of work at a time, not the whole index twice.
        """
        self.compact()
        directory, chunks = [], []
        for prefix, track in self._tracks_by_prefix():
            for key, column in stored_columns(prefix, track.arrays()):
                chunks.append(zlib.compress(column.view(np.uint8).data, 1))
                directory.append(column_entry(key, column, len(chunks[-1])))
                del column
        return b"".join([snapshot_head(self.mmsis, self._names, self.log_position, directory), *chunks])

    def track_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The sorted columns of the track a snapshot stores under ``prefix`` (``SNAPSHOT_TRACKS``)."""
        return dict(self._tracks_by_prefix())[prefix].arrays()

    @property
    def texts(self) -> list[str]:
        """The names, callsigns and destinations by their code (the vocabulary a snapshot stores)."""
        return self._names

    @classmethod
    def from_bytes(cls, blob: bytes) -> "TemporalIndex":
        """Rebuild an index from ``to_bytes``; raises ValueError on a snapshot of another format."""
        if not blob.startswith(_SNAPSHOT_MAGIC):
            return cls._from_whole_archive(blob)
        view = memoryview(blob)
        start = len(_SNAPSHOT_MAGIC) + 8
        size = int.from_bytes(view[len(_SNAPSHOT_MAGIC):start], "big")
        header = snapshot_header(bytes(view[start:start + size]))
        offset = start + size
        stored: dict[str, np.ndarray] = {}

        def column(key: str, dtype: str, count: int, length: int) -> np.ndarray:
            try:
                raw = zlib.decompress(view[offset:offset + length])
            except zlib.error as error:
                raise ValueError(f"not an index snapshot: {error}") from None
            values = np.frombuffer(raw, dtype=np.dtype(dtype))
            if len(values) != count:
                raise ValueError(f"index snapshot column {key} holds {len(values)} rows, not {count}")
            return values

        for key, dtype, count, length in header["columns"]:
            stored[key] = column(key, dtype, count, length)
            offset += length
        return cls._from_columns(header, stored)

    @classmethod
    def _from_whole_archive(cls, blob: bytes) -> "TemporalIndex":
        """An index from a snapshot of the format before (one compressed archive of every column)."""
        try:
            blob = zlib.decompress(blob)
        except zlib.error as error:
            raise ValueError(f"not an index snapshot: {error}") from None
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode())
            if header.get("format") != _WHOLE_ARCHIVE_FORMAT:
                raise ValueError(f"index snapshot format {header.get('format')} is not {_SNAPSHOT_FORMAT}")
            return cls._from_columns(header, {key: data[key] for key in data.files if key != "header"})

    @classmethod
    def from_snapshot_columns(cls, header: dict[str, Any], stored: dict[str, np.ndarray], *,
                              positions: bool = True) -> "TemporalIndex":
        """The index from a snapshot's header and stored columns (see ``snapshot_header``); without
        ``positions``, its position reports are left out (their columns need not be given) and the index
        holds the ships, texts and rare rows alone."""
        return cls._from_columns(header, stored, () if positions else (POSITIONS_PREFIX,))

    @classmethod
    def _from_columns(cls, header: dict[str, Any], stored: dict[str, np.ndarray],
                      left_out: tuple[str, ...] = ()) -> "TemporalIndex":
        """The index from a snapshot's header and stored columns (which are released as they are read)."""
        index = cls()
        for mmsi in header["mmsis"]:
            index.slot_of(mmsi)
        for name in header["names"]:
            index._name_value(name)
        for prefix, track in index._tracks_by_prefix():
            if prefix in left_out:
                continue
            columns: dict[str, np.ndarray] = {}
            for name, dtype in track_dtypes(track.columns).items():
                values = stored.pop(prefix + name)
                columns[name] = loaded_column(name, values, dtype, columns.get("occurred"))
                del values
            track.load(columns)
        index.log_position = index.snapshot_position = header["log_position"]
        return index


def track_dtypes(columns: Mapping[str, np.dtype]) -> dict[str, np.dtype]:
    """A track's columns in the order a snapshot stores them, with their types in the index."""
    return {"ship": np.dtype(np.int32), "occurred": np.dtype(np.int64), "recorded": np.dtype(np.int64),
            **{f"v_{name}": dtype for name, dtype in columns.items()}}


def stored_column(name: str, column: np.ndarray, occurred: np.ndarray | None = None, previous: int = 0) -> np.ndarray:
    """A track's column as a snapshot stores it: the recording lag instead of the recording time (``occurred``
    is the track's time column), and ship, time and position as differences from the row before.
    ``previous``: the value of the row before this part of the column, when a column is stored in parts."""
    if name == "recorded":
        assert occurred is not None
        column = column - occurred
    if name in _DELTA_COLUMNS:
        column = _differences(column, previous)
    return np.ascontiguousarray(column)


def loaded_column(name: str, values: np.ndarray, dtype: np.dtype, occurred: np.ndarray | None = None,
                  previous: int = 0) -> np.ndarray:
    """The inverse of ``stored_column``: a stored column (or a part of it, after a row worth ``previous``)
    in the index's own units and type."""
    if name in _DELTA_COLUMNS:
        values = np.cumsum(values)
        if previous:
            values += previous
    if name == "recorded":
        assert occurred is not None
        values = values + occurred
    return values.astype(dtype, copy=False)


def stored_columns(prefix: str, columns: Mapping[str, np.ndarray]) -> Iterable[tuple[str, np.ndarray]]:
    """A track's sorted columns (``_Track.arrays``) as a snapshot stores them, one at a time, keyed by prefix."""
    for name in columns:
        yield prefix + name, stored_column(name, columns[name], columns["occurred"])


def column_entry(key: str, stored: np.ndarray, compressed_length: int) -> list[Any]:
    """A stored column's line in the snapshot's directory: key, type, rows, compressed bytes."""
    return [key, stored.dtype.str, len(stored), compressed_length]


def snapshot_head(mmsis: list[int], texts: list[str], log_position: int, directory: list[list[Any]]) -> bytes:
    """What a snapshot holds before its compressed columns (which follow in the directory's order)."""
    header = {"format": _SNAPSHOT_FORMAT, "mmsis": mmsis, "names": texts, "log_position": log_position,
              "columns": directory}
    head = json.dumps(header).encode()
    return b"".join([_SNAPSHOT_MAGIC, len(head).to_bytes(8, "big"), head])


def snapshot_header(head: bytes) -> dict[str, Any]:
    """The header of a snapshot (its JSON after the magic line and length); ValueError if it is not one of
    this format."""
    try:
        header = json.loads(head.decode())
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"not an index snapshot: {error}") from None
    if not isinstance(header, dict) or header.get("format") != _SNAPSHOT_FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise ValueError(f"index snapshot format {found} is not {_SNAPSHOT_FORMAT}")
    return header


def snapshot_head_size(start: bytes) -> int:
    """How many bytes of header follow the first ``SNAPSHOT_PREAMBLE`` bytes of a snapshot; ValueError when
    they are not a snapshot's of this format."""
    if len(start) != SNAPSHOT_PREAMBLE or not start.startswith(_SNAPSHOT_MAGIC):
        raise ValueError("not an index snapshot of this format")
    return int.from_bytes(start[len(_SNAPSHOT_MAGIC):], "big")



def _differences(column: np.ndarray, previous: int = 0) -> np.ndarray:
    """Each value less the one before (the first less ``previous``), in 64 bits, made in one array."""
    out = np.empty(len(column), np.int64)
    if len(column):
        out[:1] = column[:1]
        out[:1] -= np.int64(previous)
        np.subtract(column[1:], column[:-1], out=out[1:], dtype=np.int64)
    return out


def _slice_counts(times: np.ndarray, start: int, end: int, bins: int, weights: np.ndarray | None = None) -> np.ndarray:
    """How many of ``times`` (each counted ``weights`` times) fall in each of ``bins`` equal slices of
    [start, end], the last closed. In integers: at today's epoch microseconds a float cannot tell apart
    the edges of slices of a short span (a live feed's first reports, microseconds apart)."""
    offset = times - start
    inside = (offset >= 0) & (offset <= end - start)
    slices = np.minimum(offset[inside] * bins // (end - start), bins - 1)
    return np.bincount(slices, weights=None if weights is None else weights[inside], minlength=bins).astype(np.int64)


def _tenths_to_float(values: np.ndarray) -> np.ndarray:
    return np.where(values >= 0, values / 10, np.nan)
