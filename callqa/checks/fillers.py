"""The `fillers` check: filler words (um, 嗯, 那个, э-э, ну ...) per minute of the agent's speech."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from callqa.checks.language import phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.checks.speaking_rate import role_speech
from callqa.checks.timing import total_s
from callqa.text.lexicon import FillerHit, find_fillers
from callqa.types import Call, CheckResult, CheckValues, Evidence, Role, na


@dataclass(frozen=True)
class FillersParams:
    roles: list[str] = field(default_factory=lambda: ["agent"])  # whose speech is checked
    max_per_min: float = 4.0  # fail when fillers per minute of own speech exceed this
    min_speech_s: float = 10.0  # less speech than this: na (a rate over seconds means nothing)
    max_evidence: int = 50  # at most this many filler items in the evidence
    phrases_path: str | None = None  # a phrase book instead of configs/phrases/<lang>.yaml
    # count a filler only when the recognizer was this sure of it (its word probability): a filler the agent
    # never said must not fail the agent. Measured: invented "um" 0.11-0.20, real "you know" 0.94-0.97 with the
    # prompt (docs/fillers-asr.md). Fillers without a probability (imported text) always count.
    min_probability: float = 0.5


@dataclass(frozen=True)
class FillerItem:
    word: str
    start_s: float
    role: str
    probability: float | None = None  # the recognizer's word probability


@dataclass(frozen=True)
class FillersValues(CheckValues):
    count: int
    per_min: float
    speech_s: float
    by_word: dict[str, int]
    items: tuple[FillerItem, ...]
    uncertain: int  # fillers not counted: word probability < min_probability
    uncertain_items: tuple[FillerItem, ...]
    max_per_min: float


def _p(prob: float | None) -> str:
    return "" if prob is None else f", p={prob:.2f}"


@register_check("fillers", params=FillersParams, uses_text=True)
def check_fillers(call: Call, params: FillersParams) -> CheckResult:
    """Filler words from the per-language lexicon (context rules for like / 那个 / ну), per minute."""
    book = phrasebook_for(call, path=params.phrases_path)
    items: list[tuple[Role, FillerHit]] = []
    speech_s = 0.0
    for name in params.roles:
        if name not in ("agent", "customer"):
            raise ValueError(f"checks.fillers.roles: {name!r} is not agent|customer")
        role = cast(Role, name)
        speech_s += total_s(role_speech(call, role, min_pause_s=book.pause_s).intervals)
        for toks in role_tokens(call, role, book=book):
            items += [(role, h) for h in find_fillers(toks, book)]
    uncertain = [
        (r, h) for r, h in items if h.probability is not None and h.probability < params.min_probability
    ]
    items = [(r, h) for r, h in items if h.probability is None or h.probability >= params.min_probability]
    if speech_s < params.min_speech_s:
        return na(
            "fillers",
            f"needs {params.min_speech_s:g} s of {'/'.join(params.roles)} speech, got {speech_s:.1f} s",
        )
    items.sort(key=lambda x: x[1].start_s)
    per_min = 60.0 * len(items) / speech_s
    ok = per_min <= params.max_per_min
    by_word: dict[str, int] = {}
    for _, h in items:
        by_word[h.word] = by_word.get(h.word, 0) + 1
    return CheckResult(
        "fillers",
        "pass" if ok else "fail",
        reason=None if ok else f"{per_min:.1f} fillers/min > {params.max_per_min:g}",
        values=FillersValues(
            count=len(items),
            per_min=round(per_min, 2),
            speech_s=round(speech_s, 2),
            by_word=by_word,
            items=tuple(FillerItem(h.word, round(h.start_s, 3), r, h.probability) for r, h in items),
            uncertain=len(uncertain),
            uncertain_items=tuple(
                FillerItem(h.word, round(h.start_s, 3), r, h.probability)
                for r, h in uncertain[: params.max_evidence]
            ),
            max_per_min=params.max_per_min,
        ),
        evidence=tuple(
            Evidence(
                round(h.start_s, 3),
                round(h.end_s, 3),
                r,
                h.word,
                note=f"filler ({h.rule}{_p(h.probability)})",
            )
            for r, h in items[: params.max_evidence]
        )
        + tuple(
            Evidence(
                round(h.start_s, 3),
                round(h.end_s, 3),
                r,
                h.word,
                note=f"not counted: word probability {h.probability:.2f} < {params.min_probability:g}",
            )
            for r, h in uncertain[: params.max_evidence]
        ),  # fmt: skip
    )
