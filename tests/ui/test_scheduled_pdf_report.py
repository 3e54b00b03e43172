"""A scheduled PDF report is drawn by the renderer the composition root hands over (Qt's PDF writer), on
the scheduler's thread, while the console's window stays with the GUI thread."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.console_session import ConsoleSession
from app.report_schedule import ReportSchedule, save_report_schedule
from app.scheduled_reports import JOB_ID
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report
from ui.report_dialog import pdf_renderers

NOW = T0 + 150 * MINUTE  # 14:30 UTC: the 14:00 report is due


def test_a_scheduled_pdf_report_is_drawn_on_the_schedulers_thread(qapp, store_path, tmp_path):
    with open_store(store_path) as store:
        store.append_batch([registered(219000001, 0, "ARIA"), *[report(219000001, m) for m in range(1, 60)]])
    folder = tmp_path / "reports"
    folder.mkdir()
    save_report_schedule(ReportSchedule(enabled=True, hour=14, folder=str(folder), formats=("pdf",)))
    session = ConsoleSession(store_path, clock=lambda: NOW, live=False, renderers=pdf_renderers())
    session.load()
    session.start()
    try:
        session.run_job_soon(JOB_ID)
        assert session.wait_for_job(JOB_ID, 1, timeout=60)
        assert session.job_failure() == ""
    finally:
        session.close()
    written = folder / "audit-report-2024-05-01T1400Z.pdf"
    assert os.listdir(folder) == [written.name]
    assert written.read_bytes().startswith(b"%PDF")
