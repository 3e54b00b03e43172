"""How a figure is printed: one JSON line, the same shape for every benchmark."""
from __future__ import annotations

import json
import sys


def emit(figure: str, value: float, unit: str, *, events: int, ships: int, **extra) -> None:
    line = {"figure": figure, "value": round(value, 3), "unit": unit, "events": events, "ships": ships, **extra}
    print(json.dumps(line), flush=True)
    sys.stdout.flush()
