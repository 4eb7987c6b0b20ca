"""Recall and precision of the filler rules on a labelled list of utterances (text only, no audio).

The list is YAML: `{language: [{text, fillers: [...], split: dev|held}, ...]}` (see
tests/data/text/fillers_labelled.yaml). Each utterance is tokenized as an untimed transcript
(punctuation is the only boundary), the phrase book's filler rules run on it, and the found fillers
are compared with the labelled ones as multisets of normalized words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from callqa.text.lexicon import PhraseBook, find_fillers, load_phrasebook
from callqa.text.tokens import tokenize_text, tokens_of_utterance
from callqa.types import Utterance


@dataclass
class FillerScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    utterances: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"utterances": self.utterances, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "recall": round(self.recall, 3), "precision": round(self.precision, 3)}  # fmt: skip


def _norm(word: str, language: str) -> str:
    return ("" if language == "zh" else " ").join(tokenize_text(word, language=language))


def fillers_in_text(text: str, book: PhraseBook) -> list[str]:
    """Fillers the rules find in one untimed utterance (normalized words, in order)."""
    utt = Utterance("A", "agent", 0.0, max(1.0, 0.3 * len(text.split())), text)
    toks = tokens_of_utterance(utt, language=book.language, pause_s=book.pause_s)
    return [h.word for h in find_fillers(toks, book)]


def load_labelled(path: str | Path) -> Mapping[str, list[dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def score_items(items: Iterable[Mapping[str, Any]], book: PhraseBook) -> FillerScore:
    score = FillerScore()
    for it in items:
        gold = Counter(_norm(w, book.language) for w in it.get("fillers") or [])
        found = Counter(fillers_in_text(it["text"], book))
        tp = sum((gold & found).values())
        score.tp += tp
        score.fp += sum(found.values()) - tp
        score.fn += sum(gold.values()) - tp
        score.utterances += 1
        if gold != found:
            score.errors.append({"text": it["text"], "gold": sorted(gold.elements()),
                                 "found": sorted(found.elements())})  # fmt: skip
    return score


def evaluate(path: str | Path, *, phrases_dir: str | Path | None = None) -> dict[str, dict[str, FillerScore]]:
    """{language: {split: FillerScore}} with splits `dev`, `held` and `all`."""
    data = load_labelled(path)
    out: dict[str, dict[str, FillerScore]] = {}
    for language, items in data.items():
        book = load_phrasebook(language, str(Path(phrases_dir) / f"{language}.yaml") if phrases_dir else None)
        out[language] = {
            split: score_items([it for it in items if split == "all" or it.get("split") == split], book)
            for split in ("dev", "held", "all")
        }
    return out
