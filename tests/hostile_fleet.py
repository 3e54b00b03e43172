"""A real store of ships whose names, callsigns, destinations, zone and notes are hostile text: markup, spreadsheet
formulas and a right-to-left override. The rules are replayed over it, so its alerts name those ships and zone."""
from __future__ import annotations

import json
from pathlib import Path

from app.console import Console
from app.fleet_service import FleetService
from app.rules import replay_rules
from app.zone_desk import add_zones
from domain.events import NewEvent, ShipDetailsChanged
from domain.rules import RuleSettings
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report

RLO_MMSI = 235_000_108
MARKUP_MMSI = 235_000_109
HYPERLINK_MMSI = 235_000_110
COMMAND_MMSI = 235_000_111

RLO_NAME = "SHIP\u202egnp.exe"               # drawn "SHIPexe.png" when the override is obeyed
MARKUP_NAME = "<font color=red>X</font><img src=x>"
HYPERLINK_NAME = '=HYPERLINK("http://x","y")'
COMMAND_NAME = "+cmd|' /C calc'!A0"
NAMES = {RLO_MMSI: RLO_NAME, MARKUP_MMSI: MARKUP_NAME, HYPERLINK_MMSI: HYPERLINK_NAME, COMMAND_MMSI: COMMAND_NAME}

ZONE_NAME = '@SUM(1+1)*cmd|" /C calc"!A0 <b>zone</b>'
DESTINATION = "-2+3+cmd|' /C calc'!A0"
CALLSIGN = "<a href=x>CALL</a>"
NOTE = "=HYPERLINK(\"http://x\",\"note\") <i>\u202eevil</i>"
COMMENT = "@cmd <b>ack</b>"
OPERATOR = "<u>kim</u>"
END = T0 + 60 * MINUTE


def hostile_fleet(folder: Path) -> Path:
    """A store with the four hostile ships sailing east through a restricted zone with a hostile name, each
    report at a negative longitude; the rules' alerts replayed into it; an operator with a hostile name adds a note on the RLO ship and acknowledges
    the alert of the last ship with a hostile comment. Returns the store's path."""
    path = folder / "hostile.sqlite"
    zone_file = folder / "zone.geojson"
    zone_file.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": ZONE_NAME, "kind": "restricted"},
         "geometry": {"type": "Polygon", "coordinates": [[[-1.2, 50.7], [-1.1, 50.7], [-1.1, 50.8],
                                                          [-1.2, 50.8], [-1.2, 50.7]]]}}]}), encoding="utf-8")
    with open_store(path) as store:
        add_zones(store, zone_file, operator="kim")
        events = []
        for offset, (mmsi, name) in enumerate(NAMES.items()):
            events.append(registered(mmsi, offset * 0.1, name))
            events.append(NewEvent(ShipDetailsChanged(mmsi=mmsi, occurred_at=T0 + round(offset * 0.1 * MINUTE) + 1,
                                                      callsign=CALLSIGN, destination=DESTINATION),
                                   recorded_at=T0 + 1, metadata={"source": "test"}))
            lat = 50.72 + 0.015 * offset
            for minute in range(0, 60, 2):
                events.append(report(mmsi, minute + offset * 0.1, lat=lat, lon=-1.3 + 0.005 * minute, sog=6.0,
                                     cog=90.0))
        store.append_batch(events)
        replay_rules(store, RuleSettings(), clock=lambda: END)
        console = Console.over(FleetService.open(store), operator=OPERATOR)
        console.logbook.add_note(NOTE, mmsi=RLO_MMSI)
        entered = [alert for alert in console.alerts.alerts_at(END)
                   if alert.mmsi == COMMAND_MMSI and alert.type == "ZoneEntered"]
        console.alerts.acknowledge(entered[0].alert_id, comment=COMMENT)
    return path
