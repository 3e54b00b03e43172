"""What Qt needs from the system before it can open a window on Linux, checked without loading Qt.

PySide6's wheels carry Qt itself but not the system libraries its display plugins link against. When one is
missing (``libxcb-cursor0`` is the classic one on Debian and Ubuntu since Qt 6.5), Qt aborts with "could not
load the Qt platform plugin xcb" and no word of what to install. ``check_qt_libraries`` asks the dynamic
loader for each library first (the same lookup Qt's plugin would make) and raises ``MissingQtLibraries`` with
the exact install line for the distribution. The library lookup and the os-release text are the process's
edges, passed in so the logic can be tested on any machine.

The lists below are the ``NEEDED`` entries of PySide6-Essentials' ``libQt6Gui``, ``libQt6DBus``,
``libqxcb`` with ``libQt6XcbQpa``, and ``libqwayland`` with ``libQt6WaylandClient`` (C and C++ runtimes
left out: Python itself needs them). Nothing here imports Qt.
"""
from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence


@dataclass(frozen=True)
class SystemLibrary:
    soname: str   # what the dynamic loader looks for
    debian: str   # the package that provides it on Debian and Ubuntu
    fedora: str   # ... and on Fedora (dnf)


def _libraries(*rows: tuple[str, str, str]) -> tuple[SystemLibrary, ...]:
    return tuple(SystemLibrary(*row) for row in rows)


# Every Qt GUI needs these, whatever the platform plugin (offscreen too): QtGui and QtDBus link them.
GUI_LIBRARIES = _libraries(
    ("libEGL.so.1", "libegl1", "libglvnd-egl"),
    ("libGL.so.1", "libgl1", "libglvnd-glx"),
    ("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    ("libfreetype.so.6", "libfreetype6", "freetype"),
    ("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    ("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    ("libgthread-2.0.so.0", "libglib2.0-0", "glib2"),
    ("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    ("libX11.so.6", "libx11-6", "libX11"),
)

# The X11 (xcb) platform plugin: a window on an X server, or on XWayland.
XCB_LIBRARIES = _libraries(
    ("libxcb.so.1", "libxcb1", "libxcb"),
    ("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    ("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    ("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    ("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    ("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    ("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    ("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    ("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
)

# The Wayland platform plugin.
WAYLAND_LIBRARIES = _libraries(
    ("libwayland-client.so.0", "libwayland-client0", "libwayland-client"),
    ("libwayland-cursor.so.0", "libwayland-cursor0", "libwayland-cursor"),
)

DISPLAY_PLATFORMS: Mapping[str, tuple[SystemLibrary, ...]] = {"xcb": XCB_LIBRARIES, "wayland": WAYLAND_LIBRARIES}

LibraryLookup = Callable[[str], bool]


class QtCannotStart(RuntimeError):
    """Qt would abort on starting here; the message says why and what to do."""


class NoDisplay(QtCannotStart):
    """A window was asked for where there is no display (Qt would blame its xcb plugin and abort)."""


class MissingQtLibraries(QtCannotStart):
    """Qt could not start: system libraries it links against are not installed (the message says how to)."""

    def __init__(self, platform: str, missing: Sequence[SystemLibrary], install: str):
        self.platform = platform
        self.missing = tuple(missing)
        self.install = install
        names = ", ".join(library.soname for library in self.missing)
        super().__init__(f"the console cannot start: Qt's {platform} platform needs system libraries that are "
                         f"not installed ({names}); install them with: {install}")


def loadable(soname: str) -> bool:
    """True when the dynamic loader finds and loads ``soname`` (as Qt's plugin would)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def has_display(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Whether there is a screen to open a window on (always, outside Linux and the BSDs)."""
    if platform != "linux" and not platform.startswith("freebsd"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def qt_platforms(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order: ``QT_QPA_PLATFORM`` ("wayland;xcb", "xcb:option"), else
    Wayland then xcb in a Wayland session, else xcb."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [part.split(":", 1)[0].strip().lower() for part in chosen.split(";") if part.strip()]
    if environ.get("XDG_SESSION_TYPE", "").lower() == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def distribution_family(os_release: str) -> str:
    """"debian", "fedora" or "" (unknown), from the text of /etc/os-release (its ID and ID_LIKE)."""
    fields = {}
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip().strip('"').lower()
    family = {fields.get("ID", ""), *fields.get("ID_LIKE", "").split()}
    if family & {"debian", "ubuntu"}:
        return "debian"
    if family & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""


def install_line(missing: Sequence[SystemLibrary], os_release: str) -> str:
    """The command that installs what provides ``missing`` on this distribution (each package once)."""
    family = distribution_family(os_release)
    packages = dict.fromkeys(library.fedora if family == "fedora" else library.debian for library in missing)
    if family == "fedora":
        return "sudo dnf install " + " ".join(packages)
    if family == "debian":
        return "sudo apt-get install " + " ".join(packages)
    return "your package manager (on Debian/Ubuntu: sudo apt-get install " + " ".join(packages) + ")"


def _os_release() -> str:
    for path in (Path("/etc/os-release"), Path("/usr/lib/os-release")):
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return ""


def check_display(*, screenshot: bool = False, environ: Mapping[str, str] = os.environ,
                  platform: str = sys.platform) -> None:
    """Raise ``NoDisplay`` when Qt would try a window system with no display to connect to (a screenshot
    without one renders offscreen instead)."""
    if platform != "linux" or (screenshot and not has_display(environ, platform)):
        return
    if qt_platforms(environ)[0] in DISPLAY_PLATFORMS and not has_display(environ, platform):
        raise NoDisplay("there is no display to open the console on (DISPLAY and WAYLAND_DISPLAY are unset): "
                        "run it in a desktop session, or render a picture of it with --screenshot PNG")


def check_qt_libraries(*, screenshot: bool = False, environ: Mapping[str, str] = os.environ,
                       platform: str = sys.platform, lookup: LibraryLookup = loadable,
                       os_release: Callable[[], str] = _os_release) -> None:
    """Raise ``MissingQtLibraries`` if Qt could not start here for want of a system library.

    Only Linux is checked (macOS and Windows wheels carry all Qt needs). A screenshot without a display
    renders offscreen, which needs only the GUI libraries; offscreen, minimal and other non-display
    platforms chosen by ``QT_QPA_PLATFORM`` likewise. For a display, the first platform Qt would try whose
    libraries are all there is enough; when none is, the one Qt falls back to last (xcb) is named.
    """
    if platform != "linux":
        return
    platforms = ["offscreen"] if screenshot and not has_display(environ, platform) else qt_platforms(environ)
    candidates = [name for name in platforms if name in DISPLAY_PLATFORMS]
    if not candidates or platforms[0] not in DISPLAY_PLATFORMS:
        needed = {"Qt GUI": GUI_LIBRARIES}
    else:
        needed = {name: GUI_LIBRARIES + DISPLAY_PLATFORMS[name] for name in candidates}
    shortfall: tuple[str, list[SystemLibrary]] | None = None
    for name, libraries in needed.items():
        missing = [library for library in libraries if not lookup(library.soname)]
        if not missing:
            return
        shortfall = (name, missing)
    assert shortfall is not None
    name, missing = shortfall
    raise MissingQtLibraries(name, missing, install_line(missing, os_release()))
