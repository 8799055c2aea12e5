"""``refs verify`` end to end against the local stand-in, the lock read by ``check`` offline, and ``--fix``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.verify.services import ANTAR_2020, STONE_2017, WAKEFIELD_1998, Server, Services

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "tests" / "rules" / "base_project"
LOCK_RULES = "REF013,REF014,REF015,REF016,REF017,REF018"

BIB = """@article{antar2020,
  author  = {Antar, A. I. and Otrrock, Z. K. and Jabbour, E. and others},
  title   = {{FLT3} inhibitors in acute myeloid leukemia: ten frequently asked questions},
  journal = {Leukemia},
  year    = {2020},
  volume  = {34},
  pages   = {682--696},
  doi     = {10.1038/s41375-019-0694-3},
}

@article{perl2019,
  author  = {Perl, A. E. and Martinelli, G. and Cortes, J. E. and others},
  title   = {Gilteritinib or Chemotherapy for Relapsed or Refractory {FLT3}-Mutated {AML}},
  journal = {N Engl J Med},
  year    = {2019},
  volume  = {381},
  number  = {18},
  pages   = {1728--1740},
  doi     = {10.1056/NEJMoa1614359},
}

@article{wakefield1998,
  author  = {Wakefield, A. J. and Murch, S. H. and Anthony, A. and others},
  title   = {Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children},
  journal = {Lancet},
  year    = {1998},
  volume  = {351},
  number  = {9103},
  pages   = {637--641},
  doi     = {10.1016/S0140-6736(97)11096-0},
}

@article{unknown2021,
  author  = {Smith, J. and others},
  title   = {A study no index holds},
  journal = {J Unknown Res},
  year    = {2021},
  volume  = {3},
  number  = {1},
  pages   = {1--9},
  doi     = {10.9999/unknown.2021.001},
}

