"""The window's menus and their keys: File, View, Zones, Go, Help.

Every shortcut lives here, in one table an operator could read. The items call the ``ConsoleCommands``
and the ``ConsoleState``; the ticked trail length, time zone and speed unit follow the state's signals. Keys without a modifier (Space, ←, →,
Home, End, F) are window shortcuts: Qt offers them first to the widget with focus, and the filter box
and the jump-to-time box take them as typing (they accept the shortcut-override event), so they never
play, step or jump while the operator types.
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from domain.time import MICROS_PER_MINUTE
from app.console import Console
from ui.console_commands import ConsoleCommands, can_import, can_report, import_tip
from ui.console_state import TRAIL_CHOICES, ConsoleState
from ui.formatting import KMH, KNOTS, LOCAL, UTC
from ui.map.map_view import MapView
from ui.timeline import TimelineBar


def _action(window: QMainWindow, text: str, shortcut: str | None = None, slot=None, tip: str | None = None,
            *, checkable: bool = False) -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    action.setCheckable(checkable)
    if slot is not None:
        action.triggered.connect(slot)
    return action


def _with_key(action: QAction, shortcut: str) -> QAction:
    action.setShortcut(QKeySequence(shortcut))
    tip = action.toolTip().split(" (")[0]
    action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
    return action


class ConsoleMenus:
    """Builds the menu bar of a main window and keeps its actions by name."""

    def __init__(self, window: QMainWindow, state: ConsoleState, commands: ConsoleCommands, map_view: MapView,
                 timeline: TimelineBar):
        self.window, self.state, self.commands = window, state, commands
        self.map_view, self.timeline = map_view, timeline
        bar = window.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.view_menu = bar.addMenu("&View")
        self.zones_menu = bar.addMenu("&Zones")  # filled by ui.zone_console
        self.go_menu = bar.addMenu("&Go")
        self.help_menu = bar.addMenu("&Help")
        for menu in (self.file_menu, self.view_menu, self.zones_menu, self.go_menu, self.help_menu):
            menu.setToolTipsVisible(True)
        self._build_file()
        self._build_view()
        self._build_go()
        self._build_help()
        self.show_choices(state.trail_minutes, state.time_zone, state.speed_unit)
        state.trailMinutesChanged.connect(self._tick_trail)
        state.timeZoneChanged.connect(lambda zone: self.zone_actions[zone].setChecked(True))
        state.speedUnitChanged.connect(lambda unit: self.unit_actions[unit].setChecked(True))

    # --- File -------------------------------------------------------------------------------------------------

    def _build_file(self) -> None:
        w, do = self.window, self.commands
        self.open_store = _action(w, "&Open store…", "Ctrl+O", do.choose_store, "Open another event store")
        self.open_shared_store = _action(w, "Open s&hared store…", "Ctrl+Shift+O", do.choose_shared_store,
                                         "Open a shared PostgreSQL store by its postgresql:// URL")
        self.import_files = _action(w, "&Import AIS files…", "Ctrl+I", lambda: do.import_files(), import_tip(do.source))
        self.feeds = _action(w, "Live f&eeds…", "Ctrl+Shift+L", do.show_feeds,
                             "Start or stop live AIS receiver feeds (NMEA over UDP or TCP)")
        self.export_report = _action(w, "&Export report…", "Ctrl+E", do.export_report,
                                     "Export an audit report (PDF, CSV or JSON) of a time range")
        self.operator = _action(w, "Operator &name…", slot=do.ask_operator_name,
                                tip="The name your notes, acknowledgements, imports and reports are signed with")
        self.settings = _action(w, "&Settings…", "Ctrl+,", do.show_settings,
                                "Thresholds of the alert rules, the scheduled report and the background jobs")
        self.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit = _action(w, "&Quit", "Ctrl+Q", w.close, "Close the console")
        self.file_menu.addActions([self.open_store, self.open_shared_store, self.import_files, self.feeds,
                                   self.export_report])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.operator, self.settings])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit)

    # --- View -------------------------------------------------------------------------------------------------

    def _build_view(self) -> None:
        w, state = self.window, self.state
        menu = self.view_menu
        self.fit_fleet = self.map_view.fit_fleet_action
        self.world = self.map_view.world_action
        self.legend = self.map_view.legend_action
        self.follow = self.map_view.follow_action
        self.zones = self.map_view.zones_action
        menu.addActions([self.fit_fleet, self.world, self.legend, self.zones, self.follow])
        menu.addSeparator()

        trails_menu = menu.addMenu("&Trails")
        self.trail_group = QActionGroup(w)
        self.trail_actions: dict[int, QAction] = {}
        for minutes, label in TRAIL_CHOICES:
            action = _action(w, label, checkable=True,
                             tip="No trails" if not minutes else f"Draw each ship's last {label} of track")
            action.setData(minutes)
            action.triggered.connect(lambda _=False, m=minutes: state.set_trail_minutes(m))
            self.trail_group.addAction(action)
            trails_menu.addAction(action)
            self.trail_actions[minutes] = action

        time_menu = menu.addMenu("Time &zone")
        self.zone_group = QActionGroup(w)
        self.zone_actions = {
            UTC: _action(w, "&UTC", slot=lambda: state.set_time_zone(UTC), checkable=True,
                         tip="Write every time in UTC, the log's own clock"),
            LOCAL: _action(w, "&Local time", slot=lambda: state.set_time_zone(LOCAL), checkable=True,
                           tip="Write every time in this computer's time zone"),
        }
        for action in self.zone_actions.values():
            self.zone_group.addAction(action)
            time_menu.addAction(action)

        units_menu = menu.addMenu("Speed &units")
        self.unit_group = QActionGroup(w)
        self.unit_actions = {
            KNOTS: _action(w, "&Knots", slot=lambda: state.set_speed_unit(KNOTS), checkable=True),
            KMH: _action(w, "k&m/h", slot=lambda: state.set_speed_unit(KMH), checkable=True),
        }
        for action in self.unit_actions.values():
            self.unit_group.addAction(action)
            units_menu.addAction(action)

        menu.addSeparator()
        self.full_screen = _action(w, "&Full screen", "F11", checkable=True, tip="Fill the whole screen")
        self.full_screen.toggled.connect(lambda on: w.showFullScreen() if on else w.showNormal())
        menu.addAction(self.full_screen)
        menu.addSeparator()
        self.panels_menu: QMenu = menu.addMenu("&Panels")

    # --- Zones (the actions are ui.zone_console's) ----------------------------------------------------------

    def build_zones(self, zones) -> None:
        """Fill the Zones menu with a ``ZoneConsole``'s actions and give drawing its key."""
        _with_key(zones.draw_action, "Ctrl+D")
        self.zones_menu.addActions([zones.show_action, zones.draw_action, zones.edit_action, zones.outline_action,
                                    zones.remove_action])
        self.zones_menu.addSeparator()
        self.zones_menu.addActions([zones.import_action, zones.export_action])
        self.zones_menu.addSeparator()
        self.zones_menu.addAction(zones.dock.toggleViewAction())

    def build_changes(self, mark: QAction, clear: QAction, export_tracks: QAction) -> None:
        """Go › Mark this moment (M) and Clear the mark; File › Export tracks (after Export report)."""
        _with_key(mark, "M")
        self.go_menu.addSeparator()
        self.go_menu.addActions([mark, clear])
        self.window.addAction(mark)
        actions = self.file_menu.actions()
        self.file_menu.insertAction(actions[actions.index(self.export_report) + 1], export_tracks)

    def add_panel(self, toggle: QAction) -> None:
        """Offer a dock's or toolbar's show/hide action under View › Panels."""
        self.panels_menu.addAction(toggle)

    def show_choices(self, trail_minutes: int, zone: str, unit: str) -> None:
        """Tick the menu items matching the current choices."""
        self._tick_trail(trail_minutes)
        self.zone_actions[zone].setChecked(True)
        self.unit_actions[unit].setChecked(True)

    def _tick_trail(self, minutes: int) -> None:
        if minutes in self.trail_actions:
            self.trail_actions[minutes].setChecked(True)

    def use_source(self, source: Console) -> None:
        """Offer import, feeds and report only where the source can do them (and say why not)."""
        self.import_files.setEnabled(can_import(source))
        self.feeds.setEnabled(can_import(source))
        self.export_report.setEnabled(can_report(source))
        self.import_files.setStatusTip(import_tip(source))

    # --- Go -----------------------------------------------------------------------------------------------------

    def _build_go(self) -> None:
        w, timeline, state = self.window, self.timeline, self.state
        self.play_pause = _with_key(timeline.play_action, "Space")
        self.previous = _with_key(timeline.previous_action, "Left")
        self.next = _with_key(timeline.next_action, "Right")
        self.home = _with_key(timeline.home_action, "Home")
        self.end = _with_key(timeline.end_action, "End")
        self.go_menu.addAction(self.play_pause)
        self.go_menu.addSeparator()
        self.go_menu.addActions([self.previous, self.next])
        self.minute_steps = []
        for text, shortcut, minutes in (("Back 10 min", "Ctrl+Shift+Left", -10), ("Back 1 min", "Ctrl+Left", -1),
                                        ("On 1 min", "Ctrl+Right", 1), ("On 10 min", "Ctrl+Shift+Right", 10)):
            action = _action(w, text, shortcut, tip=f"Move the moment {text.lower()}")
            action.triggered.connect(lambda _=False, m=minutes: timeline.step(m * MICROS_PER_MINUTE))
            self.minute_steps.append(action)
        self.go_menu.addActions(self.minute_steps)
        self.go_menu.addSeparator()
        self.go_menu.addActions([self.home, self.end])
        self.jump = _action(w, "&Jump to time…", "Ctrl+G", timeline.focus_jump, "Type a time to go to")
        self.live = _action(w, "&Live", "Ctrl+L", lambda: state.set_live(True), "Follow the newest reports")
        self.go_menu.addActions([self.jump, self.live])
        self.go_menu.addSeparator()
        self.find_ship = _action(w, "&Find ship…", "Ctrl+F", self.commands.find_ship, "Filter the fleet by name, MMSI or callsign")
        self.go_menu.addAction(self.find_ship)
        w.addActions([self.play_pause, self.previous, self.next, self.home, self.end, *self.minute_steps])

    # --- Help ---------------------------------------------------------------------------------------------------

    def _build_help(self) -> None:
        self.about = _action(self.window, "&About Fleet Logbook", slot=self.commands.show_about)
        self.help_menu.addAction(self.about)

    def shortcuts(self) -> dict[str, str]:
        """Every action with a key, as {text: key} (for the tests and a future cheat sheet)."""
        actions = [a for menu in (self.file_menu, self.view_menu, self.zones_menu, self.go_menu, self.help_menu)
                   for a in _all_actions(menu)]
        return {a.text(): a.shortcut().toString() for a in actions if not a.shortcut().isEmpty()}


def _all_actions(menu: QMenu) -> list[QAction]:
    out = []
    for action in menu.actions():
        if action.menu() is not None:
            out += _all_actions(action.menu())
        elif not action.isSeparator():
            out.append(action)
    return out
