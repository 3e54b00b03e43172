"""NMEA files read whole: three real recordings (read in place, see SOURCES.md in the samples folder),
checked against what they are known to hold and against gpsd's own decode of them; and small files made in
``tmp_path`` for what only a file shows (refusal without time, over-long lines, compressed input)."""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from domain import ais
from domain.events.ships import quantise_degrees
from domain.observations import (POSITION_NOT_AVAILABLE, ParticularsSeen, PositionSeen, Rejected, Seen, Skipped)
from domain.time import MICROS_PER_SECOND, from_datetime, parse_instant, to_datetime
from feeds.input_files import MAX_LINE_BYTES, InputFile
from feeds.nmea import NmeaFileReader, NmeaTimeUnknown, looks_like_nmea
from feeds.nmea_clock import NO_TIME_YET

KYSTVERKET = "kystverket_norwegian_tagblock.raw"
GPSD_LOG = "gpsd_ais-nmea.log"
GPSD_SAMPLE = "gpsd_sample.aivdm"
SAMPLE_START = parse_instant("2010-05-01T00:00:00Z")
GPSD_NOT_AVAILABLE = {"lat": 91 * 600_000, "lon": 181 * 600_000, "speed": 1023, "course": 3600, "heading": 511}


def read(path: Path, **clock: object) -> tuple[list[Seen], NmeaFileReader]:
    with NmeaFileReader(InputFile(path), **clock) as reader:  # type: ignore[arg-type]
        seen = list(reader)
    return seen, reader


def occurred(seen: Seen) -> int:
    return seen.report.occurred_at if isinstance(seen, PositionSeen) else seen.occurred_at  # type: ignore[union-attr]


def message_type(raw: str) -> int:
    """The AIS message type of a message's raw text: the six-bit value of its payload's first character."""
    sentence = raw.split("\n")[0].rsplit("\\", 1)[-1]
    first = ord(sentence.split(",")[5][0])
    return first - 48 if first < 88 else first - 56


def by_line(seen: list[Seen]) -> dict[int, list[Seen]]:
    lines: dict[int, list[Seen]] = {}
    for one in seen:
        lines.setdefault(one.origin.line, []).append(one)  # type: ignore[arg-type]
    return lines


# --- Kystverket: tag blocks ------------------------------------------------------------------------------

def test_every_message_of_a_tag_block_feed_is_decoded(ais_samples):
    seen, reader = read(ais_samples / KYSTVERKET)
    assert reader.lines_read == 223 and reader.bytes_read == reader.total_bytes == 16_775
    messages = {one.origin.line: one.origin.raw for one in seen}
    assert len(messages) == 196 and sum("\n" in raw for raw in messages.values()) == 27
    assert Counter(message_type(raw) for raw in messages.values()) == {1: 85, 3: 46, 5: 27, 18: 15, 21: 3, 24: 20}
    assert Counter(type(one).__name__ for one in seen) == {"PositionSeen": 85 + 46 + 15, "ParticularsSeen": 27 + 17,
                                                           "Skipped": 6, "Rejected": 1}
    assert Counter(one.what for one in seen if isinstance(one, Skipped)) == {
        "AIS type 21": 3, "static data not available": 3}  # three part Bs of net buoys with every field empty
    (imo,) = [one for one in seen if isinstance(one, Rejected)]
    assert imo.field == "imo" and "889793000" in imo.reason  # a nine-digit 'IMO': the field goes, the rest stays
    assert any(isinstance(one, ParticularsSeen) and one.origin == imo.origin for one in seen)


def test_tag_block_times_stamp_their_sentences_and_untagged_lines_take_the_previous_time(ais_samples):
    path = ais_samples / KYSTVERKET
    expected: dict[int, int] = {}
    latest = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stamp = re.match(r"\\[^\\]*c:(\d+)", line)
        latest = int(stamp.group(1)) * MICROS_PER_SECOND if stamp else latest
        expected[number] = latest  # type: ignore[assignment]
    seen, _ = read(path)
    timed = [one for one in seen if isinstance(one, (PositionSeen, ParticularsSeen))]
    untagged = [one for one in timed if not one.origin.raw.split("\n")[-1].startswith("\\")]
    assert len(untagged) > 10
    assert all(occurred(one) == expected[one.origin.line] for one in timed)
    first, last = parse_instant("2024-12-09T22:07:14Z"), parse_instant("2024-12-09T22:07:19Z")
    assert min(map(occurred, timed)) == first and max(map(occurred, timed)) == last


