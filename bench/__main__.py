"""``python -m bench [--scale S] [--only GROUP]``: run the benchmarks, one JSON line per figure."""
from __future__ import annotations

import argparse
import os
import tempfile

from bench import (console_figures, diff_figures, import_figures, live_fold, reliability, report_figures,
                   rules_figures, scale_console, scale_ingest, shared_figures, store_figures)

GROUPS = {"store": store_figures.run, "console": console_figures.run, "import": import_figures.run, "report": report_figures.run,
          "rules": rules_figures.run, "diff": diff_figures.run, "shared": shared_figures.run,
          "reliability": reliability.run, "scale_console": scale_console.run, "scale_ingest": scale_ingest.run,
          "scale_live": live_fold.run}
# the campaign and the national scale run only when asked for (--only); scale_console runs scale_live first
ASKED_ONLY = ("reliability", "scale_console", "scale_ingest", "scale_live")
SPEED = [name for name in GROUPS if name not in ASKED_ONLY]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = full size (1,000 ships, 1,000,000 events; scale_console: 10,000 ships, 10,000,000)")
    parser.add_argument("--only", choices=sorted(GROUPS), action="append",
                        help="run only these groups (default: every speed group; 'reliability' is the reliability campaign)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fleet-bench-witness-") as witness:
        # the benchmarks' stores are throwaway: their head witnesses must not land in the user's data folder
        os.environ.setdefault("FLEET_LOGBOOK_WITNESS", witness)
        for name in args.only or SPEED:
            GROUPS[name](args.scale)


if __name__ == "__main__":
    main()
