"""Command line: ``check``, ``build``, ``report``, ``refs``, ``rules``, ``validate``; the only module that prints or exits."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import json
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from toolchain.errors import ContentError, InputError, RenderError

if TYPE_CHECKING:
    from toolchain.check import CheckResult
    from toolchain.check.registry import Rule
    from toolchain.config import Settings
    from toolchain.load import Project


def parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    main = argparse.ArgumentParser(prog="python -m toolchain", description="Check and render a bilingual review article.")
    sub = main.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check the manuscript and report diagnostics")
    check.add_argument("project", nargs="?", default=".", help="project directory (default: .)")
    check.add_argument("--format", choices=["text", "json", "sarif", "github", "junit"], default="text")
    check.add_argument("--select", help="comma-separated rule ids, names or families to run (overrides configuration)")
    check.add_argument("--fix", action="store_true", help="apply safe typography fixes to the sources (keeps a .bak)")
    check.add_argument("--jobs", type=int, default=0, help="processes the rules run in (default: number of cores; 1: this process only)")
    build = sub.add_parser("build", help="render PDF, DOCX and JATS outputs")
    build.add_argument("project", nargs="?", default=".")
    build.add_argument("--to", default="", help="comma-separated formats: pdf,docx,jats (default: all)")
    build.add_argument("--lang", default="", help="comma-separated languages: zh,en (default: both)")
    build.add_argument("--out", help="output directory (default: PROJECT/build)")
    build.add_argument("--jobs", type=int, default=0, help="outputs rendered in parallel (default: number of cores)")
    build.add_argument("--docx-mode", choices=["journal", "submission"],
                       help="DOCX layout: the journal's pages, or the manuscript to submit (double spacing, line numbers); default from settings")
    build.add_argument("--no-check", action="store_true",
                       help="render without checking first (when `check` already passed on these sources, as in CI)")
    verbosity = build.add_mutually_exclusive_group()
    verbosity.add_argument("--quiet", action="store_true", help="print nothing but errors (and the findings when the check stops the build)")
    verbosity.add_argument("--verbose", action="store_true", help="print the commands run")
    report = sub.add_parser("report", help="write an HTML report: zh and en side by side with every finding in place")
    report.add_argument("project", nargs="?", default=".", help="project directory (default: .)")
    report.add_argument("--out", help="the HTML file to write (default: PROJECT/build/report.html)")
    refs = sub.add_parser("refs", help="verify the references against Crossref, DataCite and PubMed (bib/references.lock.json)")
    refs_sub = refs.add_subparsers(dest="refs_command", required=True)
    verify = refs_sub.add_parser("verify", help="look entries up, write the lock, report where the bib and the records differ")
    verify.add_argument("project", nargs="?", default=".", help="project directory (default: .)")
    verify.add_argument("--offline", action="store_true", help="look nothing up: compare the bib with the lock only")
    verify.add_argument("--update", action="append", default=[], metavar="KEY", help="look this entry up again (repeatable)")
    verify.add_argument("--fix", action="store_true", help="write the records' values into references.bib (keeps a .bak)")
    verify.add_argument("--format", choices=["text", "json", "sarif", "github", "junit"], default="text")
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    submission = sub.add_parser("submission", help="package the built outputs: build/submission.zip and a MECA build/meca.zip")
    submission.add_argument("project", nargs="?", default=".", help="project directory (default: .)")
    submission.add_argument("--out", help="directory holding the outputs, where the packages are written (default: PROJECT/build)")
    validate = sub.add_parser("validate", help="validate a JATS file against the JATS 1.3 DTD (and PMC Style Checker)")
    validate.add_argument("file", help="the JATS XML file")
    validate.add_argument("--dtd-dir", help="directory holding JATS-journalpublishing1-3-mathml3.dtd")
    return main


def split(value: str) -> tuple[str, ...]:
    """Split a comma-separated option."""
    return tuple(v.strip() for v in value.split(",") if v.strip())


def default_out(root: Path) -> Path:
    """PROJECT/build, unless the project plants it as a link to a place outside itself."""
    out = root / "build"
    resolved = out.resolve()
    if out.is_symlink() and root.resolve() not in resolved.parents:
        raise RenderError(str(out), "is a symbolic link to a place outside the project; give --out to write there")
    return out


def command_rules(args: argparse.Namespace) -> int:
    """Print the rule table."""
    from toolchain.check import RULES

    rows = sorted(RULES.values(), key=lambda r: r.id)
    if args.format == "json":
        listed = [{"id": r.id, "name": r.name, "family": r.family, "severity": r.severity.value, "summary": r.summary, "options": dict(r.options),
                   "choices": {key: list(values) for key, values in r.choices.items()}}
                  for r in rows]
        print(json.dumps(listed, ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(rules_markdown(rows))
    else:
        for r in rows:
            print(f"{r.id:<9} {r.severity.value:<8} {r.name:<34} {r.summary}")
    return 0


def rules_markdown(rows: list) -> str:
    """The README's rule table."""
    def options(rule: Rule) -> str:
        def choices(key: str) -> str:
            allowed = rule.choices.get(key, ())
            return f" (one of {', '.join(json.dumps(v, ensure_ascii=False) for v in allowed)})" if allowed else ""
        return "<br>".join(f"`{key} = {json.dumps(value, ensure_ascii=False)}`{choices(key)}" for key, value in rule.options.items())

    lines = ["| id | name | severity | summary | options (default) |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r.id} | {r.name} | {r.severity.value} | {r.summary.replace('|', '/')} | {options(r)} |" for r in rows]
    return "\n".join(lines)


