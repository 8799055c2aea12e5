"""``build`` checks first (in a child process where forking is safe): findings as ``check`` prints them, nothing rendered on errors; ``make all`` follows."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from toolchain.cli import main

DEFECT = ("enrolled 202", "enrolled  202")  # EN005: two spaces, an error


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in process; return the exit code, standard output and standard error."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def spoil(root: Path) -> None:
    """Give en.md one error (EN005)."""
    en = root / "manuscript" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace(*DEFECT, 1), encoding="utf-8")


def test_build_renders_nothing_when_the_check_finds_errors(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean project builds; with an error the findings are printed as by check, exit 1, and no output is replaced."""
    out = tmp_path / "out"
    code, printed, errors = run(capsys, "build", str(base_copy), "--out", str(out), "--to", "jats")
    assert code == 0, errors
    assert printed.strip().splitlines()[-1].startswith(("No problems found", "0 errors"))  # the check ran and said so
    before = (out / "article.xml").read_bytes()
    spoil(base_copy)
    check_code, check_printed, _ = run(capsys, "check", str(base_copy))
    code, printed, errors = run(capsys, "build", str(base_copy), "--out", str(out), "--to", "jats")
    assert (code, check_code) == (1, 1)
    assert printed == check_printed and "EN005" in printed
    assert "no output was written" in errors and "wrote" not in errors
    assert (out / "article.xml").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["article.xml"]  # no working directory left behind


def test_no_check_renders_without_checking(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--no-check (the check ran in an earlier step): the outputs are written, no finding is printed."""
    spoil(base_copy)
    out = tmp_path / "out"
    code, printed, errors = run(capsys, "build", str(base_copy), "--out", str(out), "--to", "jats", "--no-check")
    assert code == 0, errors
    assert printed == "" and "wrote article.xml" in errors
    assert "sorafenib group" in (out / "article.xml").read_text(encoding="utf-8")


def test_quiet_build_prints_findings_only_when_they_stop_it(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--quiet: silent on a clean project; the errors that stop the build are still shown."""
    out = tmp_path / "out"
    assert run(capsys, "build", str(base_copy), "--out", str(out), "--to", "jats", "--quiet") == (0, "", "")
    spoil(base_copy)
    code, printed, _ = run(capsys, "build", str(base_copy), "--out", str(out), "--to", "jats", "--quiet")
    assert code == 1 and "EN005" in printed


def make(project: Path, *targets: str) -> subprocess.CompletedProcess:
    """Run the repository's Makefile in ``project`` (its .venv linked in, never reinstalled)."""
    return subprocess.run(["make", "-s", "-o", ".venv/.installed", *targets], cwd=project, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=600)


@pytest.mark.skipif(shutil.which("make") is None or not (REPO / ".venv" / "bin" / "python").exists(), reason="needs make and the .venv")
def test_make_all_is_one_build_gated_by_the_check(base_copy: Path) -> None:
    """make all: one process checks and builds; errors leave the outputs; after make check the build does not check again."""
    shutil.copy(REPO / "Makefile", base_copy / "Makefile")
    (base_copy / "pyproject.toml").write_text("[tool.toolchain]\n", encoding="utf-8")
    (base_copy / ".venv").symlink_to(REPO / ".venv")
    out = base_copy / "build"
    dry = make(base_copy, "-n", "all")
    assert "-m toolchain build" in dry.stdout and "-m toolchain check" not in dry.stdout  # one interpreter
    done = make(base_copy, "all")
    assert done.returncode == 0, done.stderr
    assert {"zh.pdf", "en.pdf", "zh.docx", "en.docx", "article.xml", ".checked"} <= {p.name for p in out.iterdir()}
    assert "No problems found" in done.stdout or "0 errors" in done.stdout  # the build checked
    outputs = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    spoil(base_copy)
    done = make(base_copy, "all")
    assert done.returncode != 0 and "EN005" in done.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == outputs
    assert make(base_copy, "check").returncode != 0
    en = base_copy / "manuscript" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace(DEFECT[1], DEFECT[0]).replace("less frequent", "rarer"), encoding="utf-8")
    assert make(base_copy, "check").returncode == 0
    done = make(base_copy, "all")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "wrote en.pdf" in done.stderr  # checked clean by make check: not checked again
    assert "rarer" in (out / "article.xml").read_text(encoding="utf-8")