def test_static_data_of_a_tag_block_feed_becomes_particulars_with_clean_names(ais_samples):
    seen, _ = read(ais_samples / KYSTVERKET)
    static = [one for one in seen if isinstance(one, ParticularsSeen) and message_type(one.origin.raw) == 5]
    assert len(static) == 27
    names = [one.fields["name"] for one in static]
    assert all("@" not in name and name == name.strip() and name for name in names)  # type: ignore[operator]
    (vanguard,) = [one for one in static if one.mmsi == 266055000]
    assert dict(vanguard.fields) == {"name": "SD622 VANGUARD", "imo": 8811170, "callsign": "SMUY",
                                     "ship_type": "fishing", "length": 22.0, "beam": 6.0,
                                     "destination": "FISHING IN SKAGERACK", "draught": 4.5}
    (supplier,) = [one for one in static if one.mmsi == 257010000]  # ETA 08-28 06:30, sent in December 2024
    assert supplier.fields["eta"] == parse_instant("2024-08-28T06:30:00Z")
    (atlantis,) = [one for one in static if one.mmsi == 257690600]  # ETA 01-01 01:01: next year
    assert atlantis.fields["eta"] == parse_instant("2025-01-01T01:01:00Z")


# --- gpsd's receiver log: GPS sentences interleaved, checked against gpsd's decode ------------------------

def gpsd_decodes(log: Path, chk: Path) -> dict[int, dict]:
    """gpsd's JSON for each AIS message, by the log line of the sentence that completed it. The .chk file
    echoes every sentence of the log, each followed by what gpsd made of it."""
    log_lines = log.read_text(encoding="utf-8").splitlines()
    numbers = iter(number for number, line in enumerate(log_lines, 1) if line[:1] in "!$")
    decodes: dict[int, dict] = {}
    current, fresh = 0, False
    for line in chk.read_text(encoding="utf-8").splitlines():
        if line[:1] in "!$":
            current = next(numbers)
            assert log_lines[current - 1] == line
            fresh = line.startswith("!")
        elif fresh and line.startswith('{"class":"AIS"'):
            decodes[current] = json.loads(line)
            fresh = False  # gpsd repeats a report after later sentences; only the first follows its own
    return decodes


def rmc_times(log: Path) -> dict[int, int]:
    """For each line of the log, the time of the latest $GPRMC before it (or on it)."""
    times, latest = {}, None
    for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("$GPRMC"):
            fields = line.split(",")
            moment = datetime.strptime(fields[9] + fields[1][:6], "%d%m%y%H%M%S").replace(tzinfo=timezone.utc)
            latest = from_datetime(moment)
        times[number] = latest
    return times


def test_ais_in_a_receiver_log_takes_the_time_of_the_preceding_rmc(ais_samples):
    log = ais_samples / GPSD_LOG
    seen, reader = read(log)
    assert reader.lines_read == 1_500
    times = rmc_times(log)
    timed = [one for one in seen if isinstance(one, (PositionSeen, ParticularsSeen))]
    assert len(timed) == 116 + 21 + 7 - 3 + 11 + 9
    assert all(occurred(one) == times[one.origin.line] for one in timed)
    assert min(map(occurred, timed)) == parse_instant("2020-04-07T21:39:50Z")
    assert max(map(occurred, timed)) == parse_instant("2020-04-07T21:42:33Z")
    (early,) = [one for one in seen if isinstance(one, Rejected)]  # a type 5 before the first $GPRMC
    assert (early.reason, early.origin.line) == (NO_TIME_YET, 7)


