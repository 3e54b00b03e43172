"""Concurrent writers: two imports (the two halves of one Solent watch, which share most of their ships) and
a live listener, all writing into one store at once.

The store must end up with what the same three inputs give when written one after the other: nothing lost,
nothing twice — and every ship registered exactly once. Which writer registers a ship first may differ
from run to run, so a registration is compared by its ship alone; particulars are compared by what they
say at every moment (``bench.particulars_timeline``), every other event by what it says and when.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.particulars_timeline import PARTICULAR_TYPES, compare_particulars, particulars_changes
from bench.reliability_common import (Checked, EventKey, Findings, command, compare, event_contents,
                                      registration_counts, run, shown, start)
from bench.reliability_inputs import live_stream, solent_halves, write_stream
from bench.reliability_listener import Listener


@dataclass
class ConcurrentResult:
    rounds: int = 0
    lost: int = 0
    duplicated: int = 0
    registered_twice: int = 0     # ships with more than one ShipRegistered
    failed_writers: int = 0       # writers that exited non-zero
    particulars_restated: int = 0  # particulars events the one-after-the-other run left out as unchanged
    checked: Checked = field(default_factory=Checked)
    lost_by_type: Counter[str] = field(default_factory=Counter)   # which kinds of event differ, so a reader
    extra_by_type: Counter[str] = field(default_factory=Counter)  # sees whether reports or particulars do

    def as_extra(self) -> dict:
        return {"rounds": self.rounds, "ships_registered_twice": self.registered_twice,
                "failed_writers": self.failed_writers,
                "particulars_restated": self.particulars_restated, "lost_by_type": dict(sorted(self.lost_by_type.items())),
                "extra_by_type": dict(sorted(self.extra_by_type.items()))}


def _one_round(number: int, folder: Path, env: dict[str, str], rows: int | None, messages: int,
               result: ConcurrentResult, findings: Findings) -> None:
    halves = solent_halves(folder, rows)
    # the Norwegian recording replayed: each half, and the listener, hear the same ships' static data
    recorded = live_stream(messages)
    nmea_halves = [write_stream(folder / f"concurrent-{number}-{part}.nmea", chunk)
                   for part, chunk in enumerate((recorded[:messages // 2], recorded[messages // 2:]))]
    inputs = [[halves[0], nmea_halves[0]], [halves[1], nmea_halves[1]]]
    db = folder / f"concurrent-{number}.sqlite"
    stream = live_stream(messages, first_repeat=messages // 100 + 1)
    listener = Listener(db, env)
    imports = [command("import", *map(str, files), "--db", str(db)) for files in inputs]
    reproduce = (f"{shown(listener.argv)} receiving NMEA while, at once: "
                 + " & ".join(shown(argv) for argv in imports))
    try:
        if not listener.start():
            findings.add("concurrent", f"the listener did not come up: {listener.stderr[-300:]}", reproduce)
            return
        sender = threading.Thread(target=listener.send, args=(stream, 1_000.0))
        sender.start()
        writers = [start(argv, env=env) for argv in imports]
        outputs = [writer.communicate() for writer in writers]
        sender.join()
        code = listener.stop()
    finally:
        listener.close()
    result.rounds += 1
    for writer, (out, err) in zip(writers, outputs):
        if writer.returncode != 0:
            result.failed_writers += 1
            findings.add("concurrent", f"an import running beside another exits {writer.returncode}: "
                                       f"{err.decode(errors='replace').strip()[-300:]}", reproduce)
    if code != 0:
        result.failed_writers += 1
        findings.add("concurrent", f"the listener exits {code}: {listener.stderr[-300:]}", reproduce)
    clean = folder / f"concurrent-{number}-clean.sqlite"
    files = [*(str(path) for part in inputs for path in part),
             str(write_stream(folder / f"concurrent-{number}.nmea", listener.sent))]
    for path in files:
        done = run(command("import", path, "--db", str(clean)), env=env)
        if done.code != 0:
            raise RuntimeError(f"the clean import of {path} failed: {done.tail()}")
    actual = event_contents(db)
    reference_contents = event_contents(clean)
    result.checked.add(reference_contents)
    # reports, alerts and the rest event by event; particulars by what they say at every moment (see
    # bench.particulars_timeline: why restatements are not duplicates)
    reference, stored = _without_particulars(reference_contents), _without_particulars(actual)
    difference = compare(reference, stored)
    for key, times in (reference - stored).items():
        result.lost_by_type[key[1]] += times
    for key, times in (stored - reference).items():
        result.extra_by_type[key[1]] += times
    particulars = compare_particulars(particulars_changes(clean), particulars_changes(db))
    if particulars.lost:
        result.lost_by_type["particulars at a moment"] += particulars.lost
    if particulars.duplicated:
        result.extra_by_type["particulars observation"] += particulars.duplicated
    twice = sum(1 for times in registration_counts(actual).values() if times > 1)
    lost, duplicated = difference.lost + particulars.lost, difference.duplicated + particulars.duplicated
    result.lost += lost
    result.duplicated += duplicated
    result.registered_twice += twice
    result.particulars_restated += particulars.restated
    if lost or duplicated:
        findings.add("concurrent", f"{lost} events lost, {duplicated} extra, {twice} ships registered more than "
                                   f"once (e.g. extra {difference.example_extra}, lost {difference.example_lost}; "
                                   f"particulars differing: {particulars.example_lost})", reproduce)


def _without_particulars(contents: Counter[EventKey]) -> Counter[EventKey]:
    return Counter({key: times for key, times in contents.items() if key[1] not in PARTICULAR_TYPES})


def run_concurrent(folder: Path, env: dict[str, str], *, rounds: int, rows: int | None, messages: int,
                   findings: Findings) -> ConcurrentResult:
    result = ConcurrentResult()
    for number in range(rounds):
        _one_round(number, folder, env, rows, messages, result, findings)
    return result



