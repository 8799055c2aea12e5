"""Validate a JATS file: the JATS 1.3 or 1.4 DTD (as its ``dtd-version`` says), PMC's Style Checker and (advisory) JATS4R.

The DTD is checked with lxml offline, PMC's Style Checker with XSLT 1.0 and, advisory only,
the JATS4R schematrons when ``saxonche`` is installed.

The DTD is looked up, never downloaded: ``--dtd-dir``, then ``../shared/jats/dtd/<version>``
beside the current directory or the repository, then the npm package ``@jats4r/dtds`` in a
``node_modules`` found upward from the current directory or in the user cache.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from toolchain.errors import InputError
from toolchain.render.jats import schematron
from toolchain.render.jats.xml import DTDS

DRIVER = DTDS["1.3"][1]
PUBLIC_IDS = {
    **{public: driver for public, driver in DTDS.values()},
    "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 20210610//EN": "JATS-journalpublishing1-3.dtd",
    "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.4 20241031//EN": "JATS-journalpublishing1-4.dtd",
}
REPOSITORY = Path(__file__).resolve().parents[3]
SHARED = Path("..") / "shared" / "jats"
NPM_PACKAGE = Path("node_modules") / "@jats4r" / "dtds" / "schema" / "1.3"
STYLECHECKER = Path("pmc-stylechecker") / "5.31" / "nlm-stylechecker.xsl"
NPM_HINT = "npm install @jats4r/dtds"
ADVISORY = frozenset({"JATS4R"})  # reported, never a reason to call a file invalid


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: which checker, its severity, where (line or element) and what."""

    checker: str  # "xml", "DTD", "PMC" or "JATS4R"
    severity: str  # "error" or "warning"
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of validating one file."""

    path: Path
    problems: tuple[Problem, ...]
    checks: tuple[str, ...]  # what ran, e.g. "DTD 1.3 (…/dtd/1.3)"
    skipped: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Errors of the DTD, the Style Checker or the XML parser."""
        return tuple(p for p in self.problems if p.severity == "error" and p.checker not in ADVISORY)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Warnings, and every advisory (JATS4R) finding."""
        return tuple(p for p in self.problems if p.severity == "warning" or p.checker in ADVISORY)

    @property
    def ok(self) -> bool:
        """True when no checker found an error."""
        return not self.errors

    def count(self, checker: str, severity: str) -> int:
        """How many problems one checker found at one severity."""
        return sum(1 for p in self.problems if p.checker == checker and p.severity == severity)

    def lines(self) -> list[str]:
        """Human-readable lines: one per problem, then one summary line per checker."""
        out = [f"{self.path}:{p.line or 0}: {'note' if p.checker in ADVISORY else p.severity}: "
               f"[{p.checker}{' ' + p.severity if p.checker in ADVISORY else ''}] {p.message}" for p in self.problems]
        for check in self.checks:
            name = check.split(" ")[0]
            out.append(f"{check}: {self.count(name, 'error')} errors, {self.count(name, 'warning')} warnings")
        out.extend(f"skipped: {reason}" for reason in self.skipped)
        out.append(f"{self.path}: {'valid' if self.ok else 'INVALID'}")
        return out


def shared_dirs() -> list[Path]:
    """``../shared/jats`` beside the current directory and beside the repository."""
    return [base / SHARED for base in (Path.cwd(), REPOSITORY)]


def cache_dir() -> Path:
    """The user cache where ``npm install --prefix`` may have put the DTD package."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "toolchain" / "jats"


def find_dtd_dir(explicit: Path | None = None, version: str = "1.3") -> Path | None:
    """The directory holding the driver DTD of JATS ``version``, or None (search order in the module docstring)."""
    driver = DTDS[version][1]
    if explicit:  # a directory the user named is the only one tried
        return explicit.resolve() if (explicit / driver).is_file() else None
    package = NPM_PACKAGE.parent / version
    candidates = [shared / "dtd" / version for shared in shared_dirs()]
    candidates += [folder / package for folder in (Path.cwd(), *Path.cwd().parents)]
    candidates.append(cache_dir() / package)
    for candidate in candidates:
        if (candidate / driver).is_file():
            return candidate.resolve()
    return None


def find_shared() -> Path | None:
    """``../shared/jats`` (Style Checker, schematrons), when present."""
    return next((shared.resolve() for shared in shared_dirs() if (shared / STYLECHECKER).is_file()), None)


def missing_dtd_message(explicit: Path | None, version: str = "1.3") -> str:
    """Why no DTD was found and how to get one (never downloaded silently)."""
    if explicit:
        return f"{explicit} holds no {DTDS[version][1]}"
    message = f"JATS {version} DTD not found: {SHARED.as_posix()} is absent and @jats4r/dtds is not installed"
    if shutil.which("npm"):
        return f"{message}; install it with: {NPM_HINT}"
    return f"{message}; pass --dtd-dir DIR, or install Node.js and run: {NPM_HINT}"


