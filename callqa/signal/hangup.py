"""Who hung up first: manifest, then busy/reorder tone after the last speech, then the stereo leg that died first."""

from __future__ import annotations

import numpy as np

from callqa.signal.config import HangupConfig
from callqa.types import Call, ChannelLayout, Evidence, HangupParty, Role, SignalEvent, layout_roles


def channel_roles(layout: ChannelLayout | str, n_channels: int) -> dict[int, Role]:
    """Role recorded on each channel of a stereo layout ({} for mono)."""
    return layout_roles(layout) if n_channels >= 2 else {}


def dead_from_s(
    level_dbfs: np.ndarray, active: np.ndarray, *, hop_s: float, config: HangupConfig
) -> float | None:
    """Start of the trailing stretch where a leg that carried sound goes digitally dead, or None."""
    alive = np.nonzero(level_dbfs >= config.dead_level_dbfs)[0]
    if len(alive) == 0 or not active[: alive[-1] + 1].any():
        return None
    start = int(alive[-1]) + 1
    if (len(level_dbfs) - start) * hop_s < config.min_dead_s:
        return None
    return start * hop_s


def hangup_from_events(
    events: tuple[SignalEvent, ...] | list[SignalEvent],
    *,
    roles: dict[int, Role],
    last_speech_s: float | None,
    end_s: float,
    config: HangupConfig,
) -> tuple[HangupParty, Evidence | None]:
    """Busy/reorder tone after the last speech → customer; else the stereo leg that died first."""
    for ev in events:
        if ev.kind == "busy_tone" and (
            last_speech_s is None or ev.start_s >= last_speech_s - config.busy_after_speech_s
        ):
            note = (
                f"busy/reorder tone ({ev.attrs.get('profile')}) after the last speech: the customer hung up"
            )
            return "customer", Evidence(ev.start_s, ev.end_s, note=note)
    dead = sorted(
        (ev.start_s, roles.get(ev.channel or 0, "unknown")) for ev in events if ev.kind == "dead_line"
    )
    dead = [(t, r) for t, r in dead if r != "unknown"]
    if not dead:
        return "unknown", None
    if len(dead) > 1 and dead[1][0] - dead[0][0] < config.min_lead_s:
        return "unknown", Evidence(dead[0][0], note="both legs went dead at the same time")
    t, role = dead[0]
    return role, Evidence(t, end_s, role=role, note=f"the {role} leg went dead first")  # type: ignore[arg-type]


def detect_hangup_party(call: Call, *, config: HangupConfig) -> tuple[HangupParty, Evidence | None]:
    """agent | customer | unknown, with the evidence; the manifest's `hangup_party` overrides the audio.

    The last speech is the end of the last utterance when there is a transcript, else the signal's.
    Checks read the decision from `call.features.hangup` (made with the configured `signal.hangup`).
    """
    if call.meta.hangup_party is not None:
        return call.meta.hangup_party, Evidence(note="hangup_party from the manifest")
    if call.signal is None:
        return "unknown", None
    ends = [u.end_s for u in call.utterances]
    return hangup_from_events(
        call.signal.events,
        roles=channel_roles(call.meta.channel_layout, call.signal.n_channels),
        last_speech_s=max(ends) if ends else call.signal.extras.last_speech_s,
        end_s=call.duration_s,
        config=config,
    )
