"""Events refuse impossible facts at construction and map AIS 'not available' values to None."""
import re

import pytest
from hypothesis import given, strategies as st

from domain.errors import InvalidEvent, PositionUnavailable, UnknownEventType
from domain.events import (NewEvent, OperatorNoteAdded, PositionReported, ShipDetailsChanged, ShipRegistered, event_class,
                           register, registered_event_types)


def position(**changes):
    fields = dict(mmsi=219000123, occurred_at=1_700_000_000_000_000, lat=55.5, lon=12.25, sog=11.3, cog=181.2,
                  heading=180, nav_status="under way using engine")
    fields.update(changes)
    return PositionReported(**fields)


@pytest.mark.parametrize("field, value", [("lat", 90.5), ("lat", -91.0), ("lon", 180.01), ("lon", -200.0),
                                          ("sog", -0.1), ("sog", 150.0), ("cog", -1.0), ("cog", 361.0),
                                          ("heading", 360), ("heading", 3.5), ("mmsi", 1_000_000_000), ("mmsi", 0),
                                          ("nav_status", "drifting"), ("lat", float("nan")), ("lat", "55")])
def test_a_report_out_of_range_is_refused_naming_the_field(field, value):
    with pytest.raises(InvalidEvent) as refused:
        position(**{field: value})
    assert refused.value.field == field
    assert field in str(refused.value)


def test_ais_not_available_values_become_none():
    report = position(sog=102.3, cog=360.0, heading=511, nav_status=None)
    assert (report.sog, report.cog, report.heading, report.nav_status) == (None, None, None, None)


@pytest.mark.parametrize("field, value", [("lat", 91.0), ("lon", 181.0), ("lat", None)])
def test_a_report_without_a_position_is_not_a_position(field, value):
    with pytest.raises(PositionUnavailable):
        position(**{field: value})


def test_from_ais_maps_the_status_code_to_its_name():
    report = PositionReported.from_ais(mmsi=219000123, occurred_at=0, lat=55.0, lon=12.0, sog=0.0, cog=0.0,
                                       heading=511, nav_status_code=5)
    assert report.nav_status == "moored" and report.heading is None


def test_positions_are_kept_to_a_centimetre_and_speeds_to_a_tenth():
    report = position(lat=55.123456789, lon=-1.987654321, sog=12.34, cog=359.97)
    assert report.lat == 55.1234568 and report.lon == -1.9876543
    assert report.sog == 12.3 and report.cog == 0.0


def test_static_text_loses_ais_padding():
    ship = ShipRegistered(mmsi=235070762, occurred_at=0, name="RED FALCON@@@@  ", callsign="MXQZ7@@")
    assert ship.name == "RED FALCON" and ship.callsign == "MXQZ7"


@pytest.mark.parametrize("changes", [{"imo": 123}, {"ship_type": "submarine"}, {"length": -4.0}, {"length": 900.0}])
def test_static_data_is_validated(changes):
    with pytest.raises(InvalidEvent):
        ShipRegistered(mmsi=235070762, occurred_at=0, name="X", **changes)


def test_a_details_change_must_change_something():
    with pytest.raises(InvalidEvent):
        ShipDetailsChanged(mmsi=235070762, occurred_at=0)


def test_a_note_needs_an_operator_and_text():
    with pytest.raises(InvalidEvent):
        OperatorNoteAdded(occurred_at=0, operator=" ", text="hello")
    with pytest.raises(InvalidEvent):
        OperatorNoteAdded(occurred_at=0, operator="kim", text="   ")
    assert OperatorNoteAdded(occurred_at=0, operator="kim", text="pilot aboard", mmsi=235070762).stream_id == "ship-235070762"
    assert OperatorNoteAdded(occurred_at=0, operator="kim", text="shift start").stream_id == "operations"


def test_events_are_immutable():
    report = position()
    with pytest.raises(AttributeError):
        report.lat = 10.0  # type: ignore[misc]


def test_the_registry_knows_every_type_by_name_and_by_former_name():
    assert event_class("PositionReported") is PositionReported
    assert {"ShipRegistered", "ShipDetailsChanged", "PositionReported", "OperatorNoteAdded",
            "AlertAcknowledged"} <= set(registered_event_types())
    with pytest.raises(UnknownEventType):
        event_class("ShipSank")


def test_a_renamed_type_is_found_by_its_old_name():
    from dataclasses import dataclass

    from domain.events import Event

    @dataclass(frozen=True, slots=True, kw_only=True)
    class WatchHandedOver(Event):
        TYPE = "WatchHandedOver"
        operator: str

        @property
        def stream_id(self) -> str:
            return "operations"

    register(WatchHandedOver, "ShiftChanged")
    assert event_class("ShiftChanged") is WatchHandedOver


def test_a_report_rebuilt_from_checked_fields_equals_the_validated_original():
    from domain.events import PositionReported

    original = PositionReported(mmsi=219000001, occurred_at=5, lat=50.123456789, lon=-4.5, sog=12.34, cog=359.97,
                                heading=44, nav_status="moored")
    rebuilt = PositionReported.from_checked(original.mmsi, original.occurred_at, original.lat, original.lon,
                                            original.sog, original.cog, original.heading, original.nav_status)
    assert rebuilt == original and rebuilt.payload() == original.payload() and hash(rebuilt) == hash(original)


def test_an_event_class_that_names_no_stream_is_refused_when_registered():
    from dataclasses import dataclass

    from domain.events import Event

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Streamless(Event):
        TYPE = "Streamless"

    with pytest.raises(TypeError, match="names no stream"):
        register(Streamless)
    with pytest.raises(UnknownEventType):
        event_class("Streamless")


@given(recorded_at=st.integers(0, 2**53) | st.floats(0, 1e15) | st.none(),
       metadata=st.dictionaries(st.text(max_size=3) | st.integers(0, 3), st.text(max_size=3), max_size=3),
       dedupe_key=st.none() | st.binary(max_size=16) | st.text(max_size=3), payload=st.none() | st.text(max_size=8))
def test_the_fast_new_event_is_the_constructors_or_its_error(recorded_at, metadata, dedupe_key, payload) -> None:
    report = PositionReported(mmsi=366_000_001, occurred_at=1_704_067_200_000_000, lat=50.0, lon=-1.0)
    for _ in range(2):  # the second time, the metadata is the one checked last
        try:
            made = NewEvent(report, recorded_at, metadata, dedupe_key, None, payload)
        except InvalidEvent as error:
            with pytest.raises(InvalidEvent, match=re.escape(error.reason)):
                NewEvent.plain(report, recorded_at, metadata, dedupe_key, payload)
            return
        assert NewEvent.plain(report, recorded_at, metadata, dedupe_key, payload) == made
