"""Before Qt starts on a Linux desktop, a missing system library is named with the line that installs it.

The dynamic loader's lookup and /etc/os-release are the process's edges: faked here, so the same checks run
on any machine; one test holds the lists to what the installed Qt plugins really link against."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui.qt_requirements import (DISPLAY_PLATFORMS, GUI_LIBRARIES, XCB_LIBRARIES, MissingQtLibraries, NoDisplay,
                                check_display, check_qt_libraries)

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'
DESKTOP = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}


def without(*sonames: str):
    """A loader that finds every library but these."""
    return lambda soname: soname not in sonames


def check(lookup, *, environ=DESKTOP, os_release=DEBIAN, platform="linux", screenshot=False) -> None:
    check_qt_libraries(screenshot=screenshot, environ=environ, platform=platform, lookup=lookup,
                       os_release=lambda: os_release)


def test_a_missing_xcb_cursor_is_named_with_its_apt_line():
    with pytest.raises(MissingQtLibraries) as raised:
        check(without("libxcb-cursor.so.0"), os_release=UBUNTU)
    message = str(raised.value)
    assert "\n" not in message and "libxcb-cursor.so.0" in message
    assert message.endswith("install them with: sudo apt-get install libxcb-cursor0")


def test_several_missing_libraries_make_one_install_line_naming_each_package_once():
    missing = without("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-shape.so.0", "libxcb-xkb.so.1")
    with pytest.raises(MissingQtLibraries) as raised:
        check(missing)
    assert raised.value.install == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1"
    with pytest.raises(MissingQtLibraries) as raised:
        check(missing, os_release=FEDORA)
    assert raised.value.install == "sudo dnf install xcb-util-wm xcb-util-keysyms libxcb"


def test_an_unknown_distribution_still_gets_the_package_names():
    with pytest.raises(MissingQtLibraries) as raised:
        check(without("libxcb-cursor.so.0"), os_release="ID=somethingelse\n")
    assert "libxcb-cursor0" in raised.value.install


def test_a_desktop_with_everything_starts():
    check(lambda soname: True)


def test_offscreen_needs_only_what_every_qt_gui_needs():
    check(without(*(library.soname for library in XCB_LIBRARIES)), environ={"QT_QPA_PLATFORM": "offscreen"})
    with pytest.raises(MissingQtLibraries) as raised:
        check(without("libEGL.so.1"), environ={"QT_QPA_PLATFORM": "offscreen"})
    assert raised.value.install == "sudo apt-get install libegl1"


def test_a_screenshot_without_a_display_is_rendered_offscreen_and_needs_no_xcb():
    check(without("libxcb-cursor.so.0"), environ={}, screenshot=True)
    with pytest.raises(MissingQtLibraries):
        check(without("libxcb-cursor.so.0"), environ=DESKTOP, screenshot=True)  # a display: a real window


def test_a_wayland_session_starts_on_wayland_or_falls_back_to_xcb():
    session = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}
    check(without("libxcb-cursor.so.0"), environ=session)                  # Wayland is enough
    check(without("libwayland-cursor.so.0"), environ=session)              # xcb (XWayland) is enough
    with pytest.raises(MissingQtLibraries) as raised:                      # neither: name the fallback
        check(without("libwayland-cursor.so.0", "libxcb-cursor.so.0"), environ=session)
    assert raised.value.platform == "xcb" and "libxcb-cursor0" in raised.value.install


def test_a_platform_chosen_with_options_is_checked_by_its_name():
    with pytest.raises(MissingQtLibraries) as raised:
        check(without("libwayland-client.so.0"), environ={"QT_QPA_PLATFORM": "wayland:nohighdpi"})
    assert raised.value.platform == "wayland"


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_macos_and_windows_wheels_carry_what_qt_needs(platform):
    check(lambda soname: False, platform=platform)


def test_a_window_without_a_display_is_refused_in_one_line_but_a_screenshot_renders_offscreen():
    with pytest.raises(NoDisplay, match="--screenshot"):
        check_display(environ={}, platform="linux")
    check_display(environ={}, platform="linux", screenshot=True)
    check_display(environ={"QT_QPA_PLATFORM": "offscreen"}, platform="linux")
    check_display(environ={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    check_display(environ={}, platform="darwin")


@pytest.mark.skipif(sys.platform != "linux", reason="the X11/Wayland display is a Linux matter")
def test_the_console_without_a_display_says_so_instead_of_aborting(tmp_path):
    """Qt itself aborts (SIGABRT, a core) blaming libxcb-cursor0 when DISPLAY is merely unset."""
    import os

    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["FLEET_LOGBOOK_DATA"] = str(tmp_path / "data")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "main.py"), "gui", "--db", str(tmp_path / "watch.sqlite")],
                          capture_output=True, text=True, timeout=60, cwd=root, env=env)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: there is no display") and done.stderr.count("\n") == 1
    assert not (tmp_path / "watch.sqlite").exists() and not (tmp_path / "data").exists()


def _needed(library: Path) -> set[str]:
    dump = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True, check=True).stdout
    return {line.split()[1] for line in dump.splitlines() if line.strip().startswith("NEEDED")}


@pytest.mark.skipif(sys.platform != "linux" or shutil.which("objdump") is None, reason="ELF and objdump only")
def test_the_lists_hold_every_system_library_the_installed_qt_plugins_link():
    import importlib.util

    qt = Path(importlib.util.find_spec("PySide6").origin).parent / "Qt"
    runtime = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libzstd.so.1",
               "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libpthread.so.0", "libdl.so.2"}
    plugins = {"xcb": [qt / "plugins/platforms/libqxcb.so", qt / "lib/libQt6XcbQpa.so.6"],
               "wayland": [qt / "plugins/platforms/libqwayland.so", qt / "lib/libQt6WaylandClient.so.6"]}
    listed_gui = {library.soname for library in GUI_LIBRARIES}
    gui_needs = set().union(*(_needed(qt / "lib" / name) for name in ("libQt6Gui.so.6", "libQt6DBus.so.6")))
    assert {name for name in gui_needs if "Qt6" not in name and "libicu" not in name} - runtime <= listed_gui
    for platform, libraries in plugins.items():
        needs = set().union(*(_needed(library) for library in libraries if library.exists()))
        system = {name for name in needs if "Qt6" not in name and "libicu" not in name} - runtime
        listed = listed_gui | {library.soname for library in DISPLAY_PLATFORMS[platform]}
        assert system <= listed, f"{platform}: not checked: {sorted(system - listed)}"
