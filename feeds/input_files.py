"""Opening an input file as a stream of lines, whatever it is packed in, and knowing how far through it we are.

Plain, gzip and zip files are read the same way, streaming, a megabyte at a time (a multi-GB file never
loads into memory). A line ends at LF, CR LF or a lone CR (old Mac files and some receivers end lines with
CR only). Lines are bounded: a line longer than ``MAX_LINE_BYTES`` (binary garbage, a file that is not
text) comes back cut, flagged as too long, and the rest of it is skipped without keeping it in memory.
Empty lines are counted, not handed out: a file of a billion newlines costs the time to decompress it.

An archive that ends before its end (a gzip or zip cut short, a corrupt block) raises ``InputEndedEarly``
after the last whole line, naming the line and byte where reading stopped; everything before it has been
handed out. Progress is measured on the file as stored on disk (compressed bytes for gzip and zip), so a
progress bar and its ETA are honest.
"""
from __future__ import annotations

import gzip
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import BinaryIO, Iterator

MAX_LINE_BYTES = 4_096
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_BROKEN_ARCHIVE = (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile)
_NOT_EMPTY = re.compile(rb"[^\n]+")
_SPARSE = 8  # a piece with a line end in every 8 bytes or fewer is mostly empty lines


class InputFileError(OSError):
    """A file that cannot be read as input (missing, unreadable, an archive with no or several data files)."""


class InputEndedEarly(InputFileError):
    """The content ended before its end: a truncated or corrupt gzip or zip file. Every whole line before
    ``after_line`` was read; ``byte`` is how far into the content (decompressed) reading got."""

    def __init__(self, name: str, after_line: int, byte: int, why: str):
        super().__init__(f"{name}: the file ends early after line {after_line:,} (byte {byte:,} of its content): "
                         f"{why}; the lines before it were read")
        self.name, self.after_line, self.byte, self.why = name, after_line, byte, why


@dataclass(frozen=True, slots=True, init=False)
class Line:
    """One line of input: its 1-based number, its bytes without the line ending, and whether it was cut."""

    number: int
    data: bytes
    too_long: bool = False

    def __init__(self, number: int, data: bytes, too_long: bool = False) -> None:
        # Every line read makes one: its frozen slots are set through their descriptors (the generated
        # __init__ sets each one by name, at half again the cost).
        _set_number(self, number)
        _set_data(self, data)
        _set_too_long(self, too_long)


_set_number, _set_data, _set_too_long = (getattr(Line, name).__set__ for name in ("number", "data", "too_long"))


