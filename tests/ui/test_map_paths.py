"""Polylines as one path: the fast route builds exactly the path pyqtgraph's documented route builds."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
import pytest

from ui.map import paths


def elements(path):
    return [(path.elementAt(i).type, path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]


@pytest.mark.parametrize("count", [1, 2, 7, 5_000])
def test_a_path_of_many_polylines_is_the_one_pyqtgraph_builds(count):
    rng = np.random.default_rng(count)
    x, y = rng.normal(size=count), rng.normal(size=count)
    connect = rng.random(count) < 0.8
    connect[-1] = False
    built = paths.polyline_path(x, y, connect)
    expected = pg.arrayToQPath(x, y, connect=connect.astype(np.int32), finiteCheck=False)
    assert elements(built) == elements(expected)
    assert built.boundingRect() == expected.boundingRect()


def test_without_the_fast_route_paths_are_built_the_documented_way(monkeypatch):
    monkeypatch.setattr(paths, "_direct_route_works", False)
    monkeypatch.setattr(paths, "_direct_path", lambda *args: pytest.fail("the fast route was taken"))
    built = paths.polyline_path(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.0]), np.array([1, 1, 0]))
    assert [element[0].value for element in elements(built)] == [0, 1, 1]  # move to, line to, line to


def test_an_empty_path_is_empty():
    assert paths.polyline_path(np.empty(0), np.empty(0), np.empty(0, dtype=bool)).isEmpty()
