"""File › Import and File › Live feeds on a real store: the work runs off the GUI thread, the map fills in."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket

import pytest
from pyais.encode import encode_dict
from PySide6.QtWidgets import QPushButton

from app.ais_import import DEFAULT_BATCH
from tests.ui.fleet_store import channel_fleet
from ui.import_dialog import summary_text
from ui.main_window import MainWindow
from chart.coastline import Coastline

COASTLINE = Coastline()


@pytest.fixture
def service(fleet_stores):
    service = fleet_stores.open(name="console.sqlite")
    yield service
    service.imports.stop_feeds()


@pytest.fixture
def window(qtbot, service):
    console = MainWindow(service, coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1200, 800)
    console.show()
    qtbot.waitExposed(console)
    return console


def test_importing_the_solent_recording_fills_the_map_without_blocking_the_window(qtbot, window, ais_samples):
    results = []
    run = window.commands.import_files([str(ais_samples / "stonesoup_SolentAIS_20160112_130211.csv")])
    run.finished.disconnect()  # take the summary here instead of a message box
    run.finished.connect(results.append)
    run.finished.connect(lambda _summary: run.dialog.close())
    progressed = []
    run.progressed.connect(progressed.append)
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    (summary,) = results
    assert summary.read == 18_624 and summary.appended > 18_000 and not summary.cancelled
    assert progressed and progressed[-1].fraction == pytest.approx(1.0)
    qtbot.waitUntil(lambda: window.timeline.time_range() is not None, timeout=5_000)
    window.timeline.set_live(True)
    qtbot.waitUntil(lambda: len(window.display.fleet) > 50, timeout=5_000)
    assert "Appended: " in summary_text(summary)


LONG_ROWS = 2 * DEFAULT_BATCH + 10_000  # three batches: Cancel, pressed at the first progress, stops before the last


def test_cancelling_an_import_keeps_what_was_committed(qtbot, window, service, tmp_path):
    header = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
              "Draft,Cargo,TransceiverClass\n")
    rows = "".join(f"{366000001 + s % 7},2017-02-01T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d},50.0,-1.0,"
                   f"5,90,90,X,,,,,,,,,A\n" for s in range(LONG_ROWS))
    path = tmp_path / "long.csv"
    path.write_text(header + rows)
    results = []
    run = window.commands.import_files([str(path)])
    run.finished.disconnect()
    run.finished.connect(results.append)
    cancel_button = run.dialog.findChild(QPushButton)
    run.progressed.connect(lambda _progress: cancel_button.click())  # the operator presses Cancel at once
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    run.dialog.close()
    (summary,) = results
    assert summary.cancelled and 0 < summary.appended < LONG_ROWS
    assert service.fleet.store.head().position == summary.appended and service.fleet.store.verify().ok


def test_import_and_feeds_are_offered_only_for_a_writable_store(qtbot, fleet_stores):
    writable = fleet_stores.open(channel_fleet(ships=10, hours=0.5))
    console = MainWindow(writable, coastline=COASTLINE)
    qtbot.addWidget(console)
    assert console.menus.import_files.isEnabled() and console.menus.feeds.isEnabled()
    auditor = fleet_stores.reopen(writable.fleet.store.path, read_only=True)
    console.set_source(auditor)
    assert not console.menus.import_files.isEnabled() and not console.menus.feeds.isEnabled()
    assert console.menus.shortcuts()["&Import AIS files…"] == "Ctrl+I"


def test_a_udp_feed_started_in_the_dialog_puts_ships_on_the_map(qtbot, window, service):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    dialog = window.commands.show_feeds()
    dialog.address.setText(str(port))
    name = dialog.start_feed()
    assert name == f"udp://127.0.0.1:{port}" and dialog.table.rowCount() == 1
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(3):
        sentence = encode_dict({"type": 1, "mmsi": 257000001 + i, "lat": 60.0, "lon": 5.0 + i / 10, "speed": 8.0,
                                "course": 10.0, "heading": 10, "status": 0}, talker_id="AI", sentence_type="VDM")[0]
        sender.sendto(sentence.encode() + b"\r\n", ("127.0.0.1", port))
    sender.close()
    window.timeline.set_live(True)
    qtbot.waitUntil(lambda: len(window.display.fleet) == 3, timeout=10_000)
    dialog.refresh()
    assert dialog.table.item(0, 4).text() == "3"
    dialog.table.selectRow(0)
    dialog.stop_selected()
    assert dialog.table.rowCount() == 0 and "Stopped" in dialog.message.text()
    dialog.address.setText("not a port")
    assert dialog.start_feed() is None and "Not started" in dialog.message.text()


def test_a_feed_the_store_refuses_is_shown_in_the_warning_colour_with_what_waits(qtbot, window, service):
    from tests.store_faults import disk_full

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    dialog = window.commands.show_feeds()
    dialog.address.setText(str(port))
    with disk_full():
        assert dialog.start_feed() == f"udp://127.0.0.1:{port}"
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(80):
            sentence = encode_dict({"type": 1, "mmsi": 257000001 + i, "lat": 60.0, "lon": 5.0, "speed": 8.0,
                                    "course": 10.0, "heading": 10, "status": 0}, talker_id="AI",
                                   sentence_type="VDM")[0]
            sender.sendto(sentence.encode() + b"\r\n", ("127.0.0.1", port))
        sender.close()
        qtbot.waitUntil(lambda: dialog.trouble.isVisible() and "disk is full" in dialog.trouble.text(), timeout=10_000)
        waiting = int(dialog.table.item(0, 6).text().replace(",", ""))
        assert waiting > 0 and "spool" in dialog.table.item(0, 1).text()
        assert f"{waiting:,} lines waiting" in dialog.trouble.text()
    qtbot.waitUntil(lambda: not dialog.trouble.isVisible(), timeout=10_000)  # room again: the spool is appended
    assert dialog.table.item(0, 6).text() == "0" and service.fleet.store.count() == 80


def test_the_import_summary_names_a_file_that_ended_early_and_where():
    from app.ais_import import ImportSummary

    ended = "day.csv.gz: the file ends early after line 1,234 (byte 99,999 of its content): the compressed data stops"
    text = summary_text(ImportSummary(read=1_234, appended=1_200, ended_early=[ended]))
    assert ended in text and "again" in text and "Appended: 1,200" in text
