"""The one module that talks to Pandoc (through pypandoc's bundled binary)."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path

import pypandoc

from toolchain.errors import RenderError

MINIMUM_VERSION = (3, 1)


@cache
def pandoc_binary() -> str:
    """Path of the pandoc binary shipped with pypandoc_binary (or found on PATH)."""
    try:
        path = pypandoc.get_pandoc_path()
    except OSError as exc:
        raise RenderError("pandoc", f"pandoc not found ({exc}); install the project with 'pip install -e .'") from None
    version = tuple(int(p) for p in pypandoc.get_pandoc_version().split(".")[:2])
    if version < MINIMUM_VERSION:
        raise RenderError("pandoc", f"pandoc {'.'.join(map(str, version))} is too old; {'.'.join(map(str, MINIMUM_VERSION))} or newer is needed")
    return path


def run_pandoc(args: list[str], stdin: str, output: str, cwd: Path | None = None) -> str:
    """Run pandoc in sandbox mode with ``args``, feeding ``stdin``; return its standard output."""
    command = [pandoc_binary(), "--sandbox", *args]
    try:
        done = subprocess.run(command, input=stdin.encode("utf-8"), capture_output=True, cwd=cwd, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(output, "pandoc took more than 300 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise RenderError(output, f"pandoc failed: {message}")
    return done.stdout.decode("utf-8")


def markdown_to_ast(text: str, extra: list[str], output: str, cwd: Path | None = None) -> dict:
    """Parse Pandoc Markdown (with citeproc options in ``extra``) into the JSON AST."""
    return json.loads(run_pandoc(["-f", "markdown", "-t", "json", *extra], text, output, cwd))


def ast_to(ast: dict, to: str, extra: list[str], output: str, cwd: Path | None = None) -> str:
    """Write a JSON AST in another format (typst, jats_publishing, …) as text."""
    return run_pandoc(["-f", "json", "-t", to, *extra], json.dumps(ast, ensure_ascii=False), output, cwd)


def ast_to_file(ast: dict, to: str, extra: list[str], target: Path, output: str, cwd: Path | None = None) -> None:
    """Write a JSON AST to a binary format (docx) at ``target``."""
    run_pandoc(["-f", "json", "-t", to, "-o", str(target), *extra], json.dumps(ast, ensure_ascii=False), output, cwd)


def bibtex_to_csl(bibtex: str, output: str) -> list[dict]:
    """Convert BibTeX/BibLaTeX text to CSL JSON items with pandoc's reader."""
    return json.loads(run_pandoc(["-f", "biblatex", "-t", "csljson"], bibtex, output))


def default_data_file(name: str) -> bytes:
    """One of pandoc's default data files (e.g. reference.docx)."""
    done = subprocess.run([pandoc_binary(), "--print-default-data-file", name], capture_output=True, check=False)
    if done.returncode != 0:
        raise RenderError(name, done.stderr.decode("utf-8", "replace"))
    return done.stdout
