"""XML text for the KML and GPX exports: names and free text from radios and files are data, never markup.

Ships name themselves over the air, so a name may hold ``<``, ``&``, quotes, or control characters that
XML 1.0 cannot carry at all (even escaped). ``xml_text`` escapes the first and replaces the second with
U+FFFD, the replacement character, so any file written is well-formed and says visibly where a character
could not be kept.
"""
from __future__ import annotations

import re

from domain.time import format_instant

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


def xml_text(text: str) -> str:
    """``text`` as XML character data or an attribute value (either quote)."""
    return _NOT_IN_XML.sub("\ufffd", text).translate(_ESCAPES)


def xml_time(instant: int) -> str:
    """An instant as xsd:dateTime in UTC (what KML ``<when>`` and GPX ``<time>`` take)."""
    return format_instant(instant)


def xml_number(value: float) -> str:
    """A coordinate or measure as XML text: the shortest text that reads back as the same float."""
    return repr(float(value))