class InputFile:
    """A readable input file. Use as a context manager; iterate ``lines()`` once.

    ``name`` is how messages refer to it (the path as given, plus ``:member`` inside a zip). ``lines_read``
    counts every line so far, empty ones included; ``blank_lines`` those of them that were empty (and so
    never handed out).
    """

    def __init__(self, path: str | os.PathLike[str], *, max_line_bytes: int = MAX_LINE_BYTES,
                 chunk_bytes: int = _CHUNK):
        self.path = Path(path)
        self.max_line_bytes = max_line_bytes
        self._chunk_bytes = chunk_bytes
        try:
            self._disk: BinaryIO = open(self.path, "rb")
        except OSError as error:
            raise InputFileError(f"{path}: cannot open ({error.strerror or error})") from None
        if self.path.is_dir():
            self._disk.close()
            raise InputFileError(f"{path}: is a folder, not a file")
        self.total_bytes = os.fstat(self._disk.fileno()).st_size
        self.name = str(path)
        self._archive: zipfile.ZipFile | None = None
        try:
            self.stream = self._open_content()
        except (OSError, zipfile.BadZipFile) as error:
            self.close()
            raise InputFileError(f"{path}: cannot read ({error})") from None
        self.lines_read = 0
        self._lines_given = 0
        self._head = b""  # content read ahead for ``head``, handed out first by ``lines``
        self._broken: BaseException | None = None  # the archive broke while reading ahead

    def _open_content(self) -> BinaryIO:
        magic = self._disk.read(4)
        self._disk.seek(0)
        if magic.startswith(_GZIP_MAGIC):
            return gzip.GzipFile(fileobj=self._disk, mode="rb")  # type: ignore[return-value]
        if magic == _ZIP_MAGIC:
            try:
                self._archive = zipfile.ZipFile(self._disk)
            except zipfile.BadZipFile:  # no directory at the end: a truncated zip, read from its first member on
                self._disk.seek(0)
                member = _LocalZipMember(self._disk, self.path)
                self.name = f"{self.path}:{member.name}"
                return member  # type: ignore[return-value]
            members = [info for info in self._archive.infolist()
                       if not info.is_dir() and not info.filename.startswith("__MACOSX/")]
            if len(members) != 1:
                names = ", ".join(info.filename for info in members) or "none"
                raise InputFileError(f"{self.path}: a zip file must hold exactly one data file; it holds: {names}")
            self.name = f"{self.path}:{members[0].filename}"
            try:
                return self._archive.open(members[0])  # type: ignore[return-value]
            except (NotImplementedError, RuntimeError) as error:  # zipfile's words for encrypted or unknown methods
                raise InputFileError(f"{self.path}: the zip's data file {members[0].filename!r} is encrypted or "
                                     f"packed in a way this reader does not support ({error})") from None
        return io.BufferedReader(self._disk, buffer_size=_CHUNK)  # type: ignore[arg-type]

    @property
    def bytes_read(self) -> int:
        """How far through the file on disk reading has got (compressed bytes for archives)."""
        try:
            return min(self._disk.tell(), self.total_bytes)
        except (OSError, ValueError):
            return self.total_bytes

    @property
    def blank_lines(self) -> int:
        """Empty lines read so far (counted, never handed out by ``lines``)."""
        return self.lines_read - self._lines_given

    def head(self, size: int = 8_192) -> bytes:
        """The first bytes of the content (decompressed), for format detection; ``lines`` still reads them."""
        while len(self._head) < size and self._broken is None:
            try:
                more = self.stream.read(size - len(self._head))
            except _BROKEN_ARCHIVE as error:  # said when the lines reach the break
                self._broken = error
                break
            if not more:
                break
            self._head += more
        return self._head[:size]

    def _chunks(self) -> Iterator[bytes]:
        """The content in pieces of about a megabyte, line ends made LF (CR LF and a lone CR alike)."""
        read, size = self.stream.read, self._chunk_bytes
        dropped_lf = False  # the previous piece ended with CR: an LF starting this one is the same line end
        done = 0
        head, self._head = self._head, b""
        while True:
            try:
                if head:
                    chunk, head = head, b""
                elif self._broken is not None:
                    raise self._broken
                else:
                    chunk = read(size)
            except _BROKEN_ARCHIVE as error:
                raise InputEndedEarly(self.name, self.lines_read, done, _why(error)) from None
            if not chunk:
                return
            done += len(chunk)
            if dropped_lf and chunk[:1] == b"\n":
                chunk = chunk[1:]
            dropped_lf = False
            if b"\r" in chunk:
                dropped_lf = chunk[-1:] == b"\r"
                chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            yield chunk

    def lines(self) -> Iterator[Line]:
        """Every line that is not empty, with its number; over-long lines cut and flagged, their rest skipped."""
        limit = self.max_line_bytes
        number = 0  # lines ended so far
        carry = b""  # the start of a line the previous piece did not end
        cut = False  # the line in ``carry`` is longer than the limit: its rest is being skipped
        for chunk in self._chunks():
            last = chunk.rfind(b"\n")
            if last < 0:  # no line ends in this piece: it all belongs to the line in hand
                if not cut:
                    carry += chunk
                    if len(carry) > limit:
                        carry, cut = carry[:limit], True
                continue
            start = 0
            if carry or cut:  # the first line end ends the line the previous piece began
                start = chunk.find(b"\n") + 1
                first = carry + chunk[:start - 1]
                number += 1
                yield self._given(number, first[:limit], cut or len(first) > limit)
                carry, cut = b"", False
            if start <= last:
                if chunk.count(b"\n", start, last) * _SPARSE > last - start:  # mostly empty lines
                    if chunk.translate(None, b"\n"):  # (a piece of nothing but line ends is only counted)
                        yield from self._sparse_lines(chunk, start, last, number)
                else:
                    yield from self._dense_lines(chunk, start, last, number)
                number += chunk.count(b"\n", start, last + 1)
                self.lines_read = number
            carry = chunk[last + 1:]
            if len(carry) > limit:
                carry, cut = carry[:limit], True
        if carry or cut:
            yield self._given(number + 1, carry, cut)

    def _dense_lines(self, chunk: bytes, start: int, last: int, number: int) -> Iterator[Line]:
        """The lines ended in ``chunk[start:last + 1]``, most of them not empty: split and handed out."""
        limit = self.max_line_bytes
        parts = chunk[start:last].split(b"\n")
        for index in compress(range(len(parts)), parts):  # empty lines are passed over at C speed
            data = parts[index]
            self.lines_read = number + index + 1
            self._lines_given += 1
            yield Line(number + index + 1, data[:limit], True) if len(data) > limit else Line(number + index + 1, data)

    def _sparse_lines(self, chunk: bytes, start: int, last: int, number: int) -> Iterator[Line]:
        """The lines ended in ``chunk[start:last + 1]``, most of them empty: only the others are visited."""
        limit = self.max_line_bytes
        count = chunk.count
        at = start  # the start of a line; ``number`` lines end before it
        for found in _NOT_EMPTY.finditer(chunk, start, last):
            begin, end = found.span()
            number += count(b"\n", at, begin) + 1
            at = end + 1
            data = found.group()
            yield self._given(number, data[:limit], len(data) > limit)

    def _given(self, number: int, data: bytes, too_long: bool) -> Line:
        self.lines_read = number
        self._lines_given += 1
        return Line(number, data, too_long)

    def close(self) -> None:
        for closable in (getattr(self, "stream", None), self._archive, self._disk):
            if closable is not None:
                try:
                    closable.close()
                except OSError:
                    pass

    def __enter__(self) -> "InputFile":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _why(error: BaseException) -> str:
    if isinstance(error, EOFError):
        return "the compressed data stops before its end (a truncated download or copy?)"
    return f"the compressed data is damaged ({error})"


