"""The one module that talks to Pandoc (through pypandoc's bundled binary)."""

from __future__ import annotations

import base64
import copy
import importlib.util
import json
import mimetypes
import os
import re
import subprocess
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from toolchain.errors import RenderError
from toolchain.files import cached_text
from toolchain.limits import PANDOC_HEAP, run_limited

MINIMUM_VERSION = (3, 1)


@cache
def pandoc_path() -> str:
    """The pandoc binary: ``$PYPANDOC_PANDOC`` when set, else the one pypandoc_binary ships, else pypandoc's search (PATH …)."""
    chosen = os.environ.get("PYPANDOC_PANDOC")
    if chosen:
        return os.path.expanduser(chosen)
    spec = importlib.util.find_spec("pypandoc")
    bundled = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    if bundled and bundled.is_file():
        return str(bundled)
    import pypandoc  # its search runs every candidate's --version: only when no binary is bundled

    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:
        raise RenderError("pandoc", f"pandoc not found ({exc}); install the project with 'pip install -e .'") from None


@cache
def pandoc_binary() -> str:
    """Path of the pandoc binary (``pandoc_path``), checked to be new enough.

    Its version is asked once per binary and kept in the cache directory: ``pandoc --version``
    costs a tenth of a second, before the build's first conversion can start.
    """
    path = pandoc_path()
    try:
        status = Path(path).stat()
    except OSError as exc:
        raise RenderError("pandoc", f"pandoc not found ({exc}); install the project with 'pip install -e .'") from None
    text = cached_text("pandoc-version", json.dumps([path, status.st_size, status.st_mtime_ns]), lambda: version_of(path))
    version = tuple(int(p) for p in text.split(".")[:2])
    if version < MINIMUM_VERSION:
        raise RenderError("pandoc", f"pandoc {'.'.join(map(str, version))} is too old; {'.'.join(map(str, MINIMUM_VERSION))} or newer is needed")
    return path


def version_of(path: str) -> str:
    """The version a pandoc binary states on the first line of ``--version`` (“3.9.0.2”)."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError("pandoc", f"{path} does not run ({exc})") from None
    first = done.stdout.decode("utf-8", "replace").partition("\n")[0]
    found = re.search(r"\d+(?:\.\d+)+", first)
    if done.returncode != 0 or found is None:
        raise RenderError("pandoc", f"{path} --version did not say its version: {first or done.stderr.decode('utf-8', 'replace').strip()}")
    return found.group()


def run_pandoc(args: list[str], stdin: str, output: str, cwd: Path | None = None) -> str:
    """Run pandoc in sandbox mode with ``args``, feeding ``stdin``; return its standard output.

    Pandoc runs under the time and memory limits of ``toolchain.limits`` (its own heap limit
    too), so that no input makes it hang or swallow the machine.
    """
    command = [pandoc_binary(), "+RTS", f"-M{PANDOC_HEAP}", "-RTS", "--sandbox", *args]
    done = run_limited(command, stdin.encode("utf-8"), output, "pandoc", cwd=cwd)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise RenderError(output, f"pandoc failed: {message}")
    # pandoc only warns when a resource cannot be read and leaves it out of the output
    missing = re.search(r"Could not fetch resource ([^:\n]+)", done.stderr.decode("utf-8", "replace"))
    if missing:
        raise RenderError(output, f"pandoc could not read {missing.group(1).strip()} (only manuscript/figures/ is read)")
    return done.stdout.decode("utf-8")


def markdown_to_ast(text: str, extra: list[str], output: str, cwd: Path | None = None, reader: str = "markdown") -> dict:
    """Parse Pandoc Markdown (with citeproc options in ``extra``) into the JSON AST."""
    return json.loads(run_pandoc(["-f", reader, "-t", "json", *extra], text, output, cwd))


def ast_to(ast: dict, to: str, extra: list[str], output: str, cwd: Path | None = None) -> str:
    """Write a JSON AST in another format (typst, jats_publishing, …) as text."""
    return run_pandoc(["-f", "json", "-t", to, *extra], json.dumps(ast, ensure_ascii=False), output, cwd)


def ast_to_file(ast: dict, to: str, extra: list[str], target: Path, output: str, cwd: Path | None = None) -> None:
    """Write a JSON AST to a binary format (docx) at ``target``; images under ``cwd/figures`` are embedded."""
    if cwd is not None:
        ast = embed_images(ast, cwd / "figures")
    run_pandoc(["-f", "json", "-t", to, "-o", str(target), *extra], json.dumps(ast, ensure_ascii=False), output, cwd)


def embed_images(ast: dict, figures: Path) -> dict:
    """A copy of ``ast`` whose images inside ``figures`` are ``data:`` URIs.

    --sandbox lets pandoc read no file but those on its command line, so a DOCX would lose
    every figure (pandoc only warns "Could not fetch resource"); our code reads the figures
    instead, and only from the figures directory.
    """
    if '"Image"' not in json.dumps(ast):
        return ast
    ast = copy.deepcopy(ast)
    allowed = figures.resolve()

    def visit(node: object) -> None:
        """Replace the targets of the images under ``node``."""
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get("t") == "Image":
                target = node["c"][2]
                path = (figures.parent / unquote(target[0])).resolve()
                if allowed in path.parents and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    target[0] = f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
            visit(node.get("c"))

    visit(ast["blocks"])
    return ast


# The build asks for the same conversion from several threads at once (zh and en are prepared
# in parallel); functools.cache alone would let both miss and run pandoc twice, so one lock
# makes the second caller wait for the first one's result.
_ONCE = threading.Lock()


def bibtex_to_csl(bibtex: str, output: str) -> list[dict]:
    """Convert BibTeX/BibLaTeX text to CSL JSON items with pandoc's reader (once per text)."""
    with _ONCE:
        return json.loads(_csl_json(bibtex, output))  # a fresh copy: callers edit the items


