"""The NMEA 0183 AIS reader: lines of ``!AIVDM``/``!AIVDO`` (any talker), tag blocks and GPS sentences
into observations, for files (``NmeaFileReader``) and live feeds (``NmeaDecoder``).

Every line is accounted for: it becomes an observation, part of a multi-sentence message's observation
(which points at its last fragment's line and holds the raw text of all its fragments; the other fragment
lines are tallied as fragments), a Skipped (GPS sentences, AIS message types the fleet does not use) or a
Rejected with the reason; empty and ``#`` comment lines are tallied as blank and comments. How an AIS sentence gets its time is described in ``feeds.nmea_clock``; a file that has
no time at all is refused before anything is read, unless the caller assumes a start and a sentence rate.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterator

from domain.observations import Origin, Rejected, Seen, Skipped
from feeds.input_files import InputFile
from feeds.nmea_clock import SentenceClock, gps_time, unix_time
from feeds.nmea_fragments import FragmentAssembler
from feeds.nmea_messages import ais_observations
from feeds.nmea_sentences import Sentence, read_ais_fragment, read_sentence, shown, split_tag_block
from feeds.readers import BLANK, COMMENTS, FRAGMENTS

# How much of a file is searched for a time before it is refused as having none: whichever ends first.
HEAD_LINES = 1_000
HEAD_BYTES = 256 * 1024
TAG_BLOCK_ONLY = "tag block without a sentence"
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
_COMMENT = ord("#")
_SENTENCE_STARTS = (b"!", b"$", b"\\")
_SENTENCE_START_BYTES = frozenset(b"!$")
_DIGITS = frozenset(b"0123456789")


class NmeaTimeUnknown(ValueError):
    """An NMEA file with no source of time (no tag block ``c:``, no ``$GPRMC``/``$GPZDA``) and no assumed
    start: its sentences cannot be placed in time, and times are never invented."""


class NmeaDecoder:
    """Decodes the lines of one NMEA input, in order, into observations. Stateful: it keeps the latest
    time the input carried and the fragments of multi-sentence messages still waiting for the rest.

    ``feed`` takes one line; a live feed passes ``received_at`` (µs), which sentences without a time of
    their own take (a tag block time, or a receiver's stamp before the sentence, wins: it was stamped at the
    receiver, before the line waited in network buffers). ``flush`` ends the input and quarantines messages
    whose fragments never all arrived. ``assume_start``/``rate_hz`` give an input with no time of its own
    an assumed clock (see ``SentenceClock``). ``tally`` counts the lines that gave no observation of their
    own: blank, comments, and fragments whose message is counted on another line or still waits.
    """

    def __init__(self, source_name: str, kind: str = "nmea", *, assume_start: int | None = None,
                 rate_hz: float | None = None):
        self.source_name = source_name
        self.kind = kind
        self._clock = SentenceClock(assume_start, rate_hz)
        self._fragments = FragmentAssembler(source_name)
        self.tally: Counter[str] = Counter()

    def feed(self, line: bytes, line_number: int | None, received_at: int | None = None,
             too_long: bool = False) -> list[Seen]:
        """The observations one line gives: usually one; none for blank and comment lines or for a fragment
        that leaves its message waiting for more; several when a line completes a message and shows another
        one broken. ``line_number`` is None for a live feed; ``too_long`` says the line was cut."""
        text = line.strip()
        if not text:
            self.tally[BLANK] += 1
            return []
        if text[0] == _COMMENT:
            self.tally[COMMENTS] += 1
            return []
        if too_long:
            return [Rejected(Origin.of(self.source_name, line_number, text, received_at),
                             f"line too long: cut at {len(line):,} bytes, far beyond any NMEA sentence")]
        if not text.isascii():
            if not (text.startswith(_BYTE_ORDER_MARK) and text[3:].isascii()):
                return [Rejected(Origin.of(self.source_name, line_number, text, received_at),
                                 "not NMEA: binary or non-ASCII bytes")]
            text = text[3:].lstrip()  # a UTF-8 byte order mark some editors put before the first line
            if not text or text[0] == _COMMENT:
                self.tally[COMMENTS if text else BLANK] += 1
                return []
        raw = text.decode("ascii")
        origin = Origin.of(self.source_name, line_number, raw, received_at)
        own_time = None
        if text[0] not in _SENTENCE_START_BYTES:
            before = _before_sentence(text)
            if isinstance(before, str):
                return [Rejected(origin, before)]
            own_time, text = before
            if not text:
                if own_time is not None:
                    self._clock.heard(own_time)
                return [Skipped(TAG_BLOCK_ONLY, origin)]
        sentence = read_sentence(text)
        if isinstance(sentence, str):
            return [Rejected(origin, sentence)]
        if not sentence.is_ais:
            return [self._other_sentence(sentence, own_time, origin)]
        fragment = read_ais_fragment(sentence)
        if isinstance(fragment, str):
            return [Rejected(origin, fragment)]
        occurred_at = self._clock.time_of_ais_sentence(own_time, received_at)
        if fragment.count == 1:
            return ais_observations(fragment.payload, fragment.fill_bits, occurred_at, origin)
        fragments = self._fragments
        orphans, incomplete = fragments.orphans, fragments.incomplete
        message, quarantined = fragments.add(fragment, line_number, raw, received_at)
        # An incomplete message's record points at its last fragment's line, tallied as a fragment until now.
        self.tally[FRAGMENTS] -= fragments.incomplete - incomplete
        if message is None:
            if fragments.orphans == orphans:
                self.tally[FRAGMENTS] += 1  # this line waits for the rest of its message
            return quarantined  # type: ignore[return-value]
        whole = Origin.of(self.source_name, message.line, message.raw, message.received_at)
        return [*quarantined, *ais_observations(message.payload, message.fill_bits, occurred_at, whole)]

    def _other_sentence(self, sentence: Sentence, own_time: int | None, origin: Origin) -> Seen:
        """A sentence that is not AIS: counted as skipped; its time heard when it carries one."""
        if own_time is not None:
            self._clock.heard(own_time)
        else:
            instant = gps_time(sentence)
            if isinstance(instant, str):
                return Rejected(origin, instant)
            if instant is not None:
                self._clock.heard(instant)
        return Skipped(f"not AIS: {sentence.address}", origin)

    @property
    def waiting_messages(self) -> int:
        """Messages begun by lines already fed and still waiting for fragments (a live feed keeps those
        lines in its spool until their message is whole)."""
        return len(self._fragments)

    def flush(self) -> list[Seen]:
        """The end of the input: messages still waiting for fragments are quarantined as incomplete."""
        quarantined = list(self._fragments.flush())
        self.tally[FRAGMENTS] -= len(quarantined)
        return quarantined


class NmeaFileReader:
    """An NMEA file as observations, in file order (the ``ObservationReader`` of NMEA).

    The reader owns ``input_file``: ``close`` closes it. A file whose first ``HEAD_LINES`` lines carry no
    time (no tag block ``c:``, no ``$xxRMC``/``$xxZDA``) is refused here, at construction, with
    ``NmeaTimeUnknown`` (the input file is closed) — unless ``assume_start`` (µs) and ``rate_hz`` are given.
    """

    kind = "nmea"

    def __init__(self, input_file: InputFile, *, assume_start: int | None = None, rate_hz: float | None = None):
        self.name = input_file.name
        self._input = input_file
        try:
            self._decoder = NmeaDecoder(self.name, self.kind, assume_start=assume_start, rate_hz=rate_hz)
            if assume_start is None and not has_time(input_file.head(HEAD_BYTES)):
                raise NmeaTimeUnknown(
                    f"{self.name}: the file has no tag block times and no $GPRMC/$GPZDA in its first "
                    f"{HEAD_LINES:,} lines, so its sentences cannot be placed in time; give --assume-start ISO "
                    f"--rate HZ (when the recording started, e.g. 2024-05-01T12:00:00Z, and how many sentences "
                    f"a second it holds)")
        except BaseException:
            input_file.close()
            raise

    @property
    def lines_read(self) -> int:
        """Every physical line read so far, blank and comment lines included."""
        return self._input.lines_read

    def passed_over(self) -> dict[str, int]:
        """The lines read so far that gave no observation of their own, by what they are."""
        tally = dict(self._decoder.tally)
        tally[BLANK] = tally.get(BLANK, 0) + self._input.blank_lines
        return tally

    @property
    def bytes_read(self) -> int:
        return self._input.bytes_read

    @property
    def total_bytes(self) -> int:
        return self._input.total_bytes

    def __iter__(self) -> Iterator[Seen]:
        feed = self._decoder.feed
        for line in self._input.lines():
            for seen in feed(line.data, line.number, too_long=line.too_long):
                yield seen
        yield from self._decoder.flush()

    def close(self) -> None:
        self._input.close()

    def __enter__(self) -> "NmeaFileReader":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _before_sentence(text: bytes) -> tuple[int | None, bytes] | str:
    """What a line holds before its sentence: a receiver's unix time (``1569890582.123 !AIVDM,…``) and/or
    an NMEA 4 tag block. Returns the time they give (the tag block's when both do) and the rest of the
    line, or the reason the line is quarantined."""
    own_time = None
    if text[0] in _DIGITS:
        stamp, *rest = text.split(None, 1)
        own_time = unix_time(stamp)
        if own_time is None or not rest:
            return (f"not NMEA: a line starts with '!', '$', a '\\' tag block or a unix time, "
                    f"this one with {shown(stamp)!r}")
        text = rest[0]
    if text[:1] == b"\\":
        split = split_tag_block(text)
        if isinstance(split, str):
            return split
        tag_block, text = split
        stamp = tag_block.fields.get(b"c")
        if stamp is not None:
            own_time = unix_time(stamp)
            if own_time is None:
                return f"tag block time c:{shown(stamp)} is not unix seconds or milliseconds"
    return own_time, text


def _content_lines(head: bytes, limit: int) -> Iterator[bytes]:
    """Those of the first ``limit`` lines of ``head`` that are neither blank nor comments, stripped. (A last
    line cut short by the end of ``head`` fails every check made on it, so it needs no special case.)"""
    lines = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n", limit)
    if lines and lines[0].startswith(_BYTE_ORDER_MARK):
        lines[0] = lines[0][3:]
    for line in lines[:limit]:
        text = line.strip()
        if text and text[0] != _COMMENT:
            yield text


def has_time(head: bytes) -> bool:
    """Whether the head of an NMEA file carries any time: a tag block ``c:``, a receiver's unix time before a
    sentence, or a ``$xxRMC``/``$xxZDA`` with a readable date and time."""
    for text in _content_lines(head, HEAD_LINES):
        if text[0] not in _SENTENCE_START_BYTES:
            before = _before_sentence(text)
            if isinstance(before, str):
                continue
            if before[0] is not None:
                return True
            text = before[1]
        if text[:1] == b"$":
            sentence = read_sentence(text)
            if not isinstance(sentence, str) and isinstance(gps_time(sentence), int):
                return True
    return False


def looks_like_nmea(head: bytes) -> bool:
    """Whether a file's first bytes look like NMEA: its first few lines that are neither blank nor ``#``
    comments are ASCII and start with '!', '$' or a '\\' tag block (after a receiver's unix time, if any)."""
    seen = 0
    for text in _content_lines(head, HEAD_LINES):
        if text[0] in _DIGITS:
            text = text.split(None, 1)[-1]
        if text[:1] not in _SENTENCE_STARTS or not text.isascii():
            return False
        seen += 1
        if seen == 5:
            break
    return seen > 0