def test_gps_sentences_of_a_receiver_log_are_counted_as_skipped_by_address(ais_samples):
    log = ais_samples / GPSD_LOG
    seen, _ = read(log)
    addresses = Counter(f"not AIS: {line.split(',')[0]}" for line in log.read_text(encoding="utf-8").splitlines()
                        if line.startswith("$"))
    skipped = Counter(one.what for one in seen if isinstance(one, Skipped))
    assert {what: count for what, count in skipped.items() if what.startswith("not AIS")} == addresses
    assert skipped["AIS type 8"] == 6 and skipped[POSITION_NOT_AVAILABLE] == 3


def test_positions_and_static_data_of_a_receiver_log_match_gpsds_decode(ais_samples):
    log = ais_samples / GPSD_LOG
    decodes = gpsd_decodes(log, log.with_name(GPSD_LOG + ".chk"))
    assert len(decodes) == 171 - 5  # gpsd holds back a lone type 24 part A until its part B
    seen = by_line(read(log)[0])
    static: dict[int, dict] = {}
    for line, gpsd in decodes.items():
        ours = seen[line]
        if gpsd["type"] in (1, 2, 3, 18):
            if gpsd["lat"] == GPSD_NOT_AVAILABLE["lat"]:
                assert [one.what for one in ours] == [POSITION_NOT_AVAILABLE]  # type: ignore[union-attr]
                continue
            (position,) = ours
            assert isinstance(position, PositionSeen), position
            report = position.report
            assert (report.mmsi, report.lat, report.lon) == (
                gpsd["mmsi"], quantise_degrees(gpsd["lat"] / 600_000), quantise_degrees(gpsd["lon"] / 600_000))
            assert report.sog == (None if gpsd["speed"] == 1023 else gpsd["speed"] / 10)
            assert report.cog == (None if gpsd["course"] == 3600 else gpsd["course"] / 10)
            assert report.heading == (None if gpsd["heading"] == 511 else gpsd["heading"])
            assert report.nav_status == (ais.NAV_STATUSES[gpsd["status"]] if gpsd["type"] < 4 else None)
        elif gpsd["type"] == 5:
            if line == 7:
                continue  # before the first time in the log: quarantined, see above
            (particulars,) = ours
            fields = particulars.fields  # type: ignore[union-attr]
            assert particulars.mmsi == gpsd["mmsi"]  # type: ignore[union-attr]
            assert (fields["name"], fields["callsign"], fields.get("imo"), fields.get("destination")) == (
                gpsd["shipname"], gpsd["callsign"], gpsd["imo"] or None, gpsd["destination"] or None)
            assert fields["ship_type"] == ais.ship_type_from_code(gpsd["shiptype"])
            assert fields.get("length") == (gpsd["to_bow"] + gpsd["to_stern"] or None)
            assert fields.get("beam") == (gpsd["to_port"] + gpsd["to_starboard"] or None)
            assert fields.get("draught") == (gpsd["draught"] / 10 or None)
            if re.match(r"00-|\d\d-00|.*T24|.*:60", gpsd["eta"]):
                assert "eta" not in fields
            else:
                assert to_datetime(fields["eta"]).strftime("%m-%dT%H:%MZ") == gpsd["eta"]  # type: ignore[arg-type]
        elif gpsd["type"] == 24:
            static[gpsd["mmsi"]] = gpsd
        else:
            assert [one.what for one in ours] == [f"AIS type {gpsd['type']}"]  # type: ignore[union-attr]
    merged: dict[int, dict] = {}
    for ones in seen.values():
        for one in ones:
            if isinstance(one, ParticularsSeen) and message_type(one.origin.raw) == 24:
                merged.setdefault(one.mmsi, {}).update(one.fields)
    assert set(merged) - set(static) == {244820267}  # a lone part A: gpsd keeps it back, waiting for part B
    assert merged[244820267] == {"name": "PLEIADE"}
    for mmsi, gpsd in static.items():
        assert merged[mmsi] == {"name": gpsd["shipname"], "callsign": gpsd["callsign"],
                                "ship_type": ais.ship_type_from_code(gpsd["shiptype"]),
                                "length": gpsd["to_bow"] + gpsd["to_stern"],
                                "beam": gpsd["to_port"] + gpsd["to_starboard"]}