@cache
def _csl_json(bibtex: str, output: str) -> str:
    """Pandoc's CSL JSON for a bibliography text (cached in the process and, per pandoc binary, in the cache directory)."""
    args = ["-f", "biblatex", "-t", "csljson"]
    text = cached_text("pandoc", json.dumps([binary_identity(), args, bibtex]), lambda: run_pandoc(args, bibtex, output))
    try:
        json.loads(text)
    except ValueError:  # a damaged cache file
        return run_pandoc(args, bibtex, output)
    return text


@cache
def binary_identity() -> list:
    """What tells one pandoc binary from another without running it: its path, size and time."""
    path = Path(pandoc_path())
    status = path.stat()
    return [str(path), status.st_size, status.st_mtime_ns]


def default_data_file(name: str) -> bytes:
    """One of pandoc's default data files (e.g. reference.docx), read once per process."""
    with _ONCE:
        return _data_file(name)


@cache
def _data_file(name: str) -> bytes:
    """Pandoc's default data file ``name`` (cached)."""
    done = subprocess.run([pandoc_binary(), "--print-default-data-file", name], capture_output=True, check=False)
    if done.returncode != 0:
        raise RenderError(name, done.stderr.decode("utf-8", "replace"))
    return done.stdout


# Metadata prose is read with Pandoc's Markdown minus everything that is no character markup:
# no raw code, math, notes, citations or smart punctuation (a Chinese text keeps its marks).
PROSE_READER = ("markdown-smart-raw_html-raw_tex-raw_attribute-tex_math_dollars-citations-inline_notes-footnotes"
                "-native_spans-bracketed_spans-link_attributes-inline_code_attributes-latex_macros")


def markdown_values(texts: list[str], output: str) -> list[dict]:
    """Each text read as Pandoc reads a metadata value (MetaInlines for one paragraph), in one run."""
    header = "---\nvalues: " + json.dumps(texts, ensure_ascii=False) + "\n---\n"  # JSON is YAML: no text can end the block
    meta = json.loads(run_pandoc(["-f", PROSE_READER, "-t", "json"], header, output))["meta"]
    values = meta.get("values", {}).get("c", [])
    return values if len(values) == len(texts) else [{"t": "MetaString", "c": text} for text in texts]
