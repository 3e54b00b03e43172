"""Files written whole or not at all: under a temporary name beside the target, renamed into place when
complete, so a reader (or a crash, or a Cancel) never meets a half-written export under the final name."""
from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import TextIO


class atomic_text:
    """A text file (UTF-8, newlines as written) written under ``.NAME.partial`` and renamed onto ``path`` on a
    clean exit; on an exception the partial file is removed and the target is left as it was."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.name}.partial")

    def __enter__(self) -> TextIO:
        self._file = open(self.partial, "w", encoding="utf-8", newline="")
        return self._file

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                self._file.flush()
                os.fsync(self._file.fileno())
        finally:
            self._file.close()
        if exc_type is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)
