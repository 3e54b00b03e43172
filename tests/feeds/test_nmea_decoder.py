"""The NMEA AIS decoder on hand-made lines: what each AIS message becomes, and what every kind of bad line
is quarantined as. Good sentences are built with pyais's encoder so their checksums are right."""
from __future__ import annotations

from functools import reduce
from operator import xor

import pytest
from pyais.encode import encode_dict

from domain.observations import POSITION_NOT_AVAILABLE, ParticularsSeen, PositionSeen, Rejected, Seen, Skipped
from domain.time import MICROS_PER_SECOND, parse_instant
from feeds.nmea import TAG_BLOCK_ONLY, NmeaDecoder
from feeds.nmea_clock import NO_TIME_YET
from feeds.nmea_fragments import MAX_WAITING_MESSAGES
from feeds.nmea_messages import STATIC_DATA_NOT_AVAILABLE

SHIP = 244660274
WHEN = parse_instant("2024-12-09T22:07:14Z")
UNIX = WHEN // MICROS_PER_SECOND


def position(mmsi: int = SHIP, *, message_type: int = 1, talker: str = "AI", kind: str = "VDM", **fields) -> str:
    """One single-sentence position report."""
    values = {"type": message_type, "mmsi": mmsi, "lat": 52.8553950, "lon": 5.6782833, "speed": 12.3,
              "course": 224.0, "heading": 215, "status": 5, **fields}
    (sentence,) = encode_dict(values, talker_id=talker, sentence_type=kind, radio_channel="A")
    return sentence


def static_data(mmsi: int = SHIP, *, seq_id: int = 1, channel: str = "A", **fields) -> list[str]:
    """The two sentences of a type 5."""
    values = {"type": 5, "mmsi": mmsi, "shipname": "SEA ENTERPRISE", "callsign": "HP6683", "imo": 9266633,
              "ship_type": 90, "to_bow": 13, "to_stern": 15, "to_port": 1, "to_starboard": 6, "month": 3, "day": 29,
              "hour": 11, "minute": 0, "draught": 1.4, "destination": "LEMMER", **fields}
    return encode_dict(values, talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq_id)


def checksummed(body: str, start: str = "$") -> str:
    """A sentence with its right checksum: ``checksummed("GPZDA,…")`` is ``$GPZDA,…*hh``."""
    return f"{start}{body}*{reduce(xor, body.encode(), 0):02X}"


def tagged(sentence: str, **fields: object) -> str:
    """``sentence`` behind a tag block of ``fields`` (``c=…, s=…, g=…``) with its right checksum."""
    content = ",".join(f"{code}:{value}" for code, value in fields.items())
    return f"\\{content}*{reduce(xor, content.encode(), 0):02X}\\{sentence}"


def decode(*lines: str | bytes, decoder: NmeaDecoder | None = None, received_at: int | None = None) -> list[Seen]:
    """Every observation of ``lines`` (numbered from 1), the end of input included."""
    decoder = decoder or NmeaDecoder("hand-made")
    seen: list[Seen] = []
    for number, line in enumerate(lines, 1):
        seen += decoder.feed(line.encode() if isinstance(line, str) else line, number, received_at=received_at)
    return seen + decoder.flush()


def only(seen: list[Seen]) -> Seen:
    assert len(seen) == 1, seen
    return seen[0]


# --- what AIS messages become -----------------------------------------------------------------------------

def test_a_class_a_position_report_becomes_a_position_at_its_tag_block_time():
    line = tagged(position(), s=2573238, c=UNIX)
    seen = only(decode(line))
    assert isinstance(seen, PositionSeen)
    report = seen.report
    assert (report.mmsi, report.occurred_at, report.lat, report.lon) == (SHIP, WHEN, 52.855395, 5.6782833)
    assert (report.sog, report.cog, report.heading, report.nav_status) == (12.3, 224.0, 215, "moored")
    assert (seen.origin.source, seen.origin.line, seen.origin.raw) == ("hand-made", 1, line)


