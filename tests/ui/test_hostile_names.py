"""Hostile names in the console and the PDF, through the real service on a real store: markup is shown as the
text it is, a right-to-left override is shown instead of obeyed, and a right-to-left name cannot move the
text beside it."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument, QTextLayout
from PySide6.QtGui import Qt as GuiQt

from app.audit_report import ReportRequest, build_report
from domain.time import MICROS_PER_HOUR, now_micros
from store import open_store
from tests.fleet_events import T0
from tests.hostile_fleet import (CALLSIGN, COMMAND_NAME, DESTINATION, END, HYPERLINK_NAME, MARKUP_MMSI, MARKUP_NAME,
                                 NOTE, RLO_MMSI, ZONE_NAME, hostile_fleet)
from tests.ui.fleet_store import open_service
from ui.alerts_model import Column as AlertColumn
from ui.fleet_model import Column as FleetColumn
from ui.formatting import ship_with_mmsi
from ui.main_window import MainWindow
from chart.coastline import Coastline
from ui.plain_text import text_tooltip, window_title
from ui.settings import UiSettings
from ui.zones_model import Column as ZoneColumn

RLO_SHOWN = "SHIP⟨U+202E⟩gnp.exe"
COASTLINE = Coastline()


def as_shown(text: str) -> str:
    """What Qt draws for a tooltip (or a label left to guess): rich text when it looks like HTML, else plain."""
    if GuiQt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return hostile_fleet(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def service(store_path, tmp_path):
    copy = tmp_path / "hostile.sqlite"
    shutil.copy(store_path, copy)
    store = open_store(copy)
    yield open_service(store, operator="kim")
    store.close()


@pytest.fixture
def window(qtbot, service, tmp_path):
    console = MainWindow(service, END, settings=UiSettings.at(tmp_path / "ui.ini"), coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1400, 900)
    console.show()
    qtbot.waitExposed(console)
    return console


def test_the_ship_detail_title_and_fields_show_markup_as_text(qtbot, window):
    window.state.select_ship(MARKUP_MMSI)
    detail = window.docks.detail
    qtbot.waitUntil(lambda: detail.name_label.text() == MARKUP_NAME, timeout=3_000)
    assert detail.name_label.textFormat() == Qt.TextFormat.PlainText
    assert detail.values["callsign"].text() == CALLSIGN
    assert detail.values["destination"].text() == DESTINATION
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in detail.values.values())


def test_the_ship_detail_shows_a_right_to_left_override_instead_of_obeying_it(qtbot, window):
    window.state.select_ship(RLO_MMSI)
    detail = window.docks.detail
    qtbot.waitUntil(lambda: detail.name_label.text() == RLO_SHOWN, timeout=3_000)


def test_the_status_bar_names_the_selected_ship_as_text(qtbot, window):
    window.state.select_ship(MARKUP_MMSI)
    status = window.status
    assert status.selection_label.text() == f"Selected: {MARKUP_NAME}"
    assert status.selection_label.textFormat() == Qt.TextFormat.PlainText
    status.notify_alerts([f"entered restricted zone {ZONE_NAME}", "CPA 100 m with SHIP\u202egnp.exe"])
    assert status.alert_label.textFormat() == Qt.TextFormat.PlainText
    assert status.alert_label.text() == f"⚠ 2 new alerts — latest: CPA 100 m with {RLO_SHOWN}"
    assert as_shown(status.alert_label.toolTip()) == (f"entered restricted zone {ZONE_NAME}\n"
                                                      f"CPA 100 m with {RLO_SHOWN}")
    status.set_operator("<u>kim</u>")
    assert status.operator_label.text() == "operator <u>kim</u>"


def test_the_alerts_list_shows_the_override_visibly_and_the_zone_name_literally(qtbot, window):
    model = window.docks.alerts.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=3_000)
    shown = [[model.index(row, column).data() for column in range(model.columnCount())]
             for row in range(model.rowCount())]
    ships = [row[AlertColumn.SHIP] for row in shown]
    assert f"{RLO_SHOWN} · {RLO_MMSI}" in ships
    assert f"{MARKUP_NAME} · {MARKUP_MMSI}" in ships
    assert not any("\u202e" in str(cell) for row in shown for cell in row)
    assert f"entered restricted zone {ZONE_NAME}" in [row[AlertColumn.SUMMARY] for row in shown]
    summary_tip = model.index(0, AlertColumn.SUMMARY).data(Qt.ItemDataRole.ToolTipRole)
    assert as_shown(summary_tip) == model.index(0, AlertColumn.SUMMARY).data()


def test_the_fleet_table_and_its_tooltips_show_names_as_text(qtbot, window):
    model = window.fleet_table.model
    rows = {model.mmsi_at(row): row for row in range(model.rowCount())}
    assert model.index(rows[RLO_MMSI], FleetColumn.NAME).data() == RLO_SHOWN
    markup = model.index(rows[MARKUP_MMSI], FleetColumn.NAME)
    assert markup.data() == MARKUP_NAME
    assert as_shown(markup.data(Qt.ItemDataRole.ToolTipRole)) == f"{MARKUP_NAME} · MMSI {MARKUP_MMSI}"
    destination = model.index(rows[MARKUP_MMSI], FleetColumn.DESTINATION)
    assert destination.data() == DESTINATION and as_shown(destination.data(Qt.ItemDataRole.ToolTipRole)) == DESTINATION


def test_the_map_labels_the_selected_ship_with_its_name_as_text(qtbot, window):
    window.state.select_ship(MARKUP_MMSI)
    assert window.map_view.ships.label.textItem.toPlainText() == MARKUP_NAME
    tip = window.map_view.ships.tooltip(data=MARKUP_MMSI)
    assert as_shown(tip).split("\n")[0] == MARKUP_NAME


def test_the_zones_list_and_the_event_log_show_hostile_text_literally(qtbot, window):
    zones = window.zone_console.panel.model
    assert zones.index(0, ZoneColumn.NAME).data() == ZONE_NAME
    assert as_shown(zones.index(0, ZoneColumn.NAME).data(Qt.ItemDataRole.ToolTipRole)) == ZONE_NAME
    log = window.docks.event_log
    log.show_ship_history(RLO_MMSI)
    qtbot.waitUntil(lambda: log.model.rowCount() > 0, timeout=3_000)
    summaries = [log.model.index(row, 5).data() for row in range(log.model.rowCount())]
    assert f"registered as {RLO_SHOWN} · cargo · 120 × 20 m" in summaries
    assert not any("\u202e" in summary for summary in summaries)


def test_a_note_dialog_quotes_the_ship_as_text(qtbot, window):
    window.state.select_ship(MARKUP_MMSI)
    detail = window.docks.detail
    qtbot.waitUntil(lambda: detail.name_label.text() == MARKUP_NAME, timeout=3_000)
    detail.open_note_dialog()
    dialog = detail.note_dialog
    assert as_shown(dialog.heading_label.text()) == f"Note on {MARKUP_NAME} · {MARKUP_MMSI}"
    assert dialog.windowTitle() == f"Note on {MARKUP_NAME} · {MARKUP_MMSI}"
    dialog.reject()


def test_a_window_title_keeps_a_literal_modified_marker(qtbot, window):
    for title in ("Zone [*] test", "[*][*]x[*]"):
        window.setWindowTitle(window_title(title))
        assert window.windowHandle().title() == title  # what the window manager is given


def test_a_tooltip_of_plain_text_stays_plain_and_one_that_looks_like_markup_is_escaped():
    assert text_tooltip("a & b") == "a & b"
    assert as_shown(text_tooltip("<b>bold?</b>  two spaces")) == "<b>bold?</b>  two spaces"


def _x_span(text: str, start: int, end: int) -> tuple[float, float]:
    """Where the characters start…end of ``text`` are drawn on one line, left to right, as Qt lays it out."""
    layout = QTextLayout(text, QFont())
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    xs = [line.cursorToX(index)[0] for index in range(start, end + 1)]
    return min(xs), max(xs)


def test_a_right_to_left_name_does_not_move_the_mmsi_beside_it(qapp):
    name, mmsi = "שלום ים 7", 235000108
    bare = f"{name} · {mmsi}"  # as the alerts list wrote it before: the MMSI is drawn on the left
    assert _x_span(bare, bare.index("235"), len(bare))[1] <= _x_span(bare, 0, len(name))[0] + 1
    shown = ship_with_mmsi(name, mmsi)
    name_span = _x_span(shown, 0, shown.index(" · "))
    mmsi_span = _x_span(shown, shown.index("235"), len(shown))
    assert mmsi_span[0] >= name_span[1] - 0.5  # the MMSI stays to the right of the name


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_pdf_prints_hostile_names_literally(qapp, service, tmp_path):
    from pdf_report.render import render_pdf

    request = ReportRequest(T0 - MICROS_PER_HOUR, now_micros() + MICROS_PER_HOUR)
    path = tmp_path / "hostile.pdf"
    render_pdf(build_report(service.fleet, service.alerts, request, generated_by="<u>kim</u>", software="test"), path)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for literal in (MARKUP_NAME, HYPERLINK_NAME, COMMAND_NAME, RLO_SHOWN, CALLSIGN, "<u>kim</u>"):
        assert literal in flat, literal
    assert "<font color=red>X</font>" in flat and "\u202e" not in text
    assert "⟨U+202E⟩evil" in flat  # the override in the note, shown
    assert NOTE.split(" <i>")[0] in flat
