"""The `transfer` check: before transferring the call the agent asks consent, says why and to whom."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, Evidence, na


@dataclass(frozen=True)
class TransferParams:
    before_s: float = 60.0  # consent / reason / target looked for this long before the transfer ...
    after_s: float = 15.0  # ... and this long after the announcement ("... is that OK?")
    cluster_s: float = 30.0  # transfer phrases this close together are one transfer
    min_gap_s: float = 3.0  # a new (third) voice after at least this much silence is a transfer
    require_consent: bool = True
    require_reason: bool = True
    require_target: bool = True
    phrases_path: str | None = None


@dataclass(frozen=True)
class TransferValues:
    transfers: int
    with_consent: int
    with_reason: int
    with_target: int
    items: tuple[dict, ...]  # start_s, source (phrase | new_voice | ring), consent, reason, target


def new_voices(call: Call, min_gap_s: float) -> list[float]:
    """Times where a voice not heard before starts after a silence, once two voices were heard
    (a ringback after the conversation began counts too): the sign of a transfer without words."""
    out = [e.start_s for e in call.events("ring") if call.utterances and e.start_s > call.utterances[0].end_s]
    seen: set[str] = set()
    last_end = None
    for u in sorted(call.utterances, key=lambda u: u.start_s):
        if (
            u.speaker not in seen
            and len(seen) >= 2
            and last_end is not None
            and u.start_s - last_end >= min_gap_s
        ):
            out.append(u.start_s)
        seen.add(u.speaker)
        last_end = u.end_s if last_end is None else max(last_end, u.end_s)
    return sorted(out)


@register_check("transfer", params=TransferParams, uses_text=("agent", "customer"))
def check_transfer(call: Call, params: TransferParams) -> CheckResult:
    """Each transfer (announced, or a new voice after silence/ringback): consent asked, reason and target given."""
    if not call.utterances_of("agent"):
        return na("transfer", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    tokens = role_tokens(call, "agent", book=book)
    episodes: list[list] = []  # [start_s, end_s, source]
    for m in match_list(tokens, book, "transfer"):
        if episodes and m.start_s - episodes[-1][1] <= params.cluster_s:
            episodes[-1][1] = m.end_s
        else:
            episodes.append([m.start_s, m.end_s, "phrase"])
    for t in new_voices(call, params.min_gap_s):
        if not any(s - params.before_s <= t <= e + params.before_s for s, e, _ in episodes):
            episodes.append([t, t, "new_voice"])
    if not episodes:
        return na("transfer", "no transfer (no transfer phrase, no new voice after silence)")
    found = {k: match_list(tokens, book, f"transfer_{k}") for k in ("consent", "reason", "target")}
    by_utt = {toks[0].utterance: toks for toks in tokens}

    def asked(m) -> bool:  # a one-word consent ("хорошо", "можно") counts only as a question
        last = by_utt[m.utterance][m.last_token]
        return m.last_token > m.first_token or last.at_end or last.raw.rstrip().endswith(("?", "？"))

    found["consent"] = [m for m in found["consent"] if asked(m)]
    items, evidence, bad = [], [], 0
    for s, e, source in sorted(episodes):
        hi = e + params.after_s if source == "phrase" else s
        item = {"start_s": round(s, 3), "source": source}
        evidence.append(Evidence(round(s, 3), round(e, 3), "agent" if source == "phrase" else None,
                                 note=f"transfer ({source.replace('_', ' ')})"))  # fmt: skip
        for k, hits in found.items():
            near = [m for m in hits if s - params.before_s <= m.start_s <= hi]
            item[k] = bool(near)
            evidence += [match_evidence(m, role="agent", note=f"transfer {k}") for m in near[:1]]
        missing = [k for k in found if not item[k] and getattr(params, f"require_{k}")]
        bad += bool(missing)
        if missing:
            evidence.append(Evidence(round(s, 3), round(e, 3), note="transfer without " + ", ".join(missing)))
        items.append(item)
    values = TransferValues(
        transfers=len(items),
        with_consent=sum(i["consent"] for i in items),
        with_reason=sum(i["reason"] for i in items),
        with_target=sum(i["target"] for i in items),
        items=tuple(items),
    )
    reason = f"{bad} of {len(items)} transfers without consent, reason or target" if bad else None
    return CheckResult("transfer", "fail" if bad else "pass", reason, values, tuple(evidence))