@pytest.mark.parametrize("talker, kind", [("AI", "VDM"), ("AI", "VDO"), ("BS", "VDM"), ("AB", "VDM"), ("B2", "VDM")])
def test_ais_sentences_from_any_talker_are_decoded(talker, kind):
    seen = only(decode(tagged(position(talker=talker, kind=kind), c=UNIX)))
    assert isinstance(seen, PositionSeen) and seen.report.mmsi == SHIP


def test_an_ais_sentence_written_with_a_dollar_is_decoded_too():
    seen = only(decode(tagged("$" + position()[1:], c=UNIX)))
    assert isinstance(seen, PositionSeen) and seen.report.mmsi == SHIP


@pytest.mark.parametrize("message_type", [1, 2, 3, 18])
def test_class_a_and_class_b_position_reports_carry_speed_course_and_heading(message_type):
    seen = only(decode(tagged(position(message_type=message_type, heading=511), c=UNIX)))
    assert isinstance(seen, PositionSeen)
    assert (seen.report.sog, seen.report.cog, seen.report.heading) == (12.3, 224.0, None)
    assert seen.report.nav_status == ("moored" if message_type < 4 else None)


def test_a_position_keeps_the_full_resolution_ais_sends():
    """AIS sends 1/10,000 minute; the fleet keeps 1e-7 degree: 31713237 / 600,000 is 52.8553950."""
    seen = only(decode(tagged(position(lat=31713237 / 600_000, lon=-3406970 / 600_000), c=UNIX)))
    assert (seen.report.lat, seen.report.lon) == (52.855395, -5.6782833)


def test_speed_and_course_not_available_become_none():
    seen = only(decode(tagged(position(speed=102.3, course=360.0), c=UNIX)))
    assert (seen.report.sog, seen.report.cog) == (None, None)


def test_a_long_range_broadcast_gives_a_coarse_position_with_whole_knots_and_degrees():
    (moving,) = encode_dict({"type": 27, "mmsi": 206914217, "lat": 4.84, "lon": 137.0233, "speed": 57,
                             "course": 167, "status": 0})
    (unknown,) = encode_dict({"type": 27, "mmsi": 236091959, "lat": 87.065, "lon": -154.2017, "speed": 63,
                              "course": 511, "status": 15})
    first, second = decode(tagged(moving, c=UNIX), unknown)
    assert (first.report.lat, first.report.lon, first.report.sog, first.report.cog) == (4.84, 137.0233333, 57.0, 167.0)
    assert first.report.nav_status == "under way using engine"
    assert (second.report.lat, second.report.lon) == (87.065, -154.2016667)
    assert (second.report.sog, second.report.cog, second.report.nav_status) == (None, None, "not defined")


def test_static_and_voyage_data_in_two_fragments_become_the_ships_particulars():
    first, second = static_data(shipname="SEA@ENTERPRISE")
    seen = only(decode(tagged(first, c=UNIX), second))
    assert isinstance(seen, ParticularsSeen)
    assert (seen.mmsi, seen.occurred_at, seen.origin.line) == (SHIP, WHEN, 2)
    assert seen.origin.raw == f"{tagged(first, c=UNIX)}\n{second}"
    assert dict(seen.fields) == {"name": "SEA ENTERPRISE", "imo": 9266633, "callsign": "HP6683", "ship_type": "other",
                                 "length": 28.0, "beam": 7.0, "destination": "LEMMER", "draught": 1.4,
                                 "eta": parse_instant("2025-03-29T11:00:00Z")}


def test_static_data_not_available_is_left_out():
    first, second = static_data(imo=0, to_bow=0, to_stern=0, to_port=0, to_starboard=0, draught=0, ship_type=0,
                                month=0, day=0, hour=24, minute=60, destination="")
    seen = only(decode(tagged(first, c=UNIX), second))
    assert dict(seen.fields) == {"name": "SEA ENTERPRISE", "callsign": "HP6683"}


