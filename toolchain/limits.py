"""Bounds on untrusted input (where it may be read, how large it may grow) and on the child processes that render it.

A manuscript repository is untrusted: every size the loader accepts and every resource Pandoc
or typst may take is set here, so that a hostile input ends in a clear error, never a hang.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from toolchain.errors import InputError, RenderError

MAX_FILE_BYTES = 50 * 1024 * 1024  # one source file
MAX_YAML_NODES = 200_000  # values a YAML document expands to, aliases counted at each use
MAX_BIB_FIELD_CHARS = 1_000_000  # one BibTeX field after @string and # expansion
# Block quotes, list levels, fenced or HTML divs in a row. Pandoc's parser is not linear beyond 100, and
# typst stops at its "maximum show rule depth" past 31 block quotes, lists or fenced divs in our template
# (35 HTML divs, its "maximum layout depth").
MAX_NESTING = 30
# Brackets [ (closed or not) or HTML <span> open at once in a paragraph: each level multiplies the
# time of Pandoc's inline parser by 2 to 5 (twelve nested [ took 77 s, twenty open [ more than 20 s).
MAX_INLINE_NESTING = 6
# Emphasis, strikeout, superscript and subscript delimiters and smart quotes (* ** _ __ ~~ ^ ~ " ')
# open at once in a paragraph, nested or never closed: Pandoc tries each to the paragraph's end and
# again for each one inside it, and for some mixes the time doubles with every one or two more
# ("_a ~~e " sixteen times took 6 s, eighteen times more than 20 s; "*a **b ~~e " the same;
# "a 'b twenty-eight times 18 s). Closed nesting is linear in
# Pandoc but too deep for the renderers past a few hundred levels.
MAX_EMPHASIS_NESTING = 8  # runs of one kind open at once ([*, *, _] is two)
MAX_EMPHASIS_OPEN = 100  # delimiters open at once, of any kinds (the renderers nest no deeper)
# A bracket group nesting d deep costs Pandoc about 4^(d-1) times a flat one: the extra, summed over
# a document, is bounded too (some 100 groups 6 deep, 30,000 links holding a citation).
INLINE_BUDGET = 100_000
# Link destinations ``](`` left open in a paragraph: Pandoc searches the rest of the paragraph for
# each, again for every one after it (twenty of them before 200 kB of text took more than 20 s).
MAX_OPEN_LINKS = 3
# Openings of an HTML tag, comment or autolink (``<a``, ``<!--``, ``<http:``) with no ``>`` after them
# in a paragraph: Pandoc scans the rest of the paragraph for each (3,000 "p<0.05 and a<b" took it
# more than 20 s). The characters so scanned, summed over a paragraph, are bounded.
OPEN_TAG_BUDGET = 5_000_000  # about 5 s of Pandoc
# What a build says of a tree nested past what the renderers walk (inline markup the loader does not bound)
TOO_DEEP = "nests too deeply to render (emphasis, links or spans inside one another hundreds of times)"

CHILD_SECONDS = 300  # wall clock per Pandoc or typst run
CHILD_CPU_SECONDS = 300
CHILD_MEMORY = 4 * 1024**3  # address space per child, bytes
PANDOC_HEAP = "2g"  # Pandoc's own heap limit (+RTS -M): its runtime cannot be given an address-space limit


# How Pandoc (GHC's runtime), typst (Rust) and a Python child say that they ran out of memory
MEMORY_SIGNS = ("Heap exhausted", "out of memory", "Out of memory", "memory allocation of", "MemoryError")


def project_path(root: Path, relative: str) -> Path:
    """``root/relative`` with links resolved; an InputError when that leaves the project.

    A manuscript repository is untrusted: a planted ``manuscript/en.md -> /host/file`` must not
    bring a host file into a check or an output.
    """
    path = (root / relative).resolve()
    if path != root.resolve() and root.resolve() not in path.parents:
        raise InputError(relative, None, "is a symbolic link to a place outside the project; only files inside it are read")
    return path


def limit_child(pid: int) -> None:
    """Set the CPU-time limit of a child that has not read its input yet.

    The address-space limit cannot be set this way: Pandoc's runtime has reserved its address
    space by then and would fail at random. Pandoc is bounded by its own heap limit
    (``PANDOC_HEAP``), and a Python child sets ``CHILD_MEMORY`` on itself (``memory_limit_code``).
    """
    if not sys.platform.startswith("linux"):
        return  # prlimit on another process is Linux only; the wall-clock timeout still applies
    try:
        resource.prlimit(pid, resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
    except (ProcessLookupError, PermissionError, ValueError, OSError):
        pass  # the child is gone already; its exit status tells


def memory_limit_code() -> str:
    """Python source that limits the running process's address space to ``CHILD_MEMORY``."""
    return f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({CHILD_MEMORY}, {CHILD_MEMORY}))"


class Children:
    """The child processes started while a build renders, which a failed check stops at once."""

    def __init__(self) -> None:
        """No child yet."""
        self.running: set[subprocess.Popen] = set()
        self.stopped = False
        self.lock = threading.Lock()

    def stop(self) -> None:
        """Kill every running child; any started later is refused."""
        with self.lock:
            self.stopped = True
            for process in self.running:
                process.kill()


STOPPABLE: list[Children] = []  # the children of the build rendering now (innermost last)


@contextmanager
def stoppable() -> Iterator[Children]:
    """Collect the children started inside the block, so that ``Children.stop`` can end them."""
    children = Children()
    STOPPABLE.append(children)
    try:
        yield children
    finally:
        STOPPABLE.remove(children)


def run_limited(command: list[str], stdin: bytes, output: str, program: str, cwd: os.PathLike | str | None = None,
                seconds: int | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` with the time and memory limits, feeding ``stdin``; a limit reached is a RenderError.

    The limits are set after the start and before any input is written: the child cannot grow
    on the input before it is bounded. Inside ``stoppable`` the child is killed when the block's
    children are stopped (a RenderError then).
    """
    seconds = seconds or CHILD_SECONDS
    group = STOPPABLE[-1] if STOPPABLE else None
    with group.lock if group else nullcontext():
        if group and group.stopped:
            raise RenderError(output, f"{program} was not started: the build stopped")
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
        if group:
            group.running.add(process)
    try:
        return finished(process, stdin, output, program, seconds, group)
    finally:
        if group:
            with group.lock:
                group.running.discard(process)


def finished(process: subprocess.Popen, stdin: bytes, output: str, program: str, seconds: int, group: Children | None) -> subprocess.CompletedProcess:
    """Feed a started child and wait for it; a limit reached, or the build stopping it, is a RenderError."""
    limit_child(process.pid)
    try:
        stdout, stderr = process.communicate(stdin, timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RenderError(output, f"{program} took more than {seconds} s (the time limit per output)") from None
    if group and group.stopped:
        raise RenderError(output, f"{program} was stopped: the build stopped")
    if process.returncode < 0 and -process.returncode in (signal.SIGKILL, signal.SIGXCPU):  # a resource limit
        raise RenderError(output, f"{program} exceeded its CPU-time or memory limit")
    text = stderr.decode("utf-8", "replace")
    if process.returncode != 0 and any(sign in text for sign in MEMORY_SIGNS):
        raise RenderError(output, f"{program} exceeded its memory limit")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
