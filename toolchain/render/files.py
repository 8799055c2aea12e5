"""Output files: targets inside --out, parts left by killed builds, sources never overwritten (writes: toolchain.files)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

from toolchain.errors import InputError, RenderError
from toolchain.files import PART
from toolchain.load import Project
from toolchain.load.markdown import COMMENT, mask

# ![caption](target "title"): the caption may hold one level of brackets (a citation, a link).
IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
FIGURES = "figures"


def safe_target(out: Path, name: str) -> Path:
    """The path of an output inside ``out``; names that would escape it are refused."""
    target = (out / name).resolve()
    if out.resolve() not in target.parents:
        raise RenderError(name, f"output path escapes the output directory {out}")
    return target


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without signalling)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or an id we cannot judge: leave its file alone
    return True


def remove_stale_parts(out: Path) -> list[Path]:
    """Delete temporary ``.NAME.PID-XXXX.part`` files whose writer is gone (a killed build)."""
    removed = []
    for part in out.glob(".*.part"):
        match = PART.fullmatch(part.name)
        if match is None or int(match.group(1)) == os.getpid() or process_alive(int(match.group(1))):
            continue
        try:
            part.unlink()
        except OSError:
            continue  # another build removed it first
        removed.append(part)
    return removed


def refuse_source_directories(project_root: Path, out: Path) -> None:
    """The build never writes into manuscript/ or bib/."""
    resolved = out.resolve()
    for protected in ("manuscript", "bib"):
        directory = (project_root / protected).resolve()
        if resolved == directory or directory in resolved.parents:
            raise RenderError(str(out), f"refusing to write outputs into {protected}/ (sources are never modified)")


def check_figures(project: Project) -> None:
    """Every image of zh.md and en.md is a file in manuscript/figures/; otherwise no output is begun.

    The PDF sees only that directory and pandoc's sandbox reads nothing, so a figure elsewhere,
    a URL or a missing file would fail one output after the others were written, or drop the
    image from the DOCX in silence. The message names the Markdown line.
    """
    manuscript = (project.root / "manuscript").resolve()
    figures = manuscript / FIGURES
    for document in project.documents:
        for block in document.blocks:
            if block.kind == "code":
                continue
            for match in IMAGE.finditer(mask(block.text, COMMENT, INLINE_CODE)):
                target = match.group(1)
                line = block.span.location(match.start(1)).line
                if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                    raise InputError(document.path, line, f"figure “{target}” is not a file: the build fetches nothing; "
                                     f"save the image in manuscript/{FIGURES}/")
                path = (manuscript / unquote(target)).resolve()  # pandoc reads figures/a%20b.png as "a b"
                if figures not in path.parents:
                    raise InputError(document.path, line, f"figure “{target}” is outside manuscript/{FIGURES}/, "
                                     "the only place the build reads images from")
                if not path.is_file():
                    raise InputError(document.path, line, f"figure “{target}” not found (no file manuscript/{target})")
