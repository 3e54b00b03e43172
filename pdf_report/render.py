"""Audit reports as PDF: ``render_pdf(report, path)`` draws an ``AuditReport`` with Qt's ``QPdfWriter``.

The document, in order: a title page (store, range, ships, zone, who made it, when, with which software);
Summary (key figures, events by type, each ship's distance and time by status, alerts and how they were
acknowledged, operator notes); Tracks (a map of every track over the coastline); Ships (a section per
ship: its particulars, what it did, a speed plot, status changes and a track table); Integrity (the log
positions covered, their hashes, the chain head and the verification made when the report was gathered);
appendix A, every event of the report, one line each, streamed from the log (``pdf_report.listing``).
The request may leave out the summary, the map, the ship sections or the listing (``ReportRequest.sections``);
the sections drawn are numbered in order, and the title page and the integrity section are always drawn.

Rendering needs a ``QGuiApplication`` (fonts) but no window: the command line calls
``ensure_gui_application()`` first, the GUI already has its application and renders on a worker thread
(a painter on a ``QPdfWriter`` may run off the GUI thread; nothing here uses a ``QPixmap``). The PDF is
written under a temporary name next to ``path`` and renamed into place only when complete, so a failed or
cancelled render never leaves a partial file. ``cancelled()`` is asked between pages; a cancelled render
raises ``ReportCancelled``. A large report (``HELPER_FROM_EVENTS``) is drawn by a helper process while this
one reads the log, so both cores work on it (``pdf_report.helper``); it is drawn here when that cannot start.
"""
from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QRectF
from PySide6.QtGui import QGuiApplication

from app.audit_report import SECTION_TITLES, AuditReport, ReportRequest
from app.report_files import ReportCancelled as ExportCancelled
from domain.alert_board import ACKNOWLEDGED, OPEN
from domain.display_text import visible, visible_lines
from domain.notation import in_text
from domain.progress import FractionProgress as Progress
from pdf_report.changes_section import draw_changes
from pdf_report.helper import HELPER_FROM_EVENTS, render_with_helper
from pdf_report.layout import GOOD, MUTED, NAVY, NOTICE, Column, PageWriter, PdfWriteError, mm, pt
from pdf_report.listing import SECTION as LISTING_SECTION
from pdf_report.listing import ListingWriter, RowSource
from pdf_report.rows import LogRows
from pdf_report.ship_pages import draw_ship
from pdf_report.text import (count, event_type_title, hours_minutes, moment, moment_short, or_dash, range_text,
                             ship_names, ship_of, ships_text)
from pdf_report.track_map import draw_track_map

TITLE = "Fleet Logbook — audit report"
_APPLICATION: list[QGuiApplication] = []
_BEFORE_LISTING = 0.12   # share of the progress bar for everything before the event listing


class ReportCancelled(ExportCancelled):
    """The render was cancelled; the partial file was deleted."""


