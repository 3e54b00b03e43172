"""A ship's static and voyage data are decided against what the log says of it as of each observation's own
time: importing a later recording before an earlier one, in pieces, in any order, leaves the fleet's
particulars at every moment as one import of the whole recording does, and appends no change that changes
nothing as of its time."""
from __future__ import annotations

from functools import reduce
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ais_import import ImportOptions, import_files
from app.observation_recorder import ParticularsHistory
from store import open_store
from tests.app.particulars_timeline import event_times, redundant, timeline

NORWEGIAN = "kystverket_norwegian_tagblock.raw"
LATER_S = 130  # the recording played again this much later: the same ships say the same things again


def shifted(line: bytes, seconds: int) -> bytes:
    """A real tag-blocked sentence moved ``seconds`` later (its tag block's checksum made anew); a line with
    no tag block (a later fragment) is kept as it is."""
    if not line.startswith(b"\\"):
        return line
    tag, _, sentence = line[1:].partition(b"\\")
    fields = b",".join(b"c:%d" % (int(part[2:]) + seconds) if part.startswith(b"c:") else part
                       for part in tag.split(b"*")[0].split(b","))
    return b"\\" + fields + b"*%02X\\" % reduce(lambda a, b: a ^ b, fields, 0) + sentence


def day(ais_samples: Path, plays: int) -> list[bytes]:
    """The Norwegian recording played ``plays`` times, each ``LATER_S`` seconds after the one before."""
    lines = (ais_samples / NORWEGIAN).read_bytes().splitlines()
    return [shifted(line, play * LATER_S) for play in range(plays) for line in lines]


def message_starts(lines: list[bytes]) -> list[int]:
    """The lines a piece may begin at: a tag-blocked (timed) sentence that is a message's first fragment."""
    starts = []
    for index, line in enumerate(lines):
        sentence = line.rpartition(b"\\")[2] if line.startswith(b"\\") else b""
        fields = sentence.split(b",")
        if index and len(fields) > 2 and fields[2] == b"1":
            starts.append(index)
    return starts


def pieces(lines: list[bytes], cuts: list[int], folder: Path) -> list[Path]:
    bounds = [0, *sorted(set(cuts)), len(lines)]
    folder.mkdir(exist_ok=True)
    paths = []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
        path = folder / f"piece-{number}.raw"
        path.write_bytes(b"\n".join(lines[start:end]) + b"\n")
        paths.append(path)
    return paths


def import_in_order(db: Path, paths: list[Path], parallel: bool) -> None:
    with open_store(db) as store:
        for path in paths:  # one import per file: each starts from what the log holds
            import_files(store, [path], ImportOptions(parallel=parallel))


def test_a_later_recording_imported_first_leaves_each_change_at_its_own_time(tmp_path, ais_samples):
    lines = day(ais_samples, 2)
    early, late = pieces(lines, [len(lines) // 2], tmp_path)
    import_in_order(tmp_path / "whole.sqlite", [early, late], False)
    import_in_order(tmp_path / "late-first.sqlite", [late, early], False)
    with open_store(tmp_path / "whole.sqlite") as whole, open_store(tmp_path / "late-first.sqlite") as late_first:
        moments = event_times(whole, late_first)
        expected = timeline(whole, moments)
        assert len({mmsi for mmsi, _ in expected}) > 10  # the recording names many ships
        assert timeline(late_first, moments) == expected
        registered = [r.event.mmsi for r in late_first.read_all() if r.type == "ShipRegistered"]
        assert len(registered) == len(set(registered))


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pieces_imported_in_any_order_give_the_particulars_of_one_import(tmp_path_factory, ais_samples, data):
    lines = day(ais_samples, 3)
    starts = message_starts(lines)
    cuts = data.draw(st.lists(st.sampled_from(starts), min_size=1, max_size=5), label="cuts")
    folder = tmp_path_factory.mktemp("pieces")
    parts = pieces(lines, cuts, folder)
    order = data.draw(st.permutations(parts), label="order")
    parallel = data.draw(st.booleans(), label="read in a child process")
    import_in_order(folder / "whole.sqlite", pieces(lines, [], folder / "whole"), False)
    import_in_order(folder / "pieces.sqlite", list(order), parallel)
    with open_store(folder / "whole.sqlite") as whole, open_store(folder / "pieces.sqlite") as split:
        moments = event_times(whole, split)
        assert timeline(split, moments) == timeline(whole, moments)
        if list(order) == sorted(order, key=parts.index):
            assert redundant(split) == []  # in time order, every change changes something as of its time


changes = st.lists(st.tuples(st.integers(0, 20), st.dictionaries(st.sampled_from(["name", "callsign", "destination"]),
                                                                 st.sampled_from(["A", "B", "C"]), min_size=1)),
                   min_size=1, max_size=12)


@settings(max_examples=200)
@given(changes=changes, moment=st.integers(-1, 21))
def test_a_ships_particulars_as_of_a_moment_are_its_changes_up_to_then_folded_by_time(changes, moment):
    history = ParticularsHistory()
    for occurred_at, fields in changes:  # taken in whatever order they come, as writers append them
        history.add(366000001, occurred_at, fields)
    folded: dict = {}
    for occurred_at, fields in sorted(changes, key=lambda change: change[0]):  # stable: equal times in turn
        if occurred_at <= moment:
            folded.update(fields)
    assert history.as_of(366000001, moment) == (folded or None)
    latest: dict = {}
    for _, fields in sorted(changes, key=lambda change: change[0]):
        latest.update(fields)
    assert history.latest(366000001) == latest and 366000001 in history
