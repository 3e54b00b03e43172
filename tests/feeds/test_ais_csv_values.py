"""The cells of AIS CSV rows read as domain values: times of every layout, IMO numbers, statuses and ship types."""
from __future__ import annotations

import pytest

from domain import ais
from domain.time import parse_instant
from feeds.ais_csv_values import ANY, DAY_FIRST, ISO, BadValue, TimeReader, read_heading, read_imo, read_mmsi
from feeds.ais_csv_vocabulary import nav_status_of, non_ship_transponder, ship_type_of


@pytest.mark.parametrize("style, text, iso", [
    (ISO, "2017-02-01T20:05:07", "2017-02-01T20:05:07Z"),
    (ISO, "2025-12-31 23:59:59", "2025-12-31T23:59:59Z"),
    (ISO, "2017-02-01T20:05:07Z", "2017-02-01T20:05:07Z"),
    (ISO, " 2017-02-01T20:05:07", "2017-02-01T20:05:07Z"),
    (DAY_FIRST, "01/02/2024 00:00:01", "2024-02-01T00:00:01Z"),
    (DAY_FIRST, "13/02/2024 23:59:59", "2024-02-13T23:59:59Z"),
    (ANY, "2016-01-12 13:02:11.218", "2016-01-12T13:02:11.218Z"),
    (ANY, "2024-05-01T12:00:00.123456789Z", "2024-05-01T12:00:00.123456Z"),
    (ANY, "2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00Z"),
    (ANY, "2024-05-01T12:00", "2024-05-01T12:00:00Z"),
    (ANY, "31/01/2024 23:59:59", "2024-01-31T23:59:59Z"),
    (ANY, "2024/01/31 23:59:59", "2024-01-31T23:59:59Z"),
    (ANY, "1714564800", "2024-05-01T12:00:00Z"),
    (ANY, "1714564800.25", "2024-05-01T12:00:00.25Z"),
    (ANY, "1714564800250", "2024-05-01T12:00:00.25Z"),
    (ANY, "1714564800250000", "2024-05-01T12:00:00.25Z"),
])
def test_times_of_each_layout_are_read_as_utc(style, text, iso):
    read = TimeReader(style)
    assert read(text) == parse_instant(iso)
    assert read(text) == parse_instant(iso)  # and again, from what it remembers


@pytest.mark.parametrize("style, text", [
    (ISO, "01/02/2024 00:00:01"), (ISO, "2017-02-30T20:05:07"), (ISO, "2017-02-01T20:05:60"),
    (DAY_FIRST, "2024-02-01 00:00:01"), (DAY_FIRST, "32/01/2024 00:00:00"), (ANY, "yesterday"), (ANY, "-5"),
])
def test_a_time_that_is_not_one_says_what_was_expected(style, text):
    with pytest.raises(BadValue) as refused:
        TimeReader(style)(text)
    assert refused.value.field == "time" and repr(text) in refused.value.reason
    assert TimeReader(style).expected in refused.value.reason


def test_day_first_times_read_the_day_before_the_month():
    assert TimeReader(DAY_FIRST)("01/02/2024 00:00:00") == parse_instant("2024-02-01T00:00:00Z")
    assert TimeReader(ANY)("01/02/2024 00:00:00") == parse_instant("2024-02-01T00:00:00Z")


@pytest.mark.parametrize("text, imo", [("IMO9627980", 9627980), ("9627980", 9627980), ("IMO 9627980", 9627980),
                                       ("9627980.0", 9627980), ("Unknown", None), ("IMO0000000", None), ("", None)])
def test_imo_numbers_are_read_with_or_without_their_prefix(text, imo):
    assert read_imo(text) == imo


def test_mmsis_and_headings_are_whole_numbers():
    assert read_mmsi(" 219000873 ") == 219000873 and read_mmsi("219000873.0") == 219000873
    with pytest.raises(BadValue, match="MMSI '2190OO873' is not a number"):
        read_mmsi("2190OO873")
    assert (read_heading("511.0"), read_heading("359.6"), read_heading("12.4"), read_heading("")) == (None, 0, 12, None)


@pytest.mark.parametrize("text, status", [
    ("0", "under way using engine"), ("5", "moored"), ("15", "not defined"), ("5.0", "moored"), ("", None),
    ("Under way using engine", "under way using engine"), ("At anchor", "at anchor"),
    ("Restricted maneuverability", "restricted manoeuvrability"),
    ("Constrained by her draught", "constrained by her draught"),
    ("Engaged in fishing", "engaged in fishing"), ("Under way sailing", "under way sailing"),
    ("Reserved for future amendment [HSC]", "reserved for high-speed craft"),
    ("Reserved for future amendment [WIG]", "reserved for wing in ground"),
    ("Power-driven vessel towing astern", "towing astern"),
    ("Power-driven vessel pushing ahead or towing alongside", "pushing ahead or towing alongside"),
    ("Reserved for future use [13]", "reserved"), ("AIS-SART", "AIS-SART active"), ("Unknown value", "not defined"),
    ("Unknown", None), ("Drifting sideways", None), ("99", None),
])
def test_navigational_statuses_are_read_by_code_or_by_their_words(text, status):
    assert nav_status_of(text) == status
    assert status is None or status in ais.NAV_STATUS_CODES


@pytest.mark.parametrize("text, ship_type", [
    ("70", "cargo"), ("1025", None), ("0", None), ("Cargo", "cargo"), ("Tanker", "tanker"), ("Passenger", "passenger"),
    ("Fishing", "fishing"), ("Tug", "tug"), ("Pilot", "pilot"), ("SAR", "search and rescue"),
    ("Law enforcement", "law enforcement"), ("Military", "military"), ("Sailing", "sailing"),
    ("Pleasure", "pleasure craft"), ("HSC", "high-speed craft"), ("Dredging", "dredging"), ("Diving", "diving"),
    ("Port tender", "port tender"), ("Anti-pollution", "anti-pollution"), ("Medical", "medical"),
    ("WIG", "wing in ground"), ("Towing", "towing"), ("Towing long/wide", "towing"), ("Spare 1", "other"),
    ("Reserved", "other"), ("Not party to conflict", "other"), ("Undefined", None), ("Other", "other"),
    ("Unknown", None), ("Hovercraft", None),
])
def test_ship_types_are_read_by_code_or_by_their_words(text, ship_type):
    assert ship_type_of(text) == ship_type
    assert ship_type is None or ship_type in ais.SHIP_TYPE_CODES


@pytest.mark.parametrize("text, what", [("Class A", None), ("Class B", None), ("", None),
                                        ("Base Station", "Base Station"), ("AtoN", "AtoN"),
                                        ("SAR Airborne", "SAR Airborne"),
                                        ("Search and Rescue Transponder", "Search and Rescue Transponder"),
                                        ("Man Overboard Device", "Man Overboard Device")])
def test_only_class_a_and_b_transponders_are_ships(text, what):
    assert non_ship_transponder(text) == what
