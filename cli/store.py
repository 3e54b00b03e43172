"""``store roles`` and ``store copy``: setting up a shared store's roles, and moving a log between stores."""
from __future__ import annotations

import argparse
import json
import sys
import time

from cli import arguments
from cli.arguments import EXIT_BROKEN_CHAIN, EXIT_OK, CommandError


def register(commands: argparse._SubParsersAction) -> None:
    store = commands.add_parser("store", help="set up a shared store's roles, or copy a log between stores")
    actions = store.add_subparsers(dest="store_action", required=True, metavar="roles|copy")
    roles = actions.add_parser("roles", help="create the group roles fleet_operator, fleet_ingest, fleet_auditor "
                                             "in a PostgreSQL store and grant them what each may do")
    roles.add_argument("--db", required=True, help="postgresql:// URL, as the database's owner")
    roles.set_defaults(run=command_roles)
    copy = actions.add_parser("copy", help="copy a log into another store (an empty one, or a copy it resumes)")
    copy.add_argument("--from", dest="source", required=True, help="the store to copy (file, sqlite:/// or "
                                                                    "postgresql:// URL)")
    copy.add_argument("--to", dest="target", required=True, help="the store to copy into (made if missing)")
    copy.set_defaults(run=command_copy)


def command_roles(args: argparse.Namespace) -> int:
    from store.errors import StoreError
    from store.postgres_roles import create_roles
    from store.shared_location import is_postgres_location

    if not is_postgres_location(args.db):
        raise CommandError("store roles: --db must be a postgresql:// URL (a store file has no roles)",
                           arguments.EXIT_USAGE)
    try:
        granted = create_roles(args.db)
    except StoreError as error:
        raise CommandError(f"store roles: {error}") from None
    print(json.dumps({"roles": list(granted.roles), "created": list(granted.created), "database": granted.where}))
    return EXIT_OK


def command_copy(args: argparse.Namespace) -> int:
    from store.copied_rows import CopyMismatchError
    from store.log_copy import copy_log

    source = arguments.open_at(args.source, create=False, read_only=True)
    try:
        target = arguments.open_at(args.target, create=True)
        try:
            started = time.monotonic()
            try:
                result = copy_log(source, target, progress=_progress_printer(source.describe()))
            except CopyMismatchError as error:
                raise CommandError(f"store copy: {error}", EXIT_BROKEN_CHAIN) from None
            summary = {**result.as_json(), "from": source.describe(), "to": target.describe(),
                       "seconds": round(time.monotonic() - started, 2)}
        finally:
            target.close()
    finally:
        source.close()
    print(json.dumps(summary))
    return EXIT_OK


def _progress_printer(what: str):
    """One line per batch on stderr: how far the copy is (a rerun resumes where an interrupted one stopped)."""
    def show(position: int, total: int) -> None:
        print(f"store copy: {position:,} of {total:,} events of {what}", file=sys.stderr, flush=True)

    return show
