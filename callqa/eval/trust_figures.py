"""Eval figures that guard issue 17 (trust on real calls): no speech lost, holds and check-ins right, no
utterance across a hold, agent hang-ups without a tone, roles on windows that start mid-conversation.

`compare_trust` adds to the tally `callqa.eval.run.compare_call` keeps; the figures (support in brackets):

* ``words.real_turns_heard`` — real-speech turns (>= 0.5 s) of the truth with at least one transcribed word
  (real recordings only: Whisper base understands them); ``music_bed.turns_heard`` the same on the calls with
  music under the conversation, and ``music_bed.no_hold`` the share of those calls with no hold reported;
* ``holds.checkins_exact`` / ``holds.violation_accuracy`` — per labelled hold found (±1 s): its check-in
  count, and whether "unattended > max" agrees with the truth's longest unattended stretch;
* ``holds.no_utterance_across`` — truth holds that no utterance spans (starts before, ends after);
* ``hangup.no_tone_accuracy`` — hang-up party on calls whose hang-up leaves no tone;
* ``roles.accuracy_mean_mid_call`` (and ``_worst``) — role accuracy of mono calls that start mid-conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from callqa.checks.closing import ClosingValues
from callqa.checks.holds import HoldsValues
from callqa.eval.metrics import match_spans, role_accuracy
from callqa.eval.truth import Truth
from callqa.store.codec import StoredResult

HOLD_TOL_S = 1.0
MIN_TURN_S = 0.5  # shorter truth turns (a breath, "mm") need not carry a word
MAX_UNATTENDED_S = 30.0  # the default `checks.holds.max_unattended_s` the violation truth is judged with


class Tally(Protocol):
    def hit(self, name: str, ok: bool) -> None: ...
    def value(self, name: str, v: float | None) -> None: ...


def _words(result: StoredResult) -> list[tuple[float, float]]:
    out = []
    for u in result.utterances:
        out += [(float(w.start_s), float(w.end_s)) for w in u.words] or [(float(u.start_s), float(u.end_s))]
    return sorted(out)


def _heard(turn: tuple[float, float], words: list[tuple[float, float]]) -> bool:
    s, e = turn
    return any(a < e and b > s for a, b in words)


def compare_trust(
    truth: Truth, result: StoredResult, tally: Tally, fail: Callable[[str, Any, Any, str], None]
) -> None:
    words = _words(result)
    turns = [
        (float(t["start_s"]), float(t["end_s"]))
        for t in truth.turns
        if t["end_s"] - t["start_s"] >= MIN_TURN_S
    ]
    if truth.source == "real" and turns:
        heard = [_heard(t, words) for t in turns]
        for ok in heard:
            tally.hit("words.real_turns_heard", ok)
            if truth.music_bed:
                tally.hit("music_bed.turns_heard", ok)
        lost = [t for t, ok in zip(turns, heard, strict=True) if not ok]
        if len(lost) > 0.05 * len(turns):
            fail("words", "a word in every speech turn", f"{len(lost)} of {len(turns)} turns without one",
                 ", ".join(f"{s:.1f}-{e:.1f}s" for s, e in lost[:6]))  # fmt: skip
    hc = result.check("holds")
    held = hc.typed(HoldsValues) if hc is not None else None
    rows = held.holds if held is not None else ()
    if truth.music_bed:
        tally.hit("music_bed.no_hold", not rows)
    if truth.holds:
        placed = [(float(h["start_s"]), float(h["end_s"])) for h in truth.holds]
        found = [(float(h.start_s), float(h.end_s)) for h in rows]
        for i, j in match_spans(placed, found, HOLD_TOL_S):
            h, row = truth.holds[i], rows[j]
            if "checkins" in h:
                ok = int(row.checkins or 0) == int(h["checkins"])
                tally.hit("holds.checkins_exact", ok)
                if not ok:
                    fail("hold_checkins", h["checkins"], row.checkins, f"{h['start_s']}-{h['end_s']}s")
            if "longest_unattended_s" in h:
                want = float(h["longest_unattended_s"]) > MAX_UNATTENDED_S
                ok = bool(row.violation) == want
                tally.hit("holds.violation_accuracy", ok)
                if not ok:
                    fail("hold_violation", f"{want} (away {h['longest_unattended_s']} s)",
                         f"{row.violation} (away {row.longest_unattended_s} s)", "")  # fmt: skip
        for s, e in placed:
            across = [u for u in result.utterances if float(u.start_s) < s + 1.0 and float(u.end_s) > e - 1.0]
            tally.hit("holds.no_utterance_across", not across)
            if across:
                u = across[0]
                fail("utterance_across_hold", f"none across {s}-{e}s",
                     f"{u.start_s}-{u.end_s}s", str(u.text)[:120])  # fmt: skip
    if truth.hangup_tone is False and truth.hangup_party is not None:
        closing = result.check("closing")
        got = closing.value(ClosingValues, "hangup_party") if closing is not None else None
        tally.hit("hangup.no_tone_accuracy", got == truth.hangup_party)
    if truth.starts_mid_call and truth.channel_layout == "mono":
        hyp = [(u.role or "unknown", float(u.start_s), float(u.end_s)) for u in result.utterances]
        tally.value("roles.accuracy_mean_mid_call", role_accuracy(truth.speech_turns(), hyp))
