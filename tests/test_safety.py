"""Safety: no file outside the project is read, no XML entity or network is resolved, outputs
stay inside --out, a crashing rule is a diagnostic, and a killed build never leaves a torn file."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from toolchain.check import registry, run_checks
from toolchain.check.diagnostic import Finding, Severity
from toolchain.cli import main
from toolchain.errors import RenderError
from toolchain.files import write_atomically
from toolchain.load import load_project
from toolchain.pandoc import ast_to_file, markdown_to_ast
from toolchain.render.files import refuse_source_directories, remove_stale_parts, safe_target

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BASE = TESTS / "rules" / "base_project"
SECRET = "TOPSECRET-7f3a9c"
OUTPUTS = ("zh.pdf", "en.pdf", "zh.docx", "en.docx", "article.xml")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the project whose content must never reach an output or a message."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the base project."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def append(root: Path, lang: str, text: str) -> None:
    """Append Markdown to zh.md or en.md."""
    with open(root / "manuscript" / f"{lang}.md", "a", encoding="utf-8") as handle:
        handle.write(text)


def output_text(path: Path) -> str:
    """What an output says, decompressed: PDF text, every DOCX part, the XML."""
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_text(encoding="utf-8")


def build(root: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """Run ``build`` in process, unchecked (what the renderer does with content the check refuses); return the exit code and everything printed."""
    code = main(["build", str(root), "--out", str(out), "--no-check", *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- pandoc's sandbox and typst's root: nothing outside the project is read ---------------------------

@pytest.mark.parametrize("payload", [
    "\n\\input{{{secret}}}\n\n\\include{{{secret}}}\n",           # LaTeX includes in Pandoc Markdown
    "\n```{{=typst}}\n#read(\"{secret}\")\n```\n",                   # raw typst reading an absolute path
    "\n```{{=typst}}\n#read(\"figures/../../../../../../../..{secret}\")\n```\n",  # escaping typst's root
    "\n<iframe src=\"file://{secret}\"></iframe>\n",                 # raw HTML
], ids=["latex-input", "typst-read", "typst-escape", "html-iframe"])
def test_build_reads_no_outside_file(project: Path, secret: Path, tmp_path: Path, payload: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Include-like constructs never bring an outside file into an output or a message."""
    (project / "manuscript" / "figures").mkdir()
    append(project, "zh", payload.format(secret=secret))
    out = tmp_path / "out"
    code, printed = build(project, out, capsys)
    assert code in (0, 2)
    assert SECRET not in printed
    if code == 2:  # the PDF failed, so no output was replaced: the others are built alone
        assert "no output was replaced" in printed
        code, printed = build(project, out, capsys, "--to", "docx,jats")
        assert code == 0 and SECRET not in printed
    written = [p for p in out.iterdir() if p.name in OUTPUTS]
    assert written, "nothing was built: the test would prove nothing"
    for path in written:
        assert SECRET not in output_text(path), path.name


@pytest.mark.parametrize("target", ["{secret}", "figures/../../../outside/secret.txt", "file://{secret}"])
def test_image_outside_figures_is_refused(project: Path, secret: Path, tmp_path: Path, target: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An image that is not a file in manuscript/figures/ stops the build before any output."""
    append(project, "en", f"\n![Figure 1 the secret]({target.format(secret=secret)})\n")
    out = tmp_path / "out"
    code, printed = build(project, out, capsys)
    assert code == 2
    assert re.search(r"error: manuscript/en\.md:17: figure “.*” (is outside manuscript/figures/|is not a file)", printed)
    assert not out.exists()


def test_pandoc_sandbox_refuses_outside_image(secret: Path, tmp_path: Path) -> None:
    """Below the preflight: pandoc itself (--sandbox) does not fetch an image outside figures/."""
    ast = markdown_to_ast(f"![x]({secret})\n", [], "test")
    target = tmp_path / "x.docx"
    with pytest.raises(RenderError, match="could not read"):
        ast_to_file(ast, "docx", [], target, "x.docx", cwd=tmp_path)
    if target.exists():
        assert SECRET not in output_text(target)


def test_figures_are_embedded_in_docx(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A figure in manuscript/figures/ does reach the DOCX (the sandbox alone would drop it)."""
    figures = project / "manuscript" / "figures"
    figures.mkdir()
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
                        "53de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082")
    (figures / "dot.png").write_bytes(png)
    append(project, "zh", "\n![图1 示意图](figures/dot.png)\n")
    append(project, "en", "\n![Figure 1 sketch](figures/dot.png)\n")
    out = tmp_path / "out"
    code, printed = build(project, out, capsys, "--to", "docx")
    assert code == 0, printed
    with zipfile.ZipFile(out / "zh.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert media and archive.read(media[0]) == png


# --- XML: no entity resolution, no network --------------------------------------------------------------

def test_every_xml_parser_is_locked_down() -> None:
    """Every lxml parser the toolchain builds turns off entity resolution and the network."""
    found = 0
    for path in (REPO / "toolchain").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"XMLParser\(([^)]*)\)", text):
            found += 1
            where = f"{path.relative_to(REPO)}:{text.count(chr(10), 0, match.start()) + 1}"
            assert "resolve_entities=False" in match.group(1), where
            assert "no_network=True" in match.group(1), where
    assert found >= 2


