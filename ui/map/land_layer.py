"""Land on the map: one path of the GSHHS polygons in view, at the level of detail the zoom calls for.

Lakes, islands in lakes and ponds nest inside land, so one path with the odd-even fill rule draws them
all correctly. The path covers the view grown by ``_MARGIN`` of its size each way, and is rebuilt only
when the resolution changes or the backdrop's image (the view and its own, smaller margin) would reach
past it, so small pans change nothing; ``MapBackdrop`` fills it, with the sea and the graticule, into an
image that is redrawn only when the view leaves that image.

Levels are read on a worker thread (the full 'f' level takes seconds): while the level a view calls for
is loading, the finest level already loaded is drawn, and ``LevelLoader.loaded`` tells the map to draw
again when it is ready. ``show_box(box, wait=True)`` instead reads the level there and then (a screenshot,
a test). Long polygons keep full detail only near the view (``CoastlineLayer.batch``), so a harbour view
at 'f' costs a few thousand vertices.

The view may reach past the 180° meridian (the map wraps, see ``chart.projection``): land is drawn in
the 360° of longitude around the middle of the view, like the ships; the parts of that box beyond ±180°
are culled in the world copy they show and drawn shifted by 360°.
"""
from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QObject, QRectF, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QPainterPath

from ui.map.backdrop import MARGIN as BACKDROP_MARGIN, MapBackdrop
from chart.coastline import RESOLUTIONS, Coastline, CoastlineUnavailable, PolygonBatch
from ui.map.paths import polyline_path
from chart.projection import GeoBox, mercator_y

_MARGIN = 0.5  # cull against the view grown by half its size each way
_LOG = logging.getLogger(__name__)


class LevelLoader(QObject):
    """Reads coastline levels on the thread pool; ``loaded(resolution)`` or ``failed(resolution, why)``.

    It has no parent on purpose: a job in flight holds it, so it outlives a map closed meanwhile (whose
    connections Qt then drops) and the signal always has an object to be emitted from.
    """

    loaded = Signal(str)
    failed = Signal(str, str)

    def __init__(self, coastline: Coastline):
        super().__init__()
        self.coastline = coastline
        self.pending: set[str] = set()
        self.unavailable: set[str] = set()
        # methods of this object, so Qt queues them to the GUI thread (it lives there; the jobs emit elsewhere)
        self.loaded.connect(self._on_loaded)
        self.failed.connect(self._on_failed)

    def request(self, resolution: str) -> None:
        """Start reading a level unless it is read, being read, or failed before."""
        if (resolution in self.pending or resolution in self.unavailable
                or self.coastline.is_loaded(resolution)):
            return
        self.pending.add(resolution)
        QThreadPool.globalInstance().start(_LoadLevel(self, resolution))

    def _on_loaded(self, resolution: str) -> None:
        self.pending.discard(resolution)

    def _on_failed(self, resolution: str, why: str) -> None:
        self.pending.discard(resolution)
        self.unavailable.add(resolution)
        _LOG.warning("coastline level %r not drawn: %s", resolution, why)