# --- gpsd's decoder conformance file: no time at all ------------------------------------------------------

def test_a_file_without_any_time_is_refused_naming_the_fix(ais_samples):
    input_file = InputFile(ais_samples / GPSD_SAMPLE)
    with pytest.raises(NmeaTimeUnknown) as refused:
        NmeaFileReader(input_file)
    message = str(refused.value)
    assert GPSD_SAMPLE in message and "no tag block times and no $GPRMC/$GPZDA" in message
    assert "--assume-start" in message and "--rate" in message
    assert isinstance(refused.value, ValueError) and input_file.stream.closed


def test_a_file_without_time_decodes_with_an_assumed_start_and_rate(ais_samples):
    path = ais_samples / GPSD_SAMPLE
    seen, reader = read(path, assume_start=SAMPLE_START, rate_hz=2.0)
    assert reader.lines_read == 1_121
    ais_lines = [number for number, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("!")]
    timed = [one for one in seen if isinstance(one, (PositionSeen, ParticularsSeen))]
    assert timed[0].origin.line == ais_lines[0] and occurred(timed[0]) == SAMPLE_START
    assert all(occurred(one) == SAMPLE_START + ais_lines.index(one.origin.line) * MICROS_PER_SECOND // 2
               for one in timed)


def test_positions_of_the_conformance_file_match_gpsds_decode(ais_samples):
    path = ais_samples / GPSD_SAMPLE
    seen, _ = read(path, assume_start=SAMPLE_START, rate_hz=1.0)
    gpsd = [json.loads(line) for line in path.with_name(GPSD_SAMPLE + ".js.chk").read_text().splitlines()]
    expected = [record for record in gpsd if record["type"] in (1, 2, 3, 18, 19, 27)]
    positions = [one.report for one in seen if isinstance(one, PositionSeen)]
    assert len(positions) == len(expected) == 12
    for record in expected:
        long_range = record["type"] == 27
        matches = [report for report in positions if report.mmsi == record["mmsi"]
                   and report.lat == pytest.approx(record["lat"], abs=5.1e-5 if long_range else 1.01e-7)
                   and report.lon == pytest.approx(record["lon"], abs=5.1e-5 if long_range else 1.01e-7)
                   and report.sog == (None if record["speed"] == (63 if long_range else 102.3) else record["speed"])
                   and report.cog == (None if record["course"] == (511 if long_range else 360) else record["course"])]
        assert matches, record


def test_static_data_of_the_conformance_file_matches_gpsds_decode(ais_samples):
    path = ais_samples / GPSD_SAMPLE
    seen, _ = read(path, assume_start=SAMPLE_START, rate_hz=1.0)
    gpsd = [json.loads(line) for line in path.with_name(GPSD_SAMPLE + ".js.chk").read_text().splitlines()]
    merged: dict[int, dict] = {}
    for one in seen:
        if isinstance(one, ParticularsSeen):
            merged.setdefault(one.mmsi, {}).update(one.fields)
    for record in (record for record in gpsd if record["type"] in (5, 19, 24)):
        ours = merged[record["mmsi"]]
        assert (ours["name"], ours["ship_type"]) == (record["shipname"], ais.ship_type_from_code(record["shiptype"]))
        assert ours.get("callsign") == record.get("callsign")
    # gpsd drops a type 24 part whose other part it has not seen; each part stands on its own here
    assert merged[271041511] == {"name": "TRIPPIN"}
    assert set(merged) - {record["mmsi"] for record in gpsd} == {271041511, 271020195}


def test_every_other_message_type_of_the_conformance_file_is_skipped(ais_samples):
    seen, _ = read(ais_samples / GPSD_SAMPLE, assume_start=SAMPLE_START, rate_hz=1.0)
    skipped = Counter(one.what for one in seen if isinstance(one, Skipped))
    assert skipped == {f"AIS type {kind}": count for kind, count in {
        4: 4, 6: 13, 7: 3, 8: 18, 9: 2, 10: 2, 11: 1, 12: 7, 13: 1, 14: 3, 15: 3, 16: 2, 17: 2, 20: 5, 21: 2,
        22: 3, 23: 1, 25: 3, 26: 5}.items()}
    (rejected,) = [one for one in seen if isinstance(one, Rejected)]  # the file's own "invalid packet" test
    assert rejected.origin.line == 978 and rejected.reason.startswith("not NMEA")


