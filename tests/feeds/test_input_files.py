"""Input files as lines: every line end (LF, CR LF, a lone CR) ends a line, empty lines are counted, long lines
are cut, and a truncated archive keeps its lines and says where it ended — quickly, whatever the file holds."""
from __future__ import annotations

import gzip
import re
import resource
import time
import zipfile

import pytest
from hypothesis import given, settings, strategies as st

from feeds import input_files
from feeds.input_files import InputEndedEarly, InputFile


def reference_lines(data: bytes, limit: int) -> tuple[list[tuple[int, bytes, bool]], int]:
    """The lines of ``data`` as a plain reading of the rules would give them, and how many there are."""
    lines = re.split(rb"\r\n|\r|\n", data)
    if lines and lines[-1] == b"":
        lines.pop()
    return [(number, line[:limit], len(line) > limit) for number, line in enumerate(lines, 1) if line], len(lines)


def read_lines(path, limit: int = input_files.MAX_LINE_BYTES,
               chunk: int = 1 << 20) -> tuple[list[tuple[int, bytes, bool]], InputFile]:
    with InputFile(path, max_line_bytes=limit, chunk_bytes=chunk) as opened:
        return [(line.number, line.data, line.too_long) for line in opened.lines()], opened


pieces = st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b"\n\n\n", b"abc", b"!AIVDM,1,1,,A,x,0*00", b"x" * 40,
                                   b" ", b"\x00", b"\xff\xfe"]), max_size=80)


@settings(max_examples=150)
@given(parts=pieces, limit=st.sampled_from([8, 30, 4_096]), chunk=st.sampled_from([3, 7, 64, 1 << 20]))
def test_lines_are_read_as_a_plain_split_on_every_kind_of_line_end_would_give_them(tmp_path_factory, parts, limit,
                                                                                   chunk):
    # small pieces put line ends (and CR LF) across the pieces the file is read in
    data = b"".join(parts)
    path = tmp_path_factory.mktemp("lines") / "input.txt"
    path.write_bytes(data)
    got, opened = read_lines(path, limit, chunk)
    expected, count = reference_lines(data, limit)
    assert got == expected
    assert opened.lines_read == count and opened.blank_lines == count - len(expected)


def test_a_file_with_cr_only_line_ends_has_one_line_per_record(tmp_path):
    path = tmp_path / "old-mac.csv"
    path.write_bytes(b"time,mmsi,lat,lon\r2024-05-01T12:00:00,219000873,55.5,12.25\r\r2024-05-01T12:00:01,219000873,55.5,12.25")
    got, opened = read_lines(path)
    assert [number for number, _, _ in got] == [1, 2, 4] and opened.lines_read == 4 and opened.blank_lines == 1


def test_a_truncated_gzip_gives_its_whole_lines_then_says_where_it_ended(tmp_path):
    lines = [f"line {n:07d} {'x' * (n % 50)}".encode() for n in range(200_000)]
    packed = gzip.compress(b"\n".join(lines) + b"\n")
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(packed[:len(packed) // 2])
    got = []
    with InputFile(path) as opened, pytest.raises(InputEndedEarly) as ended:
        for line in opened.lines():
            got.append(line)
    assert 0 < len(got) < len(lines) and [line.data for line in got] == lines[:len(got)]
    assert ended.value.after_line == len(got) and str(path) in str(ended.value)
    assert f"after line {len(got):,}" in str(ended.value)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_zip_cut_short_gives_its_whole_lines_from_its_first_member_then_says_where_it_ended(tmp_path, method):
    lines = [f"{n},{n * 7 % 1000},{'y' * (n % 30)}".encode() for n in range(150_000)]
    path = tmp_path / "cut.zip"
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("AIS_2024_01_01.csv", b"\n".join(lines) + b"\n")
    path.write_bytes(path.read_bytes()[:path.stat().st_size * 2 // 3])  # the directory at the end is gone
    got = []
    with InputFile(path) as opened, pytest.raises(InputEndedEarly) as ended:
        assert opened.name == f"{path}:AIS_2024_01_01.csv" and opened.head(8).startswith(b"0,0,")
        for line in opened.lines():
            got.append(line.data)
    assert 0 < len(got) < len(lines) and got == lines[:len(got)] and ended.value.after_line == len(got)


def test_a_damaged_zip_member_says_so_after_its_good_lines(tmp_path):
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", b"".join(f"{n},{n * 7 % 1000}\n".encode() for n in range(300_000)))
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with InputFile(path) as opened, pytest.raises(InputEndedEarly, match="damaged"):
        for _ in opened.lines():
            pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.slow
@pytest.mark.parametrize("content", [
    b"\n" * (256 << 20),  # the zip of 256 MB of newlines
    (b"\n" * 999 + b"!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\n") * (256 << 10),  # mostly empty, some lines
    b"x" * (256 << 20) + b"\nlast\n",  # one gigantic line
], ids=["newlines", "sparse", "one-huge-line"])
def test_a_zip_of_256_mb_of_pathological_text_is_read_in_seconds_with_bounded_memory(tmp_path, content):
    path = tmp_path / "pathological.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.txt", content)
    del content
    before = peak_rss_mb()
    started = time.monotonic()
    with InputFile(path) as opened:
        handed = sum(1 for _ in opened.lines())
        lines, blank = opened.lines_read, opened.blank_lines
    assert time.monotonic() - started < 15
    assert peak_rss_mb() - before < 100
    assert lines == handed + blank and lines >= 2


def _zip_with_flags(path, flag_bits: int) -> None:
    """A zip of one small NMEA file whose member claims ``flag_bits`` in both its headers."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("watch.nmea", "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\n" * 20)
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    for flags_at in (local + 6, central + 8):
        data[flags_at:flags_at + 2] = (int.from_bytes(data[flags_at:flags_at + 2], "little") | flag_bits).to_bytes(
            2, "little")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("flag_bits, what", [(0x40 | 0x01, "strong encryption"), (0x01, "a password"),
                                             (0x20, "a compressed patch")])
def test_a_zip_whose_member_needs_what_the_reader_lacks_is_refused_naming_the_file(tmp_path, flag_bits, what):
    path = tmp_path / f"claims-{flag_bits}.zip"
    _zip_with_flags(path, flag_bits)
    with pytest.raises(input_files.InputFileError, match=r"claims-\d+\.zip: the zip's data file 'watch.nmea' is "
                                                         r"encrypted or packed in a way this reader does not support"):
        InputFile(path)


def test_the_import_command_refuses_an_encrypted_zip_in_one_line_and_writes_nothing(tmp_path, capsys):
    import main
    from store import open_store

    path = tmp_path / "locked.zip"
    _zip_with_flags(path, 0x40 | 0x01)
    store = tmp_path / "watch.sqlite"
    assert main.main(["import", str(path), "--db", str(store)]) == main.EXIT_ERROR
    error = capsys.readouterr().err
    assert "Traceback" not in error and len(error.strip().splitlines()) == 1
    assert "locked.zip: the zip's data file 'watch.nmea' is encrypted" in error
    with open_store(store, create=False, read_only=True) as opened:
        assert opened.head().position == 0
