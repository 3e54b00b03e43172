"""The README's three maps of exported tracks: ``python docs/tools/export_maps.py DB FROM TO OUT_FOLDER``.

Exports the tracks of FROM–TO from the store DB as GeoJSON, KML and GPX (``main.py export tracks``), then
draws each file with GDAL alone — the same independent reader the tests use: ``gdal_rasterize`` burns each
file's tracks onto a raster of the fleet's area, over the land of the project's own chart (GSHHS, written
as GeoJSON for GDAL), and ``gdal_translate`` makes it a PNG. Needs Debian's gdal-bin.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from chart.coastline import Coastline  # noqa: E402
from chart.projection import GeoBox  # noqa: E402

SEA, LAND, TRACK = (11, 23, 34), (44, 52, 49), {"geojson": (99, 196, 102), "kml": (78, 163, 236),
                                              "gpx": (240, 153, 74)}
LAYER = {"geojson": None, "kml": None, "gpx": "tracks"}
WIDTH = 900


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def extent(path: Path) -> tuple[float, float, float, float]:
    """The box of the tracks' points (the 1st to 99th percentile: a stray position does not shrink the map)."""
    features = json.loads(run("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(path)))["features"]
    points = [p for f in features for p in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "LineString"
                                            else [f["geometry"]["coordinates"]])]
    lon, lat = sorted(p[0] for p in points), sorted(p[1] for p in points)
    low, high = len(points) // 100, len(points) - 1 - len(points) // 100
    pad_x, pad_y = (lon[high] - lon[low]) * 0.05 + 0.02, (lat[high] - lat[low]) * 0.05 + 0.02
    return lon[low] - pad_x, lat[low] - pad_y, lon[high] + pad_x, lat[high] + pad_y


def land_geojson(box: tuple[float, float, float, float], path: Path) -> None:
    coastline = Coastline()
    batch = coastline.polygons_in(GeoBox(*box), coastline.available_resolutions()[-1])  # the finest installed
    features = []
    for k in range(len(batch)):
        lon, lat = batch.polygon(k)
        ring = [[float(x), float(y)] for x, y in zip(lon, lat)]
        if len(ring) >= 4:
            features.append({"type": "Feature", "properties": {},
                             "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def draw(export: Path, fmt: str, box: tuple[float, float, float, float], land: Path, out: Path) -> None:
    west, south, east, north = box
    height = round(WIDTH * (north - south) / ((east - west) * math.cos(math.radians((north + south) / 2))))
    with tempfile.TemporaryDirectory() as folder:
        raster = Path(folder) / "map.tif"
        run("gdal_create", "-of", "GTiff", "-outsize", str(WIDTH), str(height), "-bands", "3", "-ot", "Byte",
            "-burn", *map(str, SEA), "-a_srs", "EPSG:4326", "-a_ullr", str(west), str(north), str(east), str(south),
            str(raster))
        run("gdal_rasterize", "-b", "1", "-b", "2", "-b", "3", *sum((["-burn", str(v)] for v in LAND), []),
            str(land), str(raster))
        layer = ["-l", LAYER[fmt]] if LAYER[fmt] else []
        run("gdal_rasterize", "-at", "-b", "1", "-b", "2", "-b", "3", *sum((["-burn", str(v)] for v in TRACK[fmt]), []),
            *layer, str(export), str(raster))
        run("gdal_translate", "-of", "PNG", str(raster), str(out))


def main(db: str, start: str, end: str, folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        files = {}
        for fmt in ("geojson", "kml", "gpx"):
            files[fmt] = Path(work) / f"tracks.{fmt}"
            run(sys.executable, str(ROOT / "main.py"), "export", "tracks", "--db", db, "--from", start, "--to", end,
                "--simplify", "100", "--out", str(files[fmt]))
        box = extent(files["geojson"])
        land = Path(work) / "land.geojson"
        land_geojson(box, land)
        for fmt, path in files.items():
            draw(path, fmt, box, land, out / f"export-{fmt}.png")
            print(out / f"export-{fmt}.png")


if __name__ == "__main__":
    main(*sys.argv[1:5])