def command_check(args: argparse.Namespace) -> int:
    """Load, check and report."""
    from dataclasses import replace

    from toolchain.check import run_checks
    from toolchain.check.registry import configure, resolve
    from toolchain.config import load_settings
    from toolchain.load import load_project

    root = Path(args.project)
    settings = load_settings(root)
    configure(settings)  # unknown rules and bad option values: exit 2 before anything is read
    if args.select:

        for code in split(args.select):
            if not resolve(code):
                raise InputError("--select", None, f"unknown rule {code!r}")
        settings = replace(settings, select=split(args.select), ignore=())
    project = load_project(root)
    if args.fix:
        from toolchain.check.fixes import apply_fixes

        changed = apply_fixes(project, settings)
        for path, count in changed.items():
            print(f"fixed {count} place{'s' * (count != 1)} in {path} (backup: {path}.bak)", file=sys.stderr)
        project = load_project(root)
    result = run_checks(project, settings, jobs=args.jobs or os.cpu_count() or 1)
    print_findings(result, project, args.format)
    return result.exit_code


def print_findings(result: CheckResult, project: Project, fmt: str = "text") -> None:
    """Print a check's findings in ``fmt``."""
    print(findings_text(result, project, fmt))


def findings_text(result: CheckResult, project: Project, fmt: str = "text") -> str:
    """A check's findings in ``fmt`` (text in colour on a terminal unless NO_COLOR is set)."""
    from toolchain.report import FORMATTERS

    return FORMATTERS[fmt](result, project, color=fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))


class CurrentStderr(logging.StreamHandler):
    """A handler writing to ``sys.stderr`` as it is when a record comes, not when it was made.

    ``main`` may run more than once in a process (tests, embedding); the stream of an earlier run
    may be closed by then.
    """

    @property
    def stream(self) -> object:  # type: ignore[override]
        """The process's standard error now."""
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """Ignored: the stream is always the current standard error."""


LOCK_RULES = ("REF013", "REF014", "REF015", "REF016", "REF017", "REF018")


def command_refs(args: argparse.Namespace) -> int:
    """``refs verify``: look up (unless --offline), write the lock, report the record rules, --fix on request."""
    import datetime
    from dataclasses import replace

    from toolchain.check import run_checks
    from toolchain.check.fixes import apply_bib_fixes
    from toolchain.check.registry import configure
    from toolchain.config import load_settings
    from toolchain.load import load_project
    from toolchain.verify import restamp, verify, write_lock
    from toolchain.verify.client import Client, Endpoints

    root = Path(args.project)
    settings = load_settings(root)
    configure(settings)  # bad settings: exit 2 before anything is looked up
    project = load_project(root)
    today = datetime.date.today().isoformat()
    client = None
    if not args.offline:
        mailto = settings.refs.get("mailto", "")
        if "@" not in mailto:
            raise InputError("pyproject.toml", None, "refs verify looks works up only with a contact e-mail: set mailto in [tool.toolchain.refs] "
                             "(sent to Crossref and NCBI, as they ask), or run with --offline")
        defaults = Endpoints()
        client = Client(mailto, endpoints=Endpoints(settings.refs.get("crossref-url", defaults.crossref).rstrip("/"),
                                                    settings.refs.get("doi-url", defaults.doi).rstrip("/"),
                                                    settings.refs.get("eutils-url", defaults.eutils).rstrip("/")))
    try:
        result = verify(project, client, today, update=tuple(args.update), progress=lambda m: print(m, file=sys.stderr, flush=True))
    finally:
        if client is not None:
            client.close()
    if client is not None:
        path = write_lock(root, result.records)
        print(f"  wrote {path} ({len(result.records)} records, {len(result.looked_up)} looked up, {client.requests} requests)", file=sys.stderr)
        project = load_project(root)
    lock_settings = replace(settings, select=LOCK_RULES, ignore=())
    if args.fix:
        fixed = apply_bib_fixes(project, replace(lock_settings, select=("REF013",)))
        if fixed:
            write_lock(root, restamp(load_project(root), project.lock.records if project.lock else {}, fixed))
            print(f"fixed {len(fixed)} entr{'ies' if len(fixed) != 1 else 'y'} of {project.bibliography.path} from their records "
                  f"(backup: {project.bibliography.path}.bak)", file=sys.stderr)
            project = load_project(root)
    outcome = run_checks(project, lock_settings)
    print_findings(outcome, project, args.format)
    for key, why in result.failed:
        print(f"error: {key}: lookup failed: {why}", file=sys.stderr)
    return 2 if result.failed else outcome.exit_code


