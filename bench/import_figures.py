"""Import benchmarks: a NOAA-format CSV and a tag-blocked NMEA file made from the demo simulator, imported
end to end by the real command (reading, decoding, deciding, hashing, committing) in a child process.

Figures: ``import_csv_rows_per_s``, ``import_nmea_rows_per_s`` (rows or sentences read per second, from the
command's own summary) and ``import_peak_mb`` (the child's peak resident memory, the larger of the two).
The input files are made once and kept in the system's temporary folder, since making 1,000,000 NMEA
sentences takes longer than importing them.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from bench.figures import emit
from bench.process_memory import run_measured
from domain.events import PositionReported, ShipDetailsChanged, ShipRegistered
from domain.time import MICROS_PER_HOUR, MICROS_PER_SECOND, parse_instant, to_datetime
from feeds.simulator import FleetConfig, FleetSimulator

ROOT = Path(__file__).resolve().parents[1]
START = parse_instant("2026-01-01T00:00:00Z")
SHIPS = 1_000
NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
               "Draft,Cargo,TransceiverClass\n")
TYPE_CODES = {"cargo": 70, "tanker": 80, "passenger": 60, "fishing": 30, "tug": 52, "towing": 31, "pilot": 50,
              "search and rescue": 51, "law enforcement": 55, "military": 35, "high-speed craft": 40, "sailing": 36,
              "pleasure craft": 37, "dredging": 33, "diving": 34, "port tender": 53, "anti-pollution": 54,
              "medical": 58, "wing in ground": 20, "other": 90}
STATUS_CODES = {"under way using engine": 0, "at anchor": 1, "moored": 5, "engaged in fishing": 7,
                "under way sailing": 8, "restricted manoeuvrability": 3}


def _simulated(rows: int) -> Iterator[object]:
    """At least ``rows`` events from the demo simulator of a 1,000-ship fleet."""
    simulator = FleetSimulator(FleetConfig(ships=SHIPS, seed=11), START)
    produced = 0
    for item in simulator.history(START + 48 * MICROS_PER_HOUR):
        yield item.event
        produced += 1
        if produced >= rows:
            return


def write_noaa_csv(path: Path, rows: int) -> None:
    static: dict[int, dict] = {}
    written = 0
    with open(path, "w", newline="") as out:
        out.write(NOAA_HEADER)
        for event in _simulated(rows * 2):
            if isinstance(event, (ShipRegistered, ShipDetailsChanged)):
                fields = static.setdefault(event.mmsi, {})
                fields.update({k: v for k, v in event.payload().items() if v is not None})
                continue
            if not isinstance(event, PositionReported):
                continue
            ship = static.get(event.mmsi, {})
            when = to_datetime(event.occurred_at).strftime("%Y-%m-%dT%H:%M:%S")
            imo = f"IMO{ship['imo']}" if ship.get("imo") else ""
            out.write(f"{event.mmsi},{when},{event.lat:.5f},{event.lon:.5f},{_text(event.sog)},{_text(event.cog)},"
                      f"{511 if event.heading is None else event.heading},{ship.get('name', '')},{imo},"
                      f"{ship.get('callsign', '')},{TYPE_CODES.get(ship.get('ship_type', ''), '')},"
                      f"{STATUS_CODES.get(event.nav_status or '', 15)},{_text(ship.get('length'))},"
                      f"{_text(ship.get('beam'))},{_text(ship.get('draught'))},,A\n")
            written += 1
            if written >= rows:
                return


def _text(value: object) -> str:
    return "" if value is None else f"{value}"


def write_tagged_nmea(path: Path, sentences: int) -> None:
    from pyais.encode import encode_dict

    written = 0
    static: dict[int, dict] = {}
    with open(path, "w") as out:
        for event in _simulated(sentences):
            for line in _sentences(event, encode_dict, static):
                stamp = f"s:bench,c:{event.occurred_at // MICROS_PER_SECOND}"
                out.write(f"\\{stamp}*{_checksum(stamp):02X}\\{line}\n")
                written += 1
                if written >= sentences:
                    return


def _sentences(event: object, encode_dict, static: dict[int, dict]) -> list[str]:
    """The AIS sentences of one simulated event: type 1 for a report, a full type 5 for static/voyage data."""
    if isinstance(event, PositionReported):
        return encode_dict({"type": 1, "mmsi": event.mmsi, "lat": event.lat, "lon": event.lon,
                            "speed": 102.3 if event.sog is None else event.sog,
                            "course": 360.0 if event.cog is None else event.cog,
                            "heading": 511 if event.heading is None else event.heading,
                            "status": STATUS_CODES.get(event.nav_status or "", 15)},
                           radio_channel="A", talker_id="AI", sentence_type="VDM")
    if isinstance(event, (ShipRegistered, ShipDetailsChanged)):
        payload = static.setdefault(event.mmsi, {})
        payload.update({k: v for k, v in event.payload().items() if v is not None})
        length, beam = payload.get("length") or 0, payload.get("beam") or 0
        return encode_dict({"type": 5, "mmsi": event.mmsi, "shipname": payload.get("name") or "",
                            "callsign": payload.get("callsign") or "", "imo": payload.get("imo") or 0,
                            "ship_type": TYPE_CODES.get(payload.get("ship_type") or "", 0),
                            "to_bow": int(length * 0.8), "to_stern": int(length * 0.2),
                            "to_port": int(beam / 2), "to_starboard": int(beam / 2),
                            "draught": payload.get("draught") or 0, "destination": payload.get("destination") or ""},
                           radio_channel="A", talker_id="AI", sentence_type="VDM")
    return []


def _checksum(text: str) -> int:
    value = 0
    for char in text.encode():
        value ^= char
    return value


def _input(name: str, rows: int, writer) -> Path:
    folder = Path(tempfile.gettempdir()) / "fleet-logbook-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}-{rows}.txt"
    if not path.exists():
        partial = path.with_suffix(".partial")
        writer(partial, rows)
        partial.replace(path)
    return path


def _import(path: Path, db: Path) -> tuple[dict, float]:
    """Run the import command in a child; its summary and its peak memory in MB (the import process and
    the reading process it starts, each at its own high-water mark, added up)."""
    run = run_measured([sys.executable, str(ROOT / "main.py"), "import", str(path), "--db", str(db)], cwd=ROOT)
    return json.loads(run.stdout.strip().splitlines()[-1]), run.peak_mb


def run(scale: float) -> None:
    rows = max(10_000, int(1_000_000 * scale))
    peak = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for figure, name, writer in (("import_csv_rows_per_s", "noaa", write_noaa_csv),
                                     ("import_nmea_rows_per_s", "nmea-tagged", write_tagged_nmea)):
            path = _input(name, rows, writer)
            summary, peak_mb = _import(path, Path(folder) / f"{name}.sqlite")
            peak = max(peak, peak_mb)
            emit(figure, summary["read"] / summary["seconds"], "rows/s", events=summary["appended"], ships=SHIPS,
                 rows=summary["read"], seconds=summary["seconds"], quarantined=summary["quarantined"],
                 file_mb=round(path.stat().st_size / 1e6, 1))
    emit("import_peak_mb", peak, "MB", events=rows, ships=SHIPS)

