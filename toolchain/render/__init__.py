"""Stage 3: render the outputs (PDF, DOCX, JATS), in parallel, each replaced only when whole."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from pathlib import Path

from toolchain.config import Settings
from toolchain.errors import RenderError
from toolchain.files import commit, stage
from toolchain.limits import TOO_DEEP, Children, stoppable
from toolchain.load import Project
from toolchain.render.docx import render_docx
from toolchain.render.files import (
    WORK_PREFIX,
    check_figures,
    figure_files,
    output_lock,
    refuse_source_directories,
    remove_stale_parts,
    remove_stale_work,
    safe_target,
)
from toolchain.render.jats import render_jats
from toolchain.render.manuscript import add_translation, parse_input, prepare_ast
from toolchain.render.pdf import render_pdf

OUTPUTS = {"pdf": "{lang}.pdf", "docx": "{lang}.docx", "jats": "article.xml"}
# The order the outputs are handed to the threads: the longest first, so that the last to start
# are the shortest (a PDF takes three times a DOCX; the JATS article's two Pandoc runs go at once).
LONGEST_FIRST = ("pdf", "jats", "docx")


def human_size(size: int) -> str:
    """1234567 → '1.2 MB'."""
    for unit in ("B", "kB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def discard(futures: list[Future], children: Children) -> None:
    """Stop the renderers: their children killed, those not started cancelled, what the others staged removed."""
    children.stop()
    for future in futures:
        future.cancel()
    for future in futures:
        with contextlib.suppress(Exception, CancelledError):
            future.result()[1].unlink(missing_ok=True)


def build(project: Project, settings: Settings, formats: tuple[str, ...], langs: tuple[str, ...], out: Path,
          progress: Callable[[str], None] = lambda message: None, verbose: bool = False, jobs: int = 2,
          gate: Callable[[], bool] = lambda: True) -> list[Path]:
    """Render the requested outputs into ``out``; raise RenderError naming every failed output.

    ``gate`` (the check) is asked for its verdict once the outputs are rendering (none depends on
    it); when it returns False the renderers' children are stopped, nothing in ``out`` is
    replaced and [] is returned. An output is written only when the gate passed.
    """
    refuse_source_directories(project.root, out)
    check_figures(project)  # a missing figure stops the build before any output is replaced
    figure_files(project.root)  # and so does a figure that is a link leaving the project
    with output_lock(out):
        return build_locked(project, settings, formats, langs, out, progress, verbose, jobs, gate)


def build_locked(project: Project, settings: Settings, formats: tuple[str, ...], langs: tuple[str, ...], out: Path,
                 progress: Callable[[str], None], verbose: bool, jobs: int, gate: Callable[[], bool] = lambda: True) -> list[Path]:
    """The build, with ``out`` locked: render every output to a temporary file, then move them all into place."""
    remove_stale_parts(out)  # left by a build killed mid-write
    remove_stale_work(out)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=out) as work, stoppable() as children:
        workdir = Path(work).resolve()
        given = {lang: parse_input(project, settings, lang, workdir) for lang in ("zh", "en")}
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(2, jobs))) as pool:
                futures = {lang: pool.submit(prepare_ast, project, settings, lang, workdir, given[lang]) for lang in ("zh", "en")}
                asts = {lang: future.result() for lang, future in futures.items()}
        except Exception:
            if not gate():  # the parse's own errors (the check reports them too) are not shown
                return []
            raise
        if verbose:
            progress(f"  parsed zh and en with citeproc in {time.perf_counter() - started:.2f} s")
        zh_ast, zh_items = asts["zh"]
        en_ast, en_items = asts["en"]
        if not project.en.body_is_empty or project.en.abstract:
            add_translation(zh_ast, en_ast)
        tasks: list[tuple[str, Callable[[Path], None]]] = []
        for fmt in sorted(formats, key=LONGEST_FIRST.index):
            if fmt == "jats":
                tasks.append(("article.xml", lambda path: render_jats(project, zh_ast, en_ast, path, zh_items, en_items, settings.jats)))
                continue
            for lang in langs:
                ast = asts[lang][0]
                name = OUTPUTS[fmt].format(lang=lang)
                if fmt == "pdf":
                    tasks.append((name, lambda path, ast=ast, lang=lang: render_pdf(project, ast, lang, path)))
                else:
                    tasks.append((name, lambda path, ast=ast, lang=lang: render_docx(project, ast, lang, path, workdir,
                                                                                      settings.docx_mode, settings.docx_floats)))

        def run(name: str, produce: Callable[[Path], None]) -> tuple[Path, Path, float]:
            begun = time.perf_counter()
            target = safe_target(out, name)
            return target, stage(target, produce), time.perf_counter() - begun

        staged: list[tuple[Path, Path, float]] = []
        failures: list[str] = []
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [(name, pool.submit(run, name, produce)) for name, produce in tasks]
            passed = False
            try:
                passed = gate()
            finally:
                if not passed:  # the check found errors (or failed) while the outputs rendered
                    discard([future for _, future in futures], children)
            if not passed:
                return []
            for name, future in futures:
                try:
                    staged.append(future.result())
                except RenderError as exc:
                    failures.append(str(exc))
                except RecursionError:  # a tree deeper than a writer walks
                    failures.append(f"{name}: the document {TOO_DEEP}")
                except Exception as exc:  # a renderer bug: name the output, keep the others
                    failures.append(f"{name}: {type(exc).__name__}: {exc}")
        try:
            if failures:  # no output is replaced when one of them failed: the set stays consistent
                raise RenderError("build", "; ".join(failures) + " (no output was replaced)")
            for target, temporary, seconds in staged:
                size = commit(temporary, target)
                shown = target.relative_to(out.resolve()) if out.resolve() in target.parents else target
                progress(f"  wrote {shown}  ({human_size(size)}, {seconds:.2f} s)")
        finally:
            for _, temporary, _ in staged:
                temporary.unlink(missing_ok=True)
    written = [target for target, _, _ in staged]
    progress(f"built {len(written)} output{'s' * (len(written) != 1)} in {out} in {time.perf_counter() - started:.1f} s")
    return written
