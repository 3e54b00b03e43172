"""Track exports read back by GDAL — an independent reader — and compared point by point with the log.

The real Solent recording (91 ships, 84 minutes) is imported once; each format's file must open in GDAL with
every ship, every point and every time the index holds for the range. Hand-made logs cover what the
recording lacks: hostile names, a ship crossing 180°, reporting gaps.
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest

import main
from app.console import Console
from app.fleet_service import FleetService
from app.track_export import TrackExportCancelled, TrackExportError, TrackExportRequest, export_tracks
from domain.events import NewEvent, PositionReported, ShipRegistered
from domain.time import parse_instant
from store import open_store
from tests.conftest import AIS_SAMPLES
from tests.exports.gdal_reader import read_back
from tests.fleet_events import MINUTE, T0

SOLENT = "stonesoup_SolentAIS_20160112_130211.csv"
FROM, TO = "2016-01-12T13:00:00Z", "2016-01-12T14:30:00Z"
KML = {"kml": "http://www.opengis.net/kml/2.2", "gx": "http://www.google.com/kml/ext/2.2"}


@pytest.fixture(scope="module")
def solent_db(tmp_path_factory) -> Path:
    """A store of the real Solent recording (imported once for the module)."""
    from app.ais_import import ImportOptions, import_files

    source = AIS_SAMPLES / SOLENT
    if not source.exists():
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"real AIS recordings not found at {AIS_SAMPLES}", pytrace=False)
        pytest.skip(f"real AIS recordings not found at {AIS_SAMPLES}")
    path = tmp_path_factory.mktemp("solent") / "solent.sqlite"
    store = open_store(path)
    try:
        summary = import_files(store, [source], ImportOptions(parallel=False))
        assert summary.appended > 18_000
    finally:
        store.close()
    return path


def export(capsys, db: Path, out: Path, *extra: str, start: str = FROM, end: str = TO) -> dict:
    code = main.main(["export", "tracks", "--db", str(db), "--from", start, "--to", end, "--out", str(out), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def log_tracks(db: Path, start: str = FROM, end: str = TO) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each ship's (occurred, lat, lon) in the range, as the log's index holds them."""
    store = open_store(db, read_only=True)
    try:
        fleet = Console.over(FleetService.open(store)).fleet
        begin, finish = parse_instant(start), parse_instant(end)
        tracks = {mmsi: fleet.track(mmsi, begin, finish) for mmsi in fleet.ships_reporting(begin, finish)}
    finally:
        store.close()
    return {mmsi: (t.occurred, t.lat, t.lon) for mmsi, t in tracks.items()}


def millis(text: str) -> int:
    """An ISO time as GDAL gives it (to the millisecond) in milliseconds."""
    return parse_instant(text) // 1000


def assert_same_points(read: list[list[float]], lat: np.ndarray, lon: np.ndarray) -> None:
    assert len(read) == len(lat)
    assert np.allclose([p[0] for p in read], lon, atol=1e-9) and np.allclose([p[1] for p in read], lat, atol=1e-9)


