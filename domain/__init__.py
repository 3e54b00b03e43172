"""The fleet as pure Python: events, ships, the fold that rebuilds state, and the temporal index.

Nothing here imports Qt, SQLAlchemy, a scheduler or does I/O; every other layer depends on this one.
"""
