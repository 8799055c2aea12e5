"""The bench's floor times typst inside the child the build really runs (bench/floor.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from toolchain.render import typst_run

FLOOR = Path(__file__).resolve().parent.parent / "bench" / "floor.py"


def floor_module() -> object:
    """bench/floor.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location("bench_floor", FLOOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_timed_child_compiles_and_reports_typst_seconds(tmp_path: Path) -> None:
    """The timed child writes the PDF and, before it, the seconds typst spent (a floor without typst is no floor)."""
    floor = floor_module()
    (tmp_path / "main.typ").write_text("Hello, floor.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", "-c", floor.timed_child(typst_run.CHILD), str(tmp_path / "main.typ"), str(tmp_path),
                           json.dumps({"font_paths": []}), "", ""], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.startswith(b"%PDF")
    seconds = float(done.stderr.decode("utf-8").rsplit(floor.MARK, 1)[1])
    assert 0 < seconds < 60
