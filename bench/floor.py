"""The floor of a build: time spent inside pandoc and typst themselves, without our Python.

Run as ``python bench/floor.py PROJECT OUT``: builds every output serially (``--jobs 1``) with
the pandoc processes and typst compilations timed at the call, and prints one JSON object:
each external call (what it converts, seconds), their sums, and the whole build's time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from types import SimpleNamespace
from typing import Any

CALLS: list[dict[str, Any]] = []


def describe(command: list[str]) -> str:
    """Say what a pandoc command converts: ``markdown→json``, ``print-default-data-file``."""
    if "--print-default-data-file" in command:
        return "print-default-data-file"
    source = command[command.index("-f") + 1] if "-f" in command else "?"
    target = command[command.index("-t") + 1] if "-t" in command else "?"
    return f"{source}→{target}"


def timed_run(command: list[str], *args: Any, **kwargs: Any) -> subprocess.CompletedProcess:
    """subprocess.run for pandoc, timed from spawn to exit."""
    begun = time.perf_counter()
    try:
        return subprocess.run(command, *args, **kwargs)  # the caller passes check
    finally:
        CALLS.append({"tool": "pandoc", "what": describe(command), "seconds": time.perf_counter() - begun})


class TimedTypst:
    """Stands in for the ``typst`` module: ``compile`` and ``Compiler(...).compile`` are timed."""

    def __init__(self, module: Any) -> None:
        """Wrap the real module."""
        self._module = module

    def __getattr__(self, name: str) -> Any:
        """Timed versions of the entry points; everything else passes through."""
        real = getattr(self._module, name)
        if name in ("compile", "compile_with_warnings"):
            return self._timed(real, "compile")
        if name == "Compiler":
            def compiler(*args: Any, **kwargs: Any) -> Any:
                """A Compiler whose construction and compile calls are timed."""
                instance = self._timed(real, "Compiler()")(*args, **kwargs)
                return SimpleNamespace(compile=self._timed(instance.compile, "Compiler.compile"))
            return compiler
        if name == "Fonts":
            return self._timed(real, "Fonts()")
        return real

    @staticmethod
    def _timed(function: Any, what: str) -> Any:
        """``function``, recording its duration in CALLS under ``what``."""
        def call(*args: Any, **kwargs: Any) -> Any:
            """The call, timed."""
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                CALLS.append({"tool": "typst", "what": what, "seconds": time.perf_counter() - begun})
        return call


def main(project: str, out: str) -> int:
    """Build with the external calls timed; print the JSON report."""
    begun = time.perf_counter()
    import toolchain.pandoc as pandoc_module
    import toolchain.render.pdf as pdf_module
    from toolchain.cli import main as cli_main

    pandoc_module.subprocess = SimpleNamespace(run=timed_run, TimeoutExpired=subprocess.TimeoutExpired)
    pdf_module.typst = TimedTypst(pdf_module.typst)
    imported = time.perf_counter()
    code = cli_main(["build", project, "--out", out, "--jobs", "1", "--quiet"])
    done = time.perf_counter()
    report = {
        "exit": code,
        "import_seconds": imported - begun,
        "build_seconds": done - imported,
        "pandoc_seconds": sum(c["seconds"] for c in CALLS if c["tool"] == "pandoc"),
        "typst_seconds": sum(c["seconds"] for c in CALLS if c["tool"] == "typst"),
        "calls": CALLS,
    }
    print(json.dumps(report))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
