"""The base of every domain event and the registry from stored type name to class.

An event is an immutable fact in the past tense. Its ``occurred_at`` (microseconds UTC) is decided when the
event is created and stored in it, so folding the log never reads a clock. Renaming a class never breaks
stored events: the old name is registered as an alias.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, TypeVar

from domain.errors import InvalidEvent, UnknownEventType

_EVENT_CLASSES: dict[str, type["Event"]] = {}
_ALIASES: dict[str, str] = {}

E = TypeVar("E", bound="type[Event]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A fact about the fleet. Subclasses add typed fields, validate them in ``__post_init__`` and name
    the stream they belong to with a ``stream_id`` property."""

    occurred_at: int

    TYPE: ClassVar[str] = "Event"
    SCHEMA_VERSION: ClassVar[int] = 1

    if TYPE_CHECKING:  # each family defines it; ``register`` refuses a class that does not
        @property
        def stream_id(self) -> str:
            """The stream the event belongs to (``ship-<mmsi>``, ``operations``, ``zones``)."""

    def payload(self) -> dict[str, Any]:
        """The event's own fields, without ``occurred_at`` (which the envelope carries)."""
        return {name: getattr(self, name) for name in payload_fields(type(self))}

    def _fail(self, field: str, message: str) -> None:
        raise InvalidEvent(self.TYPE, field, message)

    def __post_init__(self) -> None:
        if isinstance(self.occurred_at, bool) or not isinstance(self.occurred_at, int):
            self._fail("occurred_at", f"must be integer microseconds UTC, got {self.occurred_at!r}")


def register(cls: E, *aliases: str) -> E:
    """Register an event class under its ``TYPE`` name (and any former names)."""
    name = cls.TYPE
    if not isinstance(getattr(cls, "stream_id", None), property):
        raise TypeError(f"event type {name!r} names no stream: {cls.__name__} needs a stream_id property")
    if name in _EVENT_CLASSES and _EVENT_CLASSES[name] is not cls:
        raise ValueError(f"event type {name!r} registered twice")
    _EVENT_CLASSES[name] = cls
    for alias in aliases:
        _ALIASES[alias] = name
    return cls


def event_type(name: str, schema_version: int = 1, *aliases: str) -> Callable[[E], E]:
    """Class decorator: ``@event_type("PositionReported")`` sets TYPE and registers the class."""

    def decorate(cls: E) -> E:
        cls.TYPE = name
        cls.SCHEMA_VERSION = schema_version
        return register(cls, *aliases)

    return decorate


def event_class(name: str) -> type[Event]:
    """The class registered under ``name`` or one of its aliases."""
    canonical = _ALIASES.get(name, name)
    try:
        return _EVENT_CLASSES[canonical]
    except KeyError:
        raise UnknownEventType(name) from None


def registered_event_types() -> dict[str, type[Event]]:
    """Every registered type name and its class (aliases excluded)."""
    return dict(_EVENT_CLASSES)


_FIELDS_CACHE: dict[type, tuple[str, ...]] = {}


def payload_fields(cls: type[Event]) -> tuple[str, ...]:
    """The names of the payload fields of an event class, in declaration order."""
    try:
        return _FIELDS_CACHE[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name != "occurred_at")
        _FIELDS_CACHE[cls] = names
        return names


def build_event(type_name: str, occurred_at: int, payload: dict[str, Any]) -> Event:
    """Rebuild an event of the current schema from its payload; unknown fields are an error."""
    cls = event_class(type_name)
    known = set(payload_fields(cls))
    extra = set(payload) - known
    if extra:
        raise InvalidEvent(cls.TYPE, sorted(extra)[0], "is not a field of this event type")
    return cls(occurred_at=occurred_at, **payload)
