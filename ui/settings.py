"""Every persistent UI setting, declared once with its type and default.

Read and write through ``UiSettings`` so a key is never spelled twice. Tests redirect the store to a file
in ``tmp_path`` with ``UiSettings.at(path)``; the application uses ``UiSettings.for_user()``; a console that
must look the same on every machine (a screenshot) uses ``UiSettings.unkept()``. One ``UiSettings`` is
handed to each part of the console that remembers something (the console state, the commands, the zones).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

ORGANISATION = "FleetLogbook"
APPLICATION = "Fleet Logbook"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A key, the type it is read back as, and what it is before anyone sets it."""

    key: str
    type: type
    default: T


WINDOW_GEOMETRY: Setting[QByteArray] = Setting("window/geometry", QByteArray, QByteArray())
WINDOW_STATE: Setting[QByteArray] = Setting("window/state", QByteArray, QByteArray())
TRAIL_MINUTES: Setting[int] = Setting("map/trailMinutes", int, 30)            # 0: no trails
TIME_ZONE: Setting[str] = Setting("display/timeZone", str, "utc")           # ui.formatting.UTC or LOCAL
SPEED_UNIT: Setting[str] = Setting("display/speedUnit", str, "kn")          # ui.formatting.KNOTS or KMH
PLAY_SPEED: Setting[int] = Setting("timeline/playSpeed", int, 60)           # log seconds per wall second
LAST_STORE_PATH: Setting[str] = Setting("store/lastPath", str, "")
LAST_IMPORT_FOLDER: Setting[str] = Setting("import/lastFolder", str, "")
LAST_REPORT_FOLDER: Setting[str] = Setting("report/lastFolder", str, "")
OPERATOR_NAME: Setting[str] = Setting("operator/name", str, "")              # empty: the OS user
SHOW_ZONES: Setting[bool] = Setting("map/showZones", bool, True)
LAST_ZONES_FOLDER: Setting[str] = Setting("zones/lastFolder", str, "")     # GeoJSON imported or exported last


class UiSettings:
    """Typed access to a ``QSettings`` store (or to none: every read gives the default, writes are let go)."""

    def __init__(self, store: QSettings | None):
        self.store = store

    @classmethod
    def unkept(cls) -> "UiSettings":
        """Settings that read as their defaults and keep nothing (no saved layout, nothing remembered)."""
        return cls(None)

    @classmethod
    def for_user(cls) -> "UiSettings":
        """The user's settings, where the platform keeps them."""
        return cls(QSettings(ORGANISATION, APPLICATION))

    @classmethod
    def at(cls, path: Path) -> "UiSettings":
        """Settings kept in one INI file (tests point this at ``tmp_path``)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def get(self, setting: Setting[T]) -> T:
        if self.store is None or not self.store.contains(setting.key):
            return setting.default
        value = self.store.value(setting.key, setting.default, type=setting.type)
        return setting.default if value is None else value

    def set(self, setting: Setting[T], value: T) -> None:
        if self.store is not None:
            self.store.setValue(setting.key, value)

    def sync(self) -> None:
        if self.store is not None:
            self.store.sync()
