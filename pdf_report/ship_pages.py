"""One ship's pages in a printed report: who it is, what it did in the range, its speed over the range, its
changes of navigational status and its track, each reduced print saying so when it is decimated."""
from __future__ import annotations

from PySide6.QtCore import QRectF

from app.audit_report import ShipSection, TrackSample
from domain.display_text import visible
from domain.notation import (format_course, format_latitude, format_longitude, format_speed, nav_status_text,
                             ship_with_mmsi)
from pdf_report.layout import MUTED, NAVY, Column, PageWriter, mm, pt
from pdf_report.speed_plot import draw_speed_plot
from pdf_report.text import (DASH, count, dimensions, hours_minutes, metres, moment, moment_short, or_dash)
from pdf_report.track_map import print_colour, ship_group

STATES = ("under way", "at anchor", "moored", "other", "no reports")


def where_every_report_is(listed: bool) -> str:
    """Where a reader finds the reports a reduced table or plot leaves out."""
    return ("Every report is in the event listing (appendix A)." if listed else
            "Every report is in the log (this report leaves out the event listing).")


def decimation_text(sample: TrackSample, verb: str, listed: bool = True) -> str:
    """'60 of 3,412 reports shown, evenly spaced in time …' or 'All 45 reports shown.'"""
    if sample.decimated:
        return (f"Decimated: {count(len(sample.occurred))} of {count(sample.total)} reports {verb}, evenly spaced in "
                f"time (the first and last included). {where_every_report_is(listed)}")
    if sample.total == 0:
        return "No position reports in the range."
    return f"All {count(sample.total)} reports {verb}."


def static_rows(ship: ShipSection) -> list[tuple[str, str]]:
    return [("Name", or_dash(visible(ship.name) or None)), ("MMSI", str(ship.mmsi)), ("IMO", or_dash(ship.imo)),
            ("Call sign", or_dash(visible(ship.callsign) or None)), ("Type", or_dash(visible(ship.ship_type) or None)),
            ("Dimensions", dimensions(ship)), ("Destination", or_dash(visible(ship.destination) or None)),
            ("Draught", metres(ship.draught)), ("ETA", moment(ship.eta))]


def activity_rows(ship: ShipSection) -> list[tuple[str, str]]:
    states = ship.seconds_by_state
    rows = [("Reports", count(ship.reports)), ("First report", moment(ship.first_report)),
            ("Last report", moment(ship.last_report)), ("Distance sailed", f"{ship.distance_nm:,.1f} nm")]
    rows += [(state.capitalize() if state != "no reports" else "No reports (gaps)",
              f"{hours_minutes(states.get(state, 0.0))} h") for state in STATES]
    rows.append(("Status changes", count(ship.status_change_count)))
    return rows


def draw_ship(page: PageWriter, ship: ShipSection, number: str, start: int, end: int, *, listed: bool = True) -> None:
    """The ship's section, from a new page (``listed``: the report has the event listing to refer to)."""
    page.new_page()
    top = page.y
    page.heading(f"{number}  {ship_with_mmsi(ship.name, ship.mmsi)}")
    page.painter.fillRect(QRectF(page.left - mm(4), top + pt(1), mm(1.6), page.metrics(page.fonts.heading).height()
                                 - pt(2)), print_colour(ship_group(ship)))
    half = (page.content_width - mm(8)) / 2
    page.text_line(page.left, page.y + page.metrics(page.fonts.subheading).ascent(), "The ship",
                   page.fonts.subheading, NAVY)
    page.text_line(page.left + half + mm(8), page.y + page.metrics(page.fonts.subheading).ascent(), "In the range",
                   page.fonts.subheading, NAVY)
    page.y += page.metrics(page.fonts.subheading).height() + pt(4)
    left_used = page.label_values(static_rows(ship), width=half, label_width=mm(24))
    right_used = page.label_values(activity_rows(ship), left=page.left + half + mm(8), width=half,
                                   label_width=mm(34))
    page.y += max(left_used, right_used) + pt(4)

    page.heading("Speed over ground", level=2)
    plot_height = mm(58)
    page.ensure(plot_height + pt(30))
    draw_speed_plot(page, QRectF(page.left, page.y, page.content_width, plot_height), ship.plot, start, end)
    page.y += plot_height + pt(4)
    page.paragraph(decimation_text(ship.plot, "plotted", listed), page.fonts.small, MUTED)

    changes = ship.status_changes
    page.heading(f"Status changes ({count(ship.status_change_count)})", level=2)
    if changes:
        rows = [(moment_short(change.at), change.before or "not available", change.after or "not available")
                for change in changes]
        page.table([Column("Time (UTC)", 1.2, wrap=False), Column("From", 1.6), Column("To", 1.6)], rows)
        if ship.status_change_count > len(changes):
            more = ship.status_change_count - len(changes)
            page.paragraph(f"… and {count(more)} more status changes, not listed here. {where_every_report_is(listed)}",
                           page.fonts.small, MUTED)
    else:
        page.paragraph("No change of navigational status in the range.", page.fonts.small, MUTED)

    table = ship.table
    page.heading("Track", level=2)
    page.paragraph(decimation_text(table, "shown", listed), page.fonts.small, MUTED)
    if len(table.occurred):
        rows = []
        for i in range(len(table.occurred)):
            status = int(table.status[i])
            rows.append((moment_short(int(table.occurred[i])), format_latitude(float(table.lat[i])),
                         format_longitude(float(table.lon[i])), format_speed(float(table.sog[i])),
                         format_course(float(table.cog[i])), nav_status_text(status) if status >= 0 else DASH))
        page.table([Column("Time (UTC)", 1.35, wrap=False), Column("Latitude", 1.0, right=True, wrap=False),
                    Column("Longitude", 1.05, right=True, wrap=False), Column("SOG (kn)", 0.7, right=True, wrap=False),
                    Column("COG (°)", 0.7, right=True, wrap=False), Column("Status", 1.9, wrap=False)], rows)
