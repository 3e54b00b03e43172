"""Which receiving station heard a line of a network feed, and the AIS transmission it carries.

A national feed is many receivers: a ship's one transmission heard by two stations arrives twice, seconds
apart, each copy stamped by its own station (NMEA 4 tag block ``s:``, and its own ``c:`` time). The armoured
payload is what the ship sent, bit for bit, including its own UTC second and radio state, so the same
payload from the same ship within a few seconds is one transmission. Only single-sentence messages are
matched: position reports are, and multi-sentence static data repeats harmlessly (it changes nothing).
"""
from __future__ import annotations

from typing import NamedTuple

from feeds.nmea_sentences import read_ais_fragment, read_sentence, split_tag_block


class Transmission(NamedTuple):
    station: str | None   # the tag block's source (``s:``), None when the line names none
    payload: bytes        # the armoured six-bit payload with its fill bits, as the ship sent it


def transmission(line: bytes) -> Transmission | None:
    """The station and payload of a single-sentence AIS line, or None for anything else (the decoder judges
    those lines; this only recognises copies)."""
    text = line.strip()
    if text[:1] == b"\\":
        split = split_tag_block(text)
        if isinstance(split, str):
            return None
        tag_block, text = split
        station_bytes = tag_block.fields.get(b"s") if tag_block is not None else None
    else:
        station_bytes = None
    if text[:1] not in (b"!", b"$"):
        return None
    sentence = read_sentence(text)
    if isinstance(sentence, str) or not sentence.is_ais:
        return None
    fragment = read_ais_fragment(sentence)
    if isinstance(fragment, str) or fragment.count != 1:
        return None
    station = station_bytes.decode("ascii", errors="backslashreplace") if station_bytes else None
    return Transmission(station, fragment.payload + b"," + str(fragment.fill_bits).encode())
