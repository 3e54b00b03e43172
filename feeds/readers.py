"""What every AIS input reader offers the import use case."""
from __future__ import annotations

from typing import Iterator, Protocol

from domain.observations import Seen


class ObservationReader(Protocol):
    """Reads one input (file or stream) and yields its observations in input order.

    ``kind`` is the format's name ('nmea', 'noaa-csv', 'dma-csv', 'csv') and part of every dedupe key;
    ``lines_read`` counts input lines/sentences/rows so far (the summary's "read"); ``bytes_read`` and
    ``total_bytes`` measure progress through the file on disk.
    """

    kind: str
    name: str

    @property
    def lines_read(self) -> int: ...

    @property
    def bytes_read(self) -> int: ...

    @property
    def total_bytes(self) -> int | None: ...

    def __iter__(self) -> Iterator[Seen]: ...

    def close(self) -> None: ...
