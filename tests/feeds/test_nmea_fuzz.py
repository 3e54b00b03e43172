"""Whatever bytes arrive, the NMEA decoder neither raises nor loses a line.

Inputs mix arbitrary bytes with good sentences, good sentences cut short, with a byte changed or with bytes
appended, and tag blocks or receiver times followed by anything; the fragments of multi-sentence messages come in any
order. The accounting check: every line that is neither blank nor a comment is the origin of an
observation, or one of the earlier fragments named in the raw text of a multi-sentence message's
observation — so a line the decoder dropped silently makes it fail.
"""
from __future__ import annotations

from functools import reduce
from operator import xor

from hypothesis import given, settings, strategies as st
from pyais.encode import encode_dict

from domain.observations import Origin, ParticularsSeen, PositionSeen, Rejected, Seen, Skipped
from domain.time import MICROS_PER_SECOND
from feeds.nmea import NmeaDecoder
from feeds.nmea_clock import MILLISECONDS_FROM, unix_time

_BYTE_ORDER_MARK = b"\xef\xbb\xbf"


def _checksummed(body: str, start: str) -> bytes:
    return f"{start}{body}*{reduce(xor, body.encode(), 0):02X}".encode()


def _tag_block(content: str) -> bytes:
    return f"\\{content}*{reduce(xor, content.encode(), 0):02X}\\".encode()


SENTENCES: list[bytes] = [
    line.encode()
    for message, options in [
        ({"type": 1, "mmsi": 244660274, "lat": 52.85, "lon": 5.67, "speed": 3.4, "course": 90, "heading": 88}, {}),
        ({"type": 18, "mmsi": 244014164, "lat": 91.0, "lon": 181.0}, {"radio_channel": "B"}),
        ({"type": 27, "mmsi": 206914217, "lat": 4.84, "lon": 137.02, "speed": 57, "course": 167}, {}),
        ({"type": 1, "mmsi": 2573238, "lat": 60.0, "lon": 5.0}, {}),
        ({"type": 4, "mmsi": 3669702, "lat": 36.88, "lon": -76.35}, {}),
        ({"type": 5, "mmsi": 371255000, "shipname": "SEA ENTERPRISE", "callsign": "HP6683", "imo": 9266633,
          "ship_type": 90, "to_bow": 13, "to_stern": 15, "month": 3, "day": 29, "hour": 11, "draught": 1.4,
          "destination": "LEMMER"}, {"seq_id": 1}),
        ({"type": 5, "mmsi": 244700667, "shipname": "AVANTI", "month": 4, "day": 31},
         {"seq_id": 1, "radio_channel": "B"}),
        ({"type": 5, "mmsi": 244740922, "shipname": "GAASTERLAND"}, {"seq_id": 2}),
        ({"type": 24, "mmsi": 211736530, "partno": 0, "shipname": "LIBERTAS"}, {}),
        ({"type": 24, "mmsi": 211736530, "partno": 1, "ship_type": 37, "callsign": "DK7547"}, {}),
        ({"type": 19, "mmsi": 367059850, "lat": 29.5, "lon": -88.8, "shipname": "CAPT.J.RIMES"}, {}),
    ]
    for line in encode_dict(message, talker_id="AI", sentence_type="VDM", **options)
] + [
    b"$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D",
    _checksummed("GNZDA,220714.00,09,12,2024,00,00", "$"),
    _checksummed("GPRMC,,V,,,,,,,,,,N", "$"),
    b"$GPGSV,3,3,10,28,26,288,31,32,38,065,41*7A",
    b"!AIVDM,1,1,,B,:6TMCD1GOS60,0*5B,s36310,d-081,T59.01777335",
]
# Checksums right, contents wrong: what changing bytes at random almost never produces.
SENTENCES += [_checksummed(body, "!") for body in (
    "AIVDM,1,1,,A,,0", "AIVDM,2,3,,A,15RTgt0,0", "AIVDM,1,1,,A,15RTgt0PAso,0", "AIVDM,1,1,,A,15RTgt0PAso;90TKc,7",
    "AIVDM,1,1,,A,15RTgt0PAso;90TKc~,0", "AIVDM,1,1,,A,H42O55,0", "AIVDM,1,1,,A,H42O55lt0000000D3nin,0")]
SENTENCES += [_checksummed(body, "$") for body in ("GPRMC,253950.00,A,,,,,,,070420,,,A",
                                                   "GPZDA,220714.00,31,02,2024,,")]
# What may come before a sentence: tag blocks and receivers' unix times, good and bad.
PREFIXES: list[bytes] = [_tag_block("s:2573238,c:1733782034"), _tag_block("c:1733782034123"),
                         _tag_block("g:1-2-1234,c:1586295590"), _tag_block("g:2-2-1234"), _tag_block("s:x"),
                         _tag_block("c:17x"), _tag_block("c:0"), _tag_block("nocolon"),
                         b"1569890582.123 ", b"1569890582123\t", b"15x ", b"1569890582 " + _tag_block("c:1586295590")]

