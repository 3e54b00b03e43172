"""Putting multi-sentence AIS messages back together.

A message too long for one sentence (a type 5 is 424 bits) is sent as numbered fragments that share a
sequential message id (0-9) on one radio channel. Receivers interleave fragments of different messages,
so waiting messages are keyed by talker and sentence type, message id and channel. Fragments must come in
order; anything else is quarantined with the reason, never dropped:

- a fragment with no message waiting for it: "orphaned fragment 2 of 2";
- a message whose next fragment never comes (another message reuses its id, too many wait at once, or the
  input ends): "incomplete message: fragment 2 of 3 never arrived".

The number of waiting messages is bounded, so a feed of broken fragments cannot grow memory without end.
"""
from __future__ import annotations

from typing import NamedTuple

from domain.observations import Origin, Rejected
from feeds.nmea_sentences import AisFragment

MAX_WAITING_MESSAGES = 64  # message ids 0-9 on two channels from a few talkers: far more than ever wait at once


class Message(NamedTuple):
    """A complete AIS message: its payload, fill bits, and the line of its last fragment (or, from a live
    feed, when it arrived) with the raw text of all its fragments (one per line), which is what its
    observations point back to."""

    payload: bytes
    fill_bits: int
    line: int | None
    raw: str
    received_at: int | None = None


class _Waiting:
    """A message with some of its fragments received."""

    __slots__ = ("count", "received", "payloads", "raws", "line", "received_at")

    def __init__(self, count: int, payload: bytes, raw: str, line: int | None, received_at: int | None):
        self.count = count
        self.received = 1
        self.payloads = [payload]
        self.raws = [raw]
        self.line = line
        self.received_at = received_at


class FragmentAssembler:
    """Collects the fragments of multi-sentence messages of one input, in order.

    ``orphans`` and ``incomplete`` count the orphaned fragments and incomplete messages quarantined so far,
    so a reader can tell which lines bear a quarantine record and which only wait for the rest.
    """

    def __init__(self, source: str, capacity: int = MAX_WAITING_MESSAGES):
        self._source = source
        self._capacity = capacity
        self._waiting: dict[tuple[str, bytes, bytes], _Waiting] = {}
        self.orphans = 0
        self.incomplete = 0

    def add(self, fragment: AisFragment, line: int | None, raw: str,
            received_at: int | None = None) -> tuple[Message | None, list[Rejected]]:
        """Take one fragment of a multi-sentence message (count > 1), read from ``line`` (or received at
        ``received_at``): the message when this fragment completes it, and whatever this fragment shows to
        be broken (orphans, incomplete messages)."""
        key = (fragment.address, fragment.sequence, fragment.channel)
        quarantined: list[Rejected] = []
        waiting = self._waiting.get(key)
        if fragment.number == 1:
            if waiting is not None:
                del self._waiting[key]
                quarantined.append(self._incomplete(waiting))
            elif len(self._waiting) >= self._capacity:
                oldest = next(iter(self._waiting))
                quarantined.append(self._incomplete(self._waiting.pop(oldest)))
            self._waiting[key] = _Waiting(fragment.count, fragment.payload, raw, line, received_at)
            return None, quarantined
        if waiting is None or waiting.count != fragment.count or waiting.received + 1 != fragment.number:
            if waiting is not None:
                del self._waiting[key]
                quarantined.append(self._incomplete(waiting))
            self.orphans += 1
            quarantined.append(Rejected(Origin.of(self._source, line, raw, received_at),
                                        f"orphaned fragment {fragment.number} of {fragment.count}"))
            return None, quarantined
        waiting.received += 1
        waiting.payloads.append(fragment.payload)
        waiting.raws.append(raw)
        waiting.line, waiting.received_at = line, received_at
        if waiting.received < waiting.count:
            return None, quarantined
        del self._waiting[key]
        return (Message(b"".join(waiting.payloads), fragment.fill_bits, line, "\n".join(waiting.raws), received_at),
                quarantined)

    def __len__(self) -> int:
        """How many messages wait for more fragments."""
        return len(self._waiting)

    def flush(self) -> list[Rejected]:
        """The end of the input: every message still waiting is incomplete."""
        quarantined = [self._incomplete(waiting) for waiting in self._waiting.values()]
        self._waiting.clear()
        return quarantined

    def _incomplete(self, waiting: _Waiting) -> Rejected:
        self.incomplete += 1
        return Rejected(Origin.of(self._source, waiting.line, "\n".join(waiting.raws), waiting.received_at),
                        f"incomplete message: fragment {waiting.received + 1} of {waiting.count} never arrived")
