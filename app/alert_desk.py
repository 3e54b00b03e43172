"""The alert desk: the alerts at any moment, and the operator's moves on them — acknowledge (one, or several
with one comment in one atomic append), silence, hand over, acknowledge-and-suppress a ship's alerts —
signed with the desk's operator."""
from __future__ import annotations

from typing import Sequence

from app.alerts import AlertLog
from domain.alert_board import AlertView
from domain.events import RecordedEvent


class AlertDesk:
    """One console's alerts: ``AlertLog`` (the board, kept current from the bus) and who is on watch."""

    def __init__(self, log: AlertLog, *, operator: str, read_only: bool = False):
        self._log = log
        self.operator = operator
        self.read_only = read_only  # an auditor's console sees the alerts and acknowledges none

    def prepare(self) -> None:
        """Read the log's alerts now (see ``AlertLog.load``)."""
        self._log.load()

    def alerts_at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """Alerts raised by ``at`` (recorded by ``known_at``), open or acknowledged as of then."""
        return self._log.alerts_at(at, known_at)

    def acknowledge(self, alert_id: str, comment: str | None = None) -> RecordedEvent:
        """Append the operator's acknowledgement of an open alert (``AlertError`` when it cannot be)."""
        return self._log.acknowledge(alert_id, self.operator, comment)

    def acknowledge_all(self, alert_ids: Sequence[str], comment: str | None = None) -> list[RecordedEvent]:
        """Acknowledge several open alerts with one comment, all of them or none (``AlertError`` naming the
        first that cannot be)."""
        return self._log.acknowledge_all(alert_ids, self.operator, comment)

    def standing_at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """The alerts not back to normal at ``at`` (active, or rectified and unacknowledged)."""
        return self._log.standing_at(at, known_at)

    def silence(self, alert_ids: Sequence[str]) -> list[RecordedEvent]:
        """Silence active unacknowledged alerts for 30 s (``AlertError`` naming the first that cannot be)."""
        return self._log.silence(alert_ids, self.operator)

    def transfer(self, alert_ids: Sequence[str], to_operator: str, comment: str | None = None) -> list[RecordedEvent]:
        """Hand active unacknowledged alerts over to another operator."""
        return self._log.transfer(alert_ids, self.operator, to_operator, comment)

    def suppress(self, mmsi: int, minutes: float, reason: str, alert_type: str | None = None) -> RecordedEvent:
        """Acknowledge and suppress a ship's alerts (of one type, or all) for ``minutes``, for ``reason``."""
        return self._log.suppress(mmsi, minutes, reason, self.operator, alert_type=alert_type)
