"""Starting the console: ``launch(source)`` shows the main window and runs Qt, or saves a screenshot.

The composition root (``main.py``) builds the ``ConsoleSession`` and calls ``launch``; nothing Qt exists
before that call.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ui.console_session import ConsoleSession
from ui.qt_requirements import has_display

SCREENSHOT_SIZE = (1600, 1000)


class ScreenshotFailed(RuntimeError):
    """The window could not be saved as an image at the given path."""


def launch(session: ConsoleSession, *, at: int | None = None, screenshot: Path | None = None,
           ship: int | None = None, panel: str | None = None, mark: int | None = None,
           view: tuple[float, float, float, float] | None = None) -> int:
    """Open the console on ``session`` at ``at`` (default: the head of the log, following it live).

    The window appears at once and the store opens on a worker thread behind a progress dialog. With
    ``screenshot``, the store is opened first, the window rendered at 1600×1000 to that PNG (offscreen
    when there is no display) and 0 returned without entering the event loop. ``ship`` selects a ship;
    ``panel`` ("detail", "events", "alerts", "zones", "changes") brings that dock to the front; ``mark``
    marks that moment, so the Changes dock and the map show what changed from it to ``at``; ``view`` (west,
    south, east, north in degrees) is the part of the map shown.
    """
    if screenshot is not None and not has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.console_controller import ConsoleController
    from ui.empty_source import empty_console
    from ui.main_window import MainWindow
    from ui.settings import APPLICATION, ORGANISATION, UiSettings
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "fleet-logbook"])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    apply_theme(app)

    if screenshot is not None:
        source = session.load()
        window = MainWindow(source, at)  # no saved layout: a screenshot looks the same on every machine
        try:
            _arrange(window, ship, panel, mark, view)
            if window.docks.event_log is not None:  # its page is sought on a worker: the picture shows it
                window.docks.event_log.model.wait_for_page()
            save_screenshot(window, Path(screenshot))
        finally:
            window.close()
            window.deleteLater()
            session.close()
        return 0

    window = MainWindow(empty_console(), settings=UiSettings.for_user())
    controller = ConsoleController(window)
    window.fit_to_screen()
    window.show()
    QTimer.singleShot(0, window.fit_to_screen)  # again with the window manager's frame
    controller.open(session, at, then=lambda: _arrange(window, ship, panel, mark, view))
    _quit_on_interrupt(app)
    try:
        return app.exec()
    finally:
        controller.close()


def _arrange(window, ship: int | None, panel: str | None, mark: int | None = None,
             view: tuple[float, float, float, float] | None = None) -> None:
    if view is not None:
        from chart.projection import GeoBox

        window.map_view.show_box(GeoBox(*view))
    if ship is not None:
        window.state.select_ship(ship)
    if mark is not None:
        window.changes.mark_moment(mark, wait=True)
    if panel == "events":
        if ship is not None:
            window.docks.event_log.show_ship_history(ship)
        window.docks.event_log_dock.raise_()
    elif panel == "detail":
        window.docks.detail_dock.raise_()
    elif panel == "alerts":
        window.docks.alerts_dock.raise_()
    elif panel == "zones":
        window.zone_console.dock.raise_()
    elif panel == "changes":
        window.changes.dock.raise_()


def _quit_on_interrupt(app) -> None:
    """Ctrl+C in the terminal closes the window cleanly (Qt's loop alone would never let Python see it)."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)  # wakes the interpreter so it can run signal handlers
    ticker.start(250)


def save_screenshot(window, path: Path, size: tuple[int, int] = SCREENSHOT_SIZE) -> None:
    """Lay the window out at ``size``, let it paint once, and save it as a PNG."""
    from PySide6.QtWidgets import QApplication

    window.resize(*size)
    window.show()
    QApplication.processEvents()
    window.map_view.update_land()  # the debounced land redraw, now
    QApplication.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise ScreenshotFailed(f"could not write a PNG to {path}")
