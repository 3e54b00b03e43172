"""The diff benchmark measures a real diff: a day of the synthetic fleet, every ship moved."""
from __future__ import annotations

import json

from bench import diff_figures


def test_the_diff_figure_is_a_day_of_every_ship_of_the_fleet(capsys):
    diff_figures.run(0.01)
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["figure"] == "diff_24h_ms" and line["ships"] == 100 and line["events"] == 100 * 144
    assert line["changed"] == 100 and line["value"] > 0 and line["limit_ms"] == 200
