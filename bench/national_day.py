"""A national day of AIS in the shape NOAA MarineCadastre publishes it: one zip holding one CSV, thinned to one
report a minute per ship, 10,000 ships, 7–10 million rows (full size here is the top of that range, so the
log it makes holds the 10 million events the national-scale targets are set at).

Each ship is heard for one stretch of the day (its own start and length, so the rows add up to the count
asked for), reports at its own second of every minute, and sails a straight course at its own speed;
its static data ride on every row, as in NOAA's files. Rows come in time order. Deterministic per seed.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from domain.time import MICROS_PER_SECOND, parse_instant, to_datetime

DAY_START = parse_instant("2024-01-01T00:00:00Z")
FULL_DAY_ROWS = 10_000_000
NATIONAL_SHIPS = 10_000
MINUTES = 24 * 60
HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
          "Draft,Cargo,TransceiverClass")
_TYPES = np.array([70, 80, 60, 30, 52, 37, 36, 90])
_STATUSES = np.array([0, 0, 0, 1, 5, 7, 8])


@dataclass(frozen=True)
class NationalDay:
    """What was written: the zip, its rows, its ships and the times its reports span (µs)."""

    path: Path
    rows: int
    ships: int
    first: int
    last: int


def write_national_day(path: Path, rows: int = FULL_DAY_ROWS, ships: int = NATIONAL_SHIPS, seed: int = 13) -> NationalDay:
    """Write a NOAA-shaped day of ``rows`` reports by ``ships`` ships to the zip ``path`` (one CSV inside)."""
    rng = np.random.default_rng(seed)
    per_ship = max(1, rows // ships)
    if per_ship > MINUTES:
        raise ValueError(f"{rows:,} rows by {ships:,} ships is more than one report a minute for a day")
    lengths = np.full(ships, per_ship)
    lengths[: rows - per_ship * ships] += 1  # the rest, one more report each for the first ships
    lengths = np.minimum(lengths, MINUTES)
    starts = rng.integers(0, MINUTES - lengths + 1)
    second = rng.integers(0, 60, ships)
    mmsi = 366_000_000 + np.arange(ships) * 37 + rng.integers(0, 37, ships)
    lat0, lon0 = rng.uniform(24.0, 46.0, ships), rng.uniform(-125.0, -70.0, ships)
    sog = np.round(rng.uniform(0.0, 22.0, ships), 1)
    cog = np.round(rng.uniform(0.0, 359.9, ships), 1)
    heading = np.round(cog).astype(int) % 360
    status = _STATUSES[rng.integers(0, len(_STATUSES), ships)]
    kind = _TYPES[rng.integers(0, len(_TYPES), ships)]
    length = rng.integers(12, 300, ships)
    width = np.maximum(4, length // 7)
    draft = np.round(rng.uniform(2.0, 14.0, ships), 1)
    # degrees a minute along the course (a knot is a nautical mile an hour, a minute of latitude a mile)
    north = sog * np.cos(np.radians(cog)) / 60 / 60
    east = sog * np.sin(np.radians(cog)) / 60 / 60 / np.cos(np.radians(lat0))
    static = [f"SHIP {i:05d},IMO{9_000_000 + i},N{i:05d},{kind[i]}" for i in range(ships)]
    tail = [f",{length[i]},{width[i]},{draft[i]},,A" for i in range(ships)]
    order = np.argsort(second, kind="stable")  # within a minute, ships report in order of their second
    written = 0
    first = last = None
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(path.stem + ".csv", "w", force_zip64=True) as out:
            out.write((HEADER + "\n").encode())
            for minute in range(MINUTES):
                heard = order[(starts[order] <= minute) & (minute < starts[order] + lengths[order])]
                if not len(heard):
                    continue
                steps = minute - starts[heard]
                lats = np.clip(lat0[heard] + north[heard] * steps, -89.9, 89.9)
                lons = (lon0[heard] + east[heard] * steps + 180.0) % 360.0 - 180.0
                base = DAY_START + minute * 60 * MICROS_PER_SECOND
                lines = []
                for j, ship in enumerate(heard.tolist()):
                    when = to_datetime(base + int(second[ship]) * MICROS_PER_SECOND).strftime("%Y-%m-%dT%H:%M:%S")
                    name, imo, call, kind_code = static[ship].split(",")
                    lines.append(f"{mmsi[ship]},{when},{lats[j]:.5f},{lons[j]:.5f},{sog[ship]},{cog[ship]},"
                                 f"{heading[ship]},{name},{imo},{call},{kind_code},{status[ship]}{tail[ship]}")
                out.write(("\n".join(lines) + "\n").encode())
                written += len(lines)
                stamp = base + int(second[heard].min()) * MICROS_PER_SECOND
                first = stamp if first is None else first
                last = base + int(second[heard].max()) * MICROS_PER_SECOND
    assert first is not None and last is not None
    return NationalDay(path, written, ships, first, last)