def test_an_eta_takes_the_messages_year_or_the_next_when_it_would_be_half_a_year_gone():
    december = parse_instant("2024-12-20T10:00:00Z") // MICROS_PER_SECOND
    soon = only(decode(*(tagged(line, c=december) for line in static_data(month=1, day=3, hour=6, minute=30))))
    late = only(decode(*(tagged(line, c=december) for line in static_data(month=11, day=30, hour=6, minute=30))))
    assert soon.fields["eta"] == parse_instant("2025-01-03T06:30:00Z")
    assert late.fields["eta"] == parse_instant("2024-11-30T06:30:00Z")


def test_an_eta_that_is_no_date_is_quarantined_and_the_rest_of_the_record_kept():
    particulars, rejected = decode(*(tagged(line, c=UNIX) for line in static_data(month=4, day=31)))
    assert "eta" not in particulars.fields and particulars.fields["name"] == "SEA ENTERPRISE"
    assert isinstance(rejected, Rejected) and rejected.field == "eta" and "04-31" in rejected.reason


def test_a_static_data_report_gives_the_name_in_part_a_and_type_call_sign_and_size_in_part_b():
    (part_a,) = encode_dict({"type": 24, "mmsi": 271041815, "partno": 0, "shipname": "PROGUY"})
    (part_b,) = encode_dict({"type": 24, "mmsi": 271041815, "partno": 1, "ship_type": 60, "callsign": "TC6163",
                             "to_bow": 5, "to_stern": 10, "to_port": 2, "to_starboard": 3})
    (empty,) = encode_dict({"type": 24, "mmsi": 271041815, "partno": 1})
    name, details, nothing = decode(tagged(part_a, c=UNIX), part_b, empty)
    assert dict(name.fields) == {"name": "PROGUY"}
    assert dict(details.fields) == {"callsign": "TC6163", "ship_type": "passenger", "length": 15.0, "beam": 5.0}
    assert nothing == Skipped(STATIC_DATA_NOT_AVAILABLE, nothing.origin) and nothing.origin.line == 3


def test_an_extended_class_b_report_gives_a_position_and_the_ships_name_type_and_size():
    (line,) = encode_dict({"type": 19, "mmsi": 367059850, "lat": 29.543695, "lon": -88.8103917, "speed": 8.7,
                           "course": 335.9, "heading": 511, "shipname": "CAPT.J.RIMES", "ship_type": 70,
                           "to_bow": 5, "to_stern": 21, "to_port": 4, "to_starboard": 4})
    where, what = decode(tagged(line, c=UNIX))
    report = where.report
    assert (report.mmsi, report.lat, report.sog, report.cog) == (367059850, 29.543695, 8.7, 335.9)
    assert dict(what.fields) == {"name": "CAPT.J.RIMES", "ship_type": "cargo", "length": 26.0, "beam": 8.0}
    assert where.origin == what.origin


@pytest.mark.parametrize("message", [
    {"type": 4, "mmsi": 3669702, "lat": 36.88, "lon": -76.35},
    {"type": 21, "mmsi": 993692028, "lat": 47.92, "lon": -122.69, "name": "BUOY"},
    {"type": 9, "mmsi": 111232511, "lat": 58.1, "lon": -6.2},
    {"type": 8, "mmsi": 366999712, "dac": 366, "fid": 56, "data": b"\x01\x02"},
])
def test_message_types_the_fleet_does_not_use_are_counted_as_skipped(message):
    seen = only(decode(*(tagged(line, c=UNIX) for line in encode_dict(message))))
    assert seen == Skipped(f"AIS type {message['type']}", seen.origin)


def test_a_position_not_available_is_skipped():
    seen = only(decode(tagged(position(lat=91.0, lon=181.0), c=UNIX)))
    assert seen == Skipped(POSITION_NOT_AVAILABLE, seen.origin)


def test_an_mmsi_that_is_not_nine_digits_is_quarantined_by_its_field():
    seen = only(decode(tagged(position(mmsi=12345), c=UNIX)))
    assert isinstance(seen, Rejected) and seen.field == "mmsi"


def test_a_base_station_sending_a_position_report_is_skipped():
    seen = only(decode(tagged(position(mmsi=2573238), c=UNIX)))
    assert seen == Skipped("base station", seen.origin)


