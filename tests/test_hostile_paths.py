"""Hostile projects: nothing is read or written outside the project and --out, never through a link."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from toolchain.cli import main

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "rules" / "base_project"
SECRET = "TOPSECRET-91c2e4"
OUTPUTS = ("zh.pdf", "en.pdf", "zh.docx", "en.docx", "article.xml")


@pytest.fixture
def project(base_copy: Path) -> Path:
    """A fresh copy of the base project."""
    return base_copy


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A host file outside the project."""
    path = tmp_path / "host" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the command line in process; return the exit code and everything printed."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def fake_outputs(out: Path) -> None:
    """Five files standing for built outputs (submission only packages them)."""
    out.mkdir(exist_ok=True)
    for name in OUTPUTS:
        (out / name).write_bytes(f"output {name}".encode())


def archive_texts(out: Path) -> str:
    """Every member of submission.zip and meca.zip that exists, as text."""
    texts = []
    for name in ("submission.zip", "meca.zip"):
        if (out / name).exists():
            with zipfile.ZipFile(out / name) as archive:
                texts += [archive.read(member).decode("utf-8", "replace") for member in archive.namelist()]
    return "\n".join(texts)


def test_report_does_not_write_through_a_planted_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build/report.html -> ../manuscript/zh.md: the report is refused and zh.md survives."""
    source = (project / "manuscript" / "zh.md").read_bytes()
    (project / "build").mkdir()
    (project / "build" / "report.html").symlink_to(Path("..") / "manuscript" / "zh.md")
    code, printed = run(capsys, "report", str(project))
    assert code == 2
    assert "report.html" in printed
    assert (project / "manuscript" / "zh.md").read_bytes() == source


def test_fix_backup_is_not_written_through_a_planted_link(project: Path, secret: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """manuscript/en.md.bak -> host file: --fix replaces the link with a backup, the host file is untouched."""
    en = project / "manuscript" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("enrolled 202 patients", "enrolled  202 patients"), encoding="utf-8")
    original = en.read_bytes()
    backup = project / "manuscript" / "en.md.bak"
    backup.symlink_to(secret)
    run(capsys, "check", str(project), "--fix")
    assert secret.read_text(encoding="utf-8") == f"{SECRET}\n"
    assert not backup.is_symlink() and backup.read_bytes() == original
    assert "enrolled 202 patients" in en.read_text(encoding="utf-8")


@pytest.mark.parametrize("plant", ["figure-link", "figures-dir-link", "output-link"])
def test_submission_packs_no_host_file(project: Path, secret: Path, plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A figure, the figures directory or an output that is a link to a host file is refused, not packed."""
    out = project / "build"
    fake_outputs(out)
    figures = project / "manuscript" / "figures"
    if plant == "figure-link":
        figures.mkdir()
        (figures / "p.png").symlink_to(secret)
    elif plant == "figures-dir-link":
        figures.symlink_to(secret.parent, target_is_directory=True)
    else:
        (out / "zh.pdf").unlink()
        (out / "zh.pdf").symlink_to(secret)
    code, printed = run(capsys, "submission", str(project))
    assert code == 2, printed
    assert "symbolic link" in printed
    assert SECRET not in archive_texts(out)


def test_source_file_linked_to_a_host_file_is_refused(project: Path, secret: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """manuscript/en.md -> host file: check stops with exit 2 naming en.md, and prints nothing of it."""
    en = project / "manuscript" / "en.md"
    shutil.copy(en, secret)  # a valid manuscript, so that only the link can be refused
    with open(secret, "a", encoding="utf-8") as handle:
        handle.write(f"\n{SECRET}\n")
    en.unlink()
    en.symlink_to(secret)
    for command in (["check", str(project)], ["build", str(project), "--out", str(project / "build"), "--to", "jats"]):
        code, printed = run(capsys, *command)
        assert code == 2
        assert "manuscript/en.md" in printed and "outside the project" in printed
        assert SECRET not in printed
    assert not (project / "build" / "article.xml").exists()


def test_source_link_inside_the_project_is_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A link that stays inside the project is followed (only leaving the project is refused)."""
    glossary = project / "manuscript" / "glossary.yaml"
    (project / "shared").mkdir()
    glossary.rename(project / "shared" / "glossary.yaml")
    glossary.symlink_to(Path("..") / "shared" / "glossary.yaml")
    code, printed = run(capsys, "check", str(project), "--format", "json")
    assert code in (0, 1), printed


def test_figures_directory_link_does_not_reach_typst(project: Path, secret: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """manuscript/figures -> host directory, read by raw typst: the build stops before typst runs."""
    (project / "manuscript" / "figures").symlink_to(secret.parent, target_is_directory=True)
    with open(project / "manuscript" / "zh.md", "a", encoding="utf-8") as handle:
        handle.write('\n```{=typst}\n#read("figures/secret.txt")\n```\n')
    out = tmp_path / "out"
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--to", "pdf", "--lang", "zh")
    assert code == 2
    assert "manuscript/figures" in printed and SECRET not in printed
    assert not (out / "zh.pdf").exists()


def test_front_matter_cannot_make_pandoc_open_a_host_file(project: Path, secret: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A front-matter key naming a host file is not handed to Pandoc: the build works and never quotes it."""
    zh = project / "manuscript" / "zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("lang: zh-CN\n", f"lang: zh-CN\ncitation-abbreviations: {secret}\n", 1), encoding="utf-8")
    out = tmp_path / "out"
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--to", "jats")
    assert code == 0, printed
    assert SECRET not in printed
    assert SECRET not in (out / "article.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("names", "problem"), [
    (["a\\b.png"], "backslash"),
    (["a\x07b.png"], "control character"),
    (["Plot.png", "plot.png"], "only in case"),
    (["caf\u00e9.png", "cafe\u0301.png"], "Unicode form"),
    ([b"fig\xff.png"], "not valid UTF-8"),
])
def test_archive_member_names_are_safe_and_unique(project: Path, names: list, problem: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Figure names that are unsafe or collide as archive members stop the submission with exit 2."""
    figures = project / "manuscript" / "figures"
    figures.mkdir()
    for name in names:
        path = os.path.join(os.fsencode(figures), name) if isinstance(name, bytes) else figures / name
        with open(path, "wb") as handle:
            handle.write(b"\x89PNG")
    out = project / "build"
    fake_outputs(out)
    code, printed = run(capsys, "submission", str(project))
    assert code == 2, printed
    assert problem in printed and "internal error" not in printed
    assert not (out / "submission.zip").exists()


@pytest.mark.parametrize("command", ["build", "report", "submission"])
def test_default_out_linked_outside_the_project_is_refused(project: Path, tmp_path: Path, command: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A planted PROJECT/build -> host directory: nothing is written there unless --out names it."""
    host = tmp_path / "host-dir"
    host.mkdir()
    fake_outputs(host)
    before = sorted(p.name for p in host.iterdir())
    (project / "build").symlink_to(host, target_is_directory=True)
    code, printed = run(capsys, command, str(project), *(["--to", "jats"] if command == "build" else []))
    assert code == 2, printed
    assert "outside the project" in printed
    assert sorted(p.name for p in host.iterdir()) == before
