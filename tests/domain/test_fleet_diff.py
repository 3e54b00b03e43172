"""The diff between two moments is the comparison of two plain folds of the log, whatever the log."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.alert_board import AlertBoard
from domain.events import (AlertAcknowledged, NewEvent, ShipDetailsChanged, ShipRegistered, SpeedLimitExceeded,
                           ZoneDefined, ZoneRemoved)
from domain.fleet_diff import (APPEARED, DISAPPEARED, FleetDiff, Moment, alert_changes, diff_fleets, fold_diff,
                               particulars_changes, zone_changes)
from domain.temporal_index import TemporalIndex
from domain.zone_list import fold_zones
from tests.domain.test_temporal_index import MMSIS, recorded_log, reports

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]})


@st.composite
def other_facts(draw):
    """Alerts, acknowledgements and zone changes at random times, some recorded late."""
    occurred = draw(st.integers(0, 600)) * 1_000_000
    lag = draw(st.sampled_from([0, 0, 30, 900])) * 1_000_000
    alert_id = draw(st.sampled_from(["a-1", "a-2", "a-3"]))
    kind = draw(st.sampled_from(["alert", "ack", "zone", "unzone"]))
    if kind == "alert":
        event = SpeedLimitExceeded(mmsi=draw(st.sampled_from(MMSIS)), occurred_at=occurred, alert_id=alert_id,
                                   severity="warning", summary="fast", sog=12.0, limit=10.0, zone="Z")
    elif kind == "ack":
        event = AlertAcknowledged(occurred_at=occurred, operator="Mate", mmsi=draw(st.sampled_from(MMSIS)),
                                  alert_id=alert_id)
    elif kind == "zone":
        event = ZoneDefined(occurred_at=occurred, name=draw(st.sampled_from(["Z", "Y"])),
                            kind=draw(st.sampled_from(["port", "restricted"])), geometry=SQUARE)
    else:
        event = ZoneRemoved(occurred_at=occurred, name=draw(st.sampled_from(["Z", "Y"])))
    return NewEvent(event, recorded_at=occurred + lag)


@st.composite
def more_particulars(draw):
    """The particulars the index does not hold: IMO number, size, draught and ETA, some recorded late."""
    occurred = draw(st.integers(0, 600)) * 1_000_000
    lag = draw(st.sampled_from([0, 0, 30, 900])) * 1_000_000
    mmsi = draw(st.sampled_from(MMSIS))
    if draw(st.booleans()):
        event = ShipRegistered(mmsi=mmsi, occurred_at=occurred, imo=draw(st.sampled_from([9074729, 9321483])),
                               length=draw(st.sampled_from([None, 120.0, 300.0])), beam=20.0)
    else:
        event = ShipDetailsChanged(mmsi=mmsi, occurred_at=occurred, draught=draw(st.sampled_from([5.5, 11.2])),
                                   eta=draw(st.sampled_from([None, 1_733_800_000_000_000])))
    return NewEvent(event, recorded_at=occurred + lag)


def fast_diff(log, before: Moment, after: Moment) -> FleetDiff:
    """The diff as the application computes it: the index's columns, the alert board, the zones stream."""
    index = TemporalIndex()
    index.add_all(log)
    board = AlertBoard(log)
    zones = [e for e in log if e.stream_id == "zones"]
    return diff_fleets(before, after, index.state_at(before.at, before.known_at),
                       index.state_at(after.at, after.known_at),
                       alert_changes(board.at(before.at, before.known_at), board.at(after.at, after.known_at)),
                       zone_changes(fold_zones(e for e in zones if before.counts(e)),
                                    fold_zones(e for e in zones if after.counts(e))),
                       particulars_changes(log, before, after))


def same(fast: FleetDiff, plain: FleetDiff) -> None:
    assert [s.mmsi for s in fast.ships] == [s.mmsi for s in plain.ships]
    for a, b in zip(fast.ships, plain.ships):
        assert a.distance_m == pytest.approx(b.distance_m, abs=1e-6)
        assert (a.name, a.presence, a.before, a.after, a.fields, a.alerts) == \
            (b.name, b.presence, b.before, b.after, b.fields, b.alerts)
    assert fast.zones == plain.zones and dict(fast.counts) == dict(plain.counts)


moments = st.builds(Moment, st.integers(-10, 1600).map(lambda s: s * 1_000_000),
                    st.one_of(st.none(), st.integers(-10, 1600).map(lambda s: s * 1_000_000)))


@settings(max_examples=200)
@given(st.lists(st.one_of(reports(), reports(), other_facts(), more_particulars()), max_size=60), moments, moments)
def test_the_diff_of_two_moments_equals_the_comparison_of_two_plain_folds(events, before, after):
    log = recorded_log(events)
    same(fast_diff(log, before, after), fold_diff(log, before, after))


@given(st.lists(st.one_of(reports(), other_facts()), max_size=40), moments)
def test_a_moment_compared_with_itself_has_no_changes(events, moment):
    diff = fast_diff(recorded_log(events), moment, moment)
    assert diff.ships == () and diff.zones == ()


def test_late_reports_learned_between_two_known_at_times_show_as_changes_of_the_same_moment():
    from tests.domain.test_temporal_index import PositionReported

    mmsi = MMSIS[0]
    log = recorded_log([
        NewEvent(PositionReported(mmsi=mmsi, occurred_at=100_000_000, lat=50.0, lon=-1.0), recorded_at=100_000_000),
        NewEvent(PositionReported(mmsi=mmsi, occurred_at=200_000_000, lat=50.01, lon=-1.0, nav_status="moored"),
                 recorded_at=900_000_000),  # heard 700 s late
        NewEvent(PositionReported(mmsi=MMSIS[1], occurred_at=150_000_000, lat=51.0, lon=1.0), recorded_at=800_000_000)])
    diff = fast_diff(log, Moment(300_000_000, 400_000_000), Moment(300_000_000, 1_000_000_000))
    late, newcomer = diff.ships
    assert late.moved and late.distance_m == pytest.approx(1_112, abs=2) and late.field("nav_status").after == "moored"
    assert newcomer.presence == APPEARED and diff.counts[APPEARED] == 1
    backwards = fast_diff(log, Moment(300_000_000, 1_000_000_000), Moment(300_000_000, 400_000_000))
    assert backwards.ship(MMSIS[1]).presence == DISAPPEARED
    assert np.isclose(backwards.ship(mmsi).distance_m, late.distance_m)


def test_a_diff_from_an_empty_picture_lists_every_ship_as_appeared_with_its_status():
    from tests.domain.test_temporal_index import PositionReported

    log = recorded_log([NewEvent(PositionReported(mmsi=MMSIS[0], occurred_at=100_000_000, lat=50.0, lon=-1.0,
                                                  nav_status="at anchor"), recorded_at=100_000_000)])
    diff = fast_diff(log, Moment(0), Moment(200_000_000))
    same(diff, fold_diff(log, Moment(0), Moment(200_000_000)))
    assert [s.presence for s in diff.ships] == [APPEARED] and diff.ships[0].after.lat == 50.0
