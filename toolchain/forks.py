"""A call run in a forked child process, its pickled result read when it is wanted.

Forking is used only where it is safe: on a system with ``os.fork``, from a process with one
thread (no lock can be held by a thread the child does not have). The child never returns
into the caller's code: it sends its result and ends with ``os._exit``, running none of the
parent's clean-up and flushing none of its buffers (it only adds the patterns it compiled to the
pattern cache, see toolchain.patterns).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toolchain import patterns


def can_fork() -> bool:
    """Whether this process may fork: ``os.fork`` exists and no other thread runs."""
    return hasattr(os, "fork") and threading.active_count() == 1


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(slots=True)
class Child:
    """A forked child computing one call: its pid and the pipe its pickled result arrives on."""

    pid: int
    pipe: int
    done: bool = False

    def result(self) -> Any:
        """The call's result once the child has sent it (None when the child died first)."""
        if self.done:
            return None
        self.done = True
        with os.fdopen(self.pipe, "rb") as received:
            data = received.read()
        os.waitpid(self.pid, 0)
        try:
            return pickle.loads(data)  # our own child's output
        except Exception:
            return None

    def stop(self) -> None:
        """End the child unless its result was read (an interrupted or failed caller)."""
        if self.done:
            return
        self.done = True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self.pipe)
        os.waitpid(self.pid, 0)


def fork_call(call: Callable[[], Any]) -> Child:
    """Start ``call`` in a forked child (the caller checks ``can_fork`` first); its result comes with ``Child.result``."""
    for stream in (sys.stdout, sys.stderr):  # or the child would write the parent's buffered output again
        stream.flush()
    results_out, results_in = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(results_out)
            data = pickle.dumps(call(), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(results_in, "wb") as out:
                out.write(data)
            status = 0
        except BaseException:  # the parent gets None and does the work itself
            pass
        finally:
            try:
                patterns.save()
            finally:
                os._exit(status)
    os.close(results_in)
    return Child(pid, results_out)