class LocalDTD(etree.Resolver):
    """Resolve the JATS DOCTYPE (public id or file name) to the local DTD directory."""

    def __init__(self, directory: Path) -> None:
        """Remember where the DTD files are."""
        super().__init__()
        self.directory = directory

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        """Map a known public id or a file name of the DTD directory to the local file."""
        name = PUBLIC_IDS.get(public_id or "") or Path(system_url or "").name
        local = self.directory / name
        return self.resolve_filename(str(local), context) if name and local.is_file() else None


def parse_with_dtd(path: Path, directory: Path) -> etree._ElementTree:
    """Parse with the DTD loaded (ID attributes typed, for the Style Checker's id())."""
    parser = etree.XMLParser(load_dtd=True, no_network=True, resolve_entities=False, huge_tree=False)
    parser.resolvers.add(LocalDTD(directory))
    return etree.parse(str(path), parser)


def declared_version(path: Path) -> str:
    """The JATS version a file declares in ``dtd-version`` (1.4 when it says so, else 1.3)."""
    try:
        for _, root in etree.iterparse(str(path), events=("start",), load_dtd=False, no_network=True, resolve_entities=False):
            return root.get("dtd-version") if root.get("dtd-version") in DTDS else "1.3"
    except etree.XMLSyntaxError:
        pass  # reported by the parse that follows
    return "1.3"


def dtd_problems(tree: etree._ElementTree, directory: Path, version: str = "1.3") -> list[Problem]:
    """Validate against the driver DTD of ``version``, whatever DOCTYPE the file declares."""
    dtd = etree.DTD(str(directory / DTDS[version][1]))
    root = tree.getroot()
    # DTD.validate() accepts any declared element as the root; the DOCTYPE names <article>
    problems = [] if root.tag == "article" else [Problem("DTD", "error", root.sourceline, f"the root element is <{root.tag}>, not <article>")]
    if not dtd.validate(tree):
        problems += [Problem("DTD", "error", e.line or None, e.message) for e in dtd.error_log.filter_from_errors()]
    return problems


def pmc_problems(tree: etree._ElementTree, stylesheet: Path) -> list[Problem]:
    """Run PMC's Style Checker; its <error>/<warning> elements become Problems."""
    transform = etree.XSLT(etree.parse(str(stylesheet)))
    try:
        result = transform(tree)
    except etree.XSLTApplyError as exc:  # a document far from JATS can stop the stylesheet
        return [Problem("PMC", "error", None, f"the Style Checker stopped: {exc}")]
    problems = []
    for node in result.getroot().iter("error", "warning"):
        parent = node.getparent()
        where = parent.tag if parent is not None else ""
        ident = parent.get("id") if parent is not None else None
        message = " ".join("".join(node.itertext()).split())
        problems.append(Problem("PMC", node.tag, None, f"{message} (in <{where}{f' id={ident!r}' if ident else ''}>)"))
    return problems


def validate_file(path: Path, dtd_dir: Path | None = None) -> Report:
    """Validate ``path``; raise InputError when the file or the DTD cannot be found."""
    if not path.is_file():
        raise InputError(str(path), None, "no such file")
    version = declared_version(path)
    directory = find_dtd_dir(dtd_dir, version)
    if directory is None:
        raise InputError(str(dtd_dir or "JATS DTD"), None, missing_dtd_message(dtd_dir, version))
    try:
        tree = parse_with_dtd(path, directory)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        return Report(path, (Problem("xml", "error", line, f"not well-formed: {exc.msg}"),), ("xml",))
    checks = [f"DTD {version} ({directory})"]
    skipped = []
    pmc: list[Problem] = []
    shared = find_shared()
    if shared is not None:
        # before the DTD check: lxml's DTD.validate() leaves the ID table unusable for XSLT id()
        checks.append(f"PMC Style Checker 5.31 ({shared / STYLECHECKER.parent})")
        pmc = pmc_problems(tree, shared / STYLECHECKER)
        if version != "1.3":  # JATS 1.4 repeats <abstract> per language (trans-abstract is deprecated); Style Checker 5.31 predates it
            pmc = [Problem("PMC", "warning", p.line, f"{p.message} [JATS {version}: abstracts differ by xml:lang]")
                   if p.message.startswith("abstract type check") else p for p in pmc]
    else:
        skipped.append(f"PMC Style Checker: {SHARED.as_posix()}/{STYLECHECKER.as_posix()} not found")
    problems = dtd_problems(tree, directory, version) + pmc
    reason = schematron.available(shared) if shared is not None else "JATS4R: ../shared/jats not found"
    if reason is None:
        try:
            found = schematron.findings(path, shared)
        except schematron.SchematronError as exc:  # advisory: a Saxon failure only skips it
            skipped.append(f"JATS4R: Saxon failed: {exc}")
        else:
            checks.append(f"JATS4R 1.0 schematrons, advisory ({shared / schematron.SCHEMA.parent})")
            problems += [Problem("JATS4R", role, None, f"{message} (at {where})") for role, where, message in found]
    else:
        skipped.append(reason)
    return Report(path, tuple(problems), tuple(checks), tuple(skipped))
