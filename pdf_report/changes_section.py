"""The report's "Changes between T1 and T2": the fleet at the range's start compared with the fleet at its
end (``app.audit_report.AuditReport.changes``) — counts, then a row per ship that changed and per zone.

Ships are listed by distance moved, farthest first, so the ones an auditor asks about come first; a ship's
name is shown with hidden characters made visible, as everywhere in the report.
"""
from __future__ import annotations

from app.audit_report import AuditReport
from app.fleet_diff import change_phrases
from domain.display_text import visible
from pdf_report.layout import MUTED, Column, PageWriter
from pdf_report.text import count, moment, moment_short

SHIPS_LISTED = 400  # rows of ships drawn (the farthest moved first); all are in the JSON report


def draw_changes(page: PageWriter, report: AuditReport) -> None:
    diff = report.changes
    if diff is None:
        return
    page.heading(f"Changes between {moment(diff.before.at)} and {moment(diff.after.at)}", level=2)
    counts = diff.counts
    page.figures([(count(counts.get("moved", 0)), "ships moved"), (count(counts.get("appeared", 0)), "appeared"),
                  (count(counts.get("nav_status", 0)), "changed status"),
                  (count(counts.get("destination", 0) + counts.get("particulars", 0)), "changed destination or "
                                                                                        "particulars"),
                  (count(counts.get("alerts", 0)), "alert changes")])
    if not diff.ships and not diff.zones:
        page.paragraph("Nothing changed between the start and the end of the range.", colour=MUTED)
        return
    ships = sorted(diff.ships, key=lambda ship: (-ship.distance_m, ship.mmsi))
    rows = [(visible(ship.name) or "(no name)", str(ship.mmsi), "; ".join(change_phrases(ship)),
             f"{ship.distance_m / 1852:,.2f}" if ship.moved else "")
            for ship in ships[:SHIPS_LISTED]]
    rows += [(visible(zone.name), "zone", f"{zone.change} ({zone.kind})", "") for zone in diff.zones]
    page.table([Column("Ship or zone", 1.6), Column("MMSI", 1.0, wrap=False), Column("What changed", 3.4),
                Column("Moved (nm)", 0.9, right=True, wrap=False)], rows)
    if len(ships) > SHIPS_LISTED:
        page.paragraph(f"The {count(SHIPS_LISTED)} ships that moved farthest are listed; all "
                       f"{count(len(ships))} are in the JSON report.", page.fonts.small, MUTED)
    page.paragraph(f"Each ship as the log had it at {moment_short(diff.before.at)} and at "
                   f"{moment_short(diff.after.at)} (UTC): its last position, status, destination, name, callsign "
                   "and type; alerts by their state on the board at each end.", page.fonts.small, MUTED)
