"""Audit reports as PDF, through the real store and read back with poppler's ``pdftotext``/``pdfinfo``: what an
investigator must find in it, chosen ships only, the complete listing, cancelling and failing without a
partial file, and rendering off the GUI thread."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.audit_report import ReportRequest, build_report
from app.event_bus import EventBus
from app.fleet_index import open_index
from app.console import Console
from app.fleet_service import FleetService
from domain.events import NewEvent, SpeedLimitExceeded
from domain.time import MICROS_PER_MINUTE
from tests.fleet_events import T0, registered, report
from pdf_report.listing import ListingWriter, wrap
from pdf_report.render import ReportCancelled, ensure_gui_application, render_pdf
from pdf_report.rows import ship_column, source_column

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
                                reason="needs poppler-utils (pdftotext, pdfinfo) to read the PDF back")

STAR, SPIRIT, PRIDE = 235_000_001, 235_000_002, 235_000_003
NOTE = "Pilot boarded ATLANTIC STAR off the Nab tower; master reports steering fault cleared."
ACK_COMMENT = "harbour master informed"
HOUR = 60 * MICROS_PER_MINUTE


def at(minutes: float) -> int:
    return T0 + round(minutes * MICROS_PER_MINUTE)


def fleet_events() -> list[NewEvent]:
    """Three ships off the Solent: one reporting every minute for 150 minutes (more than a track table
    holds), one that goes from under way to moored, one whose middle reports reach the log late."""
    events = [registered(STAR, 0, "ATLANTIC STAR"), registered(SPIRIT, 0, "SOLENT SPIRIT", "tanker"),
              registered(PRIDE, 0, "NEEDLES PRIDE", "passenger")]
    for minute in range(1, 151):
        events.append(report(STAR, minute, lat=50.60 + minute * 0.002, lon=-1.30 + minute * 0.003,
                             sog=8 + (minute % 20) / 4, cog=45.0))
    for minute in range(1, 61):
        moored = minute > 40
        events.append(report(SPIRIT, minute * 2, lat=50.80 - (0 if moored else (40 - minute) * 0.003), lon=-1.40,
                             sog=0.0 if moored else 9.0, cog=0.0,
                             status="moored" if moored else "under way using engine"))
    for minute in range(0, 150, 6):
        events.append(report(PRIDE, minute + 1, lat=50.70, lon=-1.55 + minute * 0.004, sog=14.0, cog=90.0,
                             late_minutes=35 if 60 <= minute < 90 else 0))
    return events


@pytest.fixture
def console(store):
    service = FleetService(store, EventBus(), open_index(store))
    console = Console.over(service, clock=lambda: at(100), operator="kim")
    service.append(fleet_events())
    service.append([NewEvent(SpeedLimitExceeded(mmsi=PRIDE, occurred_at=at(70), alert_id="speed-1",
                                                severity="warning", summary="14.0 kn in the Solent 10 kn zone",
                                                sog=14.0, limit=10.0, zone="Solent"), recorded_at=at(70),
                             metadata={"source": "rules"})])
    console.alerts.acknowledge("speed-1", ACK_COMMENT)
    console.logbook.add_note(NOTE, mmsi=STAR)
    return console


def whole_range(ships: tuple[int, ...] = ()) -> ReportRequest:
    return ReportRequest(T0, T0 + 3 * HOUR, ships)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def helpers_running() -> list[int]:
    """Our child processes drawing a PDF (Linux /proc), so a test can see that none was left behind."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"pdf_report.helper_process" in command:
            found.append(int(entry.name))
    return found


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_the_pdf_gives_an_investigator_ships_counts_types_chain_head_notes_and_acknowledgements(qapp, console,
                                                                                               tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test 1.0")
    path = tmp_path / "audit.pdf"
    render_pdf(content, path)
    text = pdf_text(path)
    assert "Fleet Logbook — audit report" in text
    for name in ("ATLANTIC STAR", "SOLENT SPIRIT", "NEEDLES PRIDE"):
        assert name in text
    assert f"{content.events:,}" in text
    for event_type, number in content.events_by_type.items():
        assert re.search(rf"{event_type}\s+{number:,}\s", text), event_type
    assert content.integrity.head_hash in text and content.integrity.first_hash in text
    assert "OK: the chain of" in text
    assert " ".join(NOTE.split()[:6]) in text
    assert "acknowledged by kim" in text and ACK_COMMENT in text
    assert "Decimated: 60 of 150 reports shown, evenly spaced in time" in text  # ATLANTIC STAR's track table
    assert "All 60 reports plotted" in text or "All 60 reports shown" in text
    assert f"End of the listing: {content.events:,} events" in text
    assert "test 1.0" in text and "Generated by" in text


def test_every_event_is_listed_once_in_log_order_with_late_ones_flagged(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    path = tmp_path / "audit.pdf"
    render_pdf(content, path)
    appendix = pdf_text(path).split("A Appendix: event listing", 1)[1]
    positions = [int(m.group(1)) for m in re.finditer(r"^\s*(\d+) (?:\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d)", appendix, re.M)]
    assert positions == [recorded.position for recorded in content.listing()]
    late = [recorded for recorded in content.listing()
            if recorded.recorded_at - recorded.occurred_at > MICROS_PER_MINUTE]
    assert late and "Recorded (late)" in appendix
    assert appendix.count(" 2024-05-01 ") >= len(late)  # each late row gives its recorded time in full


def test_a_report_for_chosen_ships_names_only_those_ships(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range((SPIRIT,)), generated_by="kim", software="test")
    path = tmp_path / "spirit.pdf"
    render_pdf(content, path)
    text = pdf_text(path)
    assert "SOLENT SPIRIT" in text
    assert "ATLANTIC STAR" not in text and "NEEDLES PRIDE" not in text
    assert str(STAR) not in text and str(PRIDE) not in text
    assert "Status changes (1)" in text and "moored" in text


def test_a_report_without_map_ships_and_listing_numbers_what_it_keeps_and_says_what_it_left_out(qapp, console,
                                                                                                tmp_path):
    request = ReportRequest(T0, T0 + 3 * HOUR, sections=frozenset({"summary"}))
    content = build_report(console.fleet, console.alerts, request, generated_by="kim", software="test")
    path = tmp_path / "summary-only.pdf"
    render_pdf(content, path)
    text = pdf_text(path)
    assert re.search(r"^1\s+Summary$", text, re.M) and re.search(r"^2\s+Integrity$", text, re.M)
    assert "Tracks" not in text and "Appendix" not in text and "End of the listing" not in text
    assert "Left out of this report when it was made: map of the tracks, a section per ship, event listing." in text
    assert "does not list the events one by one" in text
    assert content.integrity.head_hash in text and "OK: the chain of" in text
    full = tmp_path / "full.pdf"
    render_pdf(build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test"), full)
    assert page_count(path) < page_count(full)


def test_a_helper_draws_a_report_without_the_listing_the_same_as_this_process(qapp, console, tmp_path):
    request = ReportRequest(T0, T0 + 3 * HOUR, sections=frozenset({"summary", "ships"}))
    content = build_report(console.fleet, console.alerts, request, generated_by="kim", software="test")
    seen: list[float] = []
    render_pdf(content, tmp_path / "helper.pdf", helper=True, progress=lambda fraction, step: seen.append(fraction))
    render_pdf(content, tmp_path / "here.pdf", helper=False)
    assert pdf_text(tmp_path / "helper.pdf") == pdf_text(tmp_path / "here.pdf")
    assert seen and seen[-1] == 1.0 and not helpers_running()


def test_ship_sections_without_the_listing_point_to_the_log_not_to_an_appendix(qapp, console, tmp_path):
    request = ReportRequest(T0, T0 + 3 * HOUR, (STAR,), sections=frozenset({"ships"}))
    render_pdf(build_report(console.fleet, console.alerts, request, generated_by="kim", software="test"), tmp_path / "ships.pdf")
    text = pdf_text(tmp_path / "ships.pdf")
    assert re.search(r"^1\.1\s+ATLANTIC STAR", text, re.M) and re.search(r"^2\s+Integrity$", text, re.M)
    assert "Decimated: 60 of 150 reports shown" in text
    assert "appendix A" not in text and "this report leaves out the event listing" in " ".join(text.split())


def test_the_page_count_grows_with_the_listing(qapp, console, tmp_path):
    short = build_report(console.fleet, console.alerts, ReportRequest(T0, T0 + 20 * MICROS_PER_MINUTE), generated_by="kim", software="t")
    full = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="t")
    render_pdf(short, tmp_path / "short.pdf")
    render_pdf(full, tmp_path / "full.pdf")
    assert short.events < full.events
    assert page_count(tmp_path / "short.pdf") < page_count(tmp_path / "full.pdf")


def test_a_range_with_no_events_still_makes_a_report(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, ReportRequest(T0 + 10 * HOUR, T0 + 11 * HOUR), generated_by="kim", software="t")
    render_pdf(content, tmp_path / "empty.pdf")
    text = pdf_text(tmp_path / "empty.pdf")
    assert "No events occurred in this range." in text and content.integrity.head_hash in text


@pytest.mark.parametrize("after_questions", [0, 3, 8])
def test_a_cancelled_render_raises_and_leaves_no_file(qapp, console, tmp_path, after_questions):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > after_questions

    with pytest.raises(ReportCancelled):
        render_pdf(content, tmp_path / "audit.pdf", cancelled=cancelled)
    assert list(tmp_path.iterdir()) == [tmp_path / "fleet.sqlite"] or not list(tmp_path.glob("*.pdf*"))
    assert not list(tmp_path.glob("*audit.pdf*"))


def test_a_failed_render_keeps_the_previous_file_and_leaves_no_partial_one(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    path = tmp_path / "audit.pdf"
    path.write_bytes(b"the report made yesterday")

    def broken(fraction: float, step: str) -> None:
        if step.startswith("map"):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        render_pdf(content, path, progress=broken)
    assert path.read_bytes() == b"the report made yesterday"
    assert [p.name for p in tmp_path.glob("*audit.pdf*")] == ["audit.pdf"]


def test_a_report_into_a_missing_folder_is_refused_with_the_reason(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    with pytest.raises(OSError, match="no folder"):
        render_pdf(content, tmp_path / "missing" / "audit.pdf")
    assert not (tmp_path / "missing").exists()


def test_a_report_file_gets_the_usual_permissions(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, ReportRequest(T0, T0 + 10 * MICROS_PER_MINUTE), generated_by="kim", software="t")
    render_pdf(content, tmp_path / "audit.pdf")
    (tmp_path / "plain.txt").write_text("x")
    assert (tmp_path / "audit.pdf").stat().st_mode == (tmp_path / "plain.txt").stat().st_mode


def test_progress_rises_to_the_end(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    seen: list[tuple[float, str]] = []
    render_pdf(content, tmp_path / "audit.pdf", progress=lambda fraction, step: seen.append((fraction, step)))
    fractions = [fraction for fraction, _step in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert seen[-1][1].startswith(f"done: {content.events:,} events listed")


def test_a_report_renders_on_a_worker_thread(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    failures: list[BaseException] = []

    def work() -> None:
        try:
            render_pdf(content, tmp_path / "worker.pdf")
        except BaseException as error:  # handed back to the test thread
            failures.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive() and not failures
    assert "ATLANTIC STAR" in pdf_text(tmp_path / "worker.pdf")


def test_a_helper_process_draws_the_same_report_while_this_one_reads_the_log(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    seen: list[float] = []
    render_pdf(content, tmp_path / "helper.pdf", helper=True, progress=lambda fraction, step: seen.append(fraction))
    render_pdf(content, tmp_path / "here.pdf", helper=False)
    assert pdf_text(tmp_path / "helper.pdf") == pdf_text(tmp_path / "here.pdf")
    assert seen and seen[-1] == 1.0
    assert not helpers_running()


def test_cancelling_a_helper_render_stops_the_helper_and_leaves_no_file(qapp, console, tmp_path):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 2

    with pytest.raises(ReportCancelled):
        render_pdf(content, tmp_path / "audit.pdf", helper=True, cancelled=cancelled)
    assert not list(tmp_path.glob("*audit.pdf*"))
    assert not helpers_running()


def test_a_helper_that_cannot_start_leaves_the_drawing_to_this_process(qapp, console, tmp_path, monkeypatch):
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    render_pdf(content, tmp_path / "audit.pdf", helper=True)
    assert f"End of the listing: {content.events:,} events" in pdf_text(tmp_path / "audit.pdf")


def test_ensure_gui_application_keeps_the_running_application(qapp):
    assert ensure_gui_application() is qapp


def test_listing_columns_say_who_and_where_from():
    assert ship_column("ship-235000001") == "235000001" and ship_column("operations") == "watch"
    assert wrap("one two three four five", 9) == ["one two", "three", "four five"]
    assert wrap("x" * 20, 8) == ["x" * 8, "x" * 8, "xxxx"]

    class Recorded:
        def __init__(self, metadata, event=None):
            self.metadata, self.event = metadata, event

    assert source_column(Recorded({"source": "simulator"})) == "simulator"
    assert source_column(Recorded({"source": "operator", "operator": "kim"})) == "kim"
    assert source_column(Recorded({"source": "import", "operator": "kim"})) == "import/kim"


def test_a_character_the_listing_font_lacks_is_drawn_with_a_fallback(qapp, tmp_path):
    from pdf_report.layout import PageWriter

    page = PageWriter(tmp_path / "fonts.pdf", title="t", creator="t", header_text="h", footer_text="f")
    try:
        writer = ListingWriter(page)
        assert not writer.needs_fallback("52°49.0′N 003°59.6′E · 12.6 kn · 202°")
        assert not writer.needs_fallback("plain ascii")
        assert writer.needs_fallback("\U0001F6A2 ship emoji")
    finally:
        page.abandon()


def test_a_note_longer_than_a_page_is_printed_whole(qapp, store, tmp_path):
    service = FleetService(store, EventBus(), open_index(store))
    console = Console.over(service, clock=lambda: at(30), operator="kim")
    service.append(fleet_events()[:40])
    words = [f"word{number:04d}" for number in range(1_100)]
    console.logbook.add_note(" ".join(words), mmsi=STAR)
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    render_pdf(content, tmp_path / "long.pdf")
    text = pdf_text(tmp_path / "long.pdf").split("A Appendix: event listing", 1)[0]
    assert all(word in text for word in words)


def test_an_event_longer_than_a_listing_page_continues_on_the_next(qapp, store, tmp_path):
    service = FleetService(store, EventBus(), open_index(store))
    console = Console.over(service, clock=lambda: at(30), operator="kim")
    service.append(fleet_events()[:10])
    words = [f"w{number:04d}" for number in range(1_600)]
    console.logbook.add_note(" ".join(words))
    content = build_report(console.fleet, console.alerts, whole_range(), generated_by="kim", software="test")
    render_pdf(content, tmp_path / "long.pdf")
    appendix = pdf_text(tmp_path / "long.pdf").split("A Appendix: event listing", 1)[1]
    assert all(word in appendix for word in words)
    assert "(continued)" in appendix and f"End of the listing: {content.events:,} events" in appendix
