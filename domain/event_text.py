"""What an event says, in one readable line: its type as an operator says it, a summary, who made it, and
whether the log learned of it late. Shared by the console's event log and the printed report's listing, so
both say the same; text from outside in a summary is shown visibly and isolated (``domain.display_text``).
"""
from __future__ import annotations

import re

from domain.display_text import visible
from domain.events import (AlertAcknowledged, AlertEscalated, AlertEvent, AlertRectified,
                           AlertResponsibilityTransferred, AlertSilenced, AlertsSuppressed, AuditReportExported,
                           OperatorNoteAdded, PositionReported, RecordedEvent, ShipDetailsChanged, ShipRegistered,
                           ZoneDefined, ZoneRemoved)
from domain.notation import format_latitude, format_longitude, in_text, utc_moment
from domain.time import MICROS_PER_MINUTE

LATE_AFTER = MICROS_PER_MINUTE     # a report recorded more than this after it occurred is shown as late

# Event types as an operator says them; unknown types show their stored name.
TYPE_NAMES = {
    "PositionReported": "Position", "ShipRegistered": "Registered", "ShipDetailsChanged": "Details changed",
    "OperatorNoteAdded": "Note", "AlertAcknowledged": "Alert acknowledged",
    "AuditReportExported": "Report exported", "ZoneDefined": "Zone defined", "ZoneRemoved": "Zone removed",
    "AlertRectified": "Alert rectified", "AlertSilenced": "Alert silenced", "AlertEscalated": "Alert escalated",
    "AlertResponsibilityTransferred": "Alert handed over", "AlertsSuppressed": "Alerts suppressed",
}


def type_name(event_type: str) -> str:
    return TYPE_NAMES.get(event_type, event_type)


def _metres(value: float) -> str:
    return f"{value:g}"


_SPACES = re.compile(r"[ \t\n]+")


def one_line(text: str) -> str:
    """Several lines of an operator's text on one line: runs of spaces, tabs and line feeds as one space;
    every other hidden character shown (domain.display_text), the text isolated from what surrounds it."""
    return in_text(_SPACES.sub(" ", text).strip(" "))


def summary_of(recorded: RecordedEvent) -> str:
    """One readable line saying what an event says; text from outside in it is shown visibly and isolated."""
    event = recorded.event
    if isinstance(event, PositionReported):
        parts = [f"{format_latitude(event.lat, 1)} {format_longitude(event.lon, 1)}"]
        if event.sog is not None:
            parts.append(f"{event.sog:.1f} kn")
        if event.cog is not None:
            parts.append(f"{event.cog:03.0f}°")
        if event.nav_status and event.nav_status != "under way using engine":
            parts.append(visible(event.nav_status))
        return " · ".join(parts)
    if isinstance(event, ShipRegistered):
        parts = [f"registered as {in_text(event.name)}" if event.name else "registered (no name yet)"]
        parts += _static_parts(event)
        return " · ".join(parts)
    if isinstance(event, ShipDetailsChanged):
        parts = [f"renamed to {in_text(event.name)}"] if event.name else []
        parts += _static_parts(event)
        if event.destination:
            parts.append(f"destination {in_text(event.destination)}")
        if event.eta is not None:
            parts.append(f"ETA {utc_moment(event.eta)[:-7]} UTC")
        if event.draught is not None:
            parts.append(f"draught {event.draught:g} m")
        text = " · ".join(parts) or "details changed"
        reason = recorded.metadata.get("reason") if recorded.metadata.get("source") == "correction" else None
        return f"corrected: {text} — {one_line(str(reason))}" if reason else text
    if isinstance(event, OperatorNoteAdded):
        return one_line(event.text)
    if isinstance(event, AlertAcknowledged):
        text = f"acknowledged alert {in_text(event.alert_id)}"
        return f"{text}: {one_line(event.comment)}" if event.comment else text
    if isinstance(event, AlertEvent):
        return visible(event.summary)
    if isinstance(event, AlertRectified):
        return f"alert {in_text(event.alert_id)} rectified: {one_line(event.reason)}"
    if isinstance(event, AlertSilenced):
        return f"alert {in_text(event.alert_id)} silenced for {event.duration_s:g} s"
    if isinstance(event, AlertEscalated):
        return f"alert {in_text(event.alert_id)} unacknowledged for {event.after_s:g} s: now an alarm"
    if isinstance(event, AlertResponsibilityTransferred):
        text = f"alert {in_text(event.alert_id)} handed over to {in_text(event.to_operator)}"
        return f"{text}: {one_line(event.comment)}" if event.comment else text
    if isinstance(event, AlertsSuppressed):
        kind = in_text(event.alert_type) if event.alert_type else "all"
        return f"{kind} alerts suppressed until {utc_moment(event.until)}: {one_line(event.reason)}"
    if isinstance(event, AuditReportExported):
        return (f"{event.format.upper()} report {in_text(event.file_name)}: {event.events:,} events, "
                f"SHA-256 {event.output_sha256[:16]}…")
    if isinstance(event, ZoneDefined):
        limit = f", limit {event.speed_limit_kn:g} kn" if event.speed_limit_kn is not None else ""
        return f"zone {in_text(event.name)} ({event.kind}{limit})"
    if isinstance(event, ZoneRemoved):
        return f"zone {in_text(event.name)} removed"
    payload = ", ".join(f"{key}={value}" for key, value in event.payload().items() if value is not None)
    return visible(payload)


def _static_parts(event: ShipRegistered | ShipDetailsChanged) -> list[str]:
    parts: list[str] = []
    if event.ship_type:
        parts.append(visible(event.ship_type))
    if event.length is not None and event.beam is not None:
        parts.append(f"{_metres(event.length)} × {_metres(event.beam)} m")
    elif event.length is not None:
        parts.append(f"length {_metres(event.length)} m")
    elif event.beam is not None:
        parts.append(f"beam {_metres(event.beam)} m")
    if event.imo is not None:
        parts.append(f"IMO {event.imo}")
    if event.callsign:
        parts.append(f"call sign {in_text(event.callsign)}")
    return parts


def operator_of(recorded: RecordedEvent) -> str:
    who = recorded.metadata.get("operator") or getattr(recorded.event, "operator", None)
    return visible(who) if who else ""


def is_late(recorded: RecordedEvent) -> bool:
    return abs(recorded.recorded_at - recorded.occurred_at) > LATE_AFTER
