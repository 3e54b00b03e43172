"""Launching the console for a screenshot, and the settings store."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray
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