def show_render_warnings() -> None:
    """Print the renderers' warnings (a page count that differs from metadata.yaml …) as ``warning: …``."""
    logger = logging.getLogger("toolchain.render")
    if not any(isinstance(h, CurrentStderr) for h in logger.handlers):
        handler = CurrentStderr()
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def command_build(args: argparse.Namespace) -> int:
    """Check the manuscript and write the outputs when it has no errors (``--no-check``: render only)."""
    from toolchain.config import load_settings
    from toolchain.load import load_project

    root = Path(args.project)
    settings = load_settings(root)
    formats = split(args.to) or settings.formats
    langs = split(args.lang) or settings.langs
    for fmt in formats:
        if fmt not in ("pdf", "docx", "jats"):
            raise InputError("--to", None, f"unknown format {fmt!r} (choose from pdf, docx, jats)")
    for lang in langs:
        if lang not in ("zh", "en"):
            raise InputError("--lang", None, f"unknown language {lang!r} (choose from zh, en)")
    project = load_project(root)
    out = Path(args.out) if args.out else default_out(root)
    if args.docx_mode:
        settings = dataclasses.replace(settings, docx_mode=args.docx_mode)

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    verdict = CheckBeside(project, settings, args.quiet) if not args.no_check else None
    try:
        from toolchain.render import build  # imported while the check starts in its own process

        show_render_warnings()
        build(project, settings, formats, langs, out, progress=progress, verbose=args.verbose, jobs=args.jobs or os.cpu_count() or 1,
              gate=verdict.passed if verdict else lambda: True)
    finally:
        if verdict:
            verdict.stop()
    return verdict.exit_code if verdict else 0


class CheckBeside:
    """A build's check, started in a process of its own before the build's threads, read when the build needs its verdict.

    The check imports its rules and runs them beside the renderers' imports, Pandoc's parses and
    the renderers themselves, at a lower priority (the outputs it lets through are on the
    critical path; those it stops are discarded); where forking is unsafe it runs when the verdict
    is asked for, in this process. Its findings are printed here, as `check` prints them, and
    bad rule settings are exit 2.
    """

    def __init__(self, project: Project, settings: Settings, quiet: bool) -> None:
        """Start the check (in a child process where that is safe).

        The child runs the rules in turn: the build's parses keep the other core busy, and
        sharing the rules out there cost more processor time than it saved.
        """
        from toolchain.forks import can_fork, fork_call

        self.run = lambda: checked_output(project, settings, quiet, 1)
        self.child = fork_call(lambda: yielding(self.run)) if can_fork() else None
        self.exit_code = 0

    def passed(self) -> bool:
        """Wait for the check and print what it found; True when the outputs may be written."""
        child, self.child = self.child, None
        said = child.result() if child else None
        code, out, err = said if said is not None else self.run()  # a child that died: the check runs here
        if out:
            print(out)
        if err:
            print(err, file=sys.stderr)
        self.exit_code = code
        return code == 0

    def stop(self) -> None:
        """End a check whose verdict the build no longer needs (it stopped before asking for it)."""
        if self.child:
            self.child.stop()


# The build's check child yields some of the processor to the renderers. On our article, in turns:
# niceness 0 / 3 / 10 gave a passing build 1.49 / 1.46 / 1.47 s and a failing one (stopped at the
# verdict) 0.60 / 0.64 / 1.31 s: errors must not wait for the renderers.
CHECK_NICENESS = 3


