"""Which stores the console fills with the demo fleet: the default store, or one named with --demo; never a
user's store as a side effect (an append-only log could never be rid of 400,000 simulated events)."""
from __future__ import annotations

import socket
import threading

import pytest
from PySide6.QtGui import QImage

import main
from store import open_store


@pytest.fixture
def small_demo(monkeypatch):
    """The demo fleet at a size a test can afford (the console's own is 200 ships over 24 h)."""
    monkeypatch.setattr(main, "DEMO_SHIPS", 50)
    monkeypatch.setattr(main, "DEMO_HOURS", 0.25)


@pytest.fixture
def default_folder(tmp_path, monkeypatch):
    folder = tmp_path / "user-data"
    monkeypatch.setenv("FLEET_LOGBOOK_DATA", str(folder))
    return folder


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def events_in(path) -> int:
    store = open_store(path, create=False, read_only=True)
    try:
        return store.head().position
    finally:
        store.close()


def is_demo_store(path) -> bool:
    store = open_store(path, create=False, read_only=True)
    try:
        return store.info("demo_fleet") is not None
    finally:
        store.close()


def listen(capsys, path, seconds: float, datagrams: int = 0) -> None:
    """A real listener on a free UDP port for ``seconds``, sent ``datagrams`` AIS sentences meanwhile."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    sentence = b"!AIVDM,1,1,,A,13@orp0P1s0h4;0ORcN1j1H1P000,0*0F\n"
    stop = threading.Event()

    def send() -> None:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(datagrams):
            if stop.wait(0.1):
                break
            sender.sendto(sentence, ("127.0.0.1", port))
        sender.close()

    thread = threading.Thread(target=send)
    thread.start()
    try:
        code, _, err = run(capsys, "listen", "--db", str(path), "--udp", str(port), "--duration", str(seconds))
    finally:
        stop.set()
        thread.join()
    assert code == 0, err


def test_a_screenshot_of_a_new_store_writes_nothing_into_it(tmp_path, default_folder, small_demo, capsys):
    store, shot = tmp_path / "new.sqlite", tmp_path / "out.png"
    code, _, err = run(capsys, "gui", "--db", str(store), "--screenshot", str(shot))
    assert code == 0, err
    assert events_in(store) == 0 and not is_demo_store(store)
    assert QImage(str(shot)).width() == 1600
    assert not (default_folder / "fleet.sqlite").exists()


def test_a_listeners_empty_store_stays_empty_in_the_console(tmp_path, default_folder, small_demo, capsys):
    store = tmp_path / "watch.sqlite"
    listen(capsys, store, 1.0)
    assert events_in(store) == 0
    code, _, err = run(capsys, "gui", "--db", str(store), "--screenshot", str(tmp_path / "out.png"))
    assert code == 0, err
    assert events_in(store) == 0


def test_a_listeners_few_events_are_all_the_store_holds_after_a_screenshot(tmp_path, default_folder, small_demo,
                                                                           capsys):
    store = tmp_path / "watch.sqlite"
    listen(capsys, store, 1.5, datagrams=5)
    received = events_in(store)
    assert 0 < received < 20
    code, _, err = run(capsys, "gui", "--db", str(store), "--screenshot", str(tmp_path / "out.png"))
    assert code == 0, err
    assert events_in(store) == received


def test_demo_fills_the_store_it_is_asked_for(tmp_path, default_folder, small_demo, capsys):
    store = tmp_path / "x.sqlite"
    code, _, err = run(capsys, "gui", "--demo", "--db", str(store), "--screenshot", str(tmp_path / "out.png"))
    assert code == 0, err
    assert events_in(store) > 1_000 and is_demo_store(store)


def test_demo_refuses_a_store_that_holds_other_events(tmp_path, default_folder, small_demo, capsys):
    store = tmp_path / "watch.sqlite"
    listen(capsys, store, 1.5, datagrams=5)
    received = events_in(store)
    code, _, err = run(capsys, "gui", "--demo", "--db", str(store), "--screenshot", str(tmp_path / "out.png"))
    assert code == 1 and "only goes into an empty store" in err and err.count("\n") == 1
    assert events_in(store) == received
    assert not (tmp_path / "out.png").exists()


def test_demo_and_read_only_do_not_go_together(tmp_path, default_folder, capsys):
    code, _, err = run(capsys, "gui", "--demo", "--read-only", "--db", str(tmp_path / "x.sqlite"))
    assert code == 2 and "--read-only" in err
    assert not (tmp_path / "x.sqlite").exists()


def test_the_default_store_is_the_demo_store(tmp_path, default_folder, small_demo, capsys):
    """``make run`` (``python main.py``) on a first start fills the default store, as a screenshot of it does:
    the demo store is there to show the console; every other store is only ever filled on purpose."""
    code, _, err = run(capsys, "gui", "--screenshot", str(tmp_path / "out.png"))
    assert code == 0, err
    default = default_folder / "fleet.sqlite"
    assert events_in(default) > 1_000 and is_demo_store(default)
    code, _, err = run(capsys, "gui", "--db", str(default), "--screenshot", str(tmp_path / "again.png"))
    assert code == 0, err  # the same file named with --db is the demo store too, and carries on as it is
