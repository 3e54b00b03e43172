"""NMEA 0183 framing: one line of text into its tag block, its sentence and, for AIS, its fragment fields.

A line is ``[\\tag block\\]<'!' or '$'><address>,<fields…>*hh[trailer]``. Both the tag block and the
sentence carry an XOR checksum and both are checked here: a reader that trusts a damaged line stores a
wrong position. Some receivers append their own fields after ``*hh`` (``*5C,s36310,d-081,T59.01…``);
those are outside the checksummed sentence and are ignored, but a second sentence run on after the
checksum (a lost line break) is refused rather than silently dropped.

Functions return a value or, when the line is wrong, a ``str`` with the reason for the quarantine. No
exception is raised for bad input: a feed of garbage is the normal case for this code, not the exception.
"""
from __future__ import annotations

from functools import reduce
from operator import xor
from typing import NamedTuple

# The six-bit alphabet AIS payloads are armoured in: '0'..'W' and '`'..'w'.
PAYLOAD_ALPHABET = bytes(range(48, 88)) + bytes(range(96, 120))
_HEX = {f"{value:02X}".encode(): value for value in range(256)}
_HEX.update({f"{value:02x}".encode(): value for value in range(256)})
_TAG_BLOCK_HEX = {**_HEX, **{f"{value:X}".encode(): value for value in range(16)},
                  **{f"{value:x}".encode(): value for value in range(16)}}  # some writers drop the leading 0
_FRAGMENT_DIGITS = {str(digit).encode(): digit for digit in range(1, 10)}
_FILL_BITS = {str(bits).encode(): bits for bits in range(6)}
# Receiver fields after *hh start with ',' (',s36310,d-081'); some logs keep an escaped line end (a literal
# backslash, then 'x0d').
_TRAILER_STARTS = (b",", b" ", b"\t", b"\\")
_MAX_ADDRESS = 10  # 'GPRMC', 'AIVDM'; proprietary addresses ('PGRME', 'PSTMTS') are a little longer
_MAX_FIELD_SHOWN = 40


def checksum(data: bytes) -> int:
    """The NMEA checksum: every byte XORed together."""
    return reduce(xor, data, 0)


def shown(data: bytes) -> str:
    """A piece of a line as text fit for a quarantine reason (cut when long, odd bytes escaped)."""
    text = data[:_MAX_FIELD_SHOWN].decode("ascii", errors="backslashreplace")
    return text + "…" if len(data) > _MAX_FIELD_SHOWN else text


class TagBlock(NamedTuple):
    """An NMEA 4 tag block (``\\s:station,c:1733782034*hh\\``): its fields by one-letter code, as bytes."""

    fields: dict[bytes, bytes]


class Sentence(NamedTuple):
    """A checksummed sentence: its address with the start character (``$GPRMC``, ``!AIVDM``) and its data
    fields (everything between the address and ``*``)."""

    address: str
    fields: list[bytes]

    @property
    def is_ais(self) -> bool:
        """An AIS message sentence from any talker: ``!AIVDM``, ``!BSVDM``, ``!ABVDO``… (and the ``$AIVDM``
        some old receivers write: a '$' is no reason to lose a ship's report)."""
        return len(self.address) == 6 and self.address[3:] in ("VDM", "VDO")


class AisFragment(NamedTuple):
    """One AIS sentence: fragment ``number`` of ``count`` of a message, the sequential message id that ties
    the fragments of a multi-sentence message together (empty for single ones), the radio channel and the
    armoured payload with its fill bits."""

    address: str
    count: int
    number: int
    sequence: bytes
    channel: bytes
    payload: bytes
    fill_bits: int


def split_tag_block(line: bytes) -> tuple[TagBlock | None, bytes] | str:
    """The tag block of a line (None when it has none) and the rest of the line after it."""
    if line[:1] != b"\\":
        return None, line
    end = line.find(b"\\", 1)
    if end < 0:
        return f"tag block not closed: no second '\\' in {shown(line)}"
    content = line[1:end]
    star = content.rfind(b"*")
    if star < 0:
        return f"tag block without checksum: \\{shown(content)}\\"
    given = _TAG_BLOCK_HEX.get(content[star + 1:])
    if given is None:
        return f"tag block checksum {shown(content[star:])} is not hex digits"
    body = content[:star]
    computed = checksum(body)
    if given != computed:
        return f"bad tag block checksum: *{given:02X} given, *{computed:02X} computed"
    fields: dict[bytes, bytes] = {}
    for field in body.split(b","):
        code, colon, value = field.partition(b":")
        if not colon or not code:
            return f"tag block field {shown(field)!r} is not code:value"
        fields[code] = value
    return TagBlock(fields), line[end + 1:]


def read_sentence(text: bytes) -> Sentence | str:
    """The sentence in ``text`` (a line without its tag block), its checksum checked."""
    start = text[:1]
    if start != b"!" and start != b"$":
        return f"not NMEA: a sentence starts with '!' or '$', this line with {shown(text[:1])!r}"
    star = text.find(b"*")
    if star < 0:
        return "truncated sentence: no checksum (*hh) at its end"
    given = _HEX.get(text[star + 1:star + 3])
    if given is None:
        return f"truncated sentence: checksum {shown(text[star:star + 3])} is not two hex digits"
    body = text[1:star]
    computed = checksum(body)
    if given != computed:
        return f"bad checksum: *{given:02X} given, *{computed:02X} computed"
    trailer = text[star + 3:]
    if trailer:
        if b"!" in trailer or b"$" in trailer:
            return "two sentences run together on one line (missing line break after *hh)"
        if trailer[:1] not in _TRAILER_STARTS:
            return f"checksum field {shown(text[star:star + 6])} is not *hh"
    fields = body.split(b",")
    address = fields[0]
    if not 2 <= len(address) <= _MAX_ADDRESS or not address.isalnum():
        return f"not NMEA: {shown(address)!r} is no sentence address"
    del fields[0]
    return Sentence(start.decode() + address.decode(), fields)


def read_ais_fragment(sentence: Sentence) -> AisFragment | str:
    """The AIS fields of a ``!xxVDM``/``!xxVDO`` sentence, each checked so decoding cannot trip on them."""
    fields = sentence.fields
    if len(fields) != 6:
        return f"{sentence.address} has {len(fields)} fields, an AIS sentence has 6"
    count_text, number_text, sequence, channel, payload, fill_text = fields
    count = _FRAGMENT_DIGITS.get(count_text)
    if count is None:
        return f"fragment count {shown(count_text)!r} is not 1-9"
    number = _FRAGMENT_DIGITS.get(number_text)
    if number is None or number > count:
        return f"fragment number {shown(number_text)!r} is not 1-{count}"
    if len(sequence) > 1 or (sequence and not sequence.isdigit()):
        return f"sequential message id {shown(sequence)!r} is not 0-9"
    if len(channel) > 2:
        return f"radio channel {shown(channel)!r} is not A, B, 1 or 2"
    fill_bits = _FILL_BITS.get(fill_text)
    if fill_bits is None:
        return f"fill bits {shown(fill_text)!r} is not 0-5"
    if not payload:
        return "AIS sentence with an empty payload"
    if payload.translate(None, PAYLOAD_ALPHABET):
        return f"payload has characters outside the AIS six-bit alphabet: {shown(payload)}"
    return AisFragment(sentence.address, count, number, sequence, channel, payload, fill_bits)
