"""How events are written into rows and read back.

A payload is a compact JSON array in the field order of its type's layout (the layout is stored once, in
``event_types``). A ship's MMSI is not repeated in the payloads of its own stream (``ship-<mmsi>``): the
layout marks it with a leading ``@`` and reading takes it from the stream id. Fields whose values come from a fixed domain vocabulary (navigational status, ship type)
are stored as their index in it and marked with ``#`` in the layout; the vocabularies only ever grow at the
end, so a stored code keeps its meaning. Event ids are 16 raw bytes, metadata canonical JSON.
"""
from __future__ import annotations

import dataclasses
import json
import operator
import re
from typing import Any, Callable, Mapping, Sequence, cast

from domain import ais
from domain.events import UPCASTERS, Event, PositionReported, ShipEvent, build_event, payload_fields

CODED_MARK = "#"
FROM_STREAM_MARK = "@"
VOCABULARIES: dict[str, tuple[str, ...]] = {"nav_status": ais.NAV_STATUSES, "ship_type": ais.SHIP_TYPES}
_CODES = {name: {value: code for code, value in enumerate(words)} for name, words in VOCABULARIES.items()}

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False, sort_keys=True)
encode_json = _ENCODER.encode
_encode_array = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_NUMERIC_TYPE = re.compile(r"(int|float)(\|None)?")


def _stored_fields(event_type: type[Event]) -> tuple[str, ...]:
    """The payload fields written into the payload array (the MMSI of a ship event lives in its stream id)."""
    fields = payload_fields(event_type)
    return tuple(f for f in fields if f != "mmsi") if issubclass(event_type, ShipEvent) else fields


def layout_of(event_type: type[Event]) -> str:
    """The stored field layout of an event class: names in order, coded and stream-borne fields marked."""
    names = [name + CODED_MARK if name in VOCABULARIES else name for name in _stored_fields(event_type)]
    if issubclass(event_type, ShipEvent):
        names.insert(0, FROM_STREAM_MARK + "mmsi")
    return ",".join(names)


def payload_encoder(event_type: type[Event]) -> Callable[[Event], str]:
    """A function turning an event of this class into its stored payload text."""
    if event_type is PositionReported and _POSITION_SPELLED_OUT:
        return cast(Callable[[Event], str], _encode_position)  # only ever given position reports
    return _general_payload_encoder(event_type)


def _general_payload_encoder(event_type: type[Event]) -> Callable[[Event], str]:
    fields = _stored_fields(event_type)
    values_of: Callable[[Event], Sequence[Any]] = (operator.attrgetter(*fields) if len(fields) > 1
                                                   else lambda event: (getattr(event, fields[0]),))
    coded = [(i, _CODES[name]) for i, name in enumerate(fields) if name in VOCABULARIES]
    annotations = {f.name: str(f.type) for f in dataclasses.fields(event_type)}
    numbers_only = len(fields) > 1 and all(_NUMERIC_TYPE.fullmatch(annotations[name].replace(" ", "")) or name in VOCABULARIES
                                           for name in fields)

    def encode(event: Event) -> str:
        values = values_of(event)
        if coded:
            recoded = list(values)
            for i, codes in coded:
                if recoded[i] is not None:
                    recoded[i] = codes[recoded[i]]
            values = recoded
        if numbers_only:
            # Validated events of this class hold only ints, floats and None: their repr is JSON but for
            # spaces and None, and twice as fast as the JSON encoder.
            return "[" + repr(values)[1:-1].replace(" ", "").replace("None", "null") + "]"
        return _encode_array(list(values))

    return encode


_STATUS_CODES = _CODES["nav_status"]
_POSITION_SPELLED_OUT = layout_of(PositionReported) == "@mmsi,lat,lon,sog,cog,heading,nav_status#"  # else the general


def _encode_position(report: PositionReported) -> str:
    """A position report's payload: what the general encoder writes for its layout (lat, lon, sog, cog,
    heading, nav_status coded), spelled out (tests/store/test_payload_encoding.py holds the two equal)."""
    return position_payload_of(repr(report.lat), repr(report.lon), repr(report.sog), repr(report.cog), report.heading,
                               report.nav_status)


def position_payload_of(lat: str, lon: str, sog: str, cog: str, heading: int | None, nav_status: str | None) -> str:
    """A position report's payload from its numbers already written out (``repr``: 'None' when not available),
    in one format string: every import row and live sentence is one, and a reading process writes the numbers
    once for both the payload and the dedupe key."""
    return (f"[{lat},{lon},{'null' if sog == 'None' else sog},{'null' if cog == 'None' else cog},"
            f"{'null' if heading is None else heading},{'null' if nav_status is None else _STATUS_CODES[nav_status]}]")


def encode_metadata(metadata: Mapping[str, Any]) -> str:
    return encode_json(dict(metadata))


def mmsi_of_stream(stream_id: str) -> int:
    """The MMSI in a ship stream id (``ship-219000123``)."""
    prefix, _, number = stream_id.partition("-")
    if prefix != "ship" or not number.isdigit():
        raise ValueError(f"{stream_id!r} is not a ship stream")
    return int(number)


def decode_payload(layout: str, payload_json: str, stream_id: str) -> dict[str, Any]:
    values = json.loads(payload_json)
    names = layout.split(",") if layout else []
    payload: dict[str, Any] = {}
    if names and names[0].startswith(FROM_STREAM_MARK):
        payload[names.pop(0)[1:]] = mmsi_of_stream(stream_id)
    if len(names) != len(values):
        raise ValueError(f"payload has {len(values)} values but its layout has {len(names)} fields")
    for name, value in zip(names, values):
        if name.endswith(CODED_MARK):
            name = name[:-1]
            value = None if value is None else VOCABULARIES[name][value]
        payload[name] = value
    return payload


def decode_event(type_name: str, schema_version: int, layout: str, occurred_at: int, payload_json: str,
                 stream_id: str) -> Event:
    """Rebuild the domain event of a stored row, upcasting older schema versions on the way."""
    current_type, payload = UPCASTERS.upcast(type_name, schema_version, decode_payload(layout, payload_json, stream_id))
    return build_event(current_type, occurred_at, payload)
