"""Reading the log for the temporal index: position reports parsed in bulk into numpy columns.

Position reports are nearly all of the log; decoding each into a validated event object would make
opening a large store slow. Their stored payloads were validated when appended, so they are parsed as
plain JSON arrays straight into the index's units. Every other event is decoded normally, in log order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import numpy as np
from numpy.typing import DTypeLike

from domain.events import PositionReported, RecordedEvent
from store.codec import CODED_MARK, FROM_STREAM_MARK, decode_event, mmsi_of_stream
from store.event_store import EventStore, RawEvent

_FIELDS = ("lat", "lon", "sog", "cog", "heading", "nav_status")


@dataclass(frozen=True)
class PositionBlock:
    """Consecutive position reports as columns in index units (see ``domain.temporal_index``)."""

    mmsi: np.ndarray
    occurred: np.ndarray
    recorded: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    status: np.ndarray
    last_position: int


def read_for_index(store: EventStore, from_position: int, page: int = 10_000) -> Iterator[PositionBlock | RecordedEvent]:
    """Everything from ``from_position`` in log order: position blocks and other events."""
    slots_by_layout: dict[str, tuple[int, ...]] = {}
    for raw_page in store.iter_raw(from_position, page=page):
        rows: list[RawEvent] = []
        for raw in raw_page:
            if raw.type == PositionReported.TYPE and raw.schema_version == PositionReported.SCHEMA_VERSION:
                rows.append(raw)
                continue
            if rows:
                yield _block(rows, slots_by_layout)
                rows = []
            yield RecordedEvent(raw.position, raw.event_id, raw.stream_id, raw.version, raw.type, raw.schema_version,
                                raw.occurred_at, raw.recorded_at, {}, decode_event(raw.type, raw.schema_version,
                                                                                    raw.layout, raw.occurred_at,
                                                                                    raw.payload_json, raw.stream_id),
                                raw.hash)
        if rows:
            yield _block(rows, slots_by_layout)


def _block(rows: list[RawEvent], slots_by_layout: dict[str, tuple[int, ...]]) -> PositionBlock:
    n = len(rows)
    table = np.empty((n, len(_FIELDS)), dtype=np.float64)
    mmsi = np.empty(n, dtype=np.int64)
    for i, raw in enumerate(rows):
        slots = slots_by_layout.get(raw.layout)
        if slots is None:
            names = [name.rstrip(CODED_MARK) for name in raw.layout.split(",") if not name.startswith(FROM_STREAM_MARK)]
            slots = slots_by_layout[raw.layout] = tuple(names.index(field) for field in _FIELDS)
        values = json.loads(raw.payload_json)
        table[i] = [np.nan if values[s] is None else values[s] for s in slots]
        mmsi[i] = mmsi_of_stream(raw.stream_id)
    missing = np.isnan(table)

    def scaled(column: int, scale: float, dtype: DTypeLike) -> np.ndarray:
        return np.where(missing[:, column], -1, np.round(np.nan_to_num(table[:, column]) * scale)).astype(dtype)

    return PositionBlock(
        mmsi=mmsi,
        occurred=np.fromiter((r.occurred_at for r in rows), np.int64, n),
        recorded=np.fromiter((r.recorded_at for r in rows), np.int64, n),
        lat=np.round(table[:, 0] * 10_000_000).astype(np.int32), lon=np.round(table[:, 1] * 10_000_000).astype(np.int32),
        sog=scaled(2, 10, np.int16), cog=scaled(3, 10, np.int16), heading=scaled(4, 1, np.int16),
        status=scaled(5, 1, np.int8), last_position=rows[-1].position)
