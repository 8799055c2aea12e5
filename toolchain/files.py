"""The one atomic file writer (a temporary file next to the target, moved into place only when whole) and the cache directory."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolchain.errors import RenderError

PART = re.compile(r"\..+\.(\d+)-[^.]+\.part")  # write_atomically's temporary names
CACHE_ENTRIES = 256  # results kept per kind in the cache directory; the oldest go first
PRUNE_EVERY = 64  # writes of a kind in one process between two prunings (at most this many more are kept a while)
_WRITTEN: dict[str, int] = {}  # writes of each kind in this process


def write_atomically(target: Path, produce: Callable[[Path], None], *, mode_of: Path | None = None, replace_link: bool = False) -> int:
    """Let ``produce`` write a temporary file next to ``target``, then replace ``target``; return its size.

    The file keeps the mode of the one it replaces (0644 for a new one), or takes that of
    ``mode_of`` (a backup its source's); a reader sees the old file or the new one, never a part.
    A link planted at ``target`` is refused, or with ``replace_link`` replaced (never followed).
    """
    temporary = stage(target, produce, mode_of=mode_of)
    try:
        return commit(temporary, target, replace_link=replace_link)
    finally:
        temporary.unlink(missing_ok=True)


def commit(temporary: Path, target: Path, *, replace_link: bool = False) -> int:
    """Move a staged file into place (never through a link planted at ``target``); return its size."""
    if target.is_symlink() and not replace_link:
        raise RenderError(target.name, f"refusing to replace {target}: it is a symbolic link")
    size = temporary.stat().st_size
    os.replace(temporary, target)
    return size


def stage(target: Path, produce: Callable[[Path], None], *, mode_of: Path | None = None) -> Path:
    """Let ``produce`` write a whole temporary file next to ``target``; return its path (not yet in place)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise RenderError(str(target.parent), "is a file, not a directory") from None
    if not target.parent.is_dir():
        raise RenderError(str(target.parent), "is a file, not a directory")
    # Hidden, and named after the writing process, so that a later run can tell a file left
    # by a killed one (render.files.remove_stale_parts) from one another run is still writing.
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        produce(temporary_path)
        if temporary_path.stat().st_size == 0:
            raise RenderError(target.name, "nothing was written (an empty file)")
        with open(temporary_path, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary_path, mode(target, mode_of))
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise
    return temporary_path



def mode(target: Path, mode_of: Path | None) -> int:
    """The permission bits a new ``target`` gets: ``mode_of``'s, else those of the regular file it replaces, else 0644."""
    if mode_of is not None:
        return stat.S_IMODE(mode_of.stat().st_mode)
    return stat.S_IMODE(target.stat().st_mode) if target.is_file() and not target.is_symlink() else 0o644


def cache_dir() -> Path:
    """The toolchain's cache directory ($XDG_CACHE_HOME/toolchain or ~/.cache/toolchain)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "toolchain"


def cached_text(kind: str, key: str, compute: Callable[[], str]) -> str:
    """``compute()``, kept in the cache directory under a hash of ``key``: a later run with the same key reads it.

    ``key`` must hold everything the result depends on (input text, tool versions). A cache
    that cannot be read or written is skipped; only the newest ``CACHE_ENTRIES`` of a kind are kept.
    """
    folder = cache_dir() / kind
    path = folder / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    value = compute()
    if value:
        try:
            write_atomically(path, lambda temporary: temporary.write_text(value, encoding="utf-8"))
            _WRITTEN[kind] = _WRITTEN.get(kind, 0) + 1
            if _WRITTEN[kind] % PRUNE_EVERY == 1:  # the oldest go now and then, not at every write (8,000 writes: 2 M stats)
                kept = sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_mtime)
                for old in kept[:-CACHE_ENTRIES]:
                    old.unlink(missing_ok=True)
        except (OSError, RenderError):
            pass  # an unwritable cache: computed again next time
    return value
