"""Accuracy metrics for `callqa eval`: DER, role accuracy, WER/CER, span matching within a tolerance,
precision/recall. Pure functions over plain tuples; pyannote.metrics only for DER."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

Span = tuple[float, float]
Turn = tuple[str, float, float]  # (label, start_s, end_s)


@dataclass
class Counts:
    """Binary detection counts; figures are None when undefined (nothing to divide by)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def accuracy(self) -> float | None:
        n = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / n if n else None

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "accuracy": self.accuracy,
        }


# ---------------------------------------------------------------------------------------------
# spans within a tolerance
# ---------------------------------------------------------------------------------------------


def match_spans(truth: Sequence[Span], found: Sequence[Span], tolerance_s: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching: a found span matches a truth span when both edges are within
    `tolerance_s`; closest pairs (sum of edge errors) first. Returns (truth index, found index) pairs."""
    pairs = []
    for i, (ts, te) in enumerate(truth):
        for j, (fs, fe) in enumerate(found):
            if abs(fs - ts) <= tolerance_s and abs(fe - te) <= tolerance_s:
                pairs.append((abs(fs - ts) + abs(fe - te), i, j))
    used_t, used_f, out = set(), set(), []
    for _, i, j in sorted(pairs):
        if i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
            out.append((i, j))
    return sorted(out)


def within(
    value: float | None, truth: float, *, abs_tol: float | None = None, rel_tol: float | None = None
) -> bool:
    """Whether `value` is within an absolute or relative tolerance of `truth` (None never is)."""
    if value is None:
        return False
    if abs_tol is not None:
        return abs(value - truth) <= abs_tol + 1e-9
    if rel_tol is not None:
        return abs(value - truth) <= rel_tol * abs(truth) + 1e-9
    return value == truth


# ---------------------------------------------------------------------------------------------
# diarization and roles
# ---------------------------------------------------------------------------------------------


def der(
    reference: Iterable[Turn],
    hypothesis: Iterable[Turn],
    *,
    collar: float = 0.0,
    skip_overlap: bool = False,
    uem: Span | None = None,
) -> dict[str, float]:
    """Diarization error rate (pyannote.metrics; labels are matched optimally, so the names need not agree).
    Returns der, miss, false_alarm, confusion (as shares of the reference speech) and total_s."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, hyp = Annotation(), Annotation()
    for k, (label, s, e) in enumerate(reference):
        if e > s:
            ref[Segment(s, e), k] = label
    for k, (label, s, e) in enumerate(hypothesis):
        if e > s:
            hyp[Segment(s, e), k] = label
    metric = DiarizationErrorRate(collar=collar, skip_overlap=skip_overlap)
    kw = {"uem": Timeline([Segment(*uem)])} if uem else {}
    d = metric(ref, hyp, detailed=True, **kw)
    total = d["total"]
    if total <= 0:
        return {"der": 0.0, "miss": 0.0, "false_alarm": 0.0, "confusion": 0.0, "total_s": 0.0}
    return {
        "der": d["diarization error rate"],
        "miss": d["missed detection"] / total,
        "false_alarm": d["false alarm"] / total,
        "confusion": d["confusion"] / total,
        "total_s": total,
    }


def role_accuracy(
    reference: Iterable[Turn], hypothesis: Iterable[Turn], *, hop_s: float = 0.05
) -> float | None:
    """Share of the time where exactly one party speaks (reference) and the hypothesis gives one role,
    on which the hypothesis's role is right. Labels are roles here (agent / customer), not speakers."""
    reference, hypothesis = list(reference), list(hypothesis)
    end = max([e for _, _, e in reference] + [e for _, _, e in hypothesis] + [0.0])
    n = int(end / hop_s) + 1
    import numpy as np

    def masks(turns):
        out: dict[str, np.ndarray] = {}
        for label, s, e in turns:
            m = out.setdefault(label, np.zeros(n, dtype=bool))
            m[int(round(s / hop_s)) : int(round(e / hop_s))] = True
        return out

    ref, hyp = masks(reference), masks(hypothesis)
    roles = sorted(set(ref) | set(hyp))
    zero = np.zeros(n, dtype=bool)
    ref_count = sum(ref.get(r, zero).astype(int) for r in roles)
    hyp_count = sum(hyp.get(r, zero).astype(int) for r in roles)
    scored = (ref_count == 1) & (hyp_count == 1)
    if not scored.any():
        return None
    right = sum((ref.get(r, zero) & hyp.get(r, zero) & scored).sum() for r in roles)
    return float(right / scored.sum())


# ---------------------------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u9fff]")


def normalize_words(text: str, language: str) -> list[str]:
    """Tokens to score: lower case, no punctuation; Mandarin as single Han characters (for CER)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if language == "ru":
        text = text.replace("ё", "е")
    if language == "zh":
        return _HAN.findall(text)
    return re.findall(r"[\w']+", text)


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def error_rate(ref: Sequence[str], hyp: Sequence[str]) -> float:
    """(substitutions + deletions + insertions) / reference length; WER on words, CER on characters."""
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def wer(reference: str, hypothesis: str, language: str) -> float:
    """WER (en, ru) or CER (zh: characters) after normalization."""
    return error_rate(normalize_words(reference, language), normalize_words(hypothesis, language))


def cer(reference: str, hypothesis: str, language: str) -> float:
    """Character error rate without spaces and punctuation (any language)."""
    r = list("".join(normalize_words(reference, language)))
    h = list("".join(normalize_words(hypothesis, language)))
    return error_rate(r, h)