def section_numbers(request: ReportRequest) -> dict[str, str]:
    """The number each drawn section gets: '1', '2', … in document order, 'A' for the listing (an appendix)."""
    numbered = [name for name in ("summary", "map", "ships") if request.includes(name)] + ["integrity"]
    numbers = {name: str(number) for number, name in enumerate(numbered, 1)}
    if request.includes("listing"):
        numbers["listing"] = "A"
    return numbers


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new ``QGuiApplication`` (offscreen when there is no display): fonts and
    a PDF writer need no more, so a report from the command line or the helper process loads no widgets. The
    console and the tests start their ``QApplication`` (a ``QGuiApplication`` too) before any report."""
    existing = QCoreApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise RuntimeError("a PDF report needs a QGuiApplication (fonts), but a QCoreApplication is running")
        return existing
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not os.environ.get("QT_QPA_PLATFORM") and not has_display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    application = QGuiApplication([sys.argv[0] if sys.argv and sys.argv[0] else "fleet-logbook"])
    _APPLICATION.append(application)  # kept for the life of the process
    return application


def render_pdf(report: AuditReport, path: str | Path, *, progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False, helper: bool | None = None) -> None:
    """Write ``report`` as a PDF at ``path`` (replaced only once the new file is complete).

    ``helper``: draw in a helper process while this one reads the log (``pdf_report.helper``); by default
    for reports of ``HELPER_FROM_EVENTS`` events or more that list them."""
    if QCoreApplication.instance() is None:
        raise RuntimeError("render_pdf needs a QGuiApplication: call ensure_gui_application() first")
    target = Path(path)
    if not target.parent.is_dir():
        raise PdfWriteError(f"cannot write {target}: there is no folder {target.parent}")
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.partial")  # made by the writer, umask applies

    def check_cancelled() -> None:
        if cancelled():
            raise ReportCancelled("the report was cancelled")

    try:
        if helper is None:  # the listing is the long part; without it there is nothing to share out
            helper = report.events >= HELPER_FROM_EVENTS and report.request.includes("listing")
        use_helper = helper
        if not (use_helper and render_with_helper(report, partial, progress, check_cancelled)):
            rows = LogRows(report.listing(), report.integrity.head_position)
            Renderer(report, partial, rows=rows, progress=progress, cancelled=cancelled).render()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


class Renderer:
    """Draws one report into one PDF file, the listing's rows taken from ``rows``."""

    def __init__(self, report: AuditReport, path: Path, *, rows: RowSource, progress: Progress | None = None,
                 cancelled: Callable[[], bool] = lambda: False):
        self.report = report
        self._rows = rows
        self._progress = progress
        self._cancelled = cancelled
        self._last_progress = 0.0
        self.names = ship_names(report)
        self.numbers = section_numbers(report.request)
        footer = f"Generated {moment(report.generated_at)} by {in_text(report.generated_by)} · {report.software}"
        self.page = PageWriter(path, title=TITLE, creator=report.software,
                               header_text=f"{TITLE} · {range_text(report)}", footer_text=footer)

    def render(self) -> None:
        page = self.page
        try:
            self._step(0.0, "title page")
            self._title_page()
            self._check()
            request = self.report.request
            if request.includes("summary"):
                self._step(0.01, "summary")
                self._summary()
                self._check()
            if request.includes("map"):
                self._step(0.03, "map of the tracks")
                self._map()
            if request.includes("ships"):
                self._ships()
                self._check()
            self._integrity()
            if request.includes("listing"):
                self._listing()
            else:
                self._step(1.0, f"done: {page.page:,} pages, without the event listing")
            page.finish()
        except BaseException:
            page.abandon()
            raise

    # --- progress and cancelling ---------------------------------------------------------------------------

    def _check(self) -> None:
        if self._cancelled():
            raise ReportCancelled("the report was cancelled")

    def _step(self, fraction: float, text: str, *, force: bool = True) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.1:
            self._last_progress = now
            self._progress(max(0.0, min(fraction, 1.0)), text)

    # --- sections ------------------------------------------------------------------------------------------

    def _title_page(self) -> None:
        report, page = self.report, self.page
        page.new_page(header=False)
        page.painter.fillRect(QRectF(0, 0, page.width, mm(5)), NAVY)
        page.y = page.top + mm(30)
        page.paragraph(TITLE, page.fonts.title, NAVY, after=pt(6))
        page.paragraph(f"Events that occurred {range_text(report)}", page.fonts.subheading, after=pt(14))
        page.rule(NAVY, pt(10))
        integrity = report.integrity
        verified = ("yes — the hash chain is intact" if integrity.verified
                    else f"NO — the chain breaks at position {or_dash(integrity.first_bad_position)} "
                         f"(section {self.numbers['integrity']})")
        rows = [("Store", visible(report.store)), ("From (UTC)", moment_short(report.request.start)),
                ("To (UTC)", moment_short(report.request.end)), ("Ships", ships_text(report)),
                ("Zone", visible(report.request.zone) or "none (the whole area)"), ("Events", count(report.events)),
                ("Log verified", verified), ("Chain head", f"position {count(integrity.head_position)}"),
                ("Chain head hash", integrity.head_hash), ("Generated at", moment(report.generated_at)),
                ("Generated by", visible(report.generated_by)), ("Software", report.software)]
        page.y += page.label_values(rows, mono_labels=("Chain head hash",),
                                    colours={"Log verified": GOOD if integrity.verified else NOTICE}) + pt(14)
        page.heading("Contents", level=2)
        titles = {"summary": "Summary: events by type, ships, alerts, operator notes", "map": "Tracks: map",
                  "ships": (f"Ships: a section for each of the {count(len(report.ships))} ships" if len(report.ships) != 1
                            else "Ships: a section for the ship"),
                  "integrity": "Integrity: log positions, hashes, chain head, verification",
                  "listing": f"Appendix: every event of the report ({count(report.events)}), in log order"}
        contents = [(number, titles[name]) for name, number in self.numbers.items()]
        page.y += page.label_values(contents, label_width=mm(10)) + pt(6)
        left_out = [title for name, title in SECTION_TITLES.items() if not report.request.includes(name)]
        if left_out:
            page.paragraph(f"Left out of this report when it was made: {', '.join(left_out).lower()}.",
                           page.fonts.small, MUTED)
        page.y += pt(8)
        page.heading("Reading this report", level=2)
        listing_text = ("The event listing (appendix A) is complete." if report.request.includes("listing") else
                        "This report does not list the events one by one; a CSV or JSON report of the same range "
                        "does.")
        page.paragraph(
            "All times are UTC. Latitudes and longitudes are in degrees and decimal minutes (WGS 84), speeds in "
            "knots, distances in nautical miles and durations in hours:minutes. The report covers the events that "
            "occurred in the range, as the log held them when the report was gathered. Figures are computed from "
            "every position report; the map, the speed plots and the track tables show reduced tracks and say so "
            f"where they are decimated. {listing_text} The chain head (above, and in section "
            f"{self.numbers['integrity']}) lets anyone check this report against the log: the log must hold that "
            "hash at that position.", page.fonts.body, MUTED)

    def _summary(self) -> None:
        report, page = self.report, self.page
        number = self.numbers["summary"]
        page.section = f"{number} Summary"
        page.new_page()
        page.heading(f"{number}  Summary")
        open_alerts = sum(1 for alert in report.alerts if alert.state == OPEN)
        page.figures([(count(len(report.ships)), "ships"), (count(report.events), "events"),
                      (count(len(report.alerts)), f"alerts ({count(open_alerts)} open)"),
                      (count(len(report.notes)), "operator notes")])
        page.heading("Events by type", level=2)
        if report.events_by_type:
            ordered = sorted(report.events_by_type.items(), key=lambda item: (-item[1], item[0]))
            total = max(report.events, 1)
            rows = [(event_type_title(name), name, count(number), f"{100 * number / total:.1f} %")
                    for name, number in ordered]
            rows.append(("All events", "", count(report.events), "100.0 %"))
            page.table([Column("Type", 1.6), Column("Stored as", 1.6, mono=True), Column("Events", 0.8, right=True),
                        Column("Share", 0.6, right=True)], rows, bold_rows=[len(rows) - 1])
        else:
            page.paragraph("No events occurred in this range.", colour=MUTED)
        page.heading("Ships", level=2)
        if report.ships:
            rows = []
            for ship in report.ships:
                states = ship.seconds_by_state
                rows.append((visible(ship.name) or "(no name)", str(ship.mmsi), count(ship.reports), f"{ship.distance_nm:,.1f}",
                             *(hours_minutes(states.get(state, 0.0)) for state in
                               ("under way", "at anchor", "moored", "other", "no reports")),
                             count(ship.status_change_count)))
            number = {"right": True, "wrap": False}
            page.table([Column("Ship", 1.9), Column("MMSI", 1.05, wrap=False), Column("Reports", 0.8, **number),
                        Column("Distance (nm)", 0.95, **number), Column("Under way", 0.8, **number),
                        Column("At anchor", 0.8, **number), Column("Moored", 0.75, **number),
                        Column("Other", 0.7, **number), Column("No reports", 0.8, **number),
                        Column("Status changes", 0.85, **number)], rows)
            page.paragraph("Times are h:mm by navigational status; 'No reports' counts gaps of more than 30 minutes "
                           "between a ship's reports.", page.fonts.small, MUTED)
        else:
            page.paragraph("No ship reported in this range.", colour=MUTED)
        self._alerts()
        self._notes()
        draw_changes(self.page, report)

    def _alerts(self) -> None:
        report, page = self.report, self.page
        page.heading(f"Alerts ({count(len(report.alerts))})", level=2)
        if not report.alerts:
            page.paragraph("No alert was raised in this range.", colour=MUTED)
            return
        rows, colours = [], []
        for alert in report.alerts:
            if alert.state == ACKNOWLEDGED:
                handled = f"acknowledged by {in_text(alert.acknowledged_by)}, {moment(alert.acknowledged_at)}"
                if alert.comment:
                    handled += f": “{in_text(alert.comment)}”"
                colours.append(None)
            elif alert.state == OPEN:
                handled = "open (not acknowledged)"
                colours.append(NOTICE)
            else:
                handled = "notice (needs no acknowledgement)"
                colours.append(None)
            rows.append((moment_short(alert.raised_at), ship_of(self.names, alert.mmsi),
                         f"{event_type_title(alert.type)} ({alert.severity})", visible(alert.summary), handled))
        page.table([Column("Raised (UTC)", 1.05), Column("Ship", 1.2), Column("Alert", 1.1), Column("Summary", 1.6),
                    Column("Acknowledgement", 1.9)], rows, colours=colours)

    def _notes(self) -> None:
        report, page = self.report, self.page
        page.heading(f"Operator notes ({count(len(report.notes))})", level=2)
        if not report.notes:
            page.paragraph("No operator note was written in this range.", colour=MUTED)
            return
        rows = [(moment_short(note.at), visible(note.operator), ship_of(self.names, note.mmsi),
                 visible_lines(note.text))
                for note in report.notes]
        page.table([Column("Time (UTC)", 1.05), Column("Operator", 0.9), Column("Ship", 1.2), Column("Note", 3.6)],
                   rows)

    def _map(self) -> None:
        report, page = self.report, self.page
        number = self.numbers["map"]
        page.section = f"{number} Tracks"
        page.new_page()
        page.heading(f"{number}  Tracks")
        height = min(page.space_left() - mm(30), page.content_width * 1.1)
        drawn = draw_track_map(page, QRectF(page.left, page.y, page.content_width, height), report.ships)
        page.y += height + pt(6)
        if drawn.ships:
            coast = (f"Land: GSHHS coastline, resolution '{drawn.resolution}' ({count(drawn.coast_vertices)} vertices "
                     "drawn)" if drawn.resolution else "Land: the GSHHS coastline data is not installed")
            page.paragraph(f"The tracks of {count(drawn.ships)} ships in the range, {count(drawn.points)} positions "
                           "drawn: each track is reduced to at most 400 positions evenly spaced in time. Web Mercator. "
                           f"{coast}.", page.fonts.small, MUTED)

    def _ships(self) -> None:
        report = self.report
        section = self.numbers["ships"]
        listed = report.request.includes("listing")
        self.page.section = f"{section} Ships"
        total = max(len(report.ships), 1)
        for number, ship in enumerate(report.ships, 1):
            self._check()
            self._step(0.03 + (_BEFORE_LISTING - 0.04) * number / total,
                       f"ship {number:,} of {len(report.ships):,}: {ship.label}", force=False)
            draw_ship(self.page, ship, f"{section}.{number}", report.request.start, report.request.end,
                      listed=listed)
        if not report.ships:
            self.page.new_page()
            self.page.heading(f"{section}  Ships")
            self.page.paragraph("No ship reported in this range.", colour=MUTED)

    def _integrity(self) -> None:
        report, page = self.report, self.page
        integrity = report.integrity
        number = self.numbers["integrity"]
        page.section = f"{number} Integrity"
        page.new_page()
        page.heading(f"{number}  Integrity")
        page.paragraph("Every event in the log carries a SHA-256 hash over the previous event's hash and its own "
                       "content (a hash chain). The positions and hashes below tie this report to the log: a copy of "
                       "the log that holds the same hash at the chain head's position holds, unchanged, every event "
                       "this report lists.", page.fonts.body, MUTED, after=pt(10))
        covered = (f"{count(integrity.first_position)} – {count(integrity.last_position)}"
                   if integrity.first_position is not None else "none (no event occurred in the range)")
        if integrity.verified:
            verify = f"OK: the chain of {count(integrity.verified_events)} events verifies"
        else:
            verify = (f"FAILED at position {or_dash(integrity.first_bad_position)}: {or_dash(integrity.problem)} "
                      f"({count(integrity.verified_events)} events checked)")
        rows = [("Log positions covered", covered), ("Events in the report", count(report.events)),
                ("Hash of the first event", integrity.first_hash or "—"),
                ("Hash of the last event", integrity.last_hash or "—"),
                ("Chain head position", count(integrity.head_position)),
                ("Chain head hash", integrity.head_hash),
                ("Verification", verify), ("Checked at", moment(integrity.checked_at))]
        hashes = ("Hash of the first event", "Hash of the last event", "Chain head hash")
        page.y += page.label_values(rows, label_width=mm(48), mono_labels=hashes,
                                    colours={"Verification": GOOD if integrity.verified else NOTICE}) + pt(10)
        page.paragraph("Positions are the order in which the log learned of events. The chain head is the last event "
                       "in the log when the report was gathered; events the log learned of later are not in this "
                       "report.", page.fonts.small, MUTED)

    def _listing(self) -> None:
        report, page = self.report, self.page
        page.section = LISTING_SECTION
        page.new_page()
        page.heading("A  Appendix: event listing")
        page.paragraph(f"Every one of the report's {count(report.events)} events, in log order, one line each: its "
                       "position in the log, when it occurred, the ship (MMSI; 'watch' for the operations log), the "
                       "type, where it came from (source, and the operator who made or imported it) and what it says. "
                       "When a report reached the log more than a minute after it occurred, the right-hand column "
                       "gives when it was recorded. Pages whose events all occurred on one day give the date above "
                       "the columns and the time of day in the rows.", page.fonts.small, MUTED, after=pt(8))
        total = max(report.events, 1)
        start = time.monotonic()

        def listed(done: int, pages: int) -> None:
            self._step(_BEFORE_LISTING + (1 - _BEFORE_LISTING) * min(done / total, 1.0),
                       f"event listing: {done:,} of {report.events:,} events, page {pages:,}", force=False)

        writer = ListingWriter(page, progress=listed, cancelled=self._check)
        result = writer.write(self._rows)
        elapsed = time.monotonic() - start
        ending = f"End of the listing: {count(result.events)} events"
        if result.first_position is not None:
            ending += f", log positions {count(result.first_position)} – {count(result.last_position)}"
        ending += "."
        if result.events != report.events:
            ending += (f" The summary counted {count(report.events)} events when the report was gathered; the "
                       "listing was read from the log again while the PDF was drawn.")
        if result.beyond_head:
            ending += (" Events the log learned of after the chain head (position "
                       f"{count(report.integrity.head_position)}) are not listed.")
        page.y += pt(6)
        page.paragraph(ending, page.fonts.small, NOTICE if result.events != report.events else MUTED)
        self._step(1.0, f"done: {count(result.events)} events listed in {elapsed:.1f} s, {page.page:,} pages")
