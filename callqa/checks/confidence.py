"""How sure each finding is: a confidence in [0, 1] on every pass/fail, and what it rests on.

A verdict can be wrong for three independent reasons, and each gives a factor (the probability that this part
of the verdict is right); the confidence is their product:

* **words** — a check that reads the transcript is as good as the words it read. Whisper's word probabilities
  are close to calibrated on these calls (garbled transcripts 0.50-0.69, right ones 0.86-0.97: see
  docs/fillers-asr.md#trust), so the factor is the mean probability of the words the check's evidence points at
  (a pass: the phrases it found), and for a fail the lower of that and the party's mean (a fail often rests on
  something *not* heard).
* **roles** — on a mono call the agent was picked by the opening and the service phrases; the factor is
  Φ(margin) of the two speakers' role scores (margin 0: a coin toss, 0.5; margin 2: 0.98). Stereo: 1.
* **margin** — a measured value (a level, a rate ratio, an unattended stretch, a share) near its limit may lie on
  the other side of it; with the measurement's error σ (from the eval set, e.g. 3 dB for levels, 15 % for rate
  ratios, ±1 s per hold edge) the factor is Φ(distance to the limit / σ). A fail needs one violated limit to be
  real (the largest factor), a pass needs every limit to hold (the smallest).

Only pass and fail get a confidence (`na` has none). `trust.low_confidence` (0.7) marks fails to listen to
before grading (`callqa show`, `callqa report`, `callqa report --review`). Pure: reads the call and the results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from callqa.checks.dead_air import DeadAirValues
from callqa.checks.fillers import FillersValues
from callqa.checks.holds import HoldsValues
from callqa.checks.interruptions import InterruptionValues
from callqa.checks.monotone import MonotoneValues
from callqa.checks.nontalk import NonTalkValues
from callqa.checks.rings import RingsValues
from callqa.checks.speaking_rate import SpeakingRateValues
from callqa.checks.timing import OvertalkValues, SilenceValues, TalkTimeValues
from callqa.checks.volume import VolumeValues
from callqa.types import Call, CheckResult, Evidence

__all__ = ["Limit", "attach_confidence", "finding_confidence", "phi", "role_factor", "words_factor"]


def phi(z: float) -> float:
    """The standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@dataclass(frozen=True)
