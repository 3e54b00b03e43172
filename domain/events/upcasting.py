"""Schema evolution: old payloads are upcast on read by small registered functions, never rewritten.

An upcaster takes the payload dict of ``(type, schema_version)`` and returns the payload of the next
schema version. Reading applies them in a chain until the current version of the class is reached.
"""
from __future__ import annotations

from typing import Any, Callable

from domain.events.base import event_class

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


class UpcasterRegistry:
    """Upcasters by (type name, from schema version)."""

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], Upcaster] = {}

    def register(self, type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        def decorate(step: Upcaster) -> Upcaster:
            key = (type_name, from_version)
            if key in self._steps:
                raise ValueError(f"an upcaster for {type_name} v{from_version} is already registered")
            self._steps[key] = step
            return step

        return decorate

    def upcast(self, type_name: str, schema_version: int, payload: Payload) -> tuple[str, Payload]:
        """The current type name and payload for a stored one (aliases resolved)."""
        cls = event_class(type_name)
        version = schema_version
        while version < cls.SCHEMA_VERSION:
            step = self._steps.get((type_name, version)) or self._steps.get((cls.TYPE, version))
            if step is None:
                raise LookupError(f"no upcaster from {type_name} v{version} to v{version + 1}")
            payload = step(dict(payload))
            version += 1
        if version > cls.SCHEMA_VERSION:
            raise LookupError(f"{type_name} v{schema_version} is newer than this software (v{cls.SCHEMA_VERSION})")
        return cls.TYPE, payload


UPCASTERS = UpcasterRegistry()
"""The application's upcasters; register steps next to the event family they belong to."""
