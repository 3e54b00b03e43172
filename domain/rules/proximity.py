"""Which ships are near each other: pairs within a radius, found with a grid instead of trying all pairs.

The positions are put in cells one radius tall and at least one radius wide at the highest latitude among
them, so two positions within the radius are in the same cell or in neighbouring ones (the grid wraps
round at the antimeridian). Each cell is paired with itself and four of its eight neighbours (the other
four pair with it from their side), and only those candidates are measured: for a fleet spread over a sea
that is a few pairs per ship instead of all n²/2. Everything is numpy; distances are flat-earth, as in
``domain.rules.cpa``.
"""
from __future__ import annotations

import math

import numpy as np

from domain.geo import METRES_PER_DEGREE

_NEIGHBOURS = ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1))
_EMPTY = np.zeros(0, dtype=np.int64)
_NO_METRES = np.zeros(0)


def _expand(starts: np.ndarray, counts: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) of sorted positions with i in cell a[k] and j in cell b[k], for all k."""
    count_a, count_b = counts[a], counts[b]
    sizes = count_a * count_b
    total = int(sizes.sum())
    if total == 0:
        return _EMPTY, _EMPTY
    pair = np.repeat(np.arange(len(a)), sizes)
    local = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = count_b[pair]
    return starts[a][pair] + local // width, starts[b][pair] + local % width


_CROWDED = 48  # cells holding this many positions or more get their pairs from a triangle of their own


def _pairs_inside(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j), i < j, of sorted positions in the same cell. Cells with few positions go together
    (all ordered pairs made at once, half kept); a crowded cell (a port, an anchorage) gets its triangle
    directly, so the pairs are not made twice."""
    crowded = counts >= _CROWDED
    few = np.flatnonzero(~crowded & (counts > 1))
    i, j = _expand(starts, counts, few, few)
    keep = i < j
    firsts, seconds = [i[keep]], [j[keep]]
    for start, count in zip(starts[crowded].tolist(), counts[crowded].tolist()):
        upper, right = np.triu_indices(count, 1)
        firsts.append(upper + start)
        seconds.append(right + start)
    return np.concatenate(firsts), np.concatenate(seconds)


def pairs_within(lat: np.ndarray, lon: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The index pairs (first < second) of positions at most ``radius_m`` metres apart, each pair once, in an
    order that depends only on the positions (sort them if the order matters)."""
    first, second, _, _ = neighbours(lat, lon, radius_m)
    return first, second


def neighbours(lat: np.ndarray, lon: np.ndarray,
               radius_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``pairs_within`` with the offsets of each pair's second position from its first: east and north metres
    on the flat chart around the pair (``domain.geo.local_offset_m``)."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if len(lat) < 2:
        return _EMPTY, _EMPTY, _NO_METRES, _NO_METRES
    cell_lat = radius_m / METRES_PER_DEGREE
    top = min(float(np.max(np.abs(lat))), 89.0)
    columns = int(360.0 / (cell_lat / math.cos(math.radians(top))))
    if columns < 3:  # cells of 120° or more: one column round the globe, no wrapping to double count
        columns = 1
    cell_lon = 360.0 / columns
    rows = np.floor((lat + 90.0) / cell_lat).astype(np.int64)
    cols = np.floor((lon + 180.0) / cell_lon).astype(np.int64) % columns
    keys = rows * columns + cols
    order = np.argsort(keys, kind="stable")
    cells, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    cell_rows, cell_cols = cells // columns, cells % columns
    firsts, seconds = [], []
    for dr, dc in _NEIGHBOURS if columns > 1 else ((0, 0), (1, 0)):
        if dr == 0 and dc == 0:
            i, j = _pairs_inside(starts, counts)
        else:
            wanted = (cell_rows + dr) * columns + (cell_cols + dc) % columns
            at = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
            found = cells[at] == wanted
            i, j = _expand(starts, counts, np.flatnonzero(found), at[found])
        firsts.append(order[i])
        seconds.append(order[j])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    first, second = np.minimum(first, second), np.maximum(first, second)
    dx = lon[second] - lon[first]
    if float(lon.max() - lon.min()) > 180.0:  # some pairs may straddle the antimeridian
        dx = (dx + 180.0) % 360.0 - 180.0
    # the mean of the two cosines stands for the cosine of the mean latitude (equal to 1e-6 at these ranges)
    scale = np.cos(np.radians(lat)) * (METRES_PER_DEGREE / 2.0)
    dx *= scale[first] + scale[second]
    dy = (lat[second] - lat[first]) * METRES_PER_DEGREE
    near = np.flatnonzero(dx * dx + dy * dy <= radius_m * radius_m)
    return first[near], second[near], dx[near], dy[near]
