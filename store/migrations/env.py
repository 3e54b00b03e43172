"""Alembic environment: always run on a connection the store hands over (never from a URL in a file)."""
from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("store migrations run through store.opening.open_store, which passes a connection")

context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
