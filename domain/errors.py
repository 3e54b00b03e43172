"""Errors the domain raises where a fact is known to be wrong."""


class DomainError(Exception):
    """Base of every error the domain raises."""


class InvalidEvent(DomainError, ValueError):
    """An event's fields break a rule (a latitude of 95°, a negative speed, an unknown status).

    ``field`` names the offending field so a caller can say what and where.
    """

    def __init__(self, event_type: str, field: str, message: str):
        super().__init__(f"{event_type}.{field}: {message}")
        self.event_type = event_type
        self.field = field
        self.reason = message


class PositionUnavailable(InvalidEvent):
    """A report whose latitude or longitude is AIS 'not available' (91° / 181°): not a position."""


class UnknownEventType(DomainError, KeyError):
    """A stored type name that no registered event class (or alias) answers to."""

    def __str__(self) -> str:  # KeyError quotes its argument; say it plainly instead
        return f"unknown event type {self.args[0]!r}"


class InvalidTime(DomainError, ValueError):
    """A timestamp that cannot be read as an instant."""
