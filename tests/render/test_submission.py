"""The submission package: submission.zip with a SHA-256 manifest, and a NISO MECA meca.zip."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from toolchain.cli import main
from toolchain.errors import RenderError
from toolchain.render.submission import MECA_NS, OUTPUTS, XLINK_NS, build_submission

from .test_pdf import tiny_png

REPO = Path(__file__).resolve().parents[2]


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def packaged(built_article: Path, tmp_path: Path) -> Path:
    """Our article's five outputs copied to a fresh directory and packaged there."""
    out = tmp_path / "build"
    out.mkdir()
    for name in OUTPUTS:
        shutil.copy(built_article / name, out / name)
    build_submission(REPO, out)
    return out


def test_submission_zip_holds_the_outputs_and_a_manifest_whose_hashes_match(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "submission.zip") as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert set(names) == {*OUTPUTS, "manifest.json"}
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["algorithm"] == "SHA-256"
        listed = {entry["path"]: entry for entry in manifest["files"]}
        assert set(listed) == set(OUTPUTS)
        for name, entry in listed.items():
            data = archive.read(name)
            assert entry["sha256"] == sha256(data) == sha256((packaged / name).read_bytes())
            assert entry["bytes"] == len(data)
    assert listed["zh.pdf"]["media-type"] == "application/pdf"


def test_meca_zip_has_a_niso_manifest_at_its_root(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "meca.zip") as archive:
        names = archive.namelist()
        assert names[0] == "manifest.xml"
        raw = archive.read("manifest.xml")
        assert b'<!DOCTYPE manifest PUBLIC "-//MECA//DTD Manifest v1.0//en"' in raw
        root = etree.fromstring(raw)
        assert root.tag == f"{{{MECA_NS}}}manifest" and root.get("manifest-version") == "1"
        items = root.findall(f"{{{MECA_NS}}}item")
        assert len(items) == len(OUTPUTS)
        types = {}
        for item in items:
            instance = item.find(f"{{{MECA_NS}}}instance")
            href = instance.get(f"{{{XLINK_NS}}}href")
            assert href in names and instance.get("media-type")
            digest = item.find(f"{{{MECA_NS}}}item-metadata/{{{MECA_NS}}}metadata[@metadata-name='SHA-256']").text
            assert digest == sha256(archive.read(href))
            types[href] = item.get("item-type")
    assert types["article.xml"] == "article-metadata"
    assert types["zh.pdf"] == types["en.docx"] == "manuscript"


def test_figures_are_packaged_and_archives_are_reproducible(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", project)
    (project / "manuscript" / "figures").mkdir()
    (project / "manuscript" / "figures" / "targets.png").write_bytes(tiny_png(8, 8))
    out = project / "build"
    out.mkdir()
    for name in OUTPUTS:  # stand-ins: packaging does not look inside the outputs
        (out / name).write_bytes(f"content of {name}".encode())
    first = [p.read_bytes() for p in build_submission(project, out)]
    second = [p.read_bytes() for p in build_submission(project, out)]
    assert first == second
    with zipfile.ZipFile(out / "submission.zip") as archive:
        entry = next(e for e in json.loads(archive.read("manifest.json"))["files"] if e["path"] == "figures/targets.png")
        assert entry["media-type"] == "image/png" and entry["sha256"] == sha256(tiny_png(8, 8))
    with zipfile.ZipFile(out / "meca.zip") as archive:
        root = etree.fromstring(archive.read("manifest.xml"))
        figure = next(i for i in root.iter(f"{{{MECA_NS}}}item") if i.get("item-type") == "figure")
        assert figure.find(f"{{{MECA_NS}}}instance").get(f"{{{XLINK_NS}}}href") == "figures/targets.png"


def test_missing_outputs_are_named(tmp_path: Path) -> None:
    (tmp_path / "zh.pdf").write_bytes(b"%PDF")
    with pytest.raises(RenderError, match=r"missing en\.pdf, zh\.docx, en\.docx, article\.xml"):
        build_submission(tmp_path, tmp_path)
    assert not (tmp_path / "submission.zip").exists()


def test_cli_submission_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", project)
    assert main(["submission", str(project)]) == 2
    assert "missing zh.pdf" in capsys.readouterr().err
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUTS:
        (out / name).write_bytes(b"x")
    assert main(["submission", str(project), "--out", str(out)]) == 0
    assert (out / "submission.zip").is_file() and (out / "meca.zip").is_file()