_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DEFLATED, _STORED = 8, 0


class _LocalZipMember:
    """The first member of a zip file whose central directory is missing (a download cut short), read from
    its local header on, streaming: what it holds up to the cut is read, and the cut raises ``EOFError``.
    Decompression is bounded (at most ``size`` bytes come out per read), so a zip bomb cannot fill memory."""

    def __init__(self, disk: BinaryIO, path: Path):
        header = disk.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size:
            raise InputFileError(f"{path}: a zip file cut short before its first member")
        _, _, flags, method, _, _, _, packed, _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        name = disk.read(name_length)
        disk.read(extra_length)
        if flags & 0x01:
            raise InputFileError(f"{path}: a zip file cut short whose first member is encrypted")
        if method not in (_DEFLATED, _STORED) or (method == _STORED and flags & 0x08):
            raise InputFileError(f"{path}: a zip file cut short whose first member cannot be read without its "
                                 f"directory (compression method {method})")
        self.name = name.decode("utf-8" if flags & 0x800 else "cp437")
        self._disk = disk
        self._inflate = zlib.decompressobj(-15) if method == _DEFLATED else None
        self._stored_left = packed
        self._waiting = b""  # compressed bytes read from disk, not yet decompressed
        self._ready = b""  # decompressed bytes not yet handed out
        self._ended = False

    def _fill(self, size: int) -> None:
        while len(self._ready) < size and not self._ended:
            if self._inflate is None:
                raw = self._disk.read(min(_CHUNK, self._stored_left))
                self._stored_left -= len(raw)
                self._ready += raw
                if self._stored_left == 0:
                    self._ended = True
                elif not raw:
                    raise EOFError("the zip member stops before its end")
                continue
            if not self._waiting:
                self._waiting = self._disk.read(_CHUNK)
                if not self._waiting:
                    raise EOFError("the zip member stops before its end")
            self._ready += self._inflate.decompress(self._waiting, max(size - len(self._ready), 1))
            self._waiting = self._inflate.unconsumed_tail
            if self._inflate.eof:
                self._ended = True

    def read(self, size: int = _CHUNK) -> bytes:
        self._fill(size)
        data, self._ready = self._ready[:size], self._ready[size:]
        return data

    def close(self) -> None:
        self._ready = self._waiting = b""
