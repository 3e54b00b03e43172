"""The live feeds a console runs into its store: start one on a UDP port or a TCP server, see how each is
doing, stop them — all of them when the console closes."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Sequence

from app.live_ingest import LiveIngest
from domain.events import NewEvent
from feeds.network import TcpFeed, UdpFeed, parse_address
from store import AppendResult, EventStore

PROTOCOLS = ("udp", "tcp")


@dataclass(frozen=True)
class FeedInfo:
    """One running feed as a list shows it."""

    name: str
    status: str
    lines: int
    appended: int
    quarantined: int
    lines_per_s: float
    spooled: int = 0
    lost: int = 0
    problem: str = ""

    @property
    def trouble(self) -> str:
        """What an operator must know at once (the store refuses the feed's events, or lines are lost), or ''."""
        parts = []
        if self.problem:
            parts.append(f"{self.name}: {self.problem} ({self.spooled:,} lines waiting)")
        if self.lost:
            parts.append(f"{self.name}: {self.lost:,} received lines LOST (spool full or unwritable)")
        return "; ".join(parts)


class FeedControl:
    """Starts and stops ``LiveIngest`` threads appending through ``append`` (the service's, so the index
    and the window follow)."""

    def __init__(self, store: EventStore, append: Callable[[Sequence[NewEvent]], AppendResult], *,
                 operator: str | None = None):
        self._store = store
        self._append = append
        self._operator = operator
        self._feeds: dict[str, LiveIngest] = {}
        self._lock = threading.Lock()

    def start(self, protocol: str, address: str) -> str:
        """Start listening (UDP: '[HOST:]PORT', 127.0.0.1 unless a host is given) or connecting (TCP:
        'HOST:PORT'); returns the feed's name. Raises ValueError/OSError with a message for the operator."""
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown feed protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
        if self._store.read_only:
            raise ValueError("this store is open read-only: a feed cannot append to it")
        feed = UdpFeed(*parse_address(address)) if protocol == "udp" else TcpFeed(*parse_address(address, default_host=None))
        with self._lock:
            if feed.name in self._feeds and self._feeds[feed.name].running:
                raise ValueError(f"{feed.name} is already running")
            ingest = LiveIngest(feed, self._store, append=self._append, operator=self._operator)
            ingest.start()
            self._feeds[feed.name] = ingest
            return feed.name

    def stop(self, name: str) -> None:
        with self._lock:
            ingest = self._feeds.pop(name, None)
        if ingest is not None:
            ingest.stop()

    def stop_all(self) -> None:
        with self._lock:
            feeds, self._feeds = list(self._feeds.values()), {}
        for ingest in feeds:
            ingest.stop()

    def feeds(self) -> list[FeedInfo]:
        with self._lock:
            items = list(self._feeds.items())
        infos = []
        for name, ingest in items:
            figures = ingest.stats.to_json()
            status = ingest.feed.status if ingest.running else f"stopped ({ingest.feed.status})"
            if ingest.stats.problem:
                status = f"{status} — {ingest.stats.problem}"
            infos.append(FeedInfo(name, status, figures["lines"], figures["appended"], figures["quarantined"],
                                  figures["lines_per_s"], figures["spooled"], figures["lost"], ingest.stats.problem))
        return infos

    def trouble(self) -> str:
        """The feeds' trouble for the status bar ('' when every feed's lines reach the log)."""
        return "; ".join(info.trouble for info in self.feeds() if info.trouble)

    @property
    def any_running(self) -> bool:
        with self._lock:
            return any(ingest.running for ingest in self._feeds.values())
