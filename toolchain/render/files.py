"""Output files: targets inside --out, parts left by killed builds, sources never overwritten (writes: toolchain.files)."""

from __future__ import annotations

import fcntl
import os
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolchain.errors import InputError, RenderError
from toolchain.files import PART
from toolchain.load import Project
from toolchain.load.figures import FIGURES, figure_problem, figures

# ![caption](target "title"): the caption may hold one level of brackets (a citation, a link).


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


WORK_PREFIX = ".toolchain-"  # the build's working directory, inside --out


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the directory ``out``: two builds never mix their outputs."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise RenderError(str(out), "is a file, not a directory: --out names the directory the outputs go to") from None
    if not out.is_dir():
        raise RenderError(str(out), "is not a directory: --out names the directory the outputs go to")
    handle = os.open(out, os.O_RDONLY | os.O_DIRECTORY)  # the directory itself: no lock file among the outputs
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another build is writing there: wait for it (its children are time-limited)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def remove_stale_work(out: Path) -> None:
    """Delete working directories left by killed builds (called with ``out`` locked: none is in use)."""
    for directory in [*out.glob(WORK_PREFIX + "*"), *out.glob(".typst-*")]:
        if directory.is_dir() and not directory.is_symlink():
            shutil.rmtree(directory, ignore_errors=True)


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
    image from the DOCX in silence. The message names the Markdown line (FIG001 reports the same).
    """
    for document in project.documents:
        for figure in figures(document):
            problem = figure_problem(project.root, figure.target)
            if problem is not None:
                raise InputError(document.path, figure.location.line, problem)


def figure_files(project_root: Path) -> list[tuple[str, Path]]:
    """The regular files of manuscript/figures/ as (name relative to it, path); links that leave it are refused.

    Every name is safe as an archive member: UTF-8, no backslash, no control character, no
    ``..``, and unique even where case or Unicode normalisation would merge two of them.
    """
    figures = project_root / "manuscript" / FIGURES
    if not figures.is_dir():
        return []
    allowed = (project_root / "manuscript").resolve() / FIGURES
    if figures.resolve() != allowed:
        raise InputError(f"manuscript/{FIGURES}", None, "is a symbolic link to another directory; figures are read only from the project")
    found: list[tuple[str, Path]] = []
    seen: dict[str, str] = {}
    for path in sorted(figures.rglob("*")):
        relative = path.relative_to(figures).as_posix()
        shown = f"manuscript/{FIGURES}/{relative.encode('utf-8', 'backslashreplace').decode('utf-8')}"
        if any(part.startswith(".") for part in path.relative_to(figures).parts):
            continue
        resolved = path.resolve()
        if allowed not in resolved.parents:
            raise InputError(shown, None, "is a symbolic link to a file outside manuscript/figures/; figures are read only from there")
        if not resolved.is_file():
            continue
        problem = unsafe_name(relative)
        if problem:
            raise InputError(shown, None, f"figure file name {problem}; rename the file")
        folded = unicodedata.normalize("NFC", relative).casefold()
        if folded in seen:
            raise InputError(shown, None, f"figure file name differs from {seen[folded]} only in case or Unicode form; rename one of them")
        seen[folded] = relative
        found.append((relative, resolved))
    return found


def unsafe_name(name: str) -> str:
    """What makes ``name`` unsafe as an archive member or a typst path ('' when nothing)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    if "\\" in name:
        return "contains a backslash"
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return "contains a control character"
    if ".." in name.split("/"):
        return "contains “..”"
    return ""


def copy_figures(project_root: Path, target: Path) -> None:
    """Copy the figures (regular files inside the project only) to ``target`` for typst, whose root it is in."""
    for relative, path in figure_files(project_root):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / relative)