def test_geojson_reads_back_in_gdal_with_every_point_and_time_of_every_ship(solent_db, tmp_path, capsys):
    out = tmp_path / "solent.geojson"
    said = export(capsys, solent_db, out)
    expected = log_tracks(solent_db)
    features = read_back(out)["features"]
    assert said["ships"] == len(features) == len(expected) == 91
    assert said["points"] == sum(len(t[0]) for t in expected.values())
    for feature in features:
        occurred, lat, lon = expected[feature["properties"]["mmsi"]]
        geometry = feature["geometry"]
        points = geometry["coordinates"] if geometry["type"] == "LineString" else [geometry["coordinates"]]
        assert_same_points(points, lat, lon)
        assert [millis(t) for t in feature["properties"]["times"]] == (occurred // 1000).tolist()


def test_gpx_reads_back_in_gdal_with_time_speed_and_course_on_every_point(solent_db, tmp_path, capsys):
    out = tmp_path / "solent.gpx"
    said = export(capsys, solent_db, out)
    expected = log_tracks(solent_db)
    tracks = read_back(out, "tracks")["features"]
    points = read_back(out, "track_points", open_options=("GPX_USE_EXTENSIONS=YES",))["features"]
    assert said["ships"] == len(tracks) == 91 and said["points"] == len(points)
    by_track: dict[int, list[dict]] = {}
    for point in points:
        by_track.setdefault(point["properties"]["track_fid"], []).append(point)
    store = open_store(solent_db, read_only=True)
    try:
        fleet = Console.over(FleetService.open(store)).fleet
        for number, feature in enumerate(tracks):
            mmsi = int(feature["properties"]["desc"].removeprefix("MMSI "))
            track = fleet.track(mmsi, parse_instant(FROM), parse_instant(TO))
            read = by_track[number]
            assert_same_points([p["geometry"]["coordinates"] for p in read], track.lat, track.lon)
            assert [millis(p["properties"]["time"]) for p in read] == (track.occurred // 1000).tolist()
            speeds = [p["properties"].get("fl_sog") for p in read]
            assert np.allclose([np.nan if s is None else s for s in speeds], track.sog, equal_nan=True)
    finally:
        store.close()
    assert set(expected) == {int(f["properties"]["desc"].removeprefix("MMSI ")) for f in tracks}


def test_kml_reads_back_in_gdal_and_each_track_has_a_when_for_every_coordinate(solent_db, tmp_path, capsys):
    out = tmp_path / "solent.kml"
    said = export(capsys, solent_db, out)
    expected = log_tracks(solent_db)
    features = read_back(out)["features"]
    assert said["ships"] == len(features) == 91
    for feature in features:
        occurred, lat, lon = expected[int(feature["properties"]["mmsi"])]
        geometry = feature["geometry"]
        lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        if geometry["type"] == "Point":
            lines = [[geometry["coordinates"]]]
        assert_same_points([p for line in lines for p in line], lat, lon)
        assert millis(feature["properties"]["begin"]) == occurred[0] // 1000
        assert millis(feature["properties"]["end"]) == occurred[-1] // 1000
    # GDAL keeps a track's first and last time only: the whens themselves, read by the standard XML parser
    tree = ElementTree.parse(out)
    for placemark in tree.getroot().iter(f"{{{KML['kml']}}}Placemark"):
        mmsi = int(placemark.find("kml:ExtendedData/kml:Data[@name='mmsi']/kml:value", KML).text)
        whens = [parse_instant(w.text) for w in placemark.iter(f"{{{KML['kml']}}}when")]
        coords = list(placemark.iter(f"{{{KML['gx']}}}coord"))
        assert whens == expected[mmsi][0].tolist() and len(coords) == len(whens)


def hostile_log(path: Path) -> None:
    """Two ships: one named with markup, quotes and control characters, crossing 180° on its way east; one
    with a two-hour reporting gap."""
    store = open_store(path)
    try:
        events = [NewEvent(ShipRegistered(mmsi=412000001, occurred_at=T0, name='<b>"A&B"</b> \x07ONE\u202e',
                                          ship_type="tanker", callsign="=1+2"), recorded_at=T0),
                  NewEvent(ShipRegistered(mmsi=412000002, occurred_at=T0, name="GAPPY", ship_type="fishing"),
                           recorded_at=T0)]
        for minute in range(20):
            lon = 179.95 + minute * 0.005
            lon = lon - 360.0 if lon > 180.0 else lon
            events.append(NewEvent(PositionReported(mmsi=412000001, occurred_at=T0 + minute * MINUTE, lat=52.0,
                                                    lon=lon, sog=12.0, cog=90.0), recorded_at=T0 + minute * MINUTE))
        for minute in (*range(0, 10), *range(130, 140)):
            events.append(NewEvent(PositionReported(mmsi=412000002, occurred_at=T0 + minute * MINUTE, lat=53.0,
                                                    lon=-170.0 + minute * 0.002, sog=5.0), recorded_at=T0 + minute * MINUTE))
        store.append_batch(events)
    finally:
        store.close()


@pytest.fixture
def hostile_db(tmp_path) -> Path:
    path = tmp_path / "hostile.sqlite"
    hostile_log(path)
    return path


HOURS = ("2024-05-01T11:00:00Z", "2024-05-01T15:00:00Z")


@pytest.mark.parametrize("suffix", ["geojson", "kml", "gpx"])
def test_hostile_names_stay_text_and_a_ship_crossing_180_degrees_stays_whole(hostile_db, tmp_path, capsys, suffix):
    out = tmp_path / f"hostile.{suffix}"
    said = export(capsys, hostile_db, out, "--simplify", "100", start=HOURS[0], end=HOURS[1])
    assert said == {**said, "ships": 2, "points": 40}
    if suffix == "gpx":
        features = read_back(out, "tracks")["features"]
        name_key = "name"
    else:
        features = read_back(out)["features"]
        name_key = "Name" if suffix == "kml" else "name"
    names = {f["properties"][name_key] for f in features}
    expected_name = '<b>"A&B"</b> \x07ONE\u202e' if suffix == "geojson" else '<b>"A&B"</b> \ufffdONE\u202e'
    assert names == {expected_name, "GAPPY"}
    crossing = next(f for f in features if f["properties"][name_key] == expected_name)["geometry"]
    points = crossing["coordinates"] if crossing["type"] == "LineString" else crossing["coordinates"][0]
    assert len(points) == 20  # 500 m apart at 52° N: none thinned away by 100 m, none lost at the meridian
    assert all(-180.0 <= p[0] <= 180.0 for p in points)


def test_a_reporting_gap_cuts_the_track_into_gpx_segments_and_kml_tracks(hostile_db, tmp_path, capsys):
    gpx, kml = tmp_path / "gap.gpx", tmp_path / "gap.kml"
    export(capsys, hostile_db, gpx, "--ship", "412000002", start=HOURS[0], end=HOURS[1])
    export(capsys, hostile_db, kml, "--ship", "412000002", start=HOURS[0], end=HOURS[1])
    points = read_back(gpx, "track_points")["features"]
    assert sorted({p["properties"]["track_seg_id"] for p in points}) == [0, 1]
    assert [p["properties"]["track_seg_id"] for p in points].count(1) == 10
    (feature,) = read_back(kml)["features"]
    assert feature["geometry"]["type"] == "MultiLineString" and len(feature["geometry"]["coordinates"]) == 2


def test_simplifying_keeps_each_segments_first_and_last_report(solent_db, tmp_path, capsys):
    whole = export(capsys, solent_db, tmp_path / "whole.geojson")
    thin = export(capsys, solent_db, tmp_path / "thin.geojson", "--simplify", "500")
    assert thin["ships"] == whole["ships"] and thin["points"] < whole["points"] / 3
    expected = log_tracks(solent_db)
    for feature in read_back(tmp_path / "thin.geojson")["features"]:
        occurred = expected[feature["properties"]["mmsi"]][0]
        times = [millis(t) for t in feature["properties"]["times"]]
        starts = feature["properties"]["segment_starts"]
        ends = [*(s - 1 for s in starts[1:]), len(times) - 1]
        assert times[0] == occurred[0] // 1000 and times[-1] == occurred[-1] // 1000
        assert all(times[s] in set((occurred // 1000).tolist()) for s in starts + ends)


def test_bad_requests_are_refused_and_leave_no_file(solent_db, tmp_path, capsys):
    for extra, words in ((("--out", str(tmp_path / "t.shp")), "must end in .geojson, .kml or .gpx"),
                         (("--out", str(tmp_path / "t.gpx"), "--simplify", "-3"), "between 0 and 100,000"),
                         (("--out", str(tmp_path / "t.gpx"), "--ship", "999999999"), "no ship with MMSI 999999999"),
                         (("--out", str(tmp_path / "t.gpx"), "--zone", "Nowhere"), "no zone named 'Nowhere'")):
        code = main.main(["export", "tracks", "--db", str(solent_db), "--from", FROM, "--to", TO, *extra])
        assert code != 0 and words in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("t.", ".t."))]


def test_a_cancelled_export_leaves_the_older_file_as_it_was(solent_db, tmp_path):
    out = tmp_path / "tracks.kml"
    out.write_text("an older export")
    store = open_store(solent_db, read_only=True)
    try:
        fleet = Console.over(FleetService.open(store)).fleet
        asked = []
        with pytest.raises(TrackExportCancelled):
            export_tracks(fleet, TrackExportRequest(parse_instant(FROM), parse_instant(TO)), out,
                          cancelled=lambda: asked.append(1) or len(asked) > 10)
        with pytest.raises(TrackExportError, match="ends .* before it starts"):
            TrackExportRequest(parse_instant(TO), parse_instant(FROM))
    finally:
        store.close()
    assert out.read_text() == "an older export" and not (tmp_path / ".tracks.kml.partial").exists()


def test_a_zone_export_holds_the_ships_that_reported_inside_it_with_their_whole_tracks(solent_db, tmp_path, capsys):
    import shutil

    from domain.geo import point_in_area
    from tests.fleet_events import range_zone_file

    db = tmp_path / "solent.sqlite"
    shutil.copy(solent_db, db)
    zone_file = range_zone_file(tmp_path, "Portsmouth", kind="port")
    assert main.main(["zones", "add", str(zone_file), "--db", str(db)]) == 0
    capsys.readouterr()
    said = export(capsys, db, tmp_path / "zone.geojson", "--zone", "Portsmouth")
    expected = log_tracks(db)
    area = (((( -1.2, 50.7), (-1.1, 50.7), (-1.1, 50.8), (-1.2, 50.8), (-1.2, 50.7)),),)
    inside = {mmsi for mmsi, (_, lat, lon) in expected.items()
              if any(point_in_area(float(x), float(y), area) for x, y in zip(lon, lat))}
    features = read_back(tmp_path / "zone.geojson")["features"]
    assert {f["properties"]["mmsi"] for f in features} == inside and 0 < said["ships"] == len(inside) < 91
    assert said["points"] == sum(len(expected[mmsi][0]) for mmsi in inside)