def test_gps_sentences_are_skipped_by_their_address():
    seen = decode("$GPGSV,3,3,10,28,26,288,31,32,38,065,41*7A", checksummed("PGRME,15.0,M,45.0,M,25.0,M"))
    assert [(one.what, one.origin.line) for one in seen] == [("not AIS: $GPGSV", 1), ("not AIS: $PGRME", 2)]


def test_blank_lines_and_comments_give_nothing():
    assert decode("", "   ", "# a comment with !AIVDM in it", b"\r\n", "\t# indented comment") == []


def test_a_sentence_with_trailing_receiver_fields_after_its_checksum_is_decoded():
    line = tagged(position(), c=UNIX) + ",s36310,d-081,T59.01777335,x147521,r08TPHI1,1242958962"
    seen = only(decode(line))
    assert isinstance(seen, PositionSeen) and seen.origin.raw == line


# --- interleaved and broken fragments ---------------------------------------------------------------------

def test_interleaved_fragments_of_two_messages_are_both_decoded():
    one = static_data(SHIP, seq_id=6, channel="B")
    two = static_data(271010059, seq_id=2, channel="A", shipname="HEALTH CONTROL 13")
    first, second = decode(tagged(one[0], c=UNIX), two[0], two[1], one[1])
    assert (first.mmsi, first.fields["name"], first.origin.line) == (271010059, "HEALTH CONTROL 13", 3)
    assert first.origin.raw == "\n".join(two)
    assert (second.mmsi, second.fields["name"], second.origin.line) == (SHIP, "SEA ENTERPRISE", 4)


def test_the_same_message_id_on_two_channels_is_two_messages():
    on_a, on_b = static_data(seq_id=3, channel="A"), static_data(271010059, seq_id=3, channel="B")
    seen = decode(tagged(on_a[0], c=UNIX), on_b[0], on_b[1], on_a[1])
    assert [one.mmsi for one in seen] == [271010059, SHIP]


def test_a_fragment_whose_first_never_came_is_quarantined_as_orphaned():
    _, second = static_data()
    seen = only(decode(tagged(position(), c=UNIX), second)[1:])
    assert isinstance(seen, Rejected) and seen.reason == "orphaned fragment 2 of 2" and seen.origin.line == 2


def test_a_message_still_incomplete_at_the_end_of_input_is_quarantined_with_its_fragments():
    first, _ = static_data()
    seen = only(decode(tagged(first, c=UNIX)))
    assert isinstance(seen, Rejected) and seen.reason == "incomplete message: fragment 2 of 2 never arrived"
    assert (seen.origin.line, seen.origin.raw) == (1, tagged(first, c=UNIX))


def test_fragments_out_of_order_are_quarantined_not_reassembled():
    first, second = static_data()
    orphan, incomplete = decode(tagged(second, c=UNIX), first)
    assert (orphan.reason, orphan.origin.line) == ("orphaned fragment 2 of 2", 1)
    assert (incomplete.reason, incomplete.origin.line) == ("incomplete message: fragment 2 of 2 never arrived", 2)


def test_a_new_message_reusing_the_id_of_an_unfinished_one_quarantines_the_unfinished_one():
    old, new = static_data(seq_id=4), static_data(271010059, seq_id=4)
    incomplete, decoded = decode(tagged(old[0], c=UNIX), new[0], new[1])
    assert isinstance(incomplete, Rejected) and incomplete.origin.line == 1 and "never arrived" in incomplete.reason
    assert isinstance(decoded, ParticularsSeen) and decoded.mmsi == 271010059


def test_the_messages_waiting_for_fragments_are_bounded():
    first_fragment = static_data()[0]
    body = first_fragment[3:first_fragment.index("*")]  # 'VDM,2,1,…' without talker and checksum
    waiting = [checksummed(f"{talker:02d}{body}", "!") for talker in range(MAX_WAITING_MESSAGES + 1)]
    decoder = NmeaDecoder("hand-made")
    seen = [one for number, line in enumerate([tagged(position(), c=UNIX), *waiting], 1)
            for one in decoder.feed(line.encode(), number)]
    evicted = [one for one in seen if isinstance(one, Rejected)]
    assert [one.origin.line for one in evicted] == [2] and "never arrived" in evicted[0].reason  # the oldest
    assert len(decoder.flush()) == MAX_WAITING_MESSAGES


