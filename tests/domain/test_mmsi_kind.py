"""What transmits under an MMSI, by the ITU's number plan: every number, not just the common ones."""
from hypothesis import given, strategies as st

from domain import ais


def expected_kind(mmsi: int) -> str | None:
    """The plan, spelled out as ranges of the nine-digit number."""
    if not 0 < mmsi <= 999_999_999:
        return None
    if 2_000_000 <= mmsi <= 7_999_999:
        return ais.BASE_STATION  # 00MIDxxxx
    if mmsi < 100_000_000:
        return None
    if 111_000_000 <= mmsi <= 111_999_999:
        return ais.SAR_AIRCRAFT  # 111MIDxxx
    if 970_000_000 <= mmsi <= 979_999_999:
        return ais.DISTRESS_BEACON  # 97x
    if mmsi >= 990_000_000:
        return ais.AID_TO_NAVIGATION  # 99MIDxxxx
    return ais.SHIP


@given(st.integers(-10, 1_100_000_000) | st.sampled_from([111_000_000, 111_999_999, 112_000_000, 969_999_999,
                                                           970_000_000, 979_999_999, 980_000_000, 989_999_999,
                                                           990_000_000, 999_999_999, 1_000_000_000, 99_999_999,
                                                           100_000_000, 1_999_999, 2_000_000, 7_999_999, 8_000_000]))
def test_every_number_is_classified_by_the_plan(mmsi: int) -> None:
    assert ais.mmsi_kind(mmsi) == expected_kind(mmsi)


def test_what_is_no_number_is_no_mmsi() -> None:
    assert [ais.mmsi_kind(value) for value in (True, 366_000_000.0, "366000000", None)] == [None] * 4
