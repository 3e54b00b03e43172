"""The audit report's alerts section: each alert's life (raised, escalated, acknowledged by whom after how long,
rectified) and the time to acknowledge by priority and by operator, in PDF, CSV and JSON."""
from __future__ import annotations

import csv
import json

import pytest

from app.alerts import AlertLog
from app.audit_report import build_report
from app.report_files import alerts_csv_path, write_csv, write_json
from domain.events import AlertEscalated, AlertRectified, NewEvent, SignalLost
from pdf_report.render import render_pdf
from tests.pdf_report.test_report_pdf import (PRIDE, SPIRIT, at, console, pdf_text,  # noqa: F401  (a fixture)
                                              pytestmark, whole_range)

pytestmark = pytestmark


@pytest.fixture
def report(console):  # noqa: F811
    """speed-1 acknowledged by kim after 30 min; dark-1 escalated, rectified and never acknowledged."""
    console.fleet.store.append_batch([
        NewEvent(SignalLost(mmsi=SPIRIT, occurred_at=at(80), alert_id="dark-1", severity="warning", priority="warning",
                            summary="no report for 30 min", last_report_at=at(50), threshold_s=1_800.0),
                 recorded_at=at(80)),
        NewEvent(AlertEscalated(mmsi=SPIRIT, occurred_at=at(83), alert_id="dark-1", after_s=180.0), recorded_at=at(83)),
        NewEvent(AlertRectified(mmsi=SPIRIT, occurred_at=at(90), alert_id="dark-1", reason="reported again after 40 min"),
                 recorded_at=at(90)),
        NewEvent(AlertRectified(mmsi=PRIDE, occurred_at=at(95), alert_id="speed-1", reason="slowed to 9.0 kn"),
                 recorded_at=at(95))])
    board = AlertLog(console.fleet.store)  # the alerts as the log now holds them
    return build_report(console.fleet, board, whole_range(), generated_by="kim", software="test 1.0")


def test_the_json_report_gives_each_alerts_life_and_the_response_times(report, tmp_path):
    path = tmp_path / "audit.json"
    write_json(report, path)
    summary = json.loads(path.read_text())["summary"]
    lives = {alert["alert_id"]: alert for alert in summary["alerts"]}
    speed, dark = lives["speed-1"], lives["dark-1"]
    assert (speed["acknowledged_by"], speed["response_s"], speed["state"]) == ("kim", 1800.0, "normal")
    assert speed["rectified_reason"] == "slowed to 9.0 kn"
    assert (dark["priority"], dark["escalated_at"], dark["state"]) == ("alarm", "2024-05-01T13:23:00Z",
                                                                        "rectified-unacknowledged")
    response = summary["alert_response"]
    assert response["by_priority"]["warning"] == {"alerts": 1, "answered": 1, "median_s": 1800.0, "p95_s": 1800.0}
    assert response["by_priority"]["alarm"] == {"alerts": 1, "answered": 0, "median_s": None, "p95_s": None}
    assert response["by_operator"] == {"kim": {"alerts": 1, "answered": 1, "median_s": 1800.0, "p95_s": 1800.0}}


def test_the_csv_report_keeps_one_row_per_event_and_puts_the_alerts_beside_it(report, tmp_path):
    path = tmp_path / "audit.csv"
    rows = write_csv(report, path)
    with path.open(newline="") as stream:
        assert len(list(csv.DictReader(stream))) == rows
    with alerts_csv_path(path).open(newline="") as stream:
        lines = list(csv.reader(stream))
    header, first = lines[0], dict(zip(lines[0], lines[1]))
    assert header[:3] == ["alert_id", "type", "priority"] and first["alert_id"] == "speed-1"
    assert first["response_s"] == "1800.0"
    assert ["by_operator", "kim", "1", "1", "1800.0", "1800.0"] in lines


def test_the_pdf_tells_each_alerts_life_and_the_time_to_acknowledge(qapp, report, tmp_path):
    path = tmp_path / "audit.pdf"
    render_pdf(report, path)
    text = " ".join(pdf_text(path).split())
    assert "acknowledged by kim after 30 min" in text
    assert "escalated to alarm" in text and "(reported again after 40 min)" in text
    assert "Time to acknowledge" in text and "by operator kim" in text