# --- bad lines --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, reason", [
    ("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B", "bad checksum: *4B given, *4A computed"),
    ("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g2", "truncated sentence: no checksum (*hh) at its end"),
    ("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4", "truncated sentence: checksum *4 is not two hex digits"),
    ("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", "not NMEA: a sentence starts with '!' or '$'"),
    ("2020-04-07 21:39:50,244660274,52.85,5.67", "not NMEA"),
    ("\\s:2573238,c:1733782034*0B\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
     "bad tag block checksum: *0B given, *0A computed"),
    ("\\s:2573238,c:1733782034*0A!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F", "tag block not closed"),
    ("\\s:2573238,c:1733782034\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F", "tag block without checksum"),
    (checksummed("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ", "!"), "!AIVDM has 5 fields, an AIS sentence has 6"),
    (checksummed("AIVDM,3,4,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0", "!"), "fragment number '4' is not 1-3"),
    (checksummed("AIVDM,1,1,,A,15RTgt0PAso;90TK~jM8h6g208CQ,0", "!"), "payload has characters outside"),
    (checksummed("AIVDM,1,1,,A,,0", "!"), "AIS sentence with an empty payload"),
    (checksummed("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,7", "!"), "fill bits '7' is not 0-5"),
    (checksummed("AIVDM,1,1,,A,15RTgt0PAso,0", "!"), "AIS type 1 payload too short: 66 bits, its fields need 137"),
    (position() + position(), "two sentences run together on one line"),
    (checksummed("GPRMC,253950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A"), "$GPRMC time 253950.00 070420"),
])
def test_a_bad_line_is_quarantined_with_its_reason(line, reason):
    seen = only(decode(tagged(position(), c=UNIX), line)[1:])
    assert isinstance(seen, Rejected) and seen.reason.startswith(reason), seen.reason
    assert (seen.origin.line, seen.origin.raw) == (2, line)


def test_binary_garbage_is_quarantined_as_not_nmea():
    garbage = bytes(range(128, 256)) + b"\x00\x01!AIVDM"
    seen = only(decode(garbage))
    assert isinstance(seen, Rejected) and seen.reason == "not NMEA: binary or non-ASCII bytes"
    assert seen.origin.raw.startswith("\\x80\\x81")


def test_an_over_long_line_is_quarantined_as_too_long():
    decoder = NmeaDecoder("hand-made")
    seen = only(decoder.feed(b"!AIVDM," + b"A" * 4089, 7, too_long=True))
    assert isinstance(seen, Rejected) and seen.reason.startswith("line too long") and seen.origin.line == 7


def test_a_tag_block_time_that_is_no_number_is_quarantined():
    seen = only(decode(tagged(position(), c="17337820x4")))
    assert isinstance(seen, Rejected)
    assert seen.reason == "tag block time c:17337820x4 is not unix seconds or milliseconds"


# --- time -------------------------------------------------------------------------------------------------

def test_a_tag_block_time_in_milliseconds_is_the_same_instant_as_in_seconds():
    seconds, millis, fraction = decode(tagged(position(), c=UNIX), tagged(position(), c=UNIX * 1000 + 250),
                                       tagged(position(), c=f"{UNIX}.5"))
    assert seconds.report.occurred_at == WHEN
    assert millis.report.occurred_at == WHEN + 250_000
    assert fraction.report.occurred_at == WHEN + 500_000


def test_a_unix_time_a_receiver_writes_before_the_sentence_is_its_time():
    seconds, millis, tagged_too, bad = decode(f"{UNIX}.25 {position()}", f"{UNIX * 1000}\t{position()}",
                                              f"{UNIX + 9} {tagged(position(), c=UNIX)}", f"2024-12-09 {position()}")
    assert (seconds.report.occurred_at, millis.report.occurred_at) == (WHEN + 250_000, WHEN)
    assert tagged_too.report.occurred_at == WHEN  # the tag block's own time wins
    assert isinstance(bad, Rejected) and bad.reason.startswith("not NMEA: a line starts with '!', '$'")


