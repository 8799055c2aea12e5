"""Atomic output files: written to a temporary name, moved into place only when whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolchain.errors import RenderError


def safe_target(out: Path, name: str) -> Path:
    """The path of an output inside ``out``; names that would escape it are refused."""
    target = (out / name).resolve()
    if out.resolve() not in target.parents:
        raise RenderError(name, f"output path escapes the output directory {out}")
    return target


def write_atomically(target: Path, produce: Callable[[Path], None]) -> int:
    """Let ``produce`` write a temporary file next to ``target``, then replace ``target``; return its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        produce(temporary_path)
        size = temporary_path.stat().st_size
        if size == 0:
            raise RenderError(target.name, "the renderer produced an empty file")
        with open(temporary_path, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary_path, 0o644)
        os.replace(temporary_path, target)
        return size
    finally:
        temporary_path.unlink(missing_ok=True)


def refuse_source_directories(project_root: Path, out: Path) -> None:
    """The build never writes into manuscript/ or bib/."""
    resolved = out.resolve()
    for protected in ("manuscript", "bib"):
        directory = (project_root / protected).resolve()
        if resolved == directory or directory in resolved.parents:
            raise RenderError(str(out), f"refusing to write outputs into {protected}/ (sources are never modified)")
