"""The compiled-pattern cache: what it answers is what ``re`` compiles, from a file that survives damage.

Each case runs in a child interpreter, since installing the cache changes ``re`` for the process.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Patterns of the kinds the toolchain compiles: wide CJK classes, named groups and back-references,
# look-behinds, inline and module flags, verbose mode, bytes.
PATTERNS = [
    (r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[ \t]+(?=[A-Za-z0-9])", 0),
    (r"(?P<year>(?:19|20)\d{2})\s*年\s*(?P<name>[A-Z][a-z]+)(?P=name)?", 0),
    (r"(?i:et\s+al)\.?|[（(](?P<n>\d+)[)）]", 0),
    (r"^\s*#+\s*(.+?)\s*$", "MULTILINE"),
    (r"""
        (?P<key>[@][\w:.#$%&+?<>~/-]+)   # a citation key
        \s* (?:,\s*(?P<locator>[^;\]]+))?
     """, "VERBOSE"),
    (r"[\u3000-\u303f\uff00-\uffef]+", "IGNORECASE"),
]
TEXT = "临床 study 2020 年 Smith（12）et al. [@x, p. 3]\n# 标题\n，。ＡＢ"


def run(code: str, cache: Path, timeout: int = 60) -> dict:
    """Run ``code`` after installing the cache in ``cache``; the JSON it prints as its last line."""
    prelude = f"""
        import json, re, sys
        from toolchain import patterns
        PATTERNS = {PATTERNS!r}
        TEXT = {TEXT!r}
        def flags(name):
            return getattr(re, name) if name else 0
        installed = patterns.install(__import__("pathlib").Path({str(cache)!r}))
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(prelude) + textwrap.dedent(code)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


COMPILE_ALL = """
    compiled = [re.compile(p, flags(f)) for p, f in PATTERNS]
    same = [c == patterns._compile(p, flags(f)) for c, (p, f) in zip(compiled, PATTERNS)]
    found = [[m.group() for m in c.finditer(TEXT)] for c in compiled]
    groups = [c.groupindex.copy() for c in compiled]
    print(json.dumps({"installed": installed, "same": same, "found": found, "groups": groups,
                      "from_cache": sum(key in patterns._used for key in ((p, flags(f)) for p, f in PATTERNS))}))
"""


def expected() -> tuple[list, list]:
    """What ``re`` alone finds in TEXT with each pattern, and each pattern's named groups."""
    import re

    compiled = [re.compile(p, getattr(re, f) if f else 0) for p, f in PATTERNS]
    return [[m.group() for m in c.finditer(TEXT)] for c in compiled], [dict(c.groupindex) for c in compiled]


def test_a_second_run_takes_every_pattern_from_the_cache_and_compiles_what_re_compiles(tmp_path: Path) -> None:
    found, groups = expected()
    first = run(COMPILE_ALL, tmp_path)
    assert first["installed"] and all(first["same"]) and first["from_cache"] == 0
    files = list(tmp_path.glob("patterns-*.marshal"))
    assert len(files) == 1
    second = run(COMPILE_ALL, tmp_path)
    assert second["from_cache"] == len(PATTERNS)
    assert all(second["same"])  # equal patterns: same flags, pattern and compiled code
    assert second["found"] == first["found"] == found
    assert second["groups"] == groups


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other interpreter", "bad program"])
def test_a_damaged_or_foreign_cache_is_ignored_and_written_again(tmp_path: Path, damage: str) -> None:
    run(COMPILE_ALL, tmp_path)
    [file] = tmp_path.glob("patterns-*.marshal")
    version, entries = marshal.loads(file.read_bytes())
    if damage == "garbage":
        file.write_bytes(b"\x00not marshal data")
    elif damage == "truncated":
        file.write_bytes(file.read_bytes()[:100])
    elif damage == "other interpreter":
        file.write_bytes(marshal.dumps((("2.7.18", 0, 0), entries)))
    else:  # a program _sre refuses: that pattern is compiled afresh
        entries = {key: (flags, [0xFFFF, 1, 2], groups, index, names) for key, (flags, _, groups, index, names) in entries.items()}
        file.write_bytes(marshal.dumps((version, entries)))
    found, _ = expected()
    again = run(COMPILE_ALL, tmp_path)
    assert all(again["same"]) and again["found"] == found and again["from_cache"] == 0
    third = run(COMPILE_ALL, tmp_path)
    assert third["from_cache"] == len(PATTERNS)  # the file was written whole again


def test_patterns_built_from_data_do_not_grow_the_cache_without_bound(tmp_path: Path) -> None:
    """Past MOST_KEPT entries the file restarts from what the last run compiled or used."""
    code = """
        patterns.MOST_KEPT = 10
        for i in range(8):
            re.compile(f"{WORD}{i}|{i}词")
        patterns.save()
        print(json.dumps({"stored": sorted(k[0] for k in patterns.stored(patterns._path) if isinstance(k[0], str))}))
    """
    first = run(code.replace("{WORD}", "term"), tmp_path)["stored"]
    assert {f"term{i}|{i}词" for i in range(8)} <= set(first)
    second = run(code.replace("{WORD}", "other"), tmp_path)["stored"]
    assert {f"other{i}|{i}词" for i in range(8)} <= set(second)
    assert not [p for p in second if p.startswith("term")]
    assert len(second) <= 10 + 8


def test_a_forked_child_stores_the_patterns_it_compiled(tmp_path: Path) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no os.fork on this system")
    code = """
        from toolchain.forks import fork_call
        child = fork_call(lambda: re.compile(r"[\\u4e00-\\u9fff]{2}只在子进程").pattern)
        print(json.dumps({"sent": child.result(), "stored": [k[0] for k in patterns.stored(patterns._path) if isinstance(k[0], str)]}))
    """
    result = run(code, tmp_path)
    assert result["sent"] == "[\\u4e00-\\u9fff]{2}只在子进程"
    assert result["sent"] in result["stored"]


def test_flags_re_handles_itself_are_left_to_re(tmp_path: Path) -> None:
    code = """
        compiled = re.compile(rb"\\w+", re.LOCALE)
        print(json.dumps({"new": len(patterns._new), "match": compiled.match(b"abc d").group().decode()}))
    """
    assert run(code, tmp_path) == {"new": 0, "match": "abc"}


def test_the_command_line_answers_the_same_with_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-m", "toolchain", "check", "--format", "json", "tests/projects/other-cardiology"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=300, check=False) for _ in range(2)]
    assert list((tmp_path / "cache" / "toolchain").glob("patterns-*.marshal"))
    assert runs[0].returncode == runs[1].returncode
    assert runs[0].stdout == runs[1].stdout and json.loads(runs[0].stdout)