def test_a_sentence_without_a_time_of_its_own_takes_the_latest_time_before_it():
    later = UNIX + 5
    seen = decode(tagged(position(), c=UNIX), position(), tagged(position(), c=later), position())
    assert [one.report.occurred_at for one in seen] == [WHEN, WHEN, WHEN + 5 * MICROS_PER_SECOND,
                                                         WHEN + 5 * MICROS_PER_SECOND]


def test_a_sentence_before_the_first_time_is_quarantined():
    early, stamped = decode(position(), tagged(position(), c=UNIX))
    assert isinstance(early, Rejected) and early.reason == NO_TIME_YET == (
        "no time yet: no tag block, $GPRMC or $GPZDA before this line")
    assert isinstance(stamped, PositionSeen)


def test_a_message_the_fleet_skips_needs_no_time():
    (base_station,) = encode_dict({"type": 4, "mmsi": 3669702, "lat": 36.88, "lon": -76.35})
    assert decode(base_station)[0].what == "AIS type 4"


@pytest.mark.parametrize("gps", [
    checksummed("GPRMC,220714.00,A,5250.53669,N,00542.34920,E,0.020,,091224,,,A"),
    checksummed("GNRMC,220714.00,V,,,,,,,091224,,,N"),
    checksummed("GPZDA,220714.00,09,12,2024,00,00"),
    checksummed("IIZDA,220714,09,12,2024,,"),
])
def test_an_rmc_or_zda_sentence_gives_the_time_of_the_ais_sentences_after_it(gps):
    skipped, report = decode(gps, position())
    assert skipped.what == f"not AIS: {gps[:6]}"
    assert report.report.occurred_at == WHEN


def test_an_rmc_without_a_fix_or_date_gives_no_time():
    seen = decode(checksummed("GPRMC,,V,,,,,,,,,,N"), position())
    assert seen[0].what == "not AIS: $GPRMC" and seen[1].reason == NO_TIME_YET


def test_a_tag_block_grouping_fragments_gives_the_whole_message_the_time_of_its_first_line():
    first, second = static_data()
    seen = only(decode(tagged(first, g="1-2-1234", s="r3669961", c=UNIX), tagged(second, g="2-2-1234")))
    assert isinstance(seen, ParticularsSeen) and seen.occurred_at == WHEN


def test_a_tag_block_on_a_line_of_its_own_is_skipped_and_its_time_used():
    alone, report = decode(tagged("", c=UNIX), position())
    assert alone == Skipped(TAG_BLOCK_ONLY, alone.origin)
    assert report.report.occurred_at == WHEN


def test_a_live_feed_stamps_sentences_with_their_receipt_but_a_tag_block_time_wins():
    received = WHEN + 42 * MICROS_PER_SECOND
    untagged, stamped = decode(position(), tagged(position(), c=UNIX), received_at=received)
    assert untagged.report.occurred_at == received
    assert stamped.report.occurred_at == WHEN


def test_an_assumed_start_and_rate_stamp_the_ais_sentences_of_an_input_without_time():
    decoder = NmeaDecoder("hand-made", assume_start=WHEN, rate_hz=4.0)
    first, second = static_data()
    seen = decode(position(), "# comment", checksummed("GPGSV,1,1,00"), first, second, position(), decoder=decoder)
    times = [one.report.occurred_at if isinstance(one, PositionSeen) else one.occurred_at
             for one in seen if not isinstance(one, Skipped)]
    assert times == [WHEN, WHEN + 500_000, WHEN + 750_000]  # sentences 0, 1-2 (a message at its last), 3


def test_an_assumed_start_needs_a_rate():
    with pytest.raises(ValueError, match="give both or neither"):
        NmeaDecoder("hand-made", assume_start=WHEN)
    for rate in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="above 0 Hz"):
            NmeaDecoder("hand-made", assume_start=WHEN, rate_hz=rate)
