"""The console's window fits the screen it is on: its first size, a size restored from last time, and the
least width its panels may ask for.

On a 1,600 × 1,000 screen the window once opened 2,300 px wide (its panels' preferred widths added up) and
grew wider when a ship with a long name was selected (labels asked for their whole text as their minimum).
Here the first size is a share of the screen's available area, a restored geometry is brought back inside
it, and each dock's content may shrink to ``DOCK_MIN_WIDTH`` (what does not fit is cut or elided, never the
screen's edge pushed).
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

FIRST_SHARE = 0.92             # of the available area, for a window opened for the first time
LARGEST_FIRST = QSize(1600, 1000)
DOCK_MIN_WIDTH = 240            # px: a dock's content may shrink this far, whatever it shows


def available_area(window: QWidget) -> QRect:
    """The screen area free of panels and docks of the desktop, on the window's screen (else the primary)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def first_geometry(area: QRect) -> QRect:
    """Where a window opened for the first time goes: centred in ``area``, a good share of it, not huge."""
    width = min(LARGEST_FIRST.width(), round(area.width() * FIRST_SHARE))
    height = min(LARGEST_FIRST.height(), round(area.height() * FIRST_SHARE))
    return QRect(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height)


def inside(geometry: QRect, area: QRect) -> QRect:
    """``geometry`` made no larger than ``area`` and moved into it (a window restored from another screen)."""
    width, height = min(geometry.width(), area.width()), min(geometry.height(), area.height())
    x = min(max(geometry.x(), area.x()), area.x() + area.width() - width)
    y = min(max(geometry.y(), area.y()), area.y() + area.height() - height)
    return QRect(x, y, width, height)


def fit_to_screen(window: QMainWindow, restored: bool) -> None:
    """Size a window about to be shown: a first size when nothing was ``restored``, else the restored one
    brought inside the screen's available area (a frame drawn by the window manager is allowed for)."""
    if window.isMaximized() or window.isFullScreen():
        return  # the window system sizes those to the screen
    area = available_area(window)
    frame = window.frameGeometry().size() - window.geometry().size() if window.isVisible() else QSize(0, 0)
    room = QRect(area.x(), area.y(), area.width() - frame.width(), area.height() - frame.height())
    window.setGeometry(inside(window.geometry(), room) if restored else first_geometry(room))


def let_docks_shrink(window: QMainWindow, width: int = DOCK_MIN_WIDTH) -> None:
    """Let each dock's content be as narrow as ``width``: a long name in a panel no longer sets the least
    width of the whole window (the content is cut at the dock's edge instead, and the dock can be widened)."""
    for dock in window.findChildren(QDockWidget):
        content = dock.widget()
        if content is not None and content.minimumWidth() != width:
            content.setMinimumWidth(width)
