"""How ``python -m toolchain`` ends: output flushed and exit handlers run before the teardown is skipped."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child interpreter from the repository."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)


def test_leave_flushes_the_output_and_runs_the_exit_handlers_first() -> None:
    done = run("""
        import atexit, sys
        from toolchain.cli import leave
        atexit.register(lambda: print("handler ran"))
        sys.stdout.write("buffered, ")
        sys.stderr.write("to stderr")
        leave(3)
        print("never")
    """)
    assert (done.returncode, done.stdout, done.stderr) == (3, "buffered, handler ran\n", "to stderr")


def test_leave_waits_for_a_running_thread_as_a_normal_exit_does() -> None:
    done = run("""
        import threading, time
        from toolchain.cli import leave
        def late():
            time.sleep(0.2)
            print("thread done", flush=True)
        threading.Thread(target=late).start()
        leave(4)
    """)
    assert (done.returncode, done.stdout) == (4, "thread done\n")


def test_the_command_line_exit_code_and_output_arrive_whole() -> None:
    done = subprocess.run([sys.executable, "-m", "toolchain", "check", "--format", "json", "tests/projects/other-defects"], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1
    data = json.loads(done.stdout)  # the whole document: nothing of a large output is lost at the exit
    assert any(d["severity"] == "error" for d in (data["diagnostics"] if isinstance(data, dict) else data))
