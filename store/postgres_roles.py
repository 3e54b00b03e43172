"""Setting up a shared store's roles: the schema made if missing, the three group roles created and granted
(``store.postgres_schema.grant_roles``), as the database's owner."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from store.postgres_opening import open_postgres
from store.postgres_schema import ROLES, grant_roles
from store.postgres_store import refused


@dataclass(frozen=True)
class RolesGranted:
    roles: tuple[str, ...]
    created: tuple[str, ...]  # the roles that did not exist before
    where: str


def create_roles(location: str) -> RolesGranted:
    """Make the store in ``location`` if needed, create the group roles and grant them; idempotent."""
    store = open_postgres(location, create=True)
    try:
        with store.engine.connect() as connection, connection.begin():
            database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
            statements = grant_roles(connection, database)
    except DBAPIError as error:
        raise refused(error.orig, "no role was created or granted") from None
    finally:
        store.close()
    created = tuple(role for role in ROLES if f"CREATE ROLE {role} NOLOGIN" in statements)
    return RolesGranted(ROLES, created, store.describe())
