"""Launching the console for a screenshot, and the settings store."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QImage

from tests.ui.fixtures_fleet import InMemoryFleetSource, channel_fleet
from ui.gui import launch
from ui.settings import WINDOW_GEOMETRY, WINDOW_STATE, UiSettings


class _Session:
    """A console session over an in-memory source (the real one is app.ConsoleSession)."""

    read_only = False

    def __init__(self, source):
        self.source, self.closed = source, False

    def load(self, progress=None, cancelled=lambda: False):
        return self.source

    def close(self):
        self.closed = True


def test_a_screenshot_is_a_png_of_the_whole_window(qapp, tmp_path):
    source = InMemoryFleetSource(channel_fleet(), name="channel.sqlite")
    session = _Session(source)
    path = tmp_path / "shots" / "console.png"
    assert launch(session, screenshot=path, ship=int(source.state_at(source.time_range()[1]).mmsi[0])) == 0
    assert path.stat().st_size > 10_000
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1600, 1000)
    assert source.subscriber_count == 0  # the window let go of the source
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

    session, service = _open_session(tmp_path / "new.sqlite")
    window = MainWindow(service)
    qtbot.addWidget(window)
    try:
        window.resize(1200, 800)
        window.show()
        notice = window.empty_notice
        assert notice.isVisible() and notice.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        text = notice.text()
        assert "Import AIS files" in text and "Live feeds" in text and "simulate --db" in text
        assert window.map_view.rect().contains(notice.geometry())  # over the map, not a dialog in the way
        seed_history(service.store, ships=50, hours=0.1, seed=2, end=parse_instant("2026-02-01T06:00:00Z"),
                     append=service.append)
        qtbot.waitUntil(lambda: not notice.isVisible(), timeout=5_000)  # the first reports make it go
    finally:
        window.close()
        session.close()


def test_a_read_only_empty_store_says_only_that_it_is_empty(qtbot, tmp_path):
    from store import open_store
    from ui.main_window import MainWindow

    open_store(tmp_path / "empty.sqlite").close()
    session, service = _open_session(tmp_path / "empty.sqlite", read_only=True)
    window = MainWindow(service)
    qtbot.addWidget(window)
    try:
        window.show()
        assert window.empty_notice.isVisible() and "read-only" in window.empty_notice.text()
        assert "Import" not in window.empty_notice.text()
    finally:
        window.close()
        session.close()


def test_a_store_still_opening_is_not_called_empty(qtbot):
    from ui.empty_source import EmptyFleetSource
    from ui.main_window import MainWindow

    window = MainWindow(EmptyFleetSource())
    qtbot.addWidget(window)
    window.show()
    assert not window.empty_notice.isVisible()
    window.close()
