"""The ship detail dock: static data, status at the moment, speed and course plots, notes and history."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

import numpy as np
import pytest

from domain.events import OperatorNoteAdded, PositionReported, ShipDetailsChanged, ShipRegistered
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE
from tests.ui.fleet_store import LATE_MMSI, T0, append, channel_fleet, in_log_order, logged
from ui.event_log import EventLogPanel
from ui.formatting import format_position
from ui.ship_detail import EMPTY_TEXT, ShipDetailPanel
from ui.ship_plots import wrap_breaks

MMSI = 235_000_000 + 1_000 * 3 + 7


def at(minutes: int) -> int:
    return T0 + minutes * MICROS_PER_MINUTE


@pytest.fixture
def source(fleet_stores):
    voyage = ShipDetailsChanged(mmsi=MMSI, occurred_at=at(50), destination="ROTTERDAM", eta=at(20 * 60), draught=8.4,
                                imo=9321483, callsign="2ABC3", length=182.0, beam=28.0)
    return fleet_stores.open([*channel_fleet(ships=30, hours=3.0), *in_log_order([(voyage, at(50))])])


@pytest.fixture
def panel(qtbot, source):
    widget = ShipDetailPanel(source.fleet, source.logbook)
    qtbot.addWidget(widget)
    widget.resize(460, 700)
    widget.show()
    yield widget
    widget.shutdown()


def reports_of(source, mmsi: int, start: int, end: int) -> list[PositionReported]:
    return sorted((e.event for e in logged(source) if isinstance(e.event, PositionReported) and e.event.mmsi == mmsi
                   and start <= e.occurred_at <= end), key=lambda report: report.occurred_at)


def test_with_no_ship_selected_it_says_how_to_select_one(panel, source):
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == EMPTY_TEXT
    panel.show_ship(MMSI, at(120))
    assert panel.stack.currentWidget() is not panel.empty_label
    panel.show_ship(None, at(120))
    assert panel.stack.currentWidget() is panel.empty_label


def test_it_shows_the_ships_static_and_voyage_data(panel, source):
    panel.show_ship(MMSI, at(120))
    registered = next(e.event for e in logged(source) if isinstance(e.event, ShipRegistered) and e.event.mmsi == MMSI)
    assert panel.text_of("name") == registered.name
    assert panel.text_of("mmsi") == str(MMSI)
    assert panel.text_of("imo") == "9321483"
    assert panel.text_of("callsign") == "2ABC3"
    assert panel.text_of("type") == (registered.ship_type or "–")
    assert panel.text_of("size") == "182 × 28 m"
    assert panel.text_of("destination") == "ROTTERDAM"
    assert panel.text_of("eta") == "2026-11-26 08:00 UTC"
    assert panel.text_of("draught") == "8.4 m"


def test_details_not_yet_known_at_the_moment_are_not_shown(panel):
    panel.show_ship(MMSI, at(45))
    assert panel.text_of("destination") == "–"
    assert panel.text_of("imo") == "–"


def test_it_shows_the_ships_status_at_the_moment(panel, source):
    moment = at(120)
    panel.show_ship(MMSI, moment)
    last = reports_of(source, MMSI, 0, moment)[-1]
    assert panel.text_of("position") == format_position(last.lat, last.lon)
    assert panel.text_of("sog") == f"{last.sog:.1f} kn"
    assert panel.text_of("cog") == f"{last.cog:.1f}°"
    assert panel.text_of("status") == last.nav_status
    assert panel.text_of("last_report").endswith(f"· {(moment - last.occurred_at) // MICROS_PER_MINUTE} min ago")


def test_a_ship_unknown_at_the_moment_says_so(panel):
    panel.show_ship(MMSI, T0 - MICROS_PER_HOUR)
    assert "nothing known" in panel.text_of("name")
    assert panel.text_of("last_report") == "no report yet"


def test_the_plots_hold_the_ships_speed_and_course_over_the_window_with_the_cursor_at_the_moment(panel, source):
    moment = at(120)
    panel.show_ship(MMSI, moment)
    start, end = moment - 6 * MICROS_PER_HOUR, moment + MICROS_PER_HOUR
    assert panel.window == (start, end)
    reports = reports_of(source, MMSI, start, end)
    occurred = np.array([r.occurred_at for r in reports])
    for key in ("sog", "cog"):
        values = np.array([getattr(r, key) for r in reports], dtype=float)
        times, plotted = panel.plots.points(key)
        np.testing.assert_array_equal(times, occurred)
        np.testing.assert_array_equal(plotted, values)
        x, y = panel.plots.drawn(key)
        np.testing.assert_allclose(x, occurred / 1e6)
        np.testing.assert_array_equal(y, values)
    assert panel.plots.cursor_positions() == [moment / 1e6, moment / 1e6]
    x_range = panel.plots.sog_plot.getPlotItem().getViewBox().viewRange()[0]
    assert x_range == pytest.approx([start / 1e6, end / 1e6])


def test_an_explicit_window_is_plotted(panel, source):
    panel.show_ship(MMSI, at(120), start=at(60), end=at(150))
    assert panel.window == (at(60), at(150))
    times, _ = panel.plots.points("sog")
    assert times.min() >= at(60) and times.max() <= at(150)
    assert len(times) == len(reports_of(source, MMSI, at(60), at(150)))


def test_course_through_north_breaks_the_line_instead_of_crossing_the_plot():
    x = np.arange(5, dtype=float)
    x_line, y_line = wrap_breaks(x, np.array([350.0, 355.0, 5.0, 10.0, 150.0]))
    assert np.isnan(y_line).sum() == 1
    finite_runs = np.split(y_line, np.flatnonzero(np.isnan(y_line)))
    for run in finite_runs:
        run = run[np.isfinite(run)]
        assert np.all(np.abs(np.diff(run)) <= 180)
    assert len(x_line) == len(y_line) == 6


def test_a_ship_turning_through_north_is_plotted_without_a_vertical_line(panel, source):
    mmsi = 235_777_001
    facts = [(ShipRegistered(mmsi=mmsi, occurred_at=at(0), name="TURNER"), at(0))]
    for minute, course in zip(range(0, 60, 10), (340.0, 350.0, 359.0, 4.0, 15.0, 25.0)):
        facts.append((PositionReported(mmsi=mmsi, occurred_at=at(minute), lat=50.0, lon=-1.0, sog=10.0, cog=course),
                      at(minute)))
    append(source, facts)
    panel.show_ship(mmsi, at(60))
    x, y = panel.plots.line("cog")
    segments = [(a, b) for a, b in zip(y[:-1], y[1:]) if np.isfinite(a) and np.isfinite(b)]
    assert len(segments) == 4 and all(abs(b - a) <= 180 for a, b in segments)


def test_scrubbing_within_the_window_only_moves_the_cursor(qtbot, panel, source):
    panel.show_ship(MMSI, at(120))
    fetches, window = panel.track_fetches, panel.window
    for minutes in (121, 125, 140, 170):
        panel.show_ship(MMSI, at(minutes))
        assert panel.plots.cursor_positions() == [at(minutes) / 1e6] * 2
    assert panel.track_fetches == fetches
    assert panel.window == window
    last = reports_of(source, MMSI, 0, at(170))[-1]
    qtbot.waitUntil(lambda: panel.text_of("position") == format_position(last.lat, last.lon))
    assert panel.track_fetches == fetches


def test_leaving_the_window_or_changing_ship_fetches_the_track_again(panel, source):
    panel.show_ship(MMSI, at(120))
    fetches = panel.track_fetches
    panel.show_ship(MMSI, at(120) + 2 * MICROS_PER_HOUR)
    assert panel.track_fetches == fetches + 1
    assert panel.window[0] <= at(120) + 2 * MICROS_PER_HOUR <= panel.window[1]
    panel.show_ship(LATE_MMSI, at(120) + 2 * MICROS_PER_HOUR)
    assert panel.track_fetches == fetches + 2
    assert panel.text_of("name") == "LATE RELAY"


def test_a_note_added_through_the_dialog_reaches_the_log_and_the_event_log(qtbot, panel, source):
    event_log = EventLogPanel(source.fleet, source.logbook)
    qtbot.addWidget(event_log)
    event_log.set_ship_filter(str(MMSI))
    qtbot.waitUntil(lambda: event_log.model.at_end, timeout=10_000)  # its page is sought on a worker
    rows = event_log.model.rowCount()
    panel.show_ship(MMSI, at(120))
    panel.note_button.click()
    dialog = panel.note_dialog
    assert dialog is not None and dialog.isVisible()
    assert source.operator in dialog.operator_label.text()
    assert not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("Called on VHF 16: no answer.")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(panel.noteAdded) as added, qtbot.waitSignal(event_log.model.rowsInserted):
        dialog.ok_button.click()
    note = logged(source)[-1]
    assert added.args == [note]
    assert isinstance(note.event, OperatorNoteAdded)
    assert (note.event.text, note.event.mmsi, note.event.operator) == ("Called on VHF 16: no answer.", MMSI,
                                                                       source.operator)
    assert event_log.model.rowCount() == rows + 1
    assert event_log.model.event_at(rows) == note
    assert panel.note_dialog is None  # closed
    event_log.shutdown()


def test_cancelling_the_note_adds_nothing(qtbot, panel, source):
    panel.show_ship(MMSI, at(120))
    count = len(logged(source))
    dialog = panel.open_note_dialog()
    dialog.text_edit.setPlainText("never mind")
    dialog.reject()
    assert len(logged(source)) == count


def test_full_history_asks_for_the_ships_events(qtbot, panel, source):
    event_log = EventLogPanel(source.fleet, source.logbook, live=False)
    qtbot.addWidget(event_log)
    panel.historyRequested.connect(event_log.show_ship_history)
    panel.show_ship(MMSI, at(120))
    with qtbot.waitSignal(panel.historyRequested) as requested:
        panel.history_button.click()
    assert requested.args == [MMSI]
    qtbot.waitUntil(lambda: event_log.model.at_end, timeout=10_000)  # its pages are sought on a worker
    assert [e.position for e in event_log.model.events()] == [e.position for e in logged(source)
                                                                 if e.stream_id == f"ship-{MMSI}"]


def test_news_about_the_ship_shown_updates_it(qtbot, panel, source):
    panel.show_ship(MMSI, at(24 * 60))
    change = ShipDetailsChanged(mmsi=MMSI, occurred_at=at(130), destination="ANTWERP")
    worker = threading.Thread(target=append, args=(source, [(change, at(130))]))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: panel.text_of("destination") == "ANTWERP")
