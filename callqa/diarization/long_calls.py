"""A long call diarized in bounded windows, its speakers linked across windows by their embeddings.

pyannote's pipeline holds arrays over the whole input (segmentations, embeddings, and the clustering's pairwise
distances, which grow with the square of the number of embeddings): the diarization step's peak grew ~10 MB
per minute of call. Audio longer than `diarization.max_window_s` is cut into windows of at most that length,
each at the quietest 0.2 s before its limit (a pause, as the ASR blocks are), and each window is diarized on
its own. Each window's speakers come with their centroid embeddings; those are clustered into the call's
speakers by weighted spherical k-means (weights: speaking time), so a voice keeps one label over the whole
call, and a speaker split in two inside one window (a window where one party speaks alone) is joined again.
Audio up to one window is diarized exactly as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from callqa.asr.whisper import block_cuts
from callqa.models.memory import release
from callqa.types import SpeakerTurn

SAMPLE_RATE = 16000
# a window's speaker with less speech than this does not place the call's speakers; it joins the nearest one
MIN_SEED_S = 5.0


@dataclass(frozen=True)
class WindowSpeakers:
    """What one window's diarization found: its turns (window time) and each local speaker's centroid."""

    turns: tuple[SpeakerTurn, ...]
    centroids: Mapping[str, np.ndarray]


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-12)


def link_speakers(windows: list[WindowSpeakers], num_speakers: int | None) -> list[dict[str, int]]:
    """Per window, local label -> call speaker index: weighted spherical k-means over the windows' centroids.

    k = `num_speakers`, else the most speakers any window found. Seeds: the speaker with the most speech, then
    repeatedly the one farthest (cosine) from the seeds so far, among speakers with >= MIN_SEED_S of speech.
    """
    points, weights, owners = [], [], []
    for w, win in enumerate(windows):
        speech: dict[str, float] = {}
        for t in win.turns:
            speech[t.speaker] = speech.get(t.speaker, 0.0) + (t.end_s - t.start_s)
        for label, c in win.centroids.items():
            if label in speech and np.all(np.isfinite(c)) and np.linalg.norm(c) > 0:
                points.append(_unit(np.asarray(c, dtype=np.float64)))
                weights.append(speech[label])
                owners.append((w, label))
    out: list[dict[str, int]] = [{} for _ in windows]
    if not points:
        return out
    x, wt = np.array(points), np.array(weights)
    k = num_speakers or max(len(win.centroids) for win in windows)
    k = max(1, min(k, len(x)))
    seedable = np.flatnonzero(wt >= MIN_SEED_S)
    if len(seedable) < k:
        seedable = np.arange(len(x))
    seeds = [int(seedable[np.argmax(wt[seedable])])]
    while len(seeds) < min(k, len(seedable)):
        dist = 1.0 - (x[seedable] @ x[seeds].T).max(axis=1)
        seeds.append(int(seedable[np.argmax(dist)]))
    centres = x[seeds]
    labels = np.full(len(x), -1)
    for _ in range(100):
        new = np.argmax(x @ centres.T, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        centres = np.array(
            [_unit((x[labels == j] * wt[labels == j, None]).sum(axis=0)) if np.any(labels == j) else centres[j]
             for j in range(len(centres))]
        )  # fmt: skip
    for (w, label), j in zip(owners, labels, strict=True):
        out[w][label] = int(j)
    return out


def diarize_in_windows(
    samples_16k,
    *,
    window_s: float,
    run: Callable[[np.ndarray], WindowSpeakers],
    num_speakers: int | None,
) -> list[SpeakerTurn]:
    """Turns for the whole signal: `run` on each window (at most `window_s`, cut in pauses), speakers linked.

    `samples_16k` may be an array or anything sliced like one (callqa.ingest.lazy): one window is read at a time.
    """
    cuts = block_cuts(samples_16k, SAMPLE_RATE, window_s, search_s=30.0)
    windows, offsets = [], []
    for a, b in itertools.pairwise(cuts):
        windows.append(run(np.asarray(samples_16k[a:b], dtype=np.float32)))
        offsets.append(a / SAMPLE_RATE)
        release()  # the window's scores and embeddings' buffers back to the system before the next window
    links = link_speakers(windows, num_speakers)
    order: dict[int, str] = {}
    turns = []
    for win, offset, link in zip(windows, offsets, links, strict=True):
        for t in win.turns:
            j = link.get(t.speaker)
            if j is None:  # a speaker without a usable embedding: kept apart, named by its window
                name = f"{t.speaker}@{offset:.0f}"
            else:
                name = order.setdefault(j, f"SPEAKER_{len(order):02d}")
            turns.append(SpeakerTurn(name, round(t.start_s + offset, 3), round(t.end_s + offset, 3)))
    return sorted(turns, key=lambda t: (t.start_s, t.end_s))
