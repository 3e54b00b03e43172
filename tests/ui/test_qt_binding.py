"""The Qt binding must not lose references to Python's singletons.

PySide6 6.12.0 on Python 3.11 drops a reference to ``True`` on every signal emit and to ``None`` on every
empty QVariant it converts; pyqtgraph does both constantly, and the interpreter aborts after a few
thousand. pyproject.toml pins the binding below 6.12 for that; this test fails if a version with the
defect is installed again.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    pinged = Signal()


def test_emitting_and_reading_empty_properties_keeps_true_and_none_alive():
    probe = _Probe()
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        probe.pinged.emit()
        probe.property("fleet_logbook_probe")
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert after[0] >= before[0] - 20 and after[1] >= before[1] - 20, "the Qt binding leaks singleton references"
