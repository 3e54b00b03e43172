"""Mutated real recordings for the fuzz campaign: a slice of a real file (its header kept), then one or more
of the ways files arrive broken — flipped bits, a cut, NUL bytes, CR-only line ends, a huge line, the wrong
encoding, a quote and a bare CR inside a CSV row, a gzip or zip archive that is cut short or damaged.

Each case is made from a seed alone, so any input of a campaign can be made again from its number.
"""
from __future__ import annotations

import gzip
import io
import random
import zipfile
from dataclasses import dataclass
from functools import lru_cache

from bench.reliability_inputs import Recording, real_files

ARCHIVES = ("gzip", "gzip_truncated", "gzip_corrupt", "zip", "zip_truncated", "zip_corrupt", "zip_two_members",
            "zip_empty", "gz_suffix_not_gzip")
CONTENT = ("bit_flips", "truncate", "nul_bytes", "cr_only", "huge_line", "utf16", "latin1", "quote_and_cr",
           "binary_garbage", "shuffled_lines", "repeated_lines", "no_final_newline", "empty", "blank_lines",
           "long_field", "crlf")
PATHOLOGICAL = ("newline_bomb_zip",)


@dataclass(frozen=True)
class Case:
    """One fuzz input: what was done to which recording, the file's suffix, its bytes and the import's extra
    arguments."""

    kinds: tuple[str, ...]
    source: str
    suffix: str
    data: bytes
    arguments: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{'+'.join(self.kinds)} of {self.source}"


@lru_cache(maxsize=None)
def _recordings() -> tuple[tuple[Recording, tuple[bytes, ...]], ...]:
    return tuple((recording, tuple(recording.path.read_bytes().splitlines(keepends=True))) for recording in real_files())


def _slice(rng: random.Random, lines: tuple[bytes, ...], is_csv: bool) -> bytes:
    """A run of consecutive lines (a CSV keeps its header); now and then the whole file."""
    if rng.random() < 0.005:
        return b"".join(lines)
    body = lines[1:] if is_csv else lines
    size = rng.randint(20, 300)
    first = rng.randrange(max(1, len(body) - size))
    chosen = b"".join(body[first:first + size])
    return (lines[0] + chosen) if is_csv else chosen


def _content(kind: str, data: bytes, rng: random.Random) -> bytes:
    if not data and kind not in ("empty", "binary_garbage"):
        return data
    if kind == "bit_flips":
        changed = bytearray(data)
        for _ in range(rng.randint(1, 24)):
            changed[rng.randrange(len(changed))] ^= 1 << rng.randrange(8)
        return bytes(changed)
    if kind == "truncate":
        return data[:rng.randrange(len(data))]
    if kind == "nul_bytes":
        changed = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            changed.insert(rng.randrange(len(changed) + 1), 0)
        return bytes(changed)
    if kind == "cr_only":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "huge_line":
        where = rng.randrange(len(data) + 1)
        filler = bytes(rng.choice(b"ABCDEFGHIJ,0123456789!$\\") for _ in range(256)) * rng.choice((20, 200, 4_000))
        return data[:where] + filler + data[where:]
    if kind == "utf16":
        return data.decode("utf-8", "replace").encode(rng.choice(("utf-16", "utf-16-le", "utf-16-be")))
    if kind == "latin1":
        lines = data.split(b"\n")
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(lines))
            lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)] + "Ærø Søndervig Ålesund".encode("latin-1") + lines[i]
        return b"\n".join(lines)
    if kind == "quote_and_cr":
        lines = data.split(b"\n")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + b'"' + lines[i][cut:cut + 3] + b"\r" + lines[i][cut + 3:]
        return b"\n".join(lines)
    if kind == "binary_garbage":
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 4_000)))
    if kind == "shuffled_lines":
        lines = data.splitlines(keepends=True)
        head, body = lines[:1], lines[1:]
        rng.shuffle(body)
        return b"".join(head + body)
    if kind == "repeated_lines":
        lines = data.splitlines(keepends=True)
        return b"".join(line * rng.choice((1, 1, 2, 5)) for line in lines)
    if kind == "no_final_newline":
        return data.rstrip(b"\r\n")
    if kind == "empty":
        return b"" if rng.random() < 0.5 else b"\n" * rng.randint(1, 50)
    if kind == "blank_lines":
        return data.replace(b"\n", b"\n\n  \n", rng.randint(1, 20))
    if kind == "long_field":
        lines = data.split(b"\n")
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace(b",", b"," + b"9" * rng.choice((40, 400, 3_000)) + b",", 1)
        return b"\n".join(lines)
    raise ValueError(kind)


def _archive(kind: str, data: bytes, name: str, rng: random.Random) -> tuple[bytes, str]:
    if kind == "gz_suffix_not_gzip":
        return data, ".gz"
    if kind.startswith("gzip"):
        packed = gzip.compress(data)
        if kind == "gzip_truncated":
            packed = packed[:rng.randrange(1, max(2, len(packed)))]
        elif kind == "gzip_corrupt":
            packed = _damaged(packed, rng)
        return packed, ".gz"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind != "zip_empty":
            archive.writestr(name, data)
        if kind == "zip_two_members":
            archive.writestr("second-" + name, data[: len(data) // 2])
    packed = buffer.getvalue()
    if kind == "zip_truncated":
        packed = packed[:rng.randrange(1, max(2, len(packed)))]
    elif kind == "zip_corrupt":
        packed = _damaged(packed, rng)
    return packed, ".zip"


def _damaged(packed: bytes, rng: random.Random) -> bytes:
    changed = bytearray(packed)
    for _ in range(rng.randint(1, 6)):
        changed[rng.randrange(len(changed))] = rng.randrange(256)
    return bytes(changed)


def newline_bomb(megabytes: int) -> Case:
    """A small zip of a real CSV recording with ``megabytes`` MB of nothing but line ends in its middle."""
    header, *rows = (real_files()[0].path.read_bytes().splitlines(keepends=True))[:41]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("newlines.csv", "w") as member:
            member.write(header + b"".join(rows[:20]))
            block = b"\n" * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
            member.write(b"".join(rows[20:]))
    return Case(("newline_bomb_zip",), f"{megabytes} MB of line ends", ".zip", buffer.getvalue(), ())


def make_case(seed: int) -> Case:
    """The fuzz input numbered ``seed``."""
    rng = random.Random(seed)
    recording, lines = rng.choice(_recordings())
    is_csv = recording.path.suffix == ".csv"
    data = _slice(rng, lines, is_csv)
    kinds = [rng.choice(CONTENT)]
    if rng.random() < 0.25:
        kinds.append(rng.choice(CONTENT))
    for kind in kinds:
        data = _content(kind, data, rng)
    suffix = recording.path.suffix or ".nmea"
    if rng.random() < 0.3:
        archive = rng.choice(ARCHIVES)
        data, suffix = _archive(archive, data, recording.path.name, rng)
        suffix = (recording.path.suffix or ".nmea") + suffix
        kinds.append(archive)
    return Case(tuple(kinds), recording.path.name, suffix, data, recording.arguments)
