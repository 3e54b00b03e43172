"""How a printed report writes its figures: counts, durations, moments, ship names and event types."""
from __future__ import annotations

import re

from app.audit_report import AuditReport, ShipSection
from domain.event_text import type_name
from domain.notation import ship_with_mmsi, utc_moment

DASH = "—"


def count(number: int) -> str:
    """'12,345'."""
    return f"{number:,}"


def hours_minutes(seconds: float) -> str:
    """A duration as h:mm ('26:05'), to the nearest minute."""
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}"


def moment(instant: int | None) -> str:
    """'2026-11-25 14:03:12 UTC', or a dash."""
    return DASH if instant is None else utc_moment(instant)


def moment_short(instant: int | None) -> str:
    """'2026-11-25 14:03:12' (for columns whose title says UTC), or a dash."""
    return DASH if instant is None else utc_moment(instant).removesuffix(" UTC")


def or_dash(value: object) -> str:
    return DASH if value is None or value == "" else str(value)


def metres(value: float | None) -> str:
    return DASH if value is None else f"{value:g} m"


def dimensions(ship: ShipSection) -> str:
    if ship.length is not None and ship.beam is not None:
        return f"{ship.length:g} × {ship.beam:g} m"
    if ship.length is not None:
        return f"length {ship.length:g} m"
    if ship.beam is not None:
        return f"beam {ship.beam:g} m"
    return DASH


def event_type_title(event_type: str) -> str:
    """'Position', 'Details changed', and for types the event log has no name for, words from the stored
    name ('SpeedLimitExceeded' → 'Speed limit exceeded')."""
    name = type_name(event_type)
    if name != event_type:
        return name
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", event_type).split()
    return " ".join([words[0]] + [word.lower() for word in words[1:]]) if words else event_type


def ship_names(report: AuditReport) -> dict[int, str]:
    """MMSI → 'NAME · MMSI' (or 'MMSI n') for the ships of the report, names shown as ``ship_with_mmsi`` does."""
    return {ship.mmsi: ship_with_mmsi(ship.name, ship.mmsi) for ship in report.ships}


def ship_of(names: dict[int, str], mmsi: int | None) -> str:
    if mmsi is None:
        return "the watch"
    return names.get(mmsi) or f"MMSI {mmsi}"


def range_text(report: AuditReport) -> str:
    """'2026-11-24 12:00:00 – 2026-11-25 12:00:00 UTC'."""
    return f"{moment_short(report.request.start)} – {moment(report.request.end)}"


def ships_text(report: AuditReport, most: int = 12) -> str:
    """'all ships that reported in the range (200)', or the chosen ships (counted when there are many)."""
    if not report.request.ships:
        return f"all ships that reported in the range ({count(len(report.ships))})"
    if len(report.request.ships) > most:
        return f"{count(len(report.request.ships))} chosen ships (listed in section 1)"
    chosen = ship_names(report)
    return "; ".join(chosen.get(mmsi, f"MMSI {mmsi}") for mmsi in report.request.ships)
