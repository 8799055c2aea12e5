"""Names and trials before a citation group are searched from the few words a match can hold.

The patterns end at the group (``$``), and a search of the whole window before it would try
every character of it. ``ending_at`` and the trial token's run start the search where the
earliest possible match starts; these tests hold that to the plain search of the window, on
texts made of names, particles, connectors and the words around them, so that a pattern
changed without its count of runs (``RUNS``) fails here.
"""

from __future__ import annotations

import random

from toolchain.check.references import _names as names

WORDS = ("Smith et al.", "van der Heuvel et  al.,", "Liu and his colleagues", "Wang and team", "Smith and Jones", "Liu和Wang",
         "de la Cruz *et al*", "Chen 等", "Chen等人", "X and Y", "van", "de", "der", "Smith", "O'Brien", "Éric", "et", "al.",
         "and", "his", "colleagues", "co-workers", "等", "团队", "和", "与", ",", "，", "、", "&", "*", "_", "-", ".", "/", "1",
         "SORMAIN", "QuANTUM-R", "AAML1031", "FLT3-ITD", "研究", "trial", "（", "）", ")", "x-", "-Y")
GAPS = ("", " ", "  ", "\t", "\n", " \u3000 ")


def texts(count: int, seed: int) -> list[tuple[str, int]]:
    """Random texts with a random end (where a citation group would start)."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        text = "".join(rng.choice(WORDS) + rng.choice(GAPS) for _ in range(rng.randint(1, 40)))
        found.append((text, rng.randint(0, len(text))))
    return found


def spans(match) -> tuple | None:
    """A match as its span and groups (None for no match)."""
    return match and (match.span(), match.groupdict())


def test_name_patterns_find_what_the_whole_window_finds() -> None:
    matched = dict.fromkeys(names.RUNS, 0)
    for text, end in texts(20000, 1):
        for pattern in names.RUNS:
            expected = pattern.search(text, max(0, end - names.WINDOW), end)
            assert spans(names.ending_at(pattern, text, end)) == spans(expected), (pattern.pattern, text[:end])
            matched[pattern] += expected is not None
    assert all(matched.values())  # each pattern was met, not only missed


def test_connector_and_trial_token_find_what_the_whole_window_finds() -> None:
    for text, end in texts(20000, 2):
        lo = max(0, end - names.WINDOW)
        connector = names.CONNECTOR.search(text, end - names.SPACED_RUN.match(text[lo:end][::-1]).end(), end)
        assert spans(connector) == spans(names.CONNECTOR.search(text, lo, end)), text[:end]
        token = names.TRIAL_TOKEN.search(text, end - names.TOKEN_RUN.match(text[lo:end][::-1]).end(), end)
        assert spans(token) == spans(names.TRIAL_TOKEN.search(text, lo, end)), text[:end]
