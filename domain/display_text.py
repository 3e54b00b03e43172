"""How text from outside (ship names, zone names, destinations, callsigns, notes, comments) is shown.

Names come from radios, files and other people: they may hold control characters (a newline, a NUL, an
escape) or Unicode's invisible formatting characters, among them the bidirectional controls that reorder
what is drawn — ``SHIP\\u202egnp.exe`` is drawn "SHIPexe.png". Shown as they are, such names mislead the
reader; dropped silently, they hide that the name is not what it seems. So every such character is shown
as its code point in angle brackets, ``⟨U+202E⟩`` (one form for all of them: it needs no special glyph, so
every font and the PDF can draw it), and everything else is kept exactly.

Right-to-left letters are legitimate in a name; what must not happen is that they reorder the text *around*
the name (an MMSI after a Hebrew name is otherwise drawn before it). :func:`isolated` wraps the visible
name in a first-strong isolate (FSI … PDI), which the Unicode bidirectional algorithm keeps as one unit:
whatever is inside orders itself, and nothing outside moves. Isolates nest safely because the name itself
holds no bidi control any more. A name with no right-to-left character is drawn the same way with or without
the isolate, so it is left as it is (and copies out as exactly the name).

Pure functions, no Qt: the console, the PDF reports and the tests share them.
"""
from __future__ import annotations

import unicodedata

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

# The characters of the Unicode bidirectional algorithm's explicit formatting (UAX #9, 2.1–2.7): embeddings,
# overrides, isolates, their terminators and the implicit marks. All are format characters (category Cf),
# so :func:`visible` shows them; the set is named for the tests and the docs.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Categories shown by code point: controls (C0, DEL, C1), format characters (bidi controls, zero-width
# spaces and joiners, the BOM, soft hyphen, tag characters …), lone surrogates, and the line and paragraph
# separators (U+2028/U+2029), which would break a one-line label.
_SHOWN_BY_CODE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_hidden(character: str) -> bool:
    """True for a character that would be invisible, or would change how the text around it is drawn."""
    return unicodedata.category(character) in _SHOWN_BY_CODE


def code_point(character: str) -> str:
    """The visible stand-in of one character: ``⟨U+202E⟩``."""
    return f"⟨U+{ord(character):04X}⟩"


def visible(text: object) -> str:
    """``text`` with every control, format and separator character shown as ``⟨U+XXXX⟩``; nothing dropped,
    nothing else changed. ``None`` is the empty string."""
    if text is None:
        return ""
    text = str(text)
    if not any(is_hidden(character) for character in text):
        return text
    return "".join(code_point(character) if is_hidden(character) else character for character in text)


# Bidi classes that make text run right to left, or count as right-to-left for the text around them (UAX #9:
# R and AL letters, Arabic numbers AN).
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def has_right_to_left(text: str) -> bool:
    """True when some character of ``text`` is drawn right to left (Hebrew, Arabic, Thaana, Syriac …)."""
    return any(unicodedata.bidirectional(character) in _RIGHT_TO_LEFT for character in text)


def isolated(text: object) -> str:
    """The visible text, wrapped in FSI … PDI when it holds right-to-left characters, so that, shown next to
    other text, it cannot reorder it. Empty text stays empty (nothing to isolate)."""
    shown = visible(text)
    return f"{FIRST_STRONG_ISOLATE}{shown}{POP_DIRECTIONAL_ISOLATE}" if has_right_to_left(shown) else shown


def visible_lines(text: object) -> str:
    """Like :func:`visible` but keeping line feeds as line breaks: for multi-line text from outside (an
    operator's note or comment) shown where several lines fit. Every other control is shown by code."""
    return "\n".join(visible(line) for line in ("" if text is None else str(text)).split("\n"))
