"""``make bench``: build and check timings, the pandoc+typst floor, scaling, peak memory, typography scores.

Prints a table with each target next to its measurement and writes bench/results.json.
Nothing in the repository changes: outputs go to temporary directories (``make all OUT=…``),
jieba's cache to a temporary XDG_CACHE_HOME.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import typography
from pathological import shapes, write_bib_project, write_paragraph_project
from synthetic import multiply

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = (1, 4, 16, 64)
RUNS = {0: 3, 1: 5, 4: 3, 16: 3, 64: 2}  # repetitions per synthetic size (the largest is slow)
PARAGRAPH_SIZES = (50_000, 200_000, 800_000, 5_000_000)  # characters of one paragraph per language
BIB_SIZES = (500, 2_000, 8_000)  # entries added to the bibliography
PATHOLOGICAL_TIMEOUT = 120  # seconds: a shape slower than this is reported as failed (nan), not waited for
TARGETS = {"make_all_ratio": 1.0, "noop_seconds": 0.2, "check_seconds": 0.3, "slope": 1.15, "peak_mb": 300}
EVERYDAY_RUNS = 5  # floor and cold make all, measured in turns
# The child that times a check in process, after its imports, so that the scaling fit sees the
# work that grows with the manuscript and not the interpreter's start-up.
CHECK_CHILD = """
import contextlib, io, json, sys, time
begun = time.perf_counter()
from toolchain.cli import main
imported = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", sys.argv[1]])
done = time.perf_counter()
with open(sys.argv[2], "w") as report:
    json.dump({"exit": code, "import": imported - begun, "work": done - imported}, report)
"""


@dataclass(frozen=True)
class Sample:
    """One child process: wall time, peak resident memory, exit code."""

    seconds: float
    peak_mb: float
    exit: int


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> Sample:
    """Run a command and time it; wait4 gives this child's own peak RSS (ru_maxrss, kB on Linux)."""
    begun = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - begun
    child.returncode = os.waitstatus_to_exitcode(status)
    return Sample(elapsed, usage.ru_maxrss / 1024, child.returncode)


def median(samples: list[Sample]) -> float:
    """Median wall time."""
    return statistics.median(s.seconds for s in samples)