def yielding(run: Callable[[], object]) -> object:
    """``run()`` at a lower scheduling priority (this process's, for the rest of its life)."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(CHECK_NICENESS)
    return run()


def checked_output(project: Project, settings: Settings, quiet: bool, jobs: int) -> tuple[int, str, str]:
    """Run the check: (exit code, what `check` prints on standard output, the error line), nothing printed yet."""
    from toolchain.check import run_checks
    from toolchain.check.registry import configure

    try:
        configure(settings)
        result = run_checks(project, settings, jobs=jobs)
    except InputError as exc:  # bad rule settings
        return 2, "", f"error: {exc}"
    out = findings_text(result, project) if result.exit_code or not quiet else ""
    err = "error: the check found errors: no output was written (fix them, or build with --no-check)" if result.exit_code else ""
    return result.exit_code, out, err


def command_report(args: argparse.Namespace) -> int:
    """Check the project and write the HTML report (findings do not make it fail)."""
    import time

    from toolchain.check import run_checks
    from toolchain.cite import Citations
    from toolchain.config import load_settings
    from toolchain.files import write_atomically
    from toolchain.load import load_project
    from toolchain.render import human_size
    from toolchain.render.files import refuse_source_directories, safe_target
    from toolchain.report.html import render_report
    from toolchain.report.text import summary

    started = time.perf_counter()
    root = Path(args.project)
    settings = load_settings(root)
    project = load_project(root)
    cite = Citations(project, settings)
    result = run_checks(project, settings, cite, jobs=os.cpu_count() or 1)
    target = Path(args.out) if args.out else default_out(root) / "report.html"
    if target.is_dir() and not target.is_symlink():  # --out build, as for build: the report goes inside
        target = target / "report.html"
    refuse_source_directories(project.root, target.parent)
    page = render_report(project, result, cite)
    size = write_atomically(safe_target(target.parent, target.name), lambda path: path.write_text(page, encoding="utf-8"))
    print(f"  wrote {target}  ({human_size(size)}, {time.perf_counter() - started:.2f} s); {summary(result)}", file=sys.stderr)
    return 2 if result.crashed else 0


def command_submission(args: argparse.Namespace) -> int:
    """Package the five outputs and the figures with their SHA-256 (submission.zip, meca.zip)."""
    from toolchain.render import human_size
    from toolchain.render.submission import build_submission

    root = Path(args.project)
    for path in build_submission(root, Path(args.out) if args.out else default_out(root)):
        print(f"  wrote {path}  ({human_size(path.stat().st_size)})", file=sys.stderr)
    return 0


def command_validate(args: argparse.Namespace) -> int:
    """Validate a JATS file and print the findings."""
    from toolchain.render.jats.validate import validate_file

    report = validate_file(Path(args.file), Path(args.dtd_dir) if args.dtd_dir else None)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; map input errors to exit 2 without a traceback."""
    args = parser().parse_args(argv)
    commands = {"check": command_check, "build": command_build, "report": command_report, "rules": command_rules,
                "validate": command_validate, "submission": command_submission, "refs": command_refs}
    try:
        return commands[args.command](args)
    except ContentError as exc:  # parseable content the outputs cannot hold: a finding's exit code, not an unreadable input's
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a file the system refuses (permission denied, no space) where no stage named it
        if exc.filename is None:
            return internal_error(exc)
        name = os.fsdecode(exc.filename) if isinstance(exc.filename, (bytes, os.PathLike)) else str(exc.filename)
        print(f"error: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours: one line for the user, the traceback on request
        return internal_error(exc)


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once its output is flushed and its exit handlers have run.

    The interpreter's own teardown, which frees every module and object one by one (30 ms after a
    check), is skipped: whatever the toolchain writes is closed before ``main`` returns. While
    another thread runs, or when the output cannot be flushed (a closed pipe), it exits as usual.
    """
    if threading.active_count() == 1:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            atexit._run_exitfuncs()  # the pattern cache, temporary directories, logging
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def internal_error(exc: Exception) -> int:
    """Report a bug of ours in one line (the traceback with TOOLCHAIN_DEBUG=1); exit 2."""
    if os.environ.get("TOOLCHAIN_DEBUG"):
        raise exc
    where = traceback.extract_tb(exc.__traceback__)[-1]
    print(f"error: internal error in {Path(where.filename).name}:{where.lineno}: {type(exc).__name__}: {exc} "
          "(please report it; set TOOLCHAIN_DEBUG=1 for the traceback)", file=sys.stderr)
    return 2
