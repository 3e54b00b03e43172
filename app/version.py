"""The application's name and version, read from the installed package's metadata.

Imports no Qt and nothing of the app's own, so anything may ask for it: the command line writing a CSV
report, the console's About box, a report's 'Software' line. A source tree that was never installed
('pip install -e .') has no metadata and reads as the development version.
"""
from __future__ import annotations

from importlib import metadata

APP_NAME = "Fleet Logbook"
APP_DISTRIBUTION = "fleet-logbook"
UNKNOWN_VERSION = "development version"


def package_version(*distributions: str) -> str | None:
    """The installed version of the first of these distributions that is installed, or None."""
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def app_version() -> str:
    """This application's version, or 'development version' when it is not installed."""
    return package_version(APP_DISTRIBUTION) or UNKNOWN_VERSION