def xxe_payload(secret: Path) -> bytes:
    """A JATS-looking file that tries to pull ``secret`` in through an external entity."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
            '<article><front/><body><p>&xxe;</p></body></article>\n').encode()


def test_default_lxml_parser_resolves_no_external_entity(secret: Path) -> None:
    """The parser lxml uses when none is given (docx.py's styles.xml) leaves external entities alone."""
    try:
        tree = etree.fromstring(xxe_payload(secret))
    except etree.XMLSyntaxError:
        return
    assert SECRET not in etree.tostring(tree, encoding="unicode")


def test_jats_parse_helper_resolves_no_entity(secret: Path) -> None:
    """The JATS modules' parse() keeps ``&xxe;`` unresolved."""
    from toolchain.render.jats.xml import parse

    try:
        tree = parse(xxe_payload(secret).decode())
    except etree.XMLSyntaxError:
        return
    assert SECRET not in etree.tostring(tree, encoding="unicode")


@pytest.mark.parametrize("kind", ["internal-subset", "external-dtd"])
def test_validator_resolves_no_entity(secret: Path, tmp_path: Path, kind: str) -> None:
    """``validate`` loads the JATS DTD but neither an entity's file nor a parameter-entity trick."""
    from toolchain.render.jats.validate import find_dtd_dir, validate_file

    if find_dtd_dir() is None:
        pytest.skip("no JATS DTD (../shared/jats or @jats4r/dtds)")
    article = tmp_path / "article.xml"
    if kind == "internal-subset":
        article.write_bytes(xxe_payload(secret))
    else:  # error-based exfiltration: the file's content would appear in a "failed to load" message
        (tmp_path / "evil.dtd").write_text(
            f'<!ENTITY % file SYSTEM "file://{secret}">\n'
            "<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM 'file:///nonexistent/%file;'>\">\n%eval;\n%error;\n")
        article.write_text('<?xml version="1.0"?>\n<!DOCTYPE article SYSTEM "evil.dtd">\n<article><front/></article>\n')
    report = validate_file(article)
    assert report.lines(), "the validator reported nothing"
    assert SECRET not in "\n".join(report.lines())


# --- output paths --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../escape.pdf", "/etc/passwd", "a/../../escape.pdf", "", ".", "sub/../../x"])
def test_output_names_cannot_escape_out(tmp_path: Path, name: str) -> None:
    """safe_target refuses any name that does not land strictly inside --out."""
    with pytest.raises(RenderError, match="escapes the output directory"):
        safe_target(tmp_path / "out", name)


def test_output_symlink_pointing_outside_is_refused(tmp_path: Path, secret: Path) -> None:
    """A planted symlink out/zh.pdf → outside file is not followed and overwritten."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "zh.pdf").symlink_to(secret)
    with pytest.raises(RenderError):
        safe_target(out, "zh.pdf")
    assert safe_target(out, "en.pdf") == (out / "en.pdf").resolve()
    assert secret.read_text(encoding="utf-8") == f"{SECRET}\n"


@pytest.mark.parametrize("inside", ["manuscript", "bib", "manuscript/figures", "bib/out"])
def test_outputs_never_go_into_sources(project: Path, inside: str) -> None:
    """--out inside manuscript/ or bib/ is refused."""
    with pytest.raises(RenderError, match="refusing to write outputs"):
        refuse_source_directories(project, project / inside)


def test_failed_render_leaves_target_and_no_temporary(tmp_path: Path) -> None:
    """A renderer that fails half-way replaces nothing and leaves no temporary file."""
    target = tmp_path / "zh.pdf"
    target.write_bytes(b"old")

    def produce(path: Path) -> None:
        """Write half a PDF, then fail."""
        path.write_bytes(b"%PDF-half")
        raise RuntimeError("renderer died")

    with pytest.raises(RuntimeError):
        write_atomically(target, produce)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zh.pdf"]


def test_the_one_writer_keeps_a_mode_and_refuses_or_replaces_a_link(tmp_path: Path) -> None:
    """A new file is 0644, a replaced one keeps its mode or takes ``mode_of``'s; a planted link is refused unless ``replace_link``."""
    new, source, host = tmp_path / "new.json", tmp_path / "zh.md", tmp_path / "host.txt"
    write_atomically(new, lambda part: part.write_text("{}", encoding="utf-8"))
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    source.write_text("old", encoding="utf-8")
    source.chmod(0o600)
    write_atomically(source, lambda part: part.write_text("new", encoding="utf-8"))
    assert stat.S_IMODE(source.stat().st_mode) == 0o600 and source.read_text(encoding="utf-8") == "new"
    host.write_text("host", encoding="utf-8")
    backup = tmp_path / "zh.md.bak"
    backup.symlink_to(host)
    with pytest.raises(RenderError):
        write_atomically(backup, lambda part: part.write_text("copy", encoding="utf-8"))
    write_atomically(backup, lambda part: part.write_text("copy", encoding="utf-8"), mode_of=source, replace_link=True)
    assert not backup.is_symlink() and backup.read_text(encoding="utf-8") == "copy" and host.read_text(encoding="utf-8") == "host"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["host.txt", "new.json", "zh.md", "zh.md.bak"]


# --- a crashing rule -----------------------------------------------------------------------------------

def test_crashing_rule_is_a_diagnostic(project: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A rule that raises is reported by id with exit 2, and every other rule still runs."""

    def explode(project: object) -> list[Finding]:
        """Crash, as a buggy rule would."""
        raise ZeroDivisionError("deliberate")

    crash = registry.Rule("TEST999", "deliberate-crash", "test", Severity.ERROR, "Crashes on purpose.", explode)
    monkeypatch.setitem(registry.RULES, "TEST999", crash)
    append(project, "zh", "\n另一项研究也支持这一结论[@missing2023]。\n")
    append(project, "en", "\nAnother study supports this conclusion [@missing2023].\n")
    result = run_checks(load_project(project))
    assert result.crashed == ("TEST999",)
    crashed = [d for d in result.diagnostics if d.rule == "TEST999"]
    assert len(crashed) == 1 and "ZeroDivisionError: deliberate" in crashed[0].message
    assert {d.rule for d in result.diagnostics} >= {"TEST999", "REF001"}, "the other rules did not run"

    code = main(["check", str(project), "--format", "json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 2
    assert {d["rule"] for d in printed} >= {"TEST999", "REF001"}
    assert "TEST999" not in registry.RULES or registry.RULES["TEST999"] is crash  # removed after the test


# --- a killed build ------------------------------------------------------------------------------------

def complete(path: Path) -> bool:
    """Whether an output file is whole: PDF ends with %%EOF, DOCX is a sound zip, XML parses."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    if path.suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None and "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return False
    return True


def test_killed_build_leaves_old_or_whole_outputs(project: Path, tmp_path: Path) -> None:
    """SIGKILL at random moments: each output is absent, old or whole; stale temporaries go next build."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "toolchain", "build", str(project), "--out", str(out), "--quiet"]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    append(project, "zh", "\n索拉非尼的不良反应多为1～2级。\n")
    append(project, "en", "\nMost adverse events of sorafenib were grade 1–2.\n")
    moments = random.Random(20240320)
    for _ in range(5):
        # its own process group, killed whole: an orphaned pandoc could otherwise finish writing a
        # temporary file after the next build has swept them (harmless, but not deterministic)
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(moments.uniform(0.4, 1.4))  # a whole build of the base project takes about 1.3 s
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        for path in out.iterdir():
            if path.name.startswith("."):
                continue  # a hidden temporary of the killed writer
            assert path.name in OUTPUTS, f"unexpected visible file {path.name}"
            assert path.read_bytes() == old.get(path.name) or complete(path), f"{path.name} is torn"
    (out / f".zh.pdf.{child.pid}-planted.part").write_bytes(b"%PDF-1.7 torn")  # whatever the last kill left
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS), "stale temporaries were not removed"
    assert all(complete(out / name) for name in OUTPUTS)


def test_stale_temporaries_of_dead_writers_only_are_removed(tmp_path: Path) -> None:
    """remove_stale_parts deletes a dead process's .part, keeps a living one's and foreign files."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f".zh.pdf.{gone.pid}-abc123.part"
    alive = tmp_path / f".en.pdf.{os.getppid()}-def456.part"
    mine = tmp_path / f".zh.docx.{os.getpid()}-ghi789.part"
    foreign = tmp_path / ".notes.part"
    for path in (dead, alive, mine, foreign):
        path.write_bytes(b"partial")
    assert remove_stale_parts(tmp_path) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (alive, mine, foreign))
