"""Domain events, one module per family, and the registry that maps stored type names to classes."""
from domain.events.base import (Event, build_event, event_class, event_type, payload_fields, register,
                                registered_event_types)
from domain.events.alerts import (ALARM, ALERT_EVENT_TYPES, ALERT_TYPE_NAMES, CAUTION, EMERGENCY, PRIORITIES,
                                  SEVERITIES, WARNING, AlertEvent, CloseQuarters, Loitering, PortArrived, PortDeparted,
                                  PositionJumped, SignalLost, SignalRestored, SpeedLimitExceeded, ZoneEntered,
                                  ZoneExited)
from domain.events.envelope import NewEvent, RecordedEvent
from domain.events.operators import (OPERATIONS_STREAM, REPORT_FORMATS, AlertAcknowledged, AuditReportExported,
                                     OperatorNoteAdded)
from domain.events.alert_states import (ALERT_STATE_TYPE_NAMES, ALERT_STATE_TYPES, SILENCE_S, AlertEscalated,
                                        AlertRectified, AlertResponsibilityTransferred, AlertSilenced,
                                        AlertsSuppressed)
from domain.events.ships import (PositionReported, ShipDetailsChanged, ShipEvent, ShipRegistered, quantise_degrees,
                                 quantise_tenths, ship_stream)
from domain.events.upcasting import UPCASTERS, UpcasterRegistry
from domain.events.zones import (ZONE_KINDS, ZONES_STREAM, ZoneDefined, ZoneDefinitionEvent, ZoneRemoved,
                                 canonical_geometry)

__all__ = [
    "Event", "build_event", "event_class", "event_type", "payload_fields", "register", "registered_event_types",
    "NewEvent", "RecordedEvent", "OPERATIONS_STREAM", "REPORT_FORMATS", "AlertAcknowledged", "AuditReportExported",
    "OperatorNoteAdded",
    "PositionReported", "ShipDetailsChanged", "ShipEvent", "ShipRegistered", "quantise_degrees", "quantise_tenths",
    "ship_stream", "UPCASTERS", "UpcasterRegistry",
    "ALERT_EVENT_TYPES", "ALERT_TYPE_NAMES", "SEVERITIES", "AlertEvent", "CloseQuarters", "PortArrived",
    "PortDeparted", "SignalLost", "SignalRestored", "SpeedLimitExceeded", "ZoneEntered", "ZoneExited", "Loitering",
    "ALARM", "CAUTION", "EMERGENCY", "PRIORITIES", "WARNING", "PositionJumped",
    "ALERT_STATE_TYPE_NAMES", "ALERT_STATE_TYPES", "SILENCE_S", "AlertEscalated", "AlertRectified",
    "AlertResponsibilityTransferred", "AlertSilenced", "AlertsSuppressed",
    "ZONE_KINDS", "ZONES_STREAM", "ZoneDefined", "ZoneDefinitionEvent", "ZoneRemoved", "canonical_geometry",
]
