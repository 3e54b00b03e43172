"""What every command of the command line shares: exit codes, one-line errors, argument types, the store.

New commands live in their own module of this package, each with a ``register(commands)`` that adds its
parser; ``main.build_parser`` calls them.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BROKEN_CHAIN = 0, 1, 2, 3  # 3: the log does not verify, or its file is damaged


class CommandError(Exception):
    """A failure to report as one line on stderr with a non-zero exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def default_store_path() -> Path:
    """The store in the platform's user data folder (``FLEET_LOGBOOK_DATA`` overrides the folder)."""
    folder = os.environ.get("FLEET_LOGBOOK_DATA")
    if not folder:
        from platformdirs import user_data_dir

        folder = user_data_dir("fleet-logbook", appauthor=False)
    return Path(folder) / "fleet.sqlite"


def instant(text: str) -> int:
    from domain.errors import InvalidTime
    from domain.time import parse_instant

    try:
        return parse_instant(text)
    except InvalidTime as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def mmsi(text: str) -> int:
    if not text.isdigit() or len(text) > 9 or int(text) == 0:
        raise argparse.ArgumentTypeError(f"an MMSI is a number of up to 9 digits, not {text!r}")
    return int(text)


def view_box(text: str) -> tuple[float, float, float, float]:
    """``WEST,SOUTH,EAST,NORTH`` in degrees: the part of the map to show."""
    parts = text.split(",")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WEST,SOUTH,EAST,NORTH in degrees (e.g. -6,48.5,3,51.8), "
                                         f"not {text!r}") from None
    if not (-540.0 <= west < east <= 540.0 and -85.0 <= south < north <= 85.0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a box: west must be less than east and south less than "
                                         f"north, latitudes within ±85°")
    return west, south, east, north


def positive_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    return parse


def _number(what: str, accepts: Callable[[float], bool], bounds: str) -> Callable[[str], float]:
    """An argument type for a number of ``what`` that ``accepts`` (``bounds`` says which, in the error)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {what}: {text!r}") from None
        if not accepts(value):
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    return parse


megabytes = _number("number of megabytes", lambda value: 1 <= value <= 1_000_000, "between 1 and 1,000,000 MB")
hours = _number("number of hours", lambda value: 0 < value <= 744, "more than 0 and at most 744 (31 days)")
seconds_window = _number("number of seconds", lambda value: 0 <= value <= 60, "between 0 and 60 seconds")
rate = _number("rate in sentences per second", lambda value: 0 < value <= 1_000_000,
               "more than 0 sentences per second")


def column_mapping(text: str) -> dict[str, str]:
    from feeds.ais_csv import parse_column_mapping

    try:
        return parse_column_mapping(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def open_at(db: str | None, *, create: bool, read_only: bool = False):
    from store import open_store

    return open_store(db or default_store_path(), create=create, read_only=read_only)


def progress_printer(label: str):
    """A one-line progress display on a terminal (nothing when stderr is not one)."""
    if not sys.stderr.isatty():
        return None
    from domain.time import format_instant

    def show(reached: int, end: int) -> None:
        sys.stderr.write(f"\r{label}: {format_instant(reached)} of {format_instant(end)}   ")
        sys.stderr.flush()

    return show
