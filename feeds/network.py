"""Live NMEA from an AIS receiver over the network: UDP datagrams or a TCP stream, as lines with their time of
receipt.

AIS-catcher, rtl-ais and shipborne gateways send NMEA sentences either as UDP datagrams (often several
sentences per datagram) or over a TCP connection. Both are read here with bounded sizes (a datagram of at
most 64 KiB, a line of at most ``MAX_LINE_BYTES``: longer ones come back cut and flagged, never buffered
without limit). A UDP listener binds to 127.0.0.1 unless told otherwise; a TCP client reconnects with
exponential backoff when the receiver goes away. Every wait has a short timeout so ``stop`` is honoured
within half a second; while nothing arrives, ``lines()`` yields None every half second so its reader can
flush what it holds.
"""
from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from typing import Callable, Iterator

from domain.time import now_micros
from feeds.input_files import MAX_LINE_BYTES

log = logging.getLogger(__name__)
MAX_DATAGRAM = 65_535
RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024
POLL_S = 0.5
BACKOFF_FIRST_S, BACKOFF_MAX_S = 1.0, 30.0
LOCALHOST = "127.0.0.1"


class FeedAddressError(ValueError):
    """A feed address that cannot be used ('[HOST:]PORT' for UDP, 'HOST:PORT' for TCP)."""


@dataclass(frozen=True, slots=True)
class FeedLine:
    """One line as received: its bytes (no line ending), when it arrived, and whether it was cut."""

    data: bytes
    received_at: int
    too_long: bool = False


def parse_address(text: str, *, default_host: str | None = LOCALHOST) -> tuple[str, int]:
    """'[HOST:]PORT' as (host, port); without a default host the host is required."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        if default_host is None:
            raise FeedAddressError(f"expected HOST:PORT, got {text!r}")
        host, port_text = default_host, text
    host = host.strip("[]") or (default_host or "")
    if not host:
        raise FeedAddressError(f"expected HOST:PORT, got {text!r}")
    if not port_text.isdigit() or not 0 < int(port_text) < 65_536:
        raise FeedAddressError(f"not a port number (1-65535): {port_text!r} in {text!r}")
    return host, int(port_text)


class _LineSplitter:
    """Cuts a byte stream into bounded lines; an over-long line is flagged once and its rest discarded."""

    def __init__(self, limit: int = MAX_LINE_BYTES):
        self.limit = limit
        self._buffer = bytearray()
        self._discarding = False

    def push(self, data: bytes, received_at: int) -> list[FeedLine]:
        lines: list[FeedLine] = []
        self._buffer += data
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > self.limit:
                    if not self._discarding:
                        lines.append(FeedLine(bytes(self._buffer[:self.limit]), received_at, too_long=True))
                        self._discarding = True
                    self._buffer.clear()
                return lines
            line = bytes(self._buffer[:end]).rstrip(b"\r")
            del self._buffer[:end + 1]
            if self._discarding:
                self._discarding = False
                continue
            if len(line) > self.limit:
                lines.append(FeedLine(line[:self.limit], received_at, too_long=True))
            elif line:
                lines.append(FeedLine(line, received_at))

    def end(self, received_at: int) -> list[FeedLine]:
        """The unterminated rest (a datagram's last sentence often has no line ending)."""
        rest = bytes(self._buffer).rstrip(b"\r")
        self._buffer.clear()
        discarding, self._discarding = self._discarding, False
        if not rest or discarding:
            return []
        return [FeedLine(rest[:self.limit], received_at, too_long=len(rest) > self.limit)]


class UdpFeed:
    """Listens for NMEA datagrams on ``host:port`` (127.0.0.1 by default)."""

    kind = "udp"

    def __init__(self, host: str, port: int, *, clock: Callable[[], int] = now_micros):
        self.host, self.port = host, port
        self.name = f"udp://{host}:{port}"
        self._clock = clock
        self.status = "not started"
        self._socket: socket.socket | None = None

    def open(self) -> None:
        """Bind now, so a port in use fails at once with a clear message (once: opening again is a no-op)."""
        if self._socket is not None:
            return
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.bind((self.host, self.port))
        except OSError as error:
            sock.close()
            raise OSError(f"cannot listen on {self.name}: {error.strerror or error}") from None
        sock.settimeout(POLL_S)
        try:  # room for a burst while the reader is busy (the kernel caps it at its own maximum)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        except OSError:
            pass  # the system's default buffer then
        self.port = sock.getsockname()[1]
        self.name = f"udp://{self.host}:{self.port}"
        self._socket = sock
        self.status = f"listening on {self.name}"

    def lines(self, stop: threading.Event) -> Iterator[FeedLine | None]:
        if self._socket is None:
            self.open()
        sock = self._socket
        assert sock is not None
        try:
            while not stop.is_set():
                try:
                    datagram, _ = sock.recvfrom(MAX_DATAGRAM)
                except socket.timeout:
                    yield None
                    continue
                received = self._clock()
                splitter = _LineSplitter()
                yield from splitter.push(datagram, received)
                yield from splitter.end(received)
        finally:
            self.close()

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.status = "stopped"


class TcpFeed:
    """Connects to an NMEA server at ``host:port`` and reads lines, reconnecting with backoff."""

    kind = "tcp"

    def __init__(self, host: str, port: int, *, clock: Callable[[], int] = now_micros,
                 backoff: tuple[float, float] = (BACKOFF_FIRST_S, BACKOFF_MAX_S)):
        self.host, self.port = host, port
        self.name = f"tcp://{host}:{port}"
        self._clock = clock
        self._backoff = backoff
        self.status = "not started"
        self.reconnects = 0

    def open(self) -> None:
        """Nothing to do before reading: connection problems are retried, not fatal."""

    def lines(self, stop: threading.Event) -> Iterator[FeedLine | None]:
        delay = self._backoff[0]
        while not stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=5)
            except OSError as error:
                self.status = f"cannot reach {self.name} ({error.strerror or error}); retrying in {delay:.0f} s"
                log.warning(self.status)
                waited = 0.0
                while waited < delay and not stop.is_set():  # stay responsive while waiting to retry
                    stop.wait(POLL_S)
                    waited += POLL_S
                    yield None
                if stop.is_set():
                    break
                delay = min(delay * 2, self._backoff[1])
                self.reconnects += 1
                continue
            delay = self._backoff[0]
            self.status = f"connected to {self.name}"
            try:
                yield from self._read(sock, stop)
            finally:
                sock.close()
            if not stop.is_set():
                self.status = f"{self.name} closed the connection; reconnecting"
                log.warning(self.status)
                self.reconnects += 1
        self.status = "stopped"

    def _read(self, sock: socket.socket, stop: threading.Event) -> Iterator[FeedLine | None]:
        sock.settimeout(POLL_S)
        splitter = _LineSplitter()
        while not stop.is_set():
            try:
                data = sock.recv(65_536)
            except socket.timeout:
                yield None
                continue
            except OSError as error:
                log.warning("%s: %s", self.name, error)
                return
            if not data:
                yield from splitter.end(self._clock())
                return
            yield from splitter.push(data, self._clock())

    def close(self) -> None:
        self.status = "stopped"

