"""Names from outside are shown with every hidden character made visible, and never reorder their neighbours."""
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from domain.display_text import (BIDI_CONTROLS, FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, isolated, visible,
                                 visible_lines)

# Every character the bidirectional algorithm treats as an explicit control or mark (UAX #9), found by its
# bidi class rather than by the module's own list.
_BIDI_CLASSES = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
_MARKS = {"\u200e", "\u200f", "\u061c"}


def _is_bidi_control(character: str) -> bool:
    return unicodedata.bidirectional(character) in _BIDI_CLASSES or character in _MARKS


# Text rich in what hostile names use: controls, bidi controls, invisible formats, RTL letters, markup.
_hostile = st.text(alphabet=st.one_of(
    st.characters(),
    st.sampled_from(sorted(BIDI_CONTROLS) + ["\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u200b", "\u200d", "\ufeff",
                                             "\u2028", "\u2029", "\u00ad", "\U000e0041", "\n", "\r", "\t"]),
    st.sampled_from(list("אבגدهو<>&=+-@'\" ")),
), max_size=40)


def test_a_right_to_left_override_is_shown_not_obeyed():
    assert visible("SHIP\u202egnp.exe") == "SHIP⟨U+202E⟩gnp.exe"


def test_controls_and_invisible_characters_are_shown_by_code_point():
    assert visible("A\x00B\nC\x7fD\x85E\u200bF\ufeffG\u2028H") == (
        "A⟨U+0000⟩B⟨U+000A⟩C⟨U+007F⟩D⟨U+0085⟩E⟨U+200B⟩F⟨U+FEFF⟩G⟨U+2028⟩H")


def test_ordinary_names_in_any_script_are_kept_exactly():
    for name in ("EVER GIVEN", "Ærøskøbing", "שלום", "بحر", "海丸", "<b>not bold</b>", "=1+2", "café 🚢"):
        assert visible(name) == name


def test_a_right_to_left_name_is_wrapped_in_one_first_strong_isolate():
    assert isolated("שלום 12") == f"{FIRST_STRONG_ISOLATE}שלום 12{POP_DIRECTIONAL_ISOLATE}"
    assert isolated("بحر ٣") == f"{FIRST_STRONG_ISOLATE}بحر ٣{POP_DIRECTIONAL_ISOLATE}"
    assert isolated("") == "" and isolated(None) == "" and visible(None) == ""


def test_a_left_to_right_name_needs_no_isolate_and_an_override_is_shown_instead():
    assert isolated("EVER GIVEN 2") == "EVER GIVEN 2"
    assert isolated("SHIP\u202egnp.exe") == "SHIP⟨U+202E⟩gnp.exe"


def test_multi_line_text_keeps_its_line_breaks_and_shows_the_rest():
    assert visible_lines("first\u202e line\nsecond\r") == "first⟨U+202E⟩ line\nsecond⟨U+000D⟩"


@given(_hostile)
def test_no_bidi_control_survives_other_than_the_isolate_added(text):
    shown = isolated(text)
    wrapped = shown[:1] == FIRST_STRONG_ISOLATE
    inner = shown[1:-1] if wrapped else shown
    if wrapped:
        assert shown[-1] == POP_DIRECTIONAL_ISOLATE
    if any(unicodedata.bidirectional(character) in {"R", "AL", "AN"} for character in visible(text)):
        assert wrapped  # a right-to-left name is always isolated from its neighbours
    assert not any(_is_bidi_control(character) for character in inner)
    assert not any(_is_bidi_control(character) for character in visible(text))


@given(_hostile)
def test_every_character_is_kept_or_shown_and_none_is_dropped(text):
    shown = visible(text)
    cursor = 0
    for character in text:
        if unicodedata.category(character) in {"Cc", "Cf", "Cs", "Zl", "Zp"}:
            stand_in = f"⟨U+{ord(character):04X}⟩"
        else:
            stand_in = character
        assert shown.startswith(stand_in, cursor), (text, shown, cursor)
        cursor += len(stand_in)
    assert cursor == len(shown)


@given(_hostile)
def test_shown_text_has_no_line_break_or_invisible_character(text):
    assert all(unicodedata.category(character) not in {"Cc", "Cf", "Zl", "Zp"} for character in visible(text))
