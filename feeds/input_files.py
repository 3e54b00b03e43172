"""Opening an input file as a stream of lines, whatever it is packed in, and knowing how far through it we are.

Plain, gzip and zip files are read the same way, streaming (a multi-GB file never loads into memory).
Lines are bounded: a line longer than ``MAX_LINE_BYTES`` (binary garbage, a file that is not text) comes
back cut, flagged as too long, and the rest of it is skipped without reading it into memory.
Progress is measured on the file as stored on disk (compressed bytes for gzip and zip), so a progress bar
and its ETA are honest.
"""
from __future__ import annotations

import gzip
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

MAX_LINE_BYTES = 4_096
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"


class InputFileError(OSError):
    """A file that cannot be read as input (missing, unreadable, an archive with no or several data files)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of input: its 1-based number, its bytes without the line ending, and whether it was cut."""

    number: int
    data: bytes
    too_long: bool = False


class InputFile:
    """A readable input file. Use as a context manager; iterate ``lines()`` once.

    ``name`` is how messages refer to it (the path as given, plus ``:member`` inside a zip).
    """

    def __init__(self, path: str | os.PathLike[str], *, max_line_bytes: int = MAX_LINE_BYTES):
        self.path = Path(path)
        self.max_line_bytes = max_line_bytes
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

    def _open_content(self) -> BinaryIO:
        magic = self._disk.read(4)
        self._disk.seek(0)
        if magic.startswith(_GZIP_MAGIC):
            return gzip.GzipFile(fileobj=self._disk, mode="rb")  # type: ignore[return-value]
        if magic == _ZIP_MAGIC:
            self._archive = zipfile.ZipFile(self._disk)
            members = [info for info in self._archive.infolist()
                       if not info.is_dir() and not info.filename.startswith("__MACOSX/")]
            if len(members) != 1:
                names = ", ".join(info.filename for info in members) or "none"
                raise InputFileError(f"{self.path}: a zip file must hold exactly one data file; it holds: {names}")
            self.name = f"{self.path}:{members[0].filename}"
            return self._archive.open(members[0])  # type: ignore[return-value]
        return io.BufferedReader(self._disk, buffer_size=_CHUNK)  # type: ignore[arg-type]

    @property
    def bytes_read(self) -> int:
        """How far through the file on disk reading has got (compressed bytes for archives)."""
        try:
            return min(self._disk.tell(), self.total_bytes)
        except (OSError, ValueError):
            return self.total_bytes

    def head(self, size: int = 8_192) -> bytes:
        """The first bytes of the content (decompressed), without consuming them, for format detection."""
        data = b""
        while len(data) < size:  # peek returns at most one buffer; ask until it has enough or the file ends
            more = self.stream.peek(size)  # type: ignore[attr-defined]
            if len(more) <= len(data):
                break
            data = more
        return data[:size]

    def lines(self) -> Iterator[Line]:
        """Every line with its number; over-long lines cut and flagged, the rest of them skipped unread."""
        limit = self.max_line_bytes
        readline = self.stream.readline
        number = 0
        while True:
            data = readline(limit + 1)
            if not data:
                return
            number += 1
            self.lines_read = number
            if len(data) > limit and not data.endswith(b"\n"):
                while True:  # skip the rest of the over-long line in bounded pieces
                    rest = readline(_CHUNK)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield Line(number, data[:limit], too_long=True)
                continue
            yield Line(number, data.rstrip(b"\r\n"))

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
