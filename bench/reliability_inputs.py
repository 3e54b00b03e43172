"""The campaign's inputs, all made from the real recordings: the files as they are, a Solent recording long
enough for the two-process import (the real rows, repeated later in time), halves of it, and a live NMEA
stream made of the Norwegian tag-blocked sentences replayed with later tag-block times.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app.import_reading import PARALLEL_FROM_BYTES
from bench.reliability_common import recordings

SOLENT = "stonesoup_SolentAIS_20160112_130211.csv"
NORWEGIAN = "kystverket_norwegian_tagblock.raw"
GPSD_LOG = "gpsd_ais-nmea.log"
GPSD_SAMPLE = "gpsd_sample.aivdm"
SOLENT_SPAN_S = 5_072  # the recording's 5,070.7 s, rounded up: each repeat starts after the one before
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class Recording:
    """A real file and the extra arguments its import needs (a file with no times needs an assumed start)."""

    path: Path
    arguments: tuple[str, ...] = ()


def real_files() -> list[Recording]:
    folder = recordings()
    return [Recording(folder / SOLENT), Recording(folder / NORWEGIAN), Recording(folder / GPSD_LOG),
            Recording(folder / GPSD_SAMPLE, ("--assume-start", "2020-01-01T00:00:00Z", "--rate", "10"))]


def solent_rows() -> tuple[str, list[str]]:
    """The Solent recording's header and its data rows (line ends kept)."""
    lines = (recordings() / SOLENT).read_text().splitlines(keepends=True)
    return lines[0], lines[1:]


def _shifted(row: str, seconds: int) -> str:
    when, rest = row.split(",", 1)
    moved = dt.datetime.strptime(when, _TIME_FORMAT) + dt.timedelta(seconds=seconds)
    return f"{moved.strftime(_TIME_FORMAT)[:-3]},{rest}"


def long_solent(folder: Path, min_bytes: int = PARALLEL_FROM_BYTES + 512 * 1024) -> Path:
    """The Solent recording repeated back to back (each repeat later by the recording's span) until the file
    is at least ``min_bytes``: big enough that an import reads it in a second process."""
    path = folder / f"solent-long-{min_bytes}.csv"
    if path.exists():
        return path
    header, rows = solent_rows()
    size, repeat = len(header), 0
    with open(path.with_suffix(".partial"), "w", newline="") as out:
        out.write(header)
        while size < min_bytes:
            for row in rows:
                text = _shifted(row, repeat * SOLENT_SPAN_S) if repeat else row
                out.write(text)
                size += len(text)
            repeat += 1
    path.with_suffix(".partial").replace(path)
    return path


def solent_halves(folder: Path, rows: int | None = None) -> tuple[Path, Path]:
    """The first and second half of the Solent recording's rows (of its first ``rows``), each with the header:
    two halves of one watch, which share most of their ships."""
    header, all_rows = solent_rows()
    chosen = all_rows[:rows] if rows else all_rows
    middle = len(chosen) // 2
    paths = folder / "solent-first-half.csv", folder / "solent-second-half.csv"
    for path, part in zip(paths, (chosen[:middle], chosen[middle:])):
        path.write_text(header + "".join(part))
    return paths


# --- a live stream ---------------------------------------------------------------------------------------------


def _checksum(text: str) -> str:
    value = 0
    for char in text.encode():
        value ^= char
    return f"{value:02X}"


def _has_tag_time(line: str) -> bool:
    if not line.startswith("\\") or line.count("\\") < 2:
        return False
    tag = line.split("\\")[1].split("*")[0]
    return any(field.startswith("c:") for field in tag.split(","))


def _messages(lines: list[str]) -> list[list[str]]:
    """Sentences grouped into whole messages (a multi-fragment message is sent in one piece), keeping only
    messages whose every sentence carries a tag-block time: their time does not depend on when they arrive."""
    messages: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not _has_tag_time(line):
            current = []
            continue
        fields = line.split("\\", 2)[2].split(",")
        count, number = int(fields[1]), int(fields[2])
        if number == 1:
            current = []
        current.append(line)
        if number == count:
            if len(current) == count:
                messages.append(current)
            current = []
    return messages


def _retimed(line: str, seconds: int) -> str:
    _, tag, sentence = line.split("\\", 2)
    body = tag.split("*")[0]
    fields = [f"c:{int(field[2:]) + seconds}" if field.startswith("c:") else field for field in body.split(",")]
    body = ",".join(fields)
    return f"\\{body}*{_checksum(body)}\\{sentence}"


def live_stream(messages: int, first_repeat: int = 0) -> list[list[str]]:
    """``messages`` whole tag-blocked messages: the Norwegian recording's, replayed every 10 seconds later
    (from its ``first_repeat``-th replay on: streams from different replays share no report)."""
    lines = (recordings() / NORWEGIAN).read_text().splitlines()
    recorded = _messages(lines)
    out: list[list[str]] = []
    repeat = first_repeat
    while len(out) < messages:
        for message in recorded:
            out.append([_retimed(line, repeat * 10) for line in message] if repeat else list(message))
            if len(out) == messages:
                break
        repeat += 1
    return out


def write_stream(path: Path, messages: list[list[str]]) -> Path:
    """The stream's lines as a file, for the clean import that says what the log should hold."""
    path.write_text("".join(line + "\n" for message in messages for line in message))
    return path