class _LoadLevel(QRunnable):
    def __init__(self, loader: LevelLoader, resolution: str):
        super().__init__()
        self._loader, self._resolution = loader, resolution

    def run(self) -> None:
        try:
            self._loader.coastline.layer(self._resolution)
        except (CoastlineUnavailable, ValueError, MemoryError) as error:
            self._tell(self._loader.failed, self._resolution, str(error))
        else:
            self._tell(self._loader.loaded, self._resolution)

    @staticmethod
    def _tell(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the application is shutting down and took the loader with it: no one to tell
            pass


def world_parts(box: GeoBox) -> list[tuple[float, GeoBox]]:
    """The box cut at ±180°: (shift, part) pairs, each part within [-180, 180] and drawn moved by ``shift``."""
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        west, east = max(box.west - shift, -180.0), min(box.east - shift, 180.0)
        if west < east:
            parts.append((shift, GeoBox(west, box.south, east, box.north)))
    return parts


class LandLayer:
    """The land path around the view, handed to the map's backdrop."""

    def __init__(self, backdrop: MapBackdrop, coastline: Coastline):
        self.coastline = coastline
        self.backdrop = backdrop
        self.loader = LevelLoader(coastline)
        self.path = QPainterPath()
        self.resolution: str | None = None
        self.wanted: str | None = None  # the level the view calls for (may still be loading)
        self.polygon_count = 0
        self.point_count = 0
        self.around: GeoBox | None = None  # what the path covers
        self._shown: tuple | None = None

    def show_box(self, box: GeoBox, wait: bool = True) -> bool:
        """Draw the land around ``box``; True when the path had to be rebuilt.

        Without ``wait``, a level not read yet is asked of the worker and the finest level already read
        is drawn meanwhile (nothing, when none is)."""
        self.wanted = self.coastline.resolution_for(box)
        resolution = self.wanted if wait else self._ready_level(self.wanted)
        if resolution is None or (resolution == self.resolution and self.covers(box)):
            return False
        layer = self.coastline.layer(resolution)
        around = _one_world(box.expanded(_MARGIN), (box.west + box.east) / 2)
        parts = [(shift, part, layer.ids_in(part), layer.chunks_near(part)) for shift, part in world_parts(around)]
        key = (resolution, tuple((shift, ids.tobytes(), np.packbits(near).tobytes()) for shift, _, ids, near in parts))
        if key == self._shown:  # the same path, exact over a new area
            self.around = around
            if self.backdrop.land_area is not None:  # clipped to where it is exact: clip it anew
                self.backdrop.set_land(self.path, _view_rect(around))
            return False
        batches = [layer.batch(ids, part, shift) for shift, part, ids, _ in parts]
        self.path = _land_path(batches)
        # a path with far-off coast cut short is the land only near the view: the backdrop clips it there
        simplified = any(batch.simplified for batch in batches)
        self.backdrop.set_land(self.path, _view_rect(around) if simplified else None)
        self._shown = key
        self.resolution, self.around = resolution, around
        self.polygon_count = sum(len(batch) for batch in batches)
        self.point_count = sum(batch.point_count for batch in batches)
        return True

    def covers(self, box: GeoBox) -> bool:
        """Whether the land drawn is exact over ``box`` and the backdrop's margin around it."""
        return self.around is not None and _contains(self.around, box.expanded(BACKDROP_MARGIN))

    def _ready_level(self, wanted: str) -> str | None:
        """``wanted`` when it is read; else ask for it and answer the finest coarser level read."""
        if self.coastline.is_loaded(wanted):
            return wanted
        self.loader.request(wanted)
        coarser = RESOLUTIONS[:RESOLUTIONS.index(wanted)]
        return next((level for level in reversed(coarser) if self.coastline.is_loaded(level)), None)


def _one_world(box: GeoBox, centre: float) -> GeoBox:
    """The box cut to the 360° around ``centre``: land is drawn in the same world copy as the ships
    (a world view shows one world, as before the map wrapped; a view across 180° shows both sides)."""
    return GeoBox(max(box.west, centre - 180.0), box.south, min(box.east, centre + 180.0), box.north)


def _view_rect(box: GeoBox) -> QRectF:
    """A geographic box in view coordinates (x = longitude, y = Mercator ordinate)."""
    south, north = (float(v) for v in mercator_y(np.array([box.south, box.north])))
    return QRectF(box.west, south, box.east - box.west, north - south)


def _contains(outer: GeoBox, inner: GeoBox) -> bool:
    return (outer.west <= inner.west and inner.east <= outer.east
            and outer.south <= inner.south and inner.north <= outer.north)


def _land_path(batches: list[PolygonBatch]) -> QPainterPath:
    batches = [batch for batch in batches if len(batch)]
    if not batches:
        return QPainterPath()
    lon = np.concatenate([batch.lon for batch in batches])
    y = np.concatenate([batch.y for batch in batches])
    connect = np.concatenate([batch.connect() for batch in batches])
    return polyline_path(lon, y, connect)

