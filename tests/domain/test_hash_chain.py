"""The canonical bytes of one event, pinned: every store already written depends on them staying as they are."""
from __future__ import annotations

from domain.hash_chain import GENESIS_HASH, SEPARATOR, canonical_text, chain_hash


def test_the_canonical_text_of_a_fixed_event_is_its_envelope_fields_joined_by_the_unit_separator():
    text = canonical_text(1, "00112233445566778899aabbccddeeff", "ship-219000001", 1, "PositionReported", 1,
                          "@mmsi,lat,lon,sog,cog,heading,nav_status#", 1_714_564_800_000_000, 1_714_564_801_000_000,
                          '{"source":"test"}', "[55.6761234,12.5683,12.3,271.4,270,0]")
    assert text.split(SEPARATOR) == ["1", "00112233445566778899aabbccddeeff", "ship-219000001", "1",
                                     "PositionReported", "1", "@mmsi,lat,lon,sog,cog,heading,nav_status#",
                                     "1714564800000000", "1714564801000000", '{"source":"test"}',
                                     "[55.6761234,12.5683,12.3,271.4,270,0]"]
    assert chain_hash(GENESIS_HASH, text).hex() == "a1d9c1325a986d35c20dd981fe0e39ec33e0e42a6a253b2a6e0e99a8b1ab9e0e"


def test_the_hash_covers_the_previous_hash():
    text = canonical_text(2, "ff" * 16, "operations", 1, "OperatorNoteAdded", 1, "operator,mmsi,text", 5, 6, "{}",
                          '["Ana",null,"Æ \\u001f"]')
    assert chain_hash(GENESIS_HASH, text) != chain_hash(bytes([1]) + GENESIS_HASH[1:], text)
    assert chain_hash(GENESIS_HASH, text).hex() == "5ab84f3fb493fc9d5bd2e4f1240c62bc9365a65a7d87f6ddd947326e0cb27b07"
