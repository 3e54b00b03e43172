"""The concurrent-writers check compares particulars by what they say at every moment: it must still catch a
moment that says something else, and an observation stored twice, while a restatement is only counted."""
from __future__ import annotations

from bench.particulars_timeline import compare_particulars, particulars_changes
from store import open_store
from tests.fleet_events import registered, renamed


def _log(path, *events):
    store = open_store(path)
    store.append_batch(list(events))
    store.close()
    return particulars_changes(path)


def test_the_same_particulars_at_every_moment_with_a_restatement_is_neither_lost_nor_twice(tmp_path):
    reference = _log(tmp_path / "one-after-the-other.sqlite", registered(219000001, 0, "ALBA"),
                     renamed(219000001, 10, "BRAVO"))
    at_once = _log(tmp_path / "at-once.sqlite", registered(219000001, 0, "ALBA"), renamed(219000001, 10, "BRAVO"),
                   renamed(219000001, 5, "ALBA"))  # a later writer's earlier observation, changing nothing

    difference = compare_particulars(reference, at_once)

    assert (difference.lost, difference.duplicated, difference.restated) == (0, 0, 1)


def test_a_moment_that_says_other_particulars_is_lost(tmp_path):
    reference = _log(tmp_path / "one-after-the-other.sqlite", registered(219000001, 0, "ALBA"),
                     renamed(219000001, 10, "BRAVO"))
    at_once = _log(tmp_path / "at-once.sqlite", registered(219000001, 0, "ALBA"), renamed(219000001, 20, "BRAVO"))

    difference = compare_particulars(reference, at_once)

    assert difference.lost == 1  # from minute 10 to 20 it says ALBA where BRAVO was reported
    assert difference.example_lost is not None and difference.example_lost[0] == "ship-219000001"


def test_an_observation_stored_twice_is_duplicated(tmp_path):
    reference = _log(tmp_path / "one-after-the-other.sqlite", registered(219000001, 0, "ALBA"),
                     renamed(219000001, 10, "BRAVO"))
    at_once = _log(tmp_path / "at-once.sqlite", registered(219000001, 0, "ALBA"), renamed(219000001, 10, "BRAVO"),
                   renamed(219000001, 10, "BRAVO"), registered(219000001, 1, "ALBA"))

    assert compare_particulars(reference, at_once).duplicated == 2  # the change and the registration
