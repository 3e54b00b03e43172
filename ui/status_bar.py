"""The status bar: which store, how much is in it, the live feed and chain integrity, the selection, the most
urgent active alert, how many ships are shown, and the moment with its mode (live, replay, playing, as known
then).

The store's description and head are set only when news of events arrives (``describe`` may count rows);
scrubbing updates only the cheap parts (ships shown, moment, selection).
"""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from domain.alert_board import ACTIVE_UNACKNOWLEDGED, AlertView
from domain.display_text import visible
from ui import theme
from ui.alerts_model import PRIORITY_COLOURS, PRIORITY_NAMES, alert_type_name
from ui.eliding_label import ElidingLabel
from ui.formatting import UTC, format_moment
from ui.plain_text import plain_label, text_tooltip


ALERT_NOTICE_MS = 20_000
SELECTION_MIN_WIDTH = 180  # px: the selected ship's name keeps this much before the others elide
URGENT_SHARE = 0.4  # the most urgent alert takes at most this much of the bar: the store and newest report stay legible


class ConsoleStatusBar(QStatusBar):
    """Labels for the store, feed, integrity, selection, ships shown and the moment."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.source_label = ElidingLabel()  # long texts are elided: the window never grows wider than the screen
        self.source_label.setObjectName("sourceLabel")
        self.head_label = ElidingLabel()
        self.head_label.setObjectName("dimLabel")
        self.feed_label = ElidingLabel()
        self.feed_label.setObjectName("feedLabel")
        self.integrity_label = ElidingLabel()
        self.integrity_label.setObjectName("integrityLabel")
        self.shared_label = ElidingLabel()  # a shared store: its server and database, who else watches
        self.shared_label.setObjectName("sharedLabel")
        self.selection_label = ElidingLabel()
        self.ships_label = QLabel()
        self.alert_label = ElidingLabel()
        self.alert_label.setObjectName("alertNotice")
        self.alert_label.setVisible(False)
        self._alert_timer = QTimer(self)
        self._alert_timer.setSingleShot(True)
        self._alert_timer.timeout.connect(lambda: self.alert_label.setVisible(False))
        self.urgent_label = ElidingLabel()  # the most urgent active alert: elided, never wider than the window
        self.urgent_label.setObjectName("urgentAlert")
        self.urgent_label.setVisible(False)
        self.operator_label = ElidingLabel()
        self.operator_label.setObjectName("dimLabel")
        self.moment_label = QLabel()
        self.moment_label.setObjectName("statusMomentLabel")
        self.addWidget(self.source_label)
        self.addWidget(self.head_label)
        self.addWidget(self.feed_label)
        self.addWidget(self.integrity_label)
        self.addWidget(self.shared_label)
        self.addWidget(self.selection_label, 1)
        # the selection takes the room the others leave (a long name is elided first, not the store or the time)
        self.selection_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.addPermanentWidget(self.urgent_label)
        self.addPermanentWidget(self.alert_label)
        self.addPermanentWidget(self.operator_label)
        self.addPermanentWidget(self.ships_label)
        self.addPermanentWidget(self.moment_label)
        for label in (self.feed_label, self.integrity_label, self.shared_label):
            label.setVisible(False)
        for label in self.findChildren(QLabel):  # names, paths and feeds from outside: never markup
            plain_label(label)
        self._head: int | None = None
        self._zone = UTC

    def set_store(self, description: str, time_range: tuple[int, int] | None) -> None:
        """The store's one-line description and the time of its newest report."""
        self.source_label.setText(visible(description))
        self.source_label.setToolTip(text_tooltip(visible(description)))
        self._head = None if time_range is None else time_range[1]
        self._write_head()

    def set_time_zone(self, zone: str) -> None:
        self._zone = zone
        self._write_head()

    def set_feed_state(self, text: str, warning: bool = False) -> None:
        """The live feed's state and rate, e.g. 'demo fleet · 26 ev/s' (empty: hidden); with ``warning``, a
        job's failure ('scheduled report failed 06:00 UTC: … — see …/jobs.log'), in the warning colour."""
        self.feed_label.setText(visible(text))
        self.feed_label.setToolTip(text_tooltip(visible(text)) if warning else "")
        self.feed_label.setStyleSheet(f"color: {theme.ALERT};" if warning else "")
        self.feed_label.setVisible(bool(text))

    def notify_alerts(self, summaries: list[str], shown_ms: int = ALERT_NOTICE_MS) -> None:
        """A new live alert, visible but silent: its summary (or how many arrived) in a highlighted label
        for ``shown_ms``; the alerts dock holds them all."""
        if not summaries:
            return
        latest = visible(summaries[-1])
        text = latest if len(summaries) == 1 else f"{len(summaries)} new alerts — latest: {latest}"
        self.alert_label.setText(f"⚠ {text}")
        self.alert_label.setToolTip(text_tooltip("\n".join(visible(summary) for summary in summaries[-20:])))
        self.alert_label.setVisible(True)
        self._alert_timer.start(shown_ms)

    def resizeEvent(self, event) -> None:
        self.urgent_label.setMaximumWidth(max(1, int(self.width() * URGENT_SHARE)))
        super().resizeEvent(event)

    def set_urgent_alert(self, board: list[AlertView], fleet: object = None) -> AlertView | None:
        """Name the most urgent active alarm or warning of the moment shown (none: hidden); returns it."""
        alert = most_urgent(board)
        if alert is None:
            self.urgent_label.setVisible(False)
            self.urgent_label.setText("")
            return None
        others = sum(1 for a in board if a.is_active and a.priority != "caution") - 1
        more = f" (+{others:,} more)" if others > 0 else ""
        text = (f"⚠ {PRIORITY_NAMES.get(alert.priority, alert.priority)} · {alert_type_name(alert.type)}: "
                f"{visible(alert.summary)}{more}")
        self.urgent_label.setText(text)
        self.urgent_label.setToolTip(text_tooltip(text))
        self.urgent_label.setStyleSheet(f"color: {PRIORITY_COLOURS.get(alert.priority, theme.ALERT)};")
        self.urgent_label.setVisible(True)
        return alert

    def set_operator(self, name: str, read_only: bool = False) -> None:
        """Who signs what the console appends, or that nothing can be appended (auditor mode)."""
        if read_only:
            self.operator_label.setText("read-only (auditor mode)")
            self.operator_label.setToolTip("The store is open read-only: notes, acknowledgements, imports and "
                                           "feeds are disabled; reports are made but not logged")
        else:
            self.operator_label.setText(f"operator {visible(name)}" if name else "")
            self.operator_label.setToolTip("Change with File › Operator name")

    def set_shared(self, text: str, warning: bool = False) -> None:
        """A shared store's server and database and the operators also watching it (empty: hidden); with
        ``warning``, that its server is lost, in the warning colour."""
        self.shared_label.setText(visible(text))
        self.shared_label.setToolTip(text_tooltip(visible(text)))
        self.shared_label.setStyleSheet(f"color: {theme.ALERT};" if warning else "")
        self.shared_label.setVisible(bool(text))

    def set_integrity(self, text: str) -> None:
        """The hash chain's state, e.g. 'chain verified ✓' (empty: hidden)."""
        self.integrity_label.setText(text)
        self.integrity_label.setVisible(bool(text))

    def set_view(self, ships: int, moment: int | None, mode: str, selection: str) -> None:
        """What the map shows: how many ships, at which moment, in which mode; and the selected ship."""
        self.ships_label.setText(f"{ships:,} ships shown")
        self.moment_label.setText("no reports yet" if moment is None else f"{format_moment(moment, self._zone)} · {mode}")
        self.selection_label.setText(selection)
        self.selection_label.setMinimumWidth(SELECTION_MIN_WIDTH if selection else 0)  # no ship: no room kept

    def _write_head(self) -> None:
        self.head_label.setText("" if self._head is None else f"newest report {format_moment(self._head, self._zone)}")


def most_urgent(board: list[AlertView]) -> AlertView | None:
    """The active alarm or warning that needs the watch most: highest priority, unacknowledged before the
    rest, then the newest."""
    active = [alert for alert in board if alert.is_active and alert.priority != "caution"]
    if not active:
        return None
    return min(active, key=lambda a: (a.urgency, a.state != ACTIVE_UNACKNOWLEDGED, -a.raised_at))
