"""Which events a read asks for, as WHERE conditions on the events table: a range on either clock, some
streams, some types. Event rows hold interned ids, so the names asked for are looked up first; a read that
names only streams or types the log has never seen can match nothing, and is told so before it queries."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.engine import Connection

from store.schema import event_types, events, streams


def event_conditions(connection: Connection, *, stream_names: Iterable[str] | None = None,
                     type_names: Iterable[str] | None = None, occurred_from: int | None = None,
                     occurred_to: int | None = None,
                     recorded_to: int | None = None) -> list[ColumnElement[bool]] | None:
    """The conditions selecting events on these streams, of these types, that occurred in
    ``[occurred_from, occurred_to]`` and were recorded by ``recorded_to`` (None: no bound); None when the
    streams or types asked for are not in the log, so no event can match."""
    conditions: list[ColumnElement[bool]] = []
    for names, table, column in ((stream_names, streams, events.c.stream), (type_names, event_types, events.c.type)):
        if names is not None:
            ids = _ids_of(connection, table, names)
            if not ids:
                return None
            conditions.append(column == ids[0] if len(ids) == 1 else column.in_(ids))
    if occurred_from is not None:
        conditions.append(events.c.occurred_at >= occurred_from)
    if occurred_to is not None:
        conditions.append(events.c.occurred_at <= occurred_to)
    if recorded_to is not None:
        conditions.append(events.c.recorded_at <= recorded_to)
    return conditions


def _ids_of(connection: Connection, table: Table, names: Iterable[str]) -> list[int]:
    """The ids of the rows of an interned-name table (streams, event types) with these names."""
    return list(connection.execute(select(table.c.id).where(table.c.name.in_(list(names)))).scalars())