def recorded_check_pid(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    """Make the check write the pid of the process it runs in to ``where`` (a forked child sees the patch too)."""
    import toolchain.check

    real = toolchain.check.run_checks

    def run_checks(*args: object, **kwargs: object) -> object:
        where.write_text(str(os.getpid()), encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(toolchain.check, "run_checks", run_checks)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_the_check_runs_beside_the_build_in_its_own_process(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The check runs in a child started before the build's threads; its findings still gate the build."""
    pid = tmp_path / "pid"
    recorded_check_pid(monkeypatch, pid)
    spoil(base_copy)
    code, printed, errors = run(capsys, "build", str(base_copy), "--out", str(tmp_path / "out"), "--to", "jats")
    assert code == 1 and "EN005" in printed and "no output was written" in errors
    assert int(pid.read_text(encoding="utf-8")) != os.getpid()
    assert not (tmp_path / "out" / "article.xml").exists()


def test_without_fork_the_check_runs_in_the_build_process(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Where forking is unsafe the same check runs in the build's own process, with the same verdict and output."""
    import toolchain.forks

    pid = tmp_path / "pid"
    recorded_check_pid(monkeypatch, pid)
    monkeypatch.setattr(toolchain.forks, "can_fork", lambda: False)
    spoil(base_copy)
    check_code, check_printed, _ = run(capsys, "check", str(base_copy))
    code, printed, errors = run(capsys, "build", str(base_copy), "--out", str(tmp_path / "out"), "--to", "jats")
    assert (code, check_code) == (1, 1) and printed == check_printed
    assert int(pid.read_text(encoding="utf-8")) == os.getpid()


def test_outputs_render_while_the_check_runs_and_a_failed_check_keeps_none(base_copy: Path, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderers start before the check's verdict; errors found meanwhile stop them and replace nothing."""
    import time

    import toolchain.cli
    import toolchain.render

    rendering = tmp_path / "rendering"
    real_pdf = toolchain.render.render_pdf

    def render_pdf(*args: object) -> None:
        rendering.touch()
        real_pdf(*args)

    def slow_failing_check(*args: object) -> tuple[int, str, str]:
        time.sleep(2)
        return 1, "manuscript/en.md:3:1: EN005 error (a finding)", "error: the check found errors: no output was written"

    monkeypatch.setattr(toolchain.render, "render_pdf", render_pdf)
    monkeypatch.setattr(toolchain.cli, "checked_output", slow_failing_check)
    out = tmp_path / "out"
    code, printed, errors = run(capsys, "build", str(base_copy), "--out", str(out))
    assert code == 1 and "EN005" in printed and "no output was written" in errors
    assert rendering.exists()  # the PDFs had started
    assert not out.exists() or list(out.iterdir()) == []


def test_a_check_that_fails_to_run_stops_the_renderers_and_leaves_no_part_file(base_copy: Path, tmp_path: Path,
                                                                               capsys: pytest.CaptureFixture[str],
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that raises (in its child, then again here): exit 2 naming the bug, renderers stopped, nothing left in out."""
    import time

    import toolchain.cli

    def broken_check(*args: object) -> tuple[int, str, str]:
        time.sleep(1)
        raise RuntimeError("a bug in a rule's setup")

    monkeypatch.setattr(toolchain.cli, "checked_output", broken_check)
    out = tmp_path / "out"
    code, _, errors = run(capsys, "build", str(base_copy), "--out", str(out))
    assert code == 2 and "internal error" in errors and "a bug in a rule's setup" in errors
    assert not out.exists() or list(out.iterdir()) == []
