"""The one atomic file writer: a temporary file next to the target, moved into place only when whole."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolchain.errors import RenderError

PART = re.compile(r"\..+\.(\d+)-[^.]+\.part")  # write_atomically's temporary names


def write_atomically(target: Path, produce: Callable[[Path], None]) -> int:
    """Let ``produce`` write a temporary file next to ``target``, then replace ``target``; return its size.

    The file keeps the mode of the one it replaces (0644 for a new one); a reader sees the old
    file or the new one, never a part.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # Hidden, and named after the writing process, so that a later run can tell a file left
    # by a killed one (render.files.remove_stale_parts) from one another run is still writing.
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        produce(temporary_path)
        size = temporary_path.stat().st_size
        if size == 0:
            raise RenderError(target.name, "nothing was written (an empty file)")
        with open(temporary_path, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary_path, stat.S_IMODE(target.stat().st_mode) if target.is_file() else 0o644)
        os.replace(temporary_path, target)
        return size
    finally:
        temporary_path.unlink(missing_ok=True)
