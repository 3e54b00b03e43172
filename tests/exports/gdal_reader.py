"""Reading exported files back with GDAL (Debian's gdal-bin, installed by .ci/run): an independent reader of
GeoJSON, KML (libkml) and GPX, run as its own process, so a file that only this program can read fails."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def require_gdal() -> str:
    """The path of ``ogr2ogr``; missing, the test is skipped on a developer's machine and fails under CI."""
    found = shutil.which("ogr2ogr")
    if found is None:
        missing = "GDAL's ogr2ogr not found (Debian: apt-get install gdal-bin)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"{missing}; under CI the export read-back tests must run", pytrace=False)
        pytest.skip(missing)
    return found


def read_back(path: Path, *layers: str, open_options: tuple[str, ...] = ()) -> dict:
    """The features GDAL reads from ``path`` (the layers named, or its first), as GeoJSON."""
    command = [require_gdal(), "-f", "GeoJSON", "/vsistdout/", str(path), *layers]
    for option in open_options:
        command[1:1] = ["-oo", option]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"GDAL could not read {path.name}: {done.stderr.strip()}"
    assert "ERROR" not in done.stderr, done.stderr
    return json.loads(done.stdout)