class Limit:
    """One pass condition of a check: `value` must be >= (`at_least`) or <= `limit`; error `sigma`."""

    label: str
    value: float
    limit: float
    at_least: bool
    sigma: float

    @property
    def holds(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    @property
    def factor(self) -> float:
        """The probability that the condition is on the side it was measured on."""
        return phi(abs(self.value - self.limit) / self.sigma) if self.sigma > 0 else 1.0

    @property
    def p_broken(self) -> float:
        """The probability that the true value breaks the condition (the measured one is off by ~`sigma`)."""
        over = (self.limit - self.value) if self.at_least else (self.value - self.limit)
        if self.sigma <= 0:
            return 1.0 if over > 0 else 0.0
        return phi(over / self.sigma)


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


# -------------------------------------------------------------------------------------- limits per check
# each reads its check's typed values (another shape, e.g. the partial values of an `na`, gives no limit)
def _speaking_rate(v: Any, p: Any) -> list[Limit]:
    if not isinstance(v, SpeakingRateValues) or _num(v.ratio) is None or v.ratio <= 0:
        return []
    least = min(_num(v.agent_speech_s) or 0.0, _num(v.customer_speech_s) or 0.0)
    # 15 % on the eval calls (20 s of speech each); shorter speech, larger error (~1/sqrt(time))
    sigma = math.log(1.15) * math.sqrt(max(1.0, 20.0 / max(least, 1.0)))
    return [
        Limit("rate ratio", math.log(v.ratio), math.log(p.min_ratio), True, sigma),
        Limit("rate ratio", math.log(v.ratio), math.log(p.max_ratio), False, sigma),
    ]


def _volume(v: Any, p: Any) -> list[Limit]:
    if not isinstance(v, VolumeValues) or v.agent is None:
        return []
    level = _num(v.agent.active_level_dbfs)
    if level is None:
        return []
    out = [
        Limit("agent level dBFS", level, p.min_agent_level_dbfs, True, 3.0),
        Limit("agent level dBFS", level, p.max_agent_level_dbfs, False, 3.0),
    ]
    clip = _num(v.agent.clipping_ratio)
    if clip is not None:  # clipped samples are counted, not estimated
        out.append(Limit("clipping", clip, p.max_clipping_ratio, False, 0.0))
    diff = _num(v.agent_minus_customer_db)
    if diff is not None and level >= p.min_loud_agent_dbfs:
        out.append(Limit("agent over customer dB", diff, p.max_agent_over_customer_db, False, 3.0))
    return out


def _holds(v: Any, p: Any) -> list[Limit]:
    if not isinstance(v, HoldsValues):
        return []
    if getattr(p, "require_permission", False) or getattr(p, "require_thanks", False):
        return []  # etiquette read from words too: the margin alone does not tell
    return [  # each hold edge ±1 s on the eval calls
        Limit("longest unattended s", float(h.longest_unattended_s), p.max_unattended_s, False, 1.5)
        for h in v.holds
        if _num(h.longest_unattended_s) is not None
    ]


def _rings(v: Any, p: Any) -> list[Limit]:
    if not isinstance(v, RingsValues) or _num(v.count) is None or v.source != "audio":
        return []  # a count from metadata is what the platform logged
    return [Limit("rings", float(v.count), p.max_rings + 0.5, False, 0.5)]


def _fillers(v: Any, p: Any) -> list[Limit]:
    if not isinstance(v, FillersValues):
        return []
    per_min, speech_s = _num(v.per_min), _num(v.speech_s)
    if per_min is None or not speech_s:
        return []
    # each counted filler is real with its word probability: the expected count and its spread, plus one for
    # a filler Whisper dropped or invented unseen (counts off by 1-2 on the filler eval calls)
    probs = [float(it.probability if it.probability is not None else 1.0) for it in v.items]
    expected = sum(probs) if probs else per_min * speech_s / 60.0
    sigma_count = math.sqrt(sum(q * (1.0 - q) for q in probs) + 1.0)
    per_s = 60.0 / speech_s
    return [Limit("fillers per min", expected * per_s, p.max_per_min, False, sigma_count * per_s)]


def _share(
    cls: type, key: str, sigma: float, lo: str | None, hi: str | None
) -> Callable[[Any, Any], list[Limit]]:
    def limits(v: Any, p: Any) -> list[Limit]:
        x = _num(getattr(v, key)) if isinstance(v, cls) else None
        if x is None:
            return []
        out = [Limit(key, x, getattr(p, lo), True, sigma)] if lo else []
        return out + ([Limit(key, x, getattr(p, hi), False, sigma)] if hi else [])

    return limits


def _interruptions(v: Any, p: Any) -> list[Limit]:
    n = _num(v.by_agent) if isinstance(v, InterruptionValues) else None
    return [] if n is None else [Limit("agent interruptions", n, p.max_agent_interruptions + 0.5, False, 1.0)]


def _monotone(v: Any, p: Any) -> list[Limit]:
    sd = _num(v.sd_st) if isinstance(v, MonotoneValues) else None
    return [] if sd is None else [Limit("pitch sd semitones", sd, p.min_sd_st, True, 0.3)]


def _dead_air(v: Any, p: Any) -> list[Limit]:
    if not isinstance(v, DeadAirValues):
        return []
    return [  # silence edges from the signal: about ±0.5 s each
        Limit("silence s", float(it["duration_s"]), p.max_silence_s, False, 0.7)
        for it in v.items
        if not it.get("explained") and _num(it.get("duration_s")) is not None
    ]


LIMITS: dict[str, Callable[[Any, Any], list[Limit]]] = {
    "speaking_rate": _speaking_rate,
    "volume": _volume,
    "holds": _holds,
    "rings": _rings,
    "fillers": _fillers,
    "talk_time": _share(TalkTimeValues, "talk_ratio", 0.05, "min_agent_share", "max_agent_share"),
    "silence": _share(SilenceValues, "share", 0.03, None, "max_silence_share"),
    "overtalk": _share(OvertalkValues, "share", 0.03, None, "max_overtalk_share"),
    "nontalk": _share(NonTalkValues, "share", 0.03, None, "max_nontalk_share"),
    "interruptions": _interruptions,
    "monotone": _monotone,
    "dead_air": _dead_air,
}
# checks that weigh each word's probability in their own limit (not as one mean)
COUNTED_WORDS = frozenset({"fillers"})
# checks of the whole line, not of one party: the roles do not change them
NO_ROLES = frozenset({"rings", "silence", "nontalk", "overtalk", "voicemail", "language"})


# -------------------------------------------------------------------------------------------- factors
def role_factor(call: Call) -> tuple[float, str | None]:
    """Φ(margin) of the role scores on a call whose roles came from what was said; 1 otherwise."""
    prov = call.transcript.provenance
    scores = prov.role_scores or {}
    if prov.role_method != "opening" or len(scores) < 2:
        return 1.0, None
    top = sorted((float(s) for s in scores.values()), reverse=True)
    margin = top[0] - top[1]
    f = phi(margin)
    return f, f"roles margin {margin:.1f} -> {f:.2f}"


def _words_in(call: Call, roles: Sequence[str], spans: Iterable[tuple[float, float]]) -> list[float]:
    spans = list(spans)
    return [
        float(w.probability)
        for u in call.utterances
        if u.role in roles
        for w in u.words
        if w.probability is not None
        and any(a - 0.05 <= (w.start_s + w.end_s) / 2 <= b + 0.05 for a, b in spans)
    ]


def words_factor(
    call: Call, roles: Sequence[str], evidence: Sequence[Evidence], failed: bool
) -> tuple[float, str | None]:
    """The mean probability of the words the evidence points at (a fail: at most the parties' mean)."""
    party = [float(w.probability) for u in call.utterances if u.role in roles for w in u.words
             if w.probability is not None]  # fmt: skip
    if not party:  # imported text, or nothing said: no ASR uncertainty to carry
        return 1.0, None
    spans = [(e.start_s, e.end_s) for e in evidence
             if e.text and e.start_s is not None and e.end_s is not None and (e.role in roles or e.role is None)]  # fmt: skip
    cited = _words_in(call, roles, spans)
    mean_party = sum(party) / len(party)
    if cited:
        mean_cited = sum(cited) / len(cited)
        f = min(mean_cited, mean_party) if failed else mean_cited
        return f, f"words {f:.2f} ({len(cited)} cited)"
    return mean_party, f"words {mean_party:.2f} (party mean)"


def finding_confidence(
    call: Call, result: CheckResult, *, params: Any = None, text_roles: Sequence[str] = ()
) -> tuple[float | None, tuple[str, ...]]:
    """(confidence, basis) of one pass/fail; (None, ()) for `na`."""
    if result.status not in ("pass", "fail"):
        return None, ()
    failed = result.status == "fail"
    factors: list[tuple[float, str]] = []
    if text_roles and result.name not in COUNTED_WORDS:
        f, why = words_factor(call, text_roles, result.evidence, failed)
        if why:
            factors.append((f, why))
    base = result.name.split(".", 1)[0]
    if base not in NO_ROLES:
        f, why = role_factor(call)
        if why:
            factors.append((f, why))
    limits_of = LIMITS.get(base)
    if limits_of is not None and params is not None:
        try:
            limits = limits_of(result.values, params)
        except (KeyError, TypeError, AttributeError, ValueError):
            limits = []
        broken = [lim for lim in limits if not lim.holds]
        # only where the limits agree with the verdict (a check may fail on something they do not model);
        # a check that weighs its words in the limit (fillers) may measure less than it counted
        if limits and (bool(broken) == failed or base in COUNTED_WORDS):
            if failed:  # one broken limit is enough: the likeliest
                lim = max(limits, key=lambda x: x.p_broken)
                f = lim.p_broken
            else:  # every limit must hold: the least sure
                lim = min(limits, key=lambda x: 1.0 - x.p_broken)
                f = 1.0 - lim.p_broken
            shown = math.exp(lim.value) if lim.label == "rate ratio" else lim.value
            edge = math.exp(lim.limit) if lim.label == "rate ratio" else lim.limit
            factors.append((f, f"{lim.label} {shown:.3g} vs limit {edge:.3g} -> {f:.2f}"))
    conf = 1.0
    for f, _ in factors:
        conf *= max(0.0, min(1.0, f))
    return round(conf, 3), tuple(why for f, why in factors if f < 0.995)  # sure factors are not listed


def attach_confidence(
    call: Call,
    results: Mapping[str, CheckResult],
    params: Mapping[str, Any],
    text_roles: Mapping[str, Sequence[str]],
    *,
    low: float = 0.7,
) -> dict[str, CheckResult]:
    """Every result with its confidence (`params`: check name -> its params; `text_roles`: whose words it
    reads); a fail under `low` is marked `low_confidence`."""
    out: dict[str, CheckResult] = {}
    for name, res in results.items():
        conf, basis = finding_confidence(
            call, res, params=params.get(name), text_roles=text_roles.get(name, ())
        )
        if conf is None:
            out[name] = res
            continue
        marked = res.status == "fail" and conf < low
        out[name] = replace(res, confidence=conf, confidence_basis=basis, low_confidence=marked)
    return out
