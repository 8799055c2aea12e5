"""Compiled regular expressions kept between runs, as Python keeps the bytecode of modules.

``re`` spends milliseconds on a pattern that holds a wide CJK character class (it visits every
code point of each range), and a check compiles about 450 patterns before it reads a line.
Once installed (``python -m toolchain`` does so first, with the cache directory), ``re`` hands
each pattern it has not compiled before to ``compile_cached``: a pattern compiled in an earlier
run gets its program from the cache file (one per interpreter), and the others are added to it
when the process ends. Anything unexpected (another Python's ``re`` internals, an unreadable
or unwritable cache) leaves ``re`` compiling as it always does.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import re
import sys
from pathlib import Path

from toolchain.errors import RenderError
from toolchain.files import write_atomically

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # a Python without these internals: the cache stays off
    _sre = _compiler = _parser = None

MOST_KEPT = 3000  # entries; past it the cache restarts from this run's (patterns built from manuscript data)
PLAIN_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE | re.ASCII  # DEBUG, LOCALE: left to re
VERSION = (sys.version, getattr(_sre, "MAGIC", 0), getattr(_sre, "CODESIZE", 0))

_compile = getattr(_compiler, "compile", None)  # re's own
_known: dict[tuple, tuple] = {}  # (pattern, flags) → what _sre.compile takes after the pattern
_new: dict[tuple, tuple] = {}
_used: set[tuple] = set()
_path: Path | None = None


def cache_file(folder: Path) -> Path:
    """The file this interpreter keeps its compiled patterns in."""
    digest = hashlib.sha1(repr(VERSION).encode()).hexdigest()[:12]
    return folder / f"patterns-{sys.implementation.cache_tag}-{digest}.marshal"


def program(pattern: str | bytes, flags: int) -> tuple:
    """What ``_sre.compile`` takes after the pattern itself, computed as ``re`` computes it."""
    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]  # opcodes are int subclasses, which marshal refuses
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def compile_cached(pattern: object, flags: int = 0) -> re.Pattern:
    """``re``'s compile step, answered from the cache when the pattern was compiled before."""
    if type(pattern) not in (str, bytes) or flags & ~PLAIN_FLAGS:
        return _compile(pattern, flags)
    key = (pattern, int(flags))
    entry = _known.get(key)
    if entry is not None:
        try:
            compiled = _sre.compile(pattern, *entry)
            _used.add(key)
            return compiled
        except Exception:  # a damaged entry: compiled afresh and stored again
            del _known[key]
    entry = _new[key] = _new.get(key) or program(pattern, flags)
    return _sre.compile(pattern, *entry)


def stored(path: Path) -> dict[tuple, tuple]:
    """The patterns in a cache file (none when it is missing, damaged or another interpreter's)."""
    try:
        version, entries = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return entries if version == VERSION and isinstance(entries, dict) else {}


def install(folder: Path) -> bool:
    """Answer ``re``'s compiles from the cache in ``folder``; False (``re`` unchanged) where this Python's ``re`` differs."""
    global _path
    if _compile is None:
        return False
    if _compiler.compile is compile_cached:
        return True
    probe = r"(?P<word>[\u0370-\u03ff]+)\s*(?i:x)(?P=word)|[^\W\d]{2,}?"
    try:  # the program computed here must be the one re itself makes (patterns compare their code)
        if _sre.compile(probe, *program(probe, 0)) != _compile(probe, 0):
            return False
    except Exception:
        return False
    _path = cache_file(folder)
    _known.update(stored(_path))
    _compiler.compile = compile_cached
    atexit.register(save)
    return True


def save() -> None:
    """Add the patterns this process compiled to the cache file (written whole, then renamed); also called by forked children."""
    if not _new or _path is None:
        return
    kept = {**stored(_path), **_known}  # with what another process may have added since
    if len(kept) + len(_new) > MOST_KEPT:
        kept = {key: _known[key] for key in _used if key in _known}
    kept.update(_new)
    _new.clear()
    try:
        write_atomically(_path, lambda part: part.write_bytes(marshal.dumps((VERSION, kept))))
    except (OSError, ValueError, RenderError):  # unwritable, or a program marshal cannot store: compiled again next time
        pass