good = st.one_of(st.sampled_from(SENTENCES),
                 st.tuples(st.sampled_from(PREFIXES), st.sampled_from(SENTENCES)).map(b"".join))
lines = st.one_of(
    st.binary(max_size=120),
    st.tuples(st.sampled_from([b"\\", b"!", b"$"]), st.binary(max_size=80)).map(b"".join),
    good,
    st.tuples(good, st.binary(max_size=30)).map(b"".join),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=60)).map(b"".join),
    st.tuples(good, st.integers(0, 120)).map(lambda cut: cut[0][:cut[1]]),
    st.tuples(good, st.integers(0, 119), st.integers(0, 255)).map(
        lambda change: change[0][:change[1]] + bytes([change[2]]) + change[0][change[1] + 1:]),
    st.sampled_from([b"", b"   ", b"# a comment", b"\r", _BYTE_ORDER_MARK + SENTENCES[0]]),
)


def _origin_text(line: bytes) -> str | None:
    """The raw text an observation of ``line`` points back to; None for a blank or comment line."""
    text = line.strip()
    if text.startswith(_BYTE_ORDER_MARK) and text[3:].isascii():
        text = text[3:].lstrip()
    if not text or text.startswith(b"#"):
        return None
    return Origin.of("fuzz", 1, text).raw


def _account(content: dict[int, str], produced: list[tuple[int, Seen]]) -> None:
    """Every content line is claimed: as an observation's origin line, or as an earlier fragment of the
    message an observation's raw text holds (matched to the latest unclaimed line with that text)."""
    claimed: set[int] = set()
    for fed, seen in produced:
        assert isinstance(seen, (PositionSeen, ParticularsSeen, Rejected, Skipped)), seen
        assert not isinstance(seen, Rejected) or seen.reason
        line = seen.origin.line
        assert line is not None and line <= fed, (line, fed)  # nothing points at a line not read yet
        *earlier, last = seen.origin.raw.split("\n")
        assert content.get(line) == last, (line, seen)
        if line in claimed:
            continue  # a second observation of the same message
        claimed.add(line)
        for part in reversed(earlier):
            candidates = [number for number, text in content.items()
                          if number < line and text == part and number not in claimed]
            assert candidates, (part, seen)
            claimed.add(max(candidates))
    assert claimed == set(content), sorted(set(content) - claimed)


@settings(max_examples=300)
@given(st.lists(lines, max_size=40), st.booleans())
def test_any_input_is_decoded_without_error_and_every_line_accounted_for(chunks, live):
    stream = b"\n".join(chunks).split(b"\n")  # arbitrary bytes may hold line breaks of their own
    decoder = NmeaDecoder("fuzz")
    produced: list[tuple[int, Seen]] = []
    for number, line in enumerate(stream, 1):
        received_at = 1_700_000_000 * MICROS_PER_SECOND + number if live else None
        produced += [(number, seen) for seen in decoder.feed(line, number, received_at=received_at)]
    produced += [(len(stream), seen) for seen in decoder.flush()]
    assert decoder.flush() == []
    content = {number: text for number, line in enumerate(stream, 1) if (text := _origin_text(line)) is not None}
    _account(content, produced)


@given(st.lists(st.sampled_from(SENTENCES), max_size=30), st.randoms(use_true_random=False))
def test_fragments_in_any_order_are_each_decoded_or_quarantined(sentences, random):
    random.shuffle(sentences)
    decoder = NmeaDecoder("fuzz", assume_start=0, rate_hz=1.0)
    produced = [(number, seen) for number, line in enumerate(sentences, 1) for seen in decoder.feed(line, number)]
    produced += [(len(sentences), seen) for seen in decoder.flush()]
    _account({number: line.decode() for number, line in enumerate(sentences, 1)}, produced)


@given(st.integers(MILLISECONDS_FROM // 1000, MILLISECONDS_FROM - 1), st.integers(0, 999))
def test_a_receiver_time_in_milliseconds_agrees_with_the_same_in_seconds(seconds, millis):
    """From 1e11 on (1973 in milliseconds), a count is milliseconds: the same instant as seconds with a fraction."""
    in_seconds = unix_time(f"{seconds}.{millis:03d}".encode())
    in_millis = unix_time(str(seconds * 1000 + millis).encode())
    assert in_seconds == in_millis == seconds * MICROS_PER_SECOND + millis * 1000


@given(st.integers(1, MILLISECONDS_FROM - 1))
def test_a_receiver_time_below_1e11_is_read_as_seconds(count):
    """Below 1e11 (the year 5138 in seconds) a count is seconds, however few digits it has."""
    assert unix_time(str(count).encode()) == count * MICROS_PER_SECOND
