"""File › Open shared store: a console moves to a PostgreSQL store by its URL, never one holding a password."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.console_session import ConsoleSession
from store import open_store
from tests.fleet_events import registered, report
from ui.console_commands import shared_store_refusal
from ui.console_controller import ConsoleController
from ui.empty_source import empty_console
from ui.main_window import MainWindow

WAIT_MS = 20_000


def test_file_open_shared_store_shows_the_server_store_s_fleet(qtbot, monkeypatch, postgres_url, tmp_path):
    with open_store(postgres_url) as shared:
        shared.append_batch([registered(219000001, 0, "ALBA"), report(219000001, 1)])
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    controller = ConsoleController(window)
    controller.open(ConsoleSession(tmp_path / "laptop.sqlite"))
    qtbot.waitUntil(lambda: controller.session is not None and window.source is controller.session.console,
                    timeout=WAIT_MS)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, **kwargs: (postgres_url, True)))

    window.menus.open_shared_store.trigger()

    try:
        qtbot.waitUntil(lambda: window.source.fleet.describe().startswith("PostgreSQL"), timeout=WAIT_MS)
        assert window.source.fleet.store.count() == 2 and "@" not in window.source_label.text()
    finally:
        controller.close()


def test_a_url_with_a_password_or_of_another_kind_is_refused_before_anything_opens(qtbot, monkeypatch):
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    warned, asked = [], []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *args: warned.append(args[2])))
    window.commands.openStoreRequested.connect(asked.append)
    for url in ("postgresql://kim:secret@watch.example.org/fleet", "mysql://watch.example.org/fleet"):
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, url=url, **kwargs: (url, True)))
        assert window.commands.choose_shared_store() is None
    assert asked == [] and "PGPASSWORD" in warned[0] and "postgresql://" in warned[1]
    assert shared_store_refusal("postgresql://watch.example.org/fleet") is None
