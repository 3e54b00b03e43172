"""The control-room look: a dark, low-glare palette for the whole window and the map's colours.

Colours are chosen for long shifts in a dim room: dark sea, muted land, and saturated colours kept for
ships and the selection so they are what the eye finds first.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Map
SEA = "#0b1722"
LAND = "#2c3431"
LAND_EDGE = "#52605a"
GRATICULE = (140, 170, 200, 38)
MAP_TEXT = "#8fa0b0"
SELECTION = "#ffe14d"
TRAIL = "#8fb8dc"
DENSITY = "#2e5677"

# Window
WINDOW = "#161b21"
BASE = "#10151a"
ALTERNATE_BASE = "#151b22"
PANEL = "#1d242c"
TEXT = "#d2dae2"
DIM_TEXT = "#7d8a96"
HIGHLIGHT = "#2f5d86"
ACCENT = "#4fa3e0"
BORDER = "#2c3742"
GOOD = "#7fd18b"
ALERT = "#f2b138"

_STYLE_SHEET = f"""
QMainWindow::separator {{ background: {PANEL}; width: 3px; height: 3px; }}
QDockWidget {{ color: {TEXT}; }}
QDockWidget::title {{ background: {PANEL}; padding: 4px 8px; }}
QStatusBar {{ background: {PANEL}; color: {DIM_TEXT}; }}
QStatusBar QLabel {{ color: {TEXT}; padding: 0 8px; }}
QToolBar {{ background: {PANEL}; border: none; spacing: 4px; }}
QHeaderView::section {{ background: {PANEL}; color: {DIM_TEXT}; border: none;
                        border-right: 1px solid {WINDOW}; padding: 3px 6px; }}
QTableView {{ gridline-color: {PANEL}; selection-background-color: {HIGHLIGHT}; }}
QLineEdit {{ background: {BASE}; border: 1px solid {PANEL}; border-radius: 3px; padding: 3px 6px; }}
QLineEdit:focus {{ border-color: {ACCENT}; }}
#timelineBar {{ background: {PANEL}; }}
#momentLabel {{ color: {TEXT}; font-family: monospace; font-size: 12pt; font-weight: 600; }}
QSlider::groove:horizontal {{ height: 6px; background: {BASE}; border-radius: 3px; }}
QSlider::sub-page:horizontal {{ background: {HIGHLIGHT}; border-radius: 3px; }}
QSlider::handle:horizontal {{ background: {ACCENT}; width: 12px; margin: -6px 0; border-radius: 6px; }}
QToolButton {{ border: 1px solid transparent; border-radius: 3px; padding: 2px 5px; }}
QToolButton:hover {{ background: {BASE}; border-color: {BORDER}; }}
QToolButton:checked, QPushButton:checked {{ background: {HIGHLIGHT}; }}
QMenuBar {{ background: {PANEL}; color: {TEXT}; border-bottom: 1px solid {WINDOW}; }}
QMenuBar::item {{ padding: 4px 10px; background: transparent; }}
QMenuBar::item:selected, QMenuBar::item:pressed {{ background: {HIGHLIGHT}; }}
QMenu {{ background: {PANEL}; color: {TEXT}; border: 1px solid {BORDER}; padding: 4px 0; }}
QMenu::item {{ padding: 5px 28px 5px 26px; }}
QMenu::item:selected {{ background: {HIGHLIGHT}; color: #ffffff; }}
QMenu::item:disabled {{ color: {DIM_TEXT}; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 10px; }}
QToolTip {{ background: #232c36; color: {TEXT}; border: 1px solid {BORDER}; padding: 4px 6px; }}
QDockWidget::title {{ text-align: left; }}
QComboBox, QDateTimeEdit {{ background: {BASE}; color: {TEXT}; border: 1px solid {BORDER}; border-radius: 3px;
                            padding: 2px 6px; }}
QComboBox:focus, QDateTimeEdit:focus {{ border-color: {ACCENT}; }}
QComboBox QAbstractItemView {{ background: {PANEL}; color: {TEXT}; selection-background-color: {HIGHLIGHT}; }}
#jumpEdit {{ font-family: monospace; }}
#statusMomentLabel {{ font-family: monospace; color: {TEXT}; }}
#dimLabel {{ color: {DIM_TEXT}; }}
#feedLabel, #integrityLabel {{ color: {GOOD}; }}
#alertNotice {{ color: #10151a; background: {ALERT}; border-radius: 3px; font-weight: bold; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 12px; height: 12px; background: {BASE};
                                                border: 1px solid {DIM_TEXT}; }}
QCheckBox::indicator {{ border-radius: 2px; }}
QRadioButton::indicator {{ border-radius: 7px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QRadioButton::indicator:checked {{ background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
                                   stop: 0 {ACCENT}, stop: 0.55 {ACCENT}, stop: 0.62 {BASE}, stop: 1 {BASE}); }}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: {BORDER}; }}
QCheckBox::indicator:checked:disabled, QRadioButton::indicator:checked:disabled {{ background: {BORDER}; }}
QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border-color: {TEXT}; }}
"""


def dark_palette() -> QPalette:
    """The window palette: dark surfaces, light text, a blue selection."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW, QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE, QPalette.ColorRole.AlternateBase: ALTERNATE_BASE,
        QPalette.ColorRole.ToolTipBase: PANEL, QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: DIM_TEXT, QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: PANEL, QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.BrightText: "#ff6b6b", QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Highlight: HIGHLIGHT, QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DIM_TEXT))
    return palette


def apply_theme(app: QApplication) -> None:
    """Give the whole application the control-room look (Fusion style, dark palette, a few rules)."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(_STYLE_SHEET)
