"""A call in a forked child: its result arrives pickled; a child that dies gives None; one not waited for is ended."""

from __future__ import annotations

import os
import time

import pytest

from toolchain.forks import can_fork, fork_call

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs os.fork and a process with one thread")


def test_a_child_returns_what_its_call_returns() -> None:
    child = fork_call(lambda: {"pid": os.getpid(), "findings": list(range(100_000))})  # more than a pipe holds
    result = child.result()
    assert result["pid"] != os.getpid() and result["findings"] == list(range(100_000))
    assert child.result() is None  # read once


def test_a_child_whose_call_fails_gives_none() -> None:
    assert fork_call(lambda: 1 / 0).result() is None


def test_a_child_that_is_not_waited_for_is_stopped() -> None:
    child = fork_call(lambda: time.sleep(60))
    begun = time.perf_counter()
    child.stop()
    assert time.perf_counter() - begun < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, 0)  # reaped already
