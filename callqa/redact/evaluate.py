"""Recall and precision of `find_pii` on labelled utterances (tests/data/pii/cases.yaml)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from callqa.redact.config import RedactConfig
from callqa.redact.detect import find_pii


@dataclass
class Tally:
    expected: int = 0
    caught: int = 0  # every letter/digit of the labelled span inside found spans of its kind
    found: int = 0
    correct: int = 0  # found spans that overlap a labelled span of their kind
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.caught / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.found if self.found else None


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    cases = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for i, c in enumerate(cases):
        for p in c["pii"]:
            if p["text"] not in c["text"]:
                raise ValueError(f"{path}: case {i}: {p['text']!r} is not in its text")
    return cases


def score_cases(cases: Iterable[Mapping[str, Any]], config: RedactConfig) -> dict[tuple[str, str], Tally]:
    """Tallies per (language, kind), plus (language, "all") and ("all", "all")."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for case in cases:
        text, lang = case["text"], case["lang"]
        spans = find_pii(text, language=lang, config=config)
        labelled = []
        for p in case["pii"]:
            start = text.index(p["text"])
            labelled.append((start, start + len(p["text"]), p["kind"]))
        for a, b, kind in labelled:
            covered = {i for s in spans if s.kind == kind for i in range(s.start, s.end)}
            ok = all(i in covered for i in range(a, b) if text[i].isalnum())
            for key in ((lang, kind), (lang, "all"), ("all", kind), ("all", "all")):
                tallies[key].expected += 1
                tallies[key].caught += ok
                if not ok:
                    tallies[key].misses.append(f"[{lang}/{kind}] {text}")
        for s in spans:
            hit = any(kind == s.kind and s.start < b and s.end > a for a, b, kind in labelled)
            for key in ((lang, s.kind), (lang, "all"), ("all", s.kind), ("all", "all")):
                tallies[key].found += 1
                tallies[key].correct += hit
                if not hit:
                    tallies[key].false_alarms.append(f"[{lang}/{s.kind}] {text[s.start : s.end]!r} in {text}")
    return dict(tallies)