def environment(cache: Path) -> dict[str, str]:
    """The children's environment: a private cache directory, no colour, bytecode kept (in the bench's own directory) as an install keeps it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(cache.parent / "bytecode")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def floor_once(out: Path, env: dict[str, str]) -> dict:
    """One serial build with the pandoc processes and typst compilations timed (bench/floor.py): its report, or the error."""
    done = subprocess.run([PYTHON, str(REPO / "bench" / "floor.py"), ".", str(out)], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": done.stderr.strip().splitlines()[-1:], "exit": done.returncode}
    if report["exit"] != 0 or not any(call["tool"] == "typst" for call in report["calls"]):  # a floor without typst is no floor
        return {"error": done.stderr.strip().splitlines()[-1:] or ["no typst compilation was timed"], "exit": report["exit"] or 1}
    return {**report, "seconds": report["pandoc_seconds"] + report["typst_seconds"]}


def everyday(work: Path, env: dict[str, str], runs: int = EVERYDAY_RUNS) -> tuple[dict, dict]:
    """The floor and ``make all`` measured in turns, so that both see the same load: (floor, make_all).

    Each round times the floor (pandoc + typst alone, serial), then ``make all`` into an empty OUT
    (cold: one process checks and builds), then ``make all`` again with nothing changed (no-op);
    the ratio is the median of the rounds' cold / floor.
    """
    # -o: never rerun `pip install` for the setup stamp, whatever its age.
    make = ["make", "-s", "-o", ".venv/.installed", "all"]
    reports, cold, warm, ratios = [], [], [], []
    for run in range(runs):
        report = floor_once(work / f"floor-{run}", env)
        if "error" in report:
            nan = math.nan
            return ({"seconds": nan, "pandoc": nan, "typst": nan, "imports": nan, "exit": report["exit"], "calls": {}, "error": report["error"]},
                    {"cold": nan, "noop": nan, "ratio": nan, "ratios": [], "exit": report["exit"]})
        reports.append(report)
        out = work / f"make-{run}"
        cold.append(measure([*make, f"OUT={out}"], env))
        warm.append(measure([*make, f"OUT={out}"], env))
        ratios.append(cold[-1].seconds / report["seconds"])
    best = sorted(reports, key=lambda r: r["seconds"])[len(reports) // 2]
    kinds: dict[str, int] = {}
    for call in best["calls"]:
        kinds[f"{call['tool']} {call['what']}"] = kinds.get(f"{call['tool']} {call['what']}", 0) + 1
    floor = {"seconds": best["seconds"], "pandoc": best["pandoc_seconds"], "typst": best["typst_seconds"], "imports": best["import_seconds"],
             "exit": best["exit"], "calls": kinds, "runs": [r["seconds"] for r in reports]}
    made = {"cold": median(cold), "noop": median(warm), "ratio": statistics.median(ratios), "ratios": ratios,
            "runs": [s.seconds for s in cold], "exit": max(s.exit for s in cold + warm)}
    return floor, made


def builds(work: Path, env: dict[str, str], runs: int = 3) -> dict:
    """``python -m toolchain build`` cold: checked with outputs in parallel (--jobs N), and unchecked in parallel and serially."""
    jobs = os.cpu_count() or 1
    result = {}
    for label, count, extra in (("checked", jobs, []), ("parallel", jobs, ["--no-check"]), ("serial", 1, ["--no-check"])):
        samples = [measure([PYTHON, "-m", "toolchain", "build", ".", "--out", str(work / f"{label}-{i}"),
                            "--jobs", str(count), "--quiet", *extra], env) for i in range(runs)]
        result[label] = {"jobs": count, "seconds": median(samples), "exit": max(s.exit for s in samples)}
    failing = multiply(REPO, work / "failing", 1)  # the article with one error: how soon a build stops on it
    en = failing / "manuscript" / "en.md"
    text = en.read_text(encoding="utf-8")
    first = text.index("\n\n", text.index("\n---", 4)) + 2  # the body's first paragraph
    en.write_text(text[:first] + text[first:].replace(". ", ".  ", 1), encoding="utf-8")  # EN005, an error
    samples = [measure([PYTHON, "-m", "toolchain", "build", str(failing), "--out", str(work / f"failing-{i}"), "--jobs", str(jobs), "--quiet"], env)
               for i in range(runs)]
    result["failing"] = {"jobs": jobs, "seconds": median(samples), "exit": min(s.exit for s in samples)}
    return result


def check_article(work: Path, warm_cache: Path, runs: int = 5) -> dict:
    """``check`` on the article with an empty cache directory (cold: jieba, pandoc, citeproc) and a filled one (warm)."""
    cold = [measure([PYTHON, "-m", "toolchain", "check", "."], environment(work / f"cache-cold-{i}")) for i in range(runs)]
    warm = [measure([PYTHON, "-m", "toolchain", "check", "."], environment(warm_cache)) for i in range(runs)]
    return {"cold": median(cold), "warm": median(warm), "exit": max(s.exit for s in warm)}


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(max(y, 1e-6)) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def scaling(work: Path, env: dict[str, str]) -> dict:
    """``check`` on the article's body repeated 0×, 1×, 4×, 16×, 64×: time, in-process work, peak RSS."""
    rows = {}
    for times in (0, *SIZES):
        project = multiply(REPO, work / f"x{times}", times)
        samples, works = [], []
        for run in range(RUNS[times]):
            report = work / f"x{times}-{run}.json"
            samples.append(measure([PYTHON, "-c", CHECK_CHILD, str(project), str(report)], env))
            works.append(json.loads(report.read_text())["work"] if report.is_file() else math.nan)  # nan: it crashed
        size = sum((project / "manuscript" / f"{lang}.md").stat().st_size for lang in ("zh", "en"))
        rows[times] = {"bytes": size, "seconds": median(samples), "work": statistics.median(works),
                       "peak_mb": max(s.peak_mb for s in samples), "exit": samples[0].exit}
    base = rows[0]["work"]
    grown = [(t, rows[t]["work"] - base) for t in SIZES if rows[t]["work"] > base]
    return {"sizes": rows, "slope_wall": slope([(t, rows[t]["seconds"]) for t in SIZES]),
            "slope_work": slope(grown) if len(grown) >= 2 else float("nan")}


