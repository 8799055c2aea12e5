"""Rules run in several processes: forked workers that each take the next family of rules.

The workers fork first and take the families that need nothing computed for them, while the
parent computes what the other families share (the zh/en alignment, the masked units and their
glossary forms, the citations) and then takes those; each process reads family numbers from a
pipe until it is empty, the slowest families first, so that a slow family neither holds up the
others nor starts last. A worker sends its findings back pickled; a worker that dies
loses nothing, its rules run again in the parent. Forking is used only where it is safe: a
process with one thread (no lock can be held by a thread the child does not have), on a
system with ``os.fork`` and more than one core.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from toolchain.check.diagnostic import Finding
from toolchain.check.registry import Rule
from toolchain.forks import Child, can_fork, cores, fork_call

Result = tuple[list[Finding], str | None]  # a rule's findings, or the message of the crash that stopped it
RunRule = Callable[[Rule], Result]


def usable_jobs(jobs: int) -> int:
    """How many processes may run rules: ``jobs``, capped by the cores, and 1 where forking is unsafe."""
    if jobs <= 1 or not can_fork():
        return 1
    return max(1, min(jobs, cores()))


def families(rules: Sequence[Rule], first: Sequence[Sequence[str]] = ()) -> list[list[Rule]]:
    """The rules grouped by the module that defines them (a family shares its helpers' caches).

    Each entry of ``first`` names modules whose families are handed out together, as one (they
    share a costly helper's results, which one process then computes once); these come first, in
    that order (the slowest first, so that the processes finish together), then the other
    families in registry order.
    """
    grouped: dict[str, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(rule.check.__module__, []).append(rule)
    rank = {module: i for i, modules in enumerate(first) for module in modules}
    bundles: dict[int | str, list[Rule]] = {}
    for module in sorted(grouped, key=lambda m: rank.get(m, len(first))):
        bundles.setdefault(rank.get(module, module), []).extend(grouped[module])
    return list(bundles.values())


def run_in_workers(rules: Sequence[Rule], run: RunRule, jobs: int, first: Sequence[Sequence[str]] = (),
                   prepare: Callable[[], None] | None = None, prepared: frozenset[str] = frozenset()) -> dict[str, Result]:
    """Every rule's result by rule id, the families shared out between ``jobs`` processes (this one included).

    The families are handed out in the order of ``families(rules, first)``. ``prepare`` computes
    what the families of the ``prepared`` modules share: ``jobs - 1`` workers fork before it and
    take the other families, while this process prepares; then as many workers fork again, and
    they and this process take the prepared families, then what the first workers left. The
    processes outnumber ``jobs`` while the first workers finish (they share the cores; no family
    runs twice), so no core waits for the slower of the two groups of families.
    """
    groups = families(rules, first)
    own = [i for i, group in enumerate(groups) if prepare is not None and any(r.check.__module__ in prepared for r in group)]
    free = [i for i in range(len(groups)) if i not in own]
    queues = [queue(free), queue(own)]
    children: list[Child] = []
    results: dict[str, Result] = {}
    try:
        for _ in range(jobs - 1):
            children.append(fork_worker(queues[0], groups, run))
        if prepare is not None:
            try:
                prepare()
            except Exception:  # the families compute what they need, and report a crash as theirs
                pass
            for _ in range(jobs - 1 if own else 0):
                children.append(fork_worker(queues[1], groups, run))
        results.update(take_families(queues[1], groups, run))
        results.update(take_families(queues[0], groups, run))
    except BaseException:  # interrupted: the workers stop too
        for child in children:
            child.stop()
        raise
    finally:
        for end in queues:
            os.close(end)
        for child in children:
            received = child.result()
            results.update(received if isinstance(received, dict) else {})
    for rule in rules:  # a worker that died (killed, out of memory): its rules again, here
        if rule.id not in results:
            results[rule.id] = run(rule)
    return results


def queue(numbers: list[int]) -> int:
    """A pipe holding family numbers, to be read two bytes at a time; its reading end."""
    queue_out, queue_in = os.pipe()
    os.write(queue_in, b"".join(i.to_bytes(2, "big") for i in numbers))  # far below the pipe's buffer
    os.close(queue_in)
    return queue_out


def take_families(queue: int, groups: list[list[Rule]], run: RunRule) -> dict[str, Result]:
    """Run the families whose numbers this process reads from the queue until it is empty."""
    results: dict[str, Result] = {}
    while len(number := os.read(queue, 2)) == 2:
        for rule in groups[int.from_bytes(number, "big")]:
            results[rule.id] = run(rule)
    return results


def fork_worker(queue: int, groups: list[list[Rule]], run: RunRule) -> Child:
    """Start a worker process on the queue (a worker that dies sends nothing; its rules run again here)."""
    return fork_call(lambda: take_families(queue, groups, run))
