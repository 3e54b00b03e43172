"""Launching the console for a screenshot, and the settings store."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QImage

from tests.ui.fleet_store import Subscriptions, channel_fleet
from ui.gui import launch
from ui.settings import WINDOW_GEOMETRY, WINDOW_STATE, UiSettings


class _Session:
    """A console session over a service opened by the test (the real one is app.ConsoleSession)."""

    read_only = False

    def __init__(self, source):
        self.source, self.closed = source, False

    def load(self, progress=None, cancelled=lambda: False):
        return self.source

    def close(self):
        self.closed = True


def test_a_screenshot_is_a_png_of_the_whole_window(qapp, tmp_path, fleet_stores, monkeypatch):
    source = fleet_stores.open(channel_fleet())
    subscriptions = Subscriptions(monkeypatch, source)
    session = _Session(source)
    path = tmp_path / "shots" / "console.png"
    assert launch(session, screenshot=path, ship=int(source.fleet.state_at(source.fleet.time_range()[1]).mmsi[0])) == 0
    assert path.stat().st_size > 10_000
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1600, 1000)
    assert subscriptions.count == 0  # the window let go of the source
    assert session.closed


def test_settings_come_back_with_their_type_and_default(tmp_path):
    settings = UiSettings.at(tmp_path / "ui.ini")
    assert settings.get(WINDOW_STATE).isEmpty()
    settings.set(WINDOW_GEOMETRY, QByteArray(b"\x01\x02geometry"))
    settings.sync()
    again = UiSettings.at(tmp_path / "ui.ini").get(WINDOW_GEOMETRY)
    assert isinstance(again, QByteArray) and bytes(again) == b"\x01\x02geometry"


def _open_session(path, **options):
    from app.console_session import ConsoleSession

    session = ConsoleSession(path, live=False, **options)
    return session, session.load()


def test_an_empty_store_opens_as_an_empty_console_that_says_how_to_fill_it(qtbot, tmp_path):
    from app.demo_fleet import seed_history
    from domain.time import parse_instant
    from ui.main_window import MainWindow

    session, console = _open_session(tmp_path / "new.sqlite")
    window = MainWindow(console)
    qtbot.addWidget(window)
    try:
        window.resize(1200, 800)
        window.show()
        notice = window.empty_notice
        assert notice.isVisible() and notice.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        text = notice.text()
        assert "Import AIS files" in text and "Live feeds" in text and "simulate --db" in text
        assert window.map_view.rect().contains(notice.geometry())  # over the map, not a dialog in the way
        seed_history(session.store, ships=50, hours=0.1, seed=2, end=parse_instant("2026-02-01T06:00:00Z"),
                     append=session.service.append)
        qtbot.waitUntil(lambda: not notice.isVisible(), timeout=5_000)  # the first reports make it go
    finally:
        window.close()
        session.close()


def test_a_read_only_empty_store_says_only_that_it_is_empty(qtbot, tmp_path):
    from store import open_store
    from ui.main_window import MainWindow

    open_store(tmp_path / "empty.sqlite").close()
    session, console = _open_session(tmp_path / "empty.sqlite", read_only=True)
    window = MainWindow(console)
    qtbot.addWidget(window)
    try:
        window.show()
        assert window.empty_notice.isVisible() and "read-only" in window.empty_notice.text()
        assert "Import" not in window.empty_notice.text()
    finally:
        window.close()
        session.close()


def test_a_store_still_opening_is_not_called_empty(qtbot):
    from ui.empty_source import empty_console
    from ui.main_window import MainWindow

    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    window.show()
    assert not window.empty_notice.isVisible()
    window.close()


_FIT_SCRIPT = r'''
import json, sys
from PySide6.QtCore import QByteArray, QRect
from PySide6.QtWidgets import QApplication
from app.console_session import ConsoleSession
from ui.main_window import MainWindow
from ui.settings import WINDOW_GEOMETRY, UiSettings
from ui.theme import apply_theme

store, ini, mmsi, oversize = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "oversize"
app = QApplication([])
apply_theme(app)
settings = UiSettings.at(ini)
if oversize:  # a layout saved on a larger screen: 2,400 px wide
    probe = MainWindow(ConsoleSession(store, live=False).load())
    probe.setGeometry(QRect(300, 200, 2400, 1300))
    settings.set(WINDOW_GEOMETRY, probe.saveGeometry())
    settings.sync()
session = ConsoleSession(store, live=False)
window = MainWindow(session.load(), settings=settings)
window.fit_to_screen()
window.show()
app.processEvents()
sizes = {"first": [window.width(), window.height()]}
window.state.select_ship(mmsi)
window.state.follow(mmsi)
window.set_feed_state("scheduled report failed 06:00 UTC: " + "disk full " * 30 + "— see /var/log/jobs.log", True)
window.status.notify_alerts(["speed limit exceeded by " + "A VERY LONG SHIP NAME " * 10])
for _ in range(20):
    app.processEvents()
sizes["selected"] = [window.width(), window.height()]
sizes["minimum"] = [window.minimumSizeHint().width(), window.minimumSizeHint().height()]
sizes["screen"] = [app.primaryScreen().availableGeometry().width(), app.primaryScreen().availableGeometry().height()]
print(json.dumps(sizes))
window.close()
session.close()
'''


def test_the_window_fits_a_1600_by_1000_screen_whatever_it_shows(tmp_path):
    """The first window was 2,304 px wide on a 1,600 × 1,000 screen, and selecting a ship with a long name grew
    it: now it opens inside the screen's available area, a geometry saved on a larger screen is brought inside
    it, and no long name or message in the panels or the status bar widens it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from app.demo_fleet import seed_history
    from app.fleet_index import open_index
    from domain.events import NewEvent
    from domain.events.ships import ShipDetailsChanged
    from domain.time import parse_instant
    from store import open_store

    store_path = tmp_path / "fleet.sqlite"
    end = parse_instant("2026-02-01T06:00:00Z")
    store = open_store(store_path)
    try:
        seed_history(store, ships=50, hours=0.25, seed=3, end=end)
        mmsi = int(open_index(store).ships_at(end)[0].mmsi)
        long_name = ("MV EXTRAORDINARILY LONG NAMED BULK CARRIER OF THE NORTHERN SEAS AND THE MEDITERRANEAN "
                     "TRADE ROUTES NO 7")
        store.append_batch([NewEvent(ShipDetailsChanged(
            mmsi=mmsi, occurred_at=end, name=long_name,
            destination="ROTTERDAM VIA KIEL CANAL THEN GDANSK AND ST PETERSBURG AND BACK AGAIN VIA THE SOUND"),
            recorded_at=end)])
    finally:
        store.close()
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "desk", "x": 0, "y": 0, "width": 1600, "height": 1000,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    root = Path(__file__).resolve().parents[2]
    for case in ("fresh", "oversize"):
        done = subprocess.run([sys.executable, "-c", _FIT_SCRIPT, str(store_path), str(tmp_path / f"{case}.ini"),
                               str(mmsi), case], capture_output=True, text=True, timeout=120, cwd=root,
                              env={**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"})
        assert done.returncode == 0, done.stderr
        sizes = json.loads(done.stdout.strip().splitlines()[-1])
        assert sizes["screen"] == [1600, 1000]
        for moment in ("first", "selected", "minimum"):
            width, height = sizes[moment]
            assert width <= 1600 and height <= 1000, f"{case}: {moment} {width}×{height}"
        assert sizes["selected"] == sizes["first"], f"{case}: selecting a ship resized the window"


def test_a_long_text_is_elided_to_the_room_it_has_and_kept_whole(qtbot):
    from ui.eliding_label import ElidingLabel

    label = ElidingLabel()
    qtbot.addWidget(label)
    name = "Selected: " + "MV <b>EXTRAORDINARILY</b> LONG NAMED BULK CARRIER " * 4
    label.setText(name)
    label.resize(200, label.sizeHint().height())
    label.show()
    assert label.minimumSizeHint().width() < 100 < label.sizeHint().width()
    from PySide6.QtWidgets import QLabel

    shown = QLabel.text(label)  # what is drawn
    assert shown.endswith("…") and name.startswith(shown[:-1])
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.text() == name  # the whole text, for whoever asks
    assert label.textFormat() == Qt.TextFormat.PlainText
    label.resize(label.sizeHint())
    assert QLabel.text(label) == name  # room for all of it: all of it is shown
    label.clear()
    assert label.text() == ""