def font_discovery() -> dict:
    """What typst pays to index the bundled CJK font, in a fresh process (once per compile today)."""
    probe = ("import time, pylopdf_fonts_zh_cn, pathlib, typst; begun = time.perf_counter(); "
             "typst.Fonts(font_paths=[str(pathlib.Path(pylopdf_fonts_zh_cn.__file__).parent)]); "
             "print(time.perf_counter() - begun)")
    seconds = [float(subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, check=True).stdout) for _ in range(3)]
    return {"seconds": statistics.median(seconds)}


def versions() -> dict:
    """Machine and tool versions, for reading the numbers later."""
    import pypandoc
    import typst

    return {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count(),
            "pandoc": pypandoc.get_pandoc_version(), "typst": getattr(typst, "__version__", "?")}


def finite(value: object) -> object:
    """The results with NaN (a failed measurement) as null, so that results.json is strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def verdict(ok: bool) -> str:
    """Mark a target met or missed."""
    return "ok" if ok else "MISSED"


def check_work(project: Path, report: Path, env: dict[str, str]) -> tuple[float, int | None]:
    """The in-process seconds of one ``check`` of ``project`` and its exit code (nan, None when it crashed or timed out)."""
    try:
        done = subprocess.run([PYTHON, "-c", CHECK_CHILD, str(project), str(report)], env=env, capture_output=True,
                              timeout=PATHOLOGICAL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return math.nan, None
    if not report.is_file():
        return math.nan, done.returncode
    data = json.loads(report.read_text())
    return data["work"], data["exit"]


def pathological(work: Path, env: dict[str, str]) -> dict:
    """Growth exponent of ``check`` on one huge paragraph of each shape (50 kB to 5 MB) and on bib size."""
    rows: dict[str, dict] = {}
    for name, shape in shapes(REPO).items():
        points, exits = {}, {}
        for size in PARAGRAPH_SIZES:
            zh, en = shape(size)
            project = write_paragraph_project(REPO, work / f"{name}-{size}", zh, en)
            points[size], exits[size] = check_work(project, work / f"{name}-{size}.json", env)
        finite_points = [(s, w) for s, w in points.items() if not math.isnan(w)]
        rows[name] = {"seconds": points, "exit": exits, "slope": slope(finite_points) if len(finite_points) == len(points) else math.nan}
    points, exits = {}, {}
    for count in BIB_SIZES:
        project = write_bib_project(REPO, work / f"bib-{count}", count)
        points[count], exits[count] = check_work(project, work / f"bib-{count}.json", env)
    finite_points = [(s, w) for s, w in points.items() if not math.isnan(w)]
    rows["bibliography"] = {"seconds": points, "exit": exits, "slope": slope(finite_points) if len(finite_points) == len(points) else math.nan}
    return rows


def table(results: dict) -> str:
    """The printed summary: measurement, target, verdict."""
    f, m, c, s, b = results["floor"], results["make_all"], results["check"], results["scaling"], results["build"]
    ratio = m["ratio"]
    build_ratio = b["parallel"]["seconds"] / f["seconds"] if f["seconds"] else float("nan")
    peak = s["sizes"][64]["peak_mb"]
    lines = [
        f"{'measurement':<44} {'value':>10}  {'target':<14} verdict",
        f"{'floor: pandoc + typst alone (serial)':<44} {f['seconds']:>9.2f}s  {'':<14}",
        f"{'  of which pandoc / typst':<44} {f['pandoc']:>4.2f}/{f['typst']:.2f}s",
        f"{'make all, cold (one process: check + build)':<44} {m['cold']:>9.2f}s  {'':<14}",
        f"{'make all / floor (median of ' + str(len(m['ratios'])) + ' rounds in turn)':<44} {ratio:>9.2f}×  {'<= 1.0x':<14} "
        f"{verdict(ratio <= TARGETS['make_all_ratio'] and m['exit'] == 0)}" + ("" if m["exit"] == 0 else "  (make all failed: the check found errors)"),
        f"{'make all, nothing changed':<44} {m['noop']:>9.2f}s  {'<= 0.2 s':<14} {verdict(m['noop'] <= TARGETS['noop_seconds'])}",
        f"{'build, checked (--jobs ' + str(b['checked']['jobs']) + ')':<44} {b['checked']['seconds']:>9.2f}s",
        f"{'build --no-check, in parallel (--jobs ' + str(b['parallel']['jobs']) + ')':<44} {b['parallel']['seconds']:>9.2f}s",
        f"{'build --no-check, serial (--jobs 1)':<44} {b['serial']['seconds']:>9.2f}s",
        f"{'build whose check finds an error (to exit ' + str(b['failing']['exit']) + ')':<44} {b['failing']['seconds']:>9.2f}s",
        f"{'build --no-check in parallel / floor':<44} {build_ratio:>9.2f}×",
        f"{'check article, empty cache directory':<44} {c['cold']:>9.2f}s",
        f"{'check article, warm':<44} {c['warm']:>9.2f}s  {'<= 0.3 s':<14} {verdict(c['warm'] <= TARGETS['check_seconds'])}",
    ]
    for times in SIZES:
        row = s["sizes"][times]
        label = f"check {times:>2}× body ({row['bytes'] / 1e6:.2f} MB), peak {row['peak_mb']:.0f} MB"
        lines.append(f"{label:<44} {row['seconds']:>9.2f}s")
    lines += [
        f"{'check scaling slope (work above 0×)':<44} {s['slope_work']:>9.2f}   {'~1.0 (linear)':<14} {verdict(s['slope_work'] <= TARGETS['slope'])}",
        f"{'check scaling slope (wall clock)':<44} {s['slope_wall']:>9.2f}",
        f"{'peak memory, check 64×':<44} {peak:>8.0f}MB  {'<= 300 MB':<14} {verdict(peak <= TARGETS['peak_mb'])}",
        f"{'typst font discovery (per compile call)':<44} {results['fonts']['seconds']:>9.3f}s",
        *(f"{'check, one ' + name + ' paragraph 50 kB..5 MB' if name != 'bibliography' else 'check, bibliography +500..8000 entries':<44} "
          f"{row['slope']:>9.2f}   {'<= 1.2':<14} {verdict(row['slope'] <= 1.2)}  (5 MB / largest: {list(row['seconds'].values())[-1]:.1f} s;"
          f" exit {'/'.join(map(str, row['exit'].values()))})"
          for name, row in results.get("pathological", {}).items()),
        "external calls per build: " + ", ".join(f"{k} ×{v}" for k, v in sorted(f["calls"].items())),
    ]
    return "\n".join(lines)


def main() -> int:
    """Run every benchmark, print the table, write bench/results.json."""
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="toolchain-bench-") as temporary:
        work = Path(temporary)
        cache = work / "cache"
        env = environment(cache)
        subprocess.run([PYTHON, "-m", "toolchain", "check", "."], cwd=REPO, env=env, capture_output=True, check=False)
        results = {"versions": versions(), "targets": TARGETS}
        results["floor"], results["make_all"] = everyday(work, env)
        results["build"] = builds(work, env)
        results["check"] = check_article(work, cache)
        results["scaling"] = scaling(work, env)
        results["pathological"] = pathological(work, env)
        results["fonts"] = font_discovery()
        scores = typography.score_all()
        results["typography"] = {c: {**s.figures, "wrong": s.wrong, "right": s.right, "second_fix_edits": s.refix_changes}
                                 for c, s in scores.items()}
    results["bench_seconds"] = time.perf_counter() - begun
    print(table(results))
    print("\nChinese typography (bench/typography_cases.yaml):")
    print(typography.report(scores))
    print(f"(bench took {results['bench_seconds']:.0f} s; numbers in bench/results.json)")
    (REPO / "bench" / "results.json").write_text(json.dumps(finite(results), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
