"""The floor of a build: time spent inside pandoc and typst themselves, without our Python.

Run as ``python bench/floor.py PROJECT OUT``: builds every output serially (``--jobs 1``) with
each pandoc process timed from spawn to exit and each typst compilation timed inside its child
(the child's interpreter start-up is ours, not typst's), and prints one JSON object: each
external call (what it converts, seconds), their sums, and the whole build's time.
"""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

CALLS: list[dict[str, Any]] = []
MARK = "\nfloor-seconds="  # what the timed typst child writes to its standard error after the compilation


def describe(command: list[str]) -> str:
    """Say what a pandoc command converts: ``markdown→json``, ``print-default-data-file``."""
    if "--print-default-data-file" in command:
        return "print-default-data-file"
    source = command[command.index("-f") + 1] if "-f" in command else "?"
    target = command[command.index("-t") + 1] if "-t" in command else "?"
    return f"{source}→{target}"


TIMER = """
import time as _t
_spent = [0.0]
def _timed(call):
    begun = _t.perf_counter()
    try:
        return call()
    finally:
        _spent[0] += _t.perf_counter() - begun
"""


def timed_child(child: str) -> str:
    """The typst child's source with typst's own work timed: the compiler's set-up (fonts) and every compilation.

    The seconds are written to standard error before the PDF; the balancing between two
    compilations is ours and not counted. A child whose shape no longer fits fails loudly.
    """
    setup = re.compile(r"compiler = (typst\.Compiler\(.*\))$", re.MULTILINE)
    if not setup.search(child) or "compiler.compile(**options)" not in child or "sys.stdout.buffer.write(result)" not in child:
        raise SystemExit("bench/floor.py: the typst child in toolchain/render/typst_run.py changed; update timed_child")
    timed = setup.sub(lambda m: f"compiler = _timed(lambda: {m.group(1)})", child, count=1)
    timed = timed.replace("compiler.compile(**options)", "_timed(lambda: compiler.compile(**options))")
    timed = timed.replace("sys.stdout.buffer.write(result)", f"sys.stderr.write({MARK!r} + str(_spent[0])); sys.stdout.buffer.write(result)", 1)
    return TIMER + timed


def main(project: str, out: str) -> int:
    """Build with the external calls timed; print the JSON report."""
    begun = time.perf_counter()
    import toolchain.pandoc as pandoc_module
    import toolchain.render.typst_run as typst_module
    from toolchain.cli import main as cli_main

    real = pandoc_module.run_limited

    def pandoc_timed(command: list[str], *args: Any, **kwargs: Any) -> Any:
        """run_limited for pandoc, timed from spawn to exit."""
        started = time.perf_counter()
        try:
            return real(command, *args, **kwargs)
        finally:
            CALLS.append({"tool": "pandoc", "what": describe(command), "seconds": time.perf_counter() - started})

    def typst_timed(command: list[str], *args: Any, **kwargs: Any) -> Any:
        """run_limited for the typst child: the seconds its compile call took, as it reports them."""
        done = real(command, *args, **kwargs)
        text = done.stderr.decode("utf-8", "replace")
        if MARK in text:
            CALLS.append({"tool": "typst", "what": "compile", "seconds": float(text.rsplit(MARK, 1)[1])})
        return done

    pandoc_module.run_limited = pandoc_timed
    typst_module.run_limited = typst_timed
    typst_module.CHILD = timed_child(typst_module.CHILD)
    imported = time.perf_counter()
    code = cli_main(["build", project, "--out", out, "--jobs", "1", "--quiet", "--no-check"])
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
