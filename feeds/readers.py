"""What every AIS input reader offers the import use case, and the names of the lines it passes over."""
from __future__ import annotations

from typing import Iterator, Mapping, Protocol

from domain.observations import Seen

# Lines a reader reads without making an observation of them; every other line of a file is the origin of
# at least one observation. Together they account for every line read (see docs/data-formats.md).
HEADER = "header"  # a CSV file's header line
COMMENTS = "comments"  # '#' comment lines
BLANK = "blank"  # empty lines and lines of nothing but spaces and tabs
CONTINUED = "continued"  # a line continuing a quoted CSV field of the row above it
FRAGMENTS = "fragments"  # an NMEA fragment whose message is counted on its last fragment's line (or still waits)
PASSED_OVER: tuple[str, ...] = (HEADER, COMMENTS, BLANK, CONTINUED, FRAGMENTS)


class ObservationReader(Protocol):
    """Reads one input (file or stream) and yields its observations in input order.

    ``kind`` is the format's name ('nmea', 'noaa-csv', 'dma-csv', 'csv') and part of every dedupe key;
    ``lines_read`` counts every line read so far (the summary's "read"), and ``passed_over()`` those of them
    that gave no observation, by what they were (``PASSED_OVER``); ``bytes_read`` and ``total_bytes``
    measure progress through the file on disk. Iterating raises ``InputEndedEarly`` (after yielding all
    that was read) when the file is a truncated or damaged archive.
    """

    kind: str
    name: str

    @property
    def lines_read(self) -> int: ...

    def passed_over(self) -> Mapping[str, int]: ...

    @property
    def bytes_read(self) -> int: ...

    @property
    def total_bytes(self) -> int | None: ...

    def __iter__(self) -> Iterator[Seen]: ...

    def close(self) -> None: ...
