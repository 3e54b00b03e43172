"""The user's settings files: where they live and how they are written.

Settings files are TOML in the user's config folder (``~/.config/fleet-logbook/`` on Linux;
``FLEET_LOGBOOK_CONFIG`` points elsewhere): ``rules.toml`` (the rules' thresholds) and ``jobs.toml`` (the
scheduled report). They are read with the standard library's ``tomllib`` and written with ``tomli_w``, its
counterpart, which quotes keys and strings (ship types with spaces, Windows paths) as TOML requires.

A file is written whole under a temporary name in the same folder and renamed over the old one, so a
reader (another console, a crash halfway) sees either the old file or the new one, never half of either.
Writing drops comments a person added by hand; the header says so.
"""
from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Mapping

import tomli_w

CONFIG_VARIABLE = "FLEET_LOGBOOK_CONFIG"


def config_folder() -> Path:
    """``$FLEET_LOGBOOK_CONFIG``, or the platform's config folder for this user."""
    folder = os.environ.get(CONFIG_VARIABLE)
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir("fleet-logbook", appauthor=False)
    return Path(folder)


def read_toml(path: Path, error: type[Exception]) -> dict[str, Any]:
    """The mapping in the TOML file at ``path``; raises ``error`` naming the file when it cannot be read or
    is not TOML (the caller checks the mapping's keys and names them)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"{path}: cannot read ({problem})") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML ({problem})") from None


def write_toml(path: str | Path, mapping: Mapping[str, Any], header: str) -> Path:
    """Write ``mapping`` as TOML to ``path``, after ``header`` (each line becomes a ``#`` comment), replacing
    the file atomically; the folder is made if missing. Raises ``OSError`` when it cannot be written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.strip().splitlines())
    return replace_file(target, f"{comment}\n{tomli_w.dumps(_plain(mapping))}")


def replace_file(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` whole or not at all: under a temporary name in the same folder, flushed to
    disk, then renamed over the old file. Raises ``OSError`` when it cannot be written."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _plain(value: Any) -> Any:
    """Read-only mappings and tuples as the dicts and lists a TOML writer knows."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
