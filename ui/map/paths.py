"""Many polylines as one ``QPainterPath``, built from numpy arrays (trails every moment, land per view).

``pyqtgraph.arrayToQPath`` serialises the vertices into a ``QDataStream`` that Qt parses back, about
0.1 µs a vertex: a millisecond for the 10,000 trail vertices of a thousand-ship scrub frame. pyqtgraph
also ships a direct route (``Qt.internals.get_qpainterpath_element_array``, behind its 'enableExperimental'
option) that sizes the path's element array and writes the vertices into it with numpy, twenty times
faster. It relies on the memory layout of Qt's private path data, so it is used only after it has built
a probe path exactly as the documented route does (same elements, same bounds); otherwise, or when
pyqtgraph lacks it, every path goes the documented way.
"""
from __future__ import annotations

import logging

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainterPath

_LOG = logging.getLogger(__name__)
_direct_route_works: bool | None = None  # decided on first use


def polyline_path(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    """A path through the vertices, vertex ``i`` joined to ``i + 1`` where ``connect[i]`` (pyqtgraph's
    convention: the last vertex of each polyline has 0)."""
    if len(x) and _direct_route():
        return _direct_path(x, y, connect)
    return pg.arrayToQPath(x, y, connect=np.asarray(connect), finiteCheck=False)


def _direct_path(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    from pyqtgraph.Qt import internals

    path = QPainterPath()
    elements = internals.get_qpainterpath_element_array(path, len(x))
    elements["x"] = x
    elements["y"] = y
    elements["c"][0] = 0  # MoveToElement: the first vertex, and each one not joined to the one before
    elements["c"][1:] = np.asarray(connect[:-1], dtype=bool)  # LineToElement (1) where joined
    return path


def _direct_route() -> bool:
    global _direct_route_works
    if _direct_route_works is None:
        _direct_route_works = _probe()
    return _direct_route_works


def _probe() -> bool:
    try:
        from pyqtgraph.Qt import internals

        internals.get_qpainterpath_element_array  # noqa: B018 - present in this pyqtgraph?
    except (ImportError, AttributeError):
        return False
    x = np.array([0.0, 1.0, 2.5, -3.0, 4.0, 5.5, 6.0])
    y = np.array([0.5, -1.0, 2.0, 3.0, -4.0, 5.0, 0.25])
    connect = np.array([1, 1, 0, 1, 1, 0, 0], dtype=np.int32)
    try:
        direct = _direct_path(x, y, connect)
    except (ValueError, TypeError, OSError) as error:
        _LOG.info("building paths through their element array is not available: %s", error)
        return False
    expected = pg.arrayToQPath(x, y, connect=connect, finiteCheck=False)
    same = (direct.elementCount() == expected.elementCount()
            and all(_element(direct, i) == _element(expected, i) for i in range(expected.elementCount()))
            and direct.boundingRect() == expected.boundingRect())
    if not same:
        _LOG.info("building paths through their element array gives other paths here; not used")
    return same


def _element(path: QPainterPath, i: int) -> tuple:
    element = path.elementAt(i)
    return element.type, element.x, element.y