def test_sentences_with_receiver_fields_after_the_checksum_are_accepted(ais_samples):
    path = ais_samples / GPSD_SAMPLE
    trailing = [line for line in path.read_text().splitlines()
                if line.startswith("!") and re.search(r"\*[0-9A-F]{2}\S", line)]
    assert len(trailing) == 7  # six messages; one of them has a trailer on both its fragments
    seen, _ = read(path, assume_start=SAMPLE_START, rate_hz=1.0)
    carrying = [one for one in seen if set(one.origin.raw.split("\n")) & set(trailing)]
    assert len(carrying) == 6 and not any(isinstance(one, Rejected) for one in carrying)


# --- format detection and hand-made files -----------------------------------------------------------------

def test_nmea_files_are_recognised_by_their_first_lines(ais_samples):
    for name in (KYSTVERKET, GPSD_LOG, GPSD_SAMPLE):
        with InputFile(ais_samples / name) as input_file:
            assert looks_like_nmea(input_file.head()), name
    with InputFile(ais_samples / "stonesoup_SolentAIS_20160112_130211.csv") as input_file:
        assert not looks_like_nmea(input_file.head())
    assert not looks_like_nmea(b"") and not looks_like_nmea(b"# only a comment\n\n")
    assert not looks_like_nmea(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\nMMSI,LAT,LON\n")
    assert not looks_like_nmea(b"$\x89PNG\r\n\x1a\n")
    assert looks_like_nmea(b"\xef\xbb\xbf\\s:1,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`0")
    assert looks_like_nmea(b"1569890582.123 !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    assert not looks_like_nmea(b"1569890582,244660274,52.85,5.67\n")


def test_an_over_long_line_in_a_file_is_quarantined_and_the_rest_read(tmp_path):
    path = tmp_path / "long.nmea"
    good = "\\c:1733782034*55\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F"
    path.write_text(f"{good}\n!AIVDM,{'x' * (MAX_LINE_BYTES * 3)}\n{good}\n")
    seen, reader = read(path)
    assert [type(one).__name__ for one in seen] == ["PositionSeen", "Rejected", "PositionSeen"]
    assert seen[1].reason.startswith("line too long") and seen[1].origin.line == 2  # type: ignore[union-attr]
    assert reader.lines_read == 3


def test_a_compressed_file_reads_like_the_plain_one_and_incomplete_messages_end_it(ais_samples, tmp_path):
    text = (ais_samples / KYSTVERKET).read_bytes()
    cut = text[:text.index(b"!BSVDM,2,2,1,A")]  # stop between the two fragments of a type 5
    path = tmp_path / "cut.raw.gz"
    path.write_bytes(gzip.compress(cut))
    seen, reader = read(path)
    assert reader.bytes_read == reader.total_bytes == path.stat().st_size
    last = seen[-1]
    assert isinstance(last, Rejected) and last.reason == "incomplete message: fragment 2 of 2 never arrived"
    assert last.origin.line == cut.count(b"\n")


def test_a_file_of_sentences_each_after_its_receivers_unix_time_is_read(tmp_path):
    path = tmp_path / "stamped.nmea"
    path.write_text("1733782034 !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n"
                    "1733782035.5 !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    seen, _ = read(path)
    assert [occurred(one) for one in seen] == [parse_instant("2024-12-09T22:07:14Z"),
                                               parse_instant("2024-12-09T22:07:15.5Z")]


def test_a_file_whose_head_holds_only_a_gps_time_is_read(tmp_path):
    path = tmp_path / "zda.nmea"
    path.write_text("# recorded on deck\n\n$GPZDA,220714.00,09,12,2024,00,00*6A\n"
                    "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    seen, reader = read(path)
    assert occurred(seen[1]) == parse_instant("2024-12-09T22:07:14Z") and reader.lines_read == 4
