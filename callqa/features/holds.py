"""Hold detection: music-on-hold and long silences, joined across agent check-ins; who asked and who thanked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callqa.intervals import Interval, intersect_intervals, merge_intervals, total_s
from callqa.types import Hold, PhraseMatch, SignalEvent


@dataclass(frozen=True)
class HoldDetection:
    """What counts as a hold (shared by `holds`, `nontalk`, `dead_air`, `hold_etiquette`; derived once, in the
    `features` step). Configured under `checks.holds` with the `holds` check's own pass/fail rules
    (`callqa.checks.holds.HoldsParams`), the keys users have."""

    min_silent_hold_s: float = 20.0  # silence on all sides alone counts as a hold when this long
    min_silent_hold_after_request_s: float = 5.0  # ... or this long right after a hold request
    merge_gap_s: float = 30.0  # hold stretches this close, joined by agent check-ins, are one hold
    max_customer_talk_in_gap_s: float = 3.0  # more customer talk between stretches: two holds
    phrase_window_s: float = 30.0  # request looked for this long before the hold, thanks this long after it
    phrases_path: str | None = (
        None  # phrase book (hold_request / hold_thanks); default configs/phrases/<lang>.yaml
    )


# a request said as the hold starts, a thanks said just before the music stops, still count
EDGE_S = 2.0


def find_holds(
    *,
    marked: Sequence[SignalEvent] = (),
    music: Sequence[SignalEvent],
    silences: Sequence[SignalEvent],
    customer_speech: Sequence[Interval],
    requests: Sequence[PhraseMatch],
    thanks: Sequence[PhraseMatch],
    params: HoldDetection,
) -> tuple[Hold, ...]:
    """Hold spans: music, silences of `min_silent_hold_s` (or `min_silent_hold_after_request_s` right after a
    request), joined across agent check-ins when the customer barely talks in between. `hold` events marked
    upstream (e.g. by the telephony platform) are taken as they are."""
    window = params.phrase_window_s
    music_spans = merge_intervals((e.start_s, e.end_s) for e in music)
    if marked:
        return tuple(
            _hold(s, e, music_spans, requests, thanks, window)
            for s, e in merge_intervals((m.start_s, m.end_s) for m in marked)
        )
    pieces: list[Interval] = list(music_spans)
    for ev in silences:
        dur = ev.end_s - ev.start_s
        asked = any(ev.start_s - window <= m.start_s <= ev.start_s for m in requests)
        if dur >= params.min_silent_hold_s or (asked and dur >= params.min_silent_hold_after_request_s):
            pieces.append((ev.start_s, ev.end_s))
    customer = list(customer_speech)
    spans: list[list[float]] = []
    for s, e in merge_intervals(pieces):
        gap = [(spans[-1][1], s)] if spans else []
        if (
            gap
            and s - gap[0][0] <= params.merge_gap_s
            and total_s(intersect_intervals(gap, customer)) <= params.max_customer_talk_in_gap_s
        ):
            spans[-1][1] = e
        else:
            spans.append([s, e])
    return tuple(_hold(s, e, music_spans, requests, thanks, window) for s, e in spans)


def _hold(
    s: float,
    e: float,
    music_spans: Sequence[Interval],
    requests: Sequence[PhraseMatch],
    thanks: Sequence[PhraseMatch],
    window: float,
) -> Hold:
    asks = [m for m in requests if s - window <= m.start_s <= s + EDGE_S]
    thank = [m for m in thanks if e - EDGE_S <= m.start_s <= e + window]
    music = bool(intersect_intervals([(s, e)], music_spans))
    return Hold(s, e, music, asks[-1] if asks else None, thank[0] if thank else None)
