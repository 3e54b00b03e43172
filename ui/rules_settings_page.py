"""File › Settings › Rules: every threshold of the alert rules, in the operator's units, and the overrides
per ship type.

The page holds no rules of its own: ``mapping()`` gives what the fields say as a settings file would, and
``settings()`` hands it to ``RuleSettings.from_mapping`` — the domain judges it, and its
``InvalidRuleSettings`` names the key at fault, which ``describe_problem`` turns into the field's label.
Field ranges are the domain's, so the boxes refuse most nonsense as it is typed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea, QTableView,
                               QVBoxLayout, QWidget)

from domain import ais
from domain.events.alerts import PRIORITIES, SEVERITIES
from domain.events.zones import ZONE_KINDS
from domain.rules import InvalidRuleSettings, RuleSettings
from domain.rules.thresholds import ENTRY_ZONE_KINDS, OFF
from ui.settings_fields import DurationBox, MetresField, knots_box, number_box
from ui.ship_type_overrides import COLUMNS as OVERRIDE_COLUMNS
from ui.plain_text import plain_label
from ui.ship_type_overrides import CellError, ShipTypeOverridesModel

DAY = 86_400.0
NO_LIMIT = "no limit"
PRIORITY_FIELDS = (("restricted_zone", "Entering a restricted zone"), ("critical_cpa", "Close quarters, critical"),
                   ("close_quarters", "Close quarters"), ("dark", "Signal lost"), ("speed", "Over a speed limit"),
                   ("position_jump", "Position jump"), ("zone", "Entering another zone"),
                   ("port", "Port arrival or departure"), ("loitering", "Loitering"))


@dataclass
class _Field:
    key: str                      # as the settings file spells it: 'dark.after_s'
    label: str
    widget: Any
    read: Callable[[], Any]
    write: Callable[[Any], None]


class RulesPage(QWidget):
    """The Rules tab."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rulesPage")
        self.fields: dict[str, _Field] = {}
        self._ceilings: dict[str, Any] = {}  # plausibility.speed_kn: per-type ceilings, kept from the file
        self.problem = plain_label(QLabel())  # why the settings file could not be used, when it could not
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)

        speed = self._group("Speed", [
            self._knots("speed.limit_kn", "Limit for every ship", 0.0, ais.SOG_MAX, special=NO_LIMIT),
            self._knots("speed.hysteresis_kn", "Episode ends this far under it", 0.0, 10.0),
            self._duration("speed.grace_s", "… and stays so for", 0.0, DAY),
            self._duration("speed.episode_gap_s", "… or after a silence of", 1.0, 30 * DAY),
            self._knots("plausibility.max_kn", "Position jump: farther than this speed", 1.0, 1_000.0),
            self._metres("plausibility.margin_m", "… would carry it, plus", 0.0, 100_000.0),
        ], note="Zones may set their own limit (speed_limit_kn in their GeoJSON); each ship type has a speed no "
                "ship of it can make (plausibility.speed_kn in rules.toml).")
        dark = self._group("Dark ships", [
            self._duration("dark.after_s", "Signal lost after, under way", 60.0, 30 * DAY),
            self._duration("dark.stationary_after_s", "Signal lost after, stopped", 60.0, 30 * DAY),
            self._knots("dark.stationary_below_kn", "Stopped: slower than", 0.0, ais.SOG_MAX),
            self._duration("dark.history_after_s", "Reports this old when recorded start no watch", 60.0,
                           3_650 * DAY),
        ], note="Moored, at anchor and aground count as stopped.")
        loitering = self._group("Loitering", [
            self._knots("loitering.below_kn", "Slower than", 0.0, ais.SOG_MAX),
            self._duration("loitering.after_s", "For longer than", 60.0, 30 * DAY),
            self._zone_kinds("loitering.exempt_zone_kinds", "Expected inside zones of kind"),
        ])
        zones = self._group("Zone entries", [self._severity(kind) for kind in ENTRY_ZONE_KINDS],
                            note="Ports raise arrivals and departures instead.")
        priorities = self._group("Priorities (IMO MSC.302(87))", [
            *(self._priority(key, label) for key, label in PRIORITY_FIELDS),
            self._duration("priorities.escalate_after_s", "A warning unacknowledged for this becomes an alarm", 0.0,
                           DAY),
        ], note="Cautions clear themselves and are never acknowledged; 0 s never escalates.")
        close = self._group("Close quarters", [
            self._metres("close_quarters.cpa_m", "Alert when the CPA is under", 0.0, 100_000.0),
            self._metres("close_quarters.critical_cpa_m", "Critical when the CPA is under", 0.0, 100_000.0),
            self._duration("close_quarters.horizon_s", "Within (TCPA)", 0.0, DAY / 2),
            self._metres("close_quarters.search_radius_m", "Pairs looked for within", 0.0, 500_000.0),
            self._duration("close_quarters.max_report_age_s", "Ships heard within the last", 0.0, DAY / 2),
            self._knots("close_quarters.min_sog_kn", "One ship at least making", 0.0, ais.SOG_MAX),
            self._factor("close_quarters.release_factor", "Encounter lasts while the CPA is under", 1.0, 10.0),
            self._duration("close_quarters.rearm_s", "… and ends after", 0.0, 30 * DAY),
            self._check("close_quarters.in_ports", "Watch pairs inside port zones too"),
        ])

        self.overrides = ShipTypeOverridesModel(self)
        self.overrides_view = QTableView()
        self.overrides_view.setObjectName("shipTypeOverrides")
        self.overrides_view.setModel(self.overrides)
        self.overrides_view.verticalHeader().setVisible(False)
        self.overrides_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overrides_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.overrides_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                            | QAbstractItemView.EditTrigger.EditKeyPressed
                                            | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.overrides_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(80)
        self.overrides_view.setMinimumHeight(150)
        self.ship_type_choice = QComboBox()
        self.ship_type_choice.addItems(list(ais.SHIP_TYPES))
        add = QPushButton("Add ship type")
        add.clicked.connect(self._add_ship_type)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_ship_type)
        self.restore_button = QPushButton("Restore defaults")
        self.restore_button.setToolTip("Put every threshold back to its default (saved only with Save or Apply)")
        self.restore_button.clicked.connect(lambda: self.show_settings(RuleSettings()))
        table_buttons = QHBoxLayout()
        table_buttons.addWidget(self.ship_type_choice)
        table_buttons.addWidget(add)
        table_buttons.addWidget(self.remove_button)
        table_buttons.addStretch(1)
        table_buttons.addWidget(self.restore_button)
        types_box = QGroupBox("Per ship type (an empty cell keeps the general setting)")
        types_layout = QVBoxLayout(types_box)
        types_layout.addWidget(self.overrides_view)
        hint = QLabel("Pleasure craft and sailing (Class B sets, heard less often) keep 2 h of silence unless "
                      "given another value. Double-click a cell to edit: 40, none, 2 h, 150.")
        hint.setObjectName("dimLabel")
        hint.setWordWrap(True)
        types_layout.addWidget(hint)
        types_layout.addLayout(table_buttons)

        columns = QGridLayout()
        columns.setHorizontalSpacing(12)
        left = QVBoxLayout()
        for group in (speed, dark, loitering):
            left.addWidget(group)
        left.addStretch(1)
        right = QVBoxLayout()
        for group in (close, zones, priorities):
            right.addWidget(group)
        right.addStretch(1)
        columns.addLayout(left, 0, 0)
        columns.addLayout(right, 0, 1)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.problem)
        inner_layout.addLayout(columns)
        inner_layout.addWidget(types_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.show_settings(RuleSettings())

    # --- building ---------------------------------------------------------------------------------------------

    def _group(self, title: str, fields: list[_Field], note: str | None = None) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for field in fields:
            self.fields[field.key] = field
            field.widget.setObjectName(field.key)
            form.addRow(field.label, field.widget)
        if note:
            hint = QLabel(note)
            hint.setObjectName("dimLabel")
            hint.setWordWrap(True)
            form.addRow(hint)
        return box

    def _knots(self, key: str, label: str, low: float, high: float, special: str | None = None) -> _Field:
        box = knots_box(low, high, special=special)
        if special:
            return _Field(key, f"{label} (kn)", box, lambda: "none" if box.value() == box.minimum() else box.value(),
                          lambda v: box.setValue(box.minimum() if v is None else v))
        return _Field(key, f"{label} (kn)", box, box.value, box.setValue)

    def _duration(self, key: str, label: str, low: float, high: float) -> _Field:
        box = DurationBox(low, high)
        return _Field(key, label, box, box.value, box.setValue)

    def _metres(self, key: str, label: str, low: float, high: float) -> _Field:
        field = MetresField(low, high)
        return _Field(key, f"{label} (m)", field, field.value, field.setValue)

    def _factor(self, key: str, label: str, low: float, high: float) -> _Field:
        box = number_box(low, high, decimals=2, step=0.1, suffix=" × CPA")
        return _Field(key, label, box, box.value, box.setValue)

    def _check(self, key: str, label: str) -> _Field:
        box = QCheckBox()
        return _Field(key, label, box, box.isChecked, lambda on: box.setChecked(bool(on)))

    def _zone_kinds(self, key: str, label: str) -> _Field:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        boxes = {kind: QCheckBox(kind) for kind in ZONE_KINDS}
        for box in boxes.values():
            row.addWidget(box)

        def write(kinds) -> None:
            for kind, box in boxes.items():
                box.setChecked(kind in kinds)

        return _Field(key, label, holder, lambda: [k for k, box in boxes.items() if box.isChecked()], write)

    def _priority(self, key: str, label: str) -> _Field:
        combo = QComboBox()
        for priority in PRIORITIES:
            combo.addItem(priority, priority)
        return _Field(f"priorities.{key}", label, combo, combo.currentData,
                      lambda v: combo.setCurrentIndex(max(0, combo.findData(v))))

    def _severity(self, kind: str) -> _Field:
        combo = QComboBox()
        for severity in (*SEVERITIES, OFF):
            combo.addItem("off (no entry or exit events)" if severity == OFF else severity, severity)
        label = {"restricted": "Entering a restricted zone", "anchorage": "Entering an anchorage"}.get(
            kind, f"Entering a {kind} zone")
        return _Field(f"zones.severity.{kind}", label, combo, combo.currentData,
                      lambda v: combo.setCurrentIndex(max(0, combo.findData(v))))

    # --- ship types -------------------------------------------------------------------------------------------

    def _add_ship_type(self) -> None:
        row = self.overrides.add(self.ship_type_choice.currentText())
        index = self.overrides.index(row, 1)
        self.overrides_view.setCurrentIndex(index)
        self.overrides_view.edit(index)

    def _remove_ship_type(self) -> None:
        index = self.overrides_view.currentIndex()
        if index.isValid():
            self.overrides.remove(index.row())

    # --- settings in and out ----------------------------------------------------------------------------------

    def show_settings(self, settings: RuleSettings, problem: str | None = None) -> None:
        """Fill the fields from ``settings``; ``problem`` says why the file's own could not be shown."""
        mapping = settings.to_mapping()
        for key, field in self.fields.items():
            section, name, *rest = key.split(".")
            value = mapping.get(section, {}).get(name)
            if rest:
                value = (value or {}).get(rest[0])
            field.write(value)
        self.overrides.set_overrides(settings.ship_types)
        self._ceilings = mapping["plausibility"]["speed_kn"]  # not edited here: kept as they are
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))

    def mapping(self) -> dict[str, Any]:
        """What the fields say, as the settings file would (raises ``CellError`` for an unreadable cell)."""
        mapping: dict[str, Any] = {}
        for key, field in self.fields.items():
            section, name, *rest = key.split(".")
            table = mapping.setdefault(section, {})
            if rest:
                table.setdefault(name, {})[rest[0]] = field.read()
            else:
                value = field.read()
                if not (key == "speed.limit_kn" and value == "none"):
                    table[name] = value
        mapping["ship_types"] = self.overrides.mapping()
        mapping.setdefault("plausibility", {})["speed_kn"] = dict(self._ceilings)
        return mapping

    def settings(self) -> RuleSettings:
        """The settings the fields make; raises ``InvalidRuleSettings`` (or ``CellError``) naming the key."""
        return RuleSettings.from_mapping(self.mapping())

    def describe_problem(self, error: InvalidRuleSettings | CellError) -> str:
        """The domain's message with the field's label in front, and that field given the focus."""
        key = error.key
        field = self.fields.get(key)
        if field is not None:
            field.widget.setFocus()
            return f"{field.label} ({key}): {error.reason}"
        parts = key.split(".")
        if parts[0] == "ship_types" and len(parts) >= 2:
            title = next((c.title.replace("\n", " ") for c in OVERRIDE_COLUMNS if parts[2:] == [c.section, c.key]),
                         None)
            where = f"{parts[1]}, {title}" if title else parts[1]
            self._select_ship_type(parts[1])
            return f"Per ship type, {where} ({key}): {error.reason}"
        return f"{key}: {error.reason}"

    def _select_ship_type(self, ship_type: str) -> None:
        if ship_type in self.overrides.ship_types():
            self.overrides_view.selectRow(self.overrides.ship_types().index(ship_type))