@article{zhangyu2023,
  author  = {张钰 and 邵若洋 and 刘启发},
  title   = {FLT3突变急性髓系白血病的全程管理},
  journal = {临床血液学杂志},
  year    = {2023},
  volume  = {36},
  number  = {5},
  pages   = {303--308},
  langid  = {chinese},
}
"""


@pytest.fixture
def stand_in() -> Iterator[tuple[Services, Server]]:
    """Crossref with three works (one retracted), nothing at doi.org, no query hits."""
    services = Services()
    for message in (ANTAR_2020, STONE_2017, WAKEFIELD_1998):
        services.works[message["DOI"].lower()] = message
    server = Server(services)
    yield services, server
    server.close()


def project(tmp_path: Path, server: Server | None, mailto: str = "editor@example.org") -> Path:
    """The base project with the five entries above and [tool.toolchain.refs] pointing at the stand-in."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    (root / "bib" / "references.bib").write_text(BIB, encoding="utf-8")
    if server is not None:
        (root / "pyproject.toml").write_text(
            f'[tool.toolchain.refs]\nmailto = "{mailto}"\ncrossref-url = "{server.url}/crossref"\n'
            f'doi-url = "{server.url}/doi"\neutils-url = "{server.url}/eutils"\n', encoding="utf-8")
    return root


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m toolchain …`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "toolchain", *args], capture_output=True, text=True, check=False, cwd=REPO, timeout=120)


def findings(done: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    """(rule, line, key) of each JSON finding."""
    return sorted((d["rule"], d["line"], d["message"].split("”")[0].lstrip("“")) for d in json.loads(done.stdout))


def test_verify_writes_the_lock_and_check_reads_it_offline(tmp_path: Path, stand_in: tuple[Services, Server]) -> None:
    """One lookup per entry; the findings of refs verify, refs verify --offline and check are the same."""
    services, server = stand_in
    root = project(tmp_path, server)
    done = run("refs", "verify", str(root), "--format", "json")
    assert done.returncode == 1, done.stderr
    expected = [("REF013", 1, "antar2020"), ("REF013", 2, "antar2020"), ("REF015", 19, "perl2019"), ("REF016", 22, "wakefield1998"),
                ("REF017", 33, "unknown2021"), ("REF018", 44, "zhangyu2023")]
    assert findings(done) == expected, done.stdout
    lock = json.loads((root / "bib" / "references.lock.json").read_text(encoding="utf-8"))
    assert sorted(lock["records"]) == ["antar2020", "perl2019", "unknown2021", "wakefield1998", "zhangyu2023"]
    assert lock["records"]["antar2020"]["fields"]["issue"] == "3"
    assert lock["records"]["zhangyu2023"]["status"] == "unmatched" and "Crossref query.bibliographic: no candidate" in lock["records"]["zhangyu2023"]["tried"]
    assert all("mailto:editor@example.org" in headers["User-Agent"] for _, _, headers in services.requests)
    asked = len(services.requests)
    offline = run("refs", "verify", str(root), "--offline", "--format", "json")
    assert findings(offline) == expected and len(services.requests) == asked  # nothing looked up
    again = run("refs", "verify", str(root), "--format", "json")
    assert findings(again) == expected and len(services.requests) == asked  # the lock is the cache
    check = run("check", str(root), "--select", LOCK_RULES, "--format", "json")
    assert findings(check) == expected
    update = run("refs", "verify", str(root), "--update", "antar2020", "--format", "json")
    assert findings(update) == expected
    assert [p for p, _, _ in services.requests[asked:]] == ["/crossref/works/10.1038/s41375-019-0694-3", "/crossref/works"]


def test_fix_writes_the_records_values_and_restamps_the_lock(tmp_path: Path, stand_in: tuple[Services, Server]) -> None:
    """--fix: Otrock and the issue number into references.bib (with a .bak), then no REF013 and no stale entry."""
    _, server = stand_in
    root = project(tmp_path, server)
    run("refs", "verify", str(root), "--format", "json")
    done = run("refs", "verify", str(root), "--offline", "--fix", "--format", "json")
    bib = (root / "bib" / "references.bib").read_text(encoding="utf-8")
    assert "Otrock, Z. K." in bib and "  number  = {3},\n  pages   = {682--696}," in bib
    assert (root / "bib" / "references.bib.bak").read_text(encoding="utf-8") == BIB
    assert [f for f in findings(done) if f[0] in ("REF013", "REF014")] == []
    check = run("check", str(root), "--select", "REF", "--format", "json")
    assert not [f for f in findings(check) if f[0] in ("REF013", "REF014", "REF004", "REF006")], check.stdout


def test_without_fix_nothing_is_written_to_the_bib(tmp_path: Path, stand_in: tuple[Services, Server]) -> None:
    """Sources are never modified unless asked."""
    _, server = stand_in
    root = project(tmp_path, server)
    run("refs", "verify", str(root))
    assert (root / "bib" / "references.bib").read_text(encoding="utf-8") == BIB
    assert not (root / "bib" / "references.bib.bak").exists()


def test_lookups_need_a_contact_address(tmp_path: Path, stand_in: tuple[Services, Server]) -> None:
    """No mailto: exit 2 with the setting to add, and no request made."""
    services, server = stand_in
    root = project(tmp_path, server, mailto="")
    done = run("refs", "verify", str(root))
    assert done.returncode == 2 and "mailto" in done.stderr and "Traceback" not in done.stderr
    assert services.requests == []


def test_unreachable_service_exits_2_and_keeps_the_lock(tmp_path: Path, stand_in: tuple[Services, Server]) -> None:
    """The service gone: the lookup fails after its retries, exit 2 names the entry, the lock keeps its record."""
    _, server = stand_in
    root = project(tmp_path, server)
    run("refs", "verify", str(root))
    before = (root / "bib" / "references.lock.json").read_text(encoding="utf-8")
    server.close()
    done = run("refs", "verify", str(root), "--update", "antar2020")
    assert done.returncode == 2 and "antar2020: lookup failed" in done.stderr and "after 4 attempts" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (root / "bib" / "references.lock.json").read_text(encoding="utf-8") == before


def test_malformed_lock_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    """check and refs verify --offline: exit 2 naming bib/references.lock.json and the line."""
    root = project(tmp_path, None)
    (root / "bib" / "references.lock.json").write_text('{"version": 1,\n "records": {\n  "antar2020": {"status": "matched",}\n }\n}\n', encoding="utf-8")
    for args in (("check", str(root)), ("refs", "verify", str(root), "--offline")):
        done = run(*args)
        assert done.returncode == 2 and "bib/references.lock.json:3: malformed JSON" in done.stderr, done.stderr
    (root / "bib" / "references.lock.json").write_text('{"version": 1, "records": {\n"antar2020": {"status": "verified"}}}\n', encoding="utf-8")
    done = run("check", str(root))
    assert done.returncode == 2 and "bib/references.lock.json:2: record 'antar2020': status must be one of" in done.stderr


def test_the_lock_is_written_whole_and_readable_by_the_group(tmp_path: Path) -> None:
    """write_lock goes through the one writer: a 0644 file that reads back, no temporary left in bib/."""
    import stat

    from toolchain.load.lock import LOCK_FILE, LockedRecord, read_lock
    from toolchain.verify import write_lock

    (tmp_path / "bib").mkdir()
    record = LockedRecord("antar2020", "matched", "crossref", "10.1/x", "2026-01-01", "")
    target = write_lock(tmp_path, {"antar2020": record})
    assert target == tmp_path / LOCK_FILE and stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in (tmp_path / "bib").iterdir()) == [target.name]
    assert set(read_lock(tmp_path).records) == {"antar2020"}
