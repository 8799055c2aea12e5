"""Which pandoc runs, and its version asked once per binary (kept in the cache directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def fake_pandoc(folder: Path, version: str) -> Path:
    """A pandoc stand-in that states ``version`` and logs each time it is asked."""
    script = folder / "pandoc"
    script.write_text(f'#!/bin/sh\necho asked >> "{folder}/asked.log"\necho "pandoc {version}"\necho "Features: +server"\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def test_version_is_asked_once_per_binary(tmp_path: Path) -> None:
    """A second process finds the binary's version in the cache: pandoc is not run before the first conversion."""
    binary = fake_pandoc(tmp_path, "3.9.1")
    env = {**os.environ, "PYPANDOC_PANDOC": str(binary), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", "from toolchain.pandoc import pandoc_binary; print(pandoc_binary())"],
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(binary)
    assert (tmp_path / "asked.log").read_text(encoding="utf-8").splitlines() == ["asked"]
