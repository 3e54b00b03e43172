"""``diff``: the changes between two moments of a real recording, checked against ``state`` at each moment."""
from __future__ import annotations

import json
import math

import main
from tests.exports.test_track_export import hostile_db, solent_db  # noqa: F401 - fixtures

T1, T2 = "2016-01-12T13:30:00Z", "2016-01-12T14:00:00Z"


def run_json(capsys, *argv: str) -> dict:
    code = main.main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def metres(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["lon"] - a["lon"]) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def test_the_diff_of_a_real_recording_agrees_with_the_fleet_at_each_moment(solent_db, capsys):  # noqa: F811
    before = {s["mmsi"]: s for s in run_json(capsys, "state", "--db", str(solent_db), "--at", T1, "--json")["ships"]}
    after = {s["mmsi"]: s for s in run_json(capsys, "state", "--db", str(solent_db), "--at", T2, "--json")["ships"]}
    diff = run_json(capsys, "diff", "--db", str(solent_db), "--from", T1, "--to", T2, "--json")
    ships = {s["mmsi"]: s for s in diff["ships"]}
    assert {m for m, s in ships.items() if s["presence"] == "appeared"} == set(after) - set(before)
    assert diff["counts"]["appeared"] == len(set(after) - set(before)) > 0
    moved = {m for m in set(before) & set(after) if (before[m]["lat"], before[m]["lon"]) != (after[m]["lat"], after[m]["lon"])}
    assert {m for m, s in ships.items() if s["moved"]} == moved and len(moved) > 20
    for mmsi in moved:
        assert ships[mmsi]["distance_m"] == round(metres(before[mmsi], after[mmsi]), 1)
        assert ships[mmsi]["from"]["report_at"] == before[mmsi]["last_report_at"]
    code = main.main(["diff", "--db", str(solent_db), "--from", T1, "--to", T2])
    text = capsys.readouterr().out
    assert code == 0 and text.startswith(f"{len(ships)} ships changed between")


def test_known_at_times_without_each_other_are_refused(solent_db, capsys):  # noqa: F811
    code = main.main(["diff", "--db", str(solent_db), "--from", T1, "--to", T2, "--known-at-from", T1])
    assert code == 2 and "go together" in capsys.readouterr().err


def test_what_the_log_learned_about_one_moment_between_two_known_at_times(hostile_db, capsys):  # noqa: F811
    """The gappy ship's reports after its gap are recorded when they occur: as known before they came in,
    the moment 14:30 shows it where it was before the gap; as known after, where it was after."""
    at = "2024-05-01T14:30:00Z"
    diff = run_json(capsys, "diff", "--db", str(hostile_db), "--from", at, "--to", at,
                    "--known-at-from", "2024-05-01T12:30:00Z", "--known-at-to", "2024-05-01T14:30:00Z", "--json")
    (ship,) = [s for s in diff["ships"] if s["mmsi"] == 412000002]
    assert ship["moved"] and ship["from"]["report_at"] == "2024-05-01T12:09:00Z"
    assert ship["to"]["report_at"] == "2024-05-01T14:19:00Z"


def test_a_draught_and_eta_changed_between_the_moments_are_listed_with_the_eta_as_a_time(tmp_path, capsys):
    from domain.events import NewEvent, ShipDetailsChanged
    from domain.time import parse_instant
    from store import open_store
    from tests.fleet_events import registered, report

    db = tmp_path / "voyage.sqlite"
    loaded = ShipDetailsChanged(mmsi=219000001, occurred_at=parse_instant("2024-05-01T12:30:00Z"), draught=11.2,
                                eta=parse_instant("2024-05-02T06:00:00Z"))
    with open_store(db) as store:  # registered and reported at 12:01, loaded at 12:30
        store.append_batch([registered(219000001, 1, "ALBA"), report(219000001, 1),
                            NewEvent(loaded, recorded_at=loaded.occurred_at)])

    diff = run_json(capsys, "diff", "--db", str(db), "--from", "2024-05-01T12:10:00Z", "--to", "2024-05-01T13:00:00Z",
                    "--json")

    (ship,) = diff["ships"]
    assert not ship["moved"] and ship["changed"] == {"draught": {"from": None, "to": 11.2},
                                                     "eta": {"from": None, "to": "2024-05-02T06:00:00Z"}}
    assert diff["counts"]["particulars"] == 1
