"""Speech Whisper heard no words in: found with Silero VAD between the words, decoded again on its own.

Whisper sometimes drops a whole sentence at the start of a window, most often after the disfluent filler
prompt: on the eval calls en-05 and en-14 the agent's whole opening ("Good morning, Contoso Bank, how can I
help you today?", 3 s of clear speech) had no words, with the prompt only (measured: without it, or decoded
on its own, every word is there). A greeting check then fails an agent who greeted. `recover_unheard` looks
at every gap between the words of a decoded stretch; where Silero is sure of speech for `min_speech_s` it
decodes that speech again on its own, without the prompt, and keeps the words it is sure of.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from callqa.align.words import join_words
from callqa.asr.guard import VAD_RATE, speech_probabilities, speech_runs
from callqa.ingest.lazy import Samples
from callqa.types import Word

# decoded around the speech run: a 1-2 s clip alone is decoded unstably (music-under-dialogue, 57.4-58.5 s:
# "That's last model." from one pass, "up," from the same audio 0.1 s shifted; with 1 s each side both passes
# read "That's last model."); words the context brings back that were heard already are not kept
PAD_S = 1.0
MIN_GAP_S = 1.2  # shorter gaps between words are pauses
MIN_SPEECH_S = 1.0  # a run of sure speech this long without a word was dropped, not a breath
MIN_WORD_PROBABILITY = 0.5  # recovered words below this are not kept (a second pass may invent)
# A run with this many words a second (of any probability) was heard - perhaps misheard, which the trust gate
# is there to see - not dropped: a dropped sentence leaves at most a word behind (en-05: "Hi," in 3 s),
# fluent speech has 2-3 words a second. Re-decoding misheard speech replaced a garbled wrong-language
# transcript's unsure words with sure ones and lifted it over the gate (Harvard clip as ru: 0.60 -> 0.72).
MAX_HEARD_WORDS_PER_S = 1.0


def unheard_speech(
    samples_16k: Samples,
    words: Sequence[Word],
    *,
    threshold: float = 0.5,
    min_gap_s: float = MIN_GAP_S,
    min_speech_s: float = MIN_SPEECH_S,
) -> list[tuple[float, float]]:
    """Runs of sure speech (Silero >= `threshold`, >= `min_speech_s`) in the gaps between `words` (seconds
    from the start of `samples_16k`)."""
    end_s = len(samples_16k) / VAD_RATE
    edges = (
        [0.0] + [t for w in sorted(words, key=lambda w: w.start_s) for t in (w.start_s, w.end_s)] + [end_s]
    )
    out: list[tuple[float, float]] = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a < min_gap_s:
            continue
        piece = samples_16k[int(a * VAD_RATE) : int(b * VAD_RATE)]
        out += speech_runs(
            speech_probabilities(piece), threshold=threshold, min_speech_s=min_speech_s, offset_s=a
        )
    return out


def compression_ratio(text: str) -> float:
    """faster-whisper's loop measure: how well the text compresses (a repeated phrase compresses well)."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


def recover_unheard(
    decode: Callable[[np.ndarray], list],
    samples_16k: Samples,
    segments: list,
    *,
    language: str,
    max_compression_ratio: float | None = 2.4,
) -> list:
    """`segments` (AsrSegment) plus the words `decode` finds on each unheard speech run, decoded alone.

    Words below `MIN_WORD_PROBABILITY` do not count as heard (a dropped sentence often leaves one unsure
    word behind, "Hi," for "how can I help you today?"); a sure recovered word replaces them where they meet.
    A run that has words of any probability at `MAX_HEARD_WORDS_PER_S` or more was heard, not dropped, and is
    left alone; a decoded segment whose text compresses better than `max_compression_ratio` (a loop) is dropped.
    """
    words = [w for s in segments for w in s.words]
    sure = [w for w in words if (w.probability or 0.0) >= MIN_WORD_PROBABILITY]
    extra: list = []
    found: list[Word] = []
    for a, b in unheard_speech(samples_16k, sure):
        said = sum(1 for w in words if a <= 0.5 * (w.start_s + w.end_s) <= b)
        if said >= MAX_HEARD_WORDS_PER_S * (b - a):
            continue
        lo, hi = max(0.0, a - PAD_S), min(len(samples_16k) / VAD_RATE, b + PAD_S)
        for seg in decode(samples_16k[int(lo * VAD_RATE) : int(hi * VAD_RATE)]):
            if max_compression_ratio is not None and compression_ratio(seg.text) > max_compression_ratio:
                # a loop (the garbled wrong-language decode of the Harvard clip recovered "в Анастасии" x25
                # at p >= 0.5, mean word probability 0.60 -> 0.84 past the trust gate): never kept. The
                # decode's own fallback does not catch it at temperature [0.0] (no retry)
                continue
            kept = tuple(
                replace(w, start_s=round(w.start_s + lo, 3), end_s=round(w.end_s + lo, 3))
                for w in seg.words
                if (w.probability or 0.0) >= MIN_WORD_PROBABILITY
            )
            kept = tuple(w for w in kept if not _overlaps(w, sure))
            if kept:
                found += kept
                text = join_words(kept, language)
                extra.append(
                    replace(seg, start_s=kept[0].start_s, end_s=kept[-1].end_s, text=text, words=kept)
                )
    if not extra:
        return segments
    out = []
    for seg in segments:  # unsure words a recovered word overlaps go
        left = tuple(w for w in seg.words if w in sure or not _overlaps(w, found))
        if left and left != seg.words:
            text = join_words(left, language)
            seg = replace(seg, start_s=left[0].start_s, end_s=left[-1].end_s, words=left, text=text)
        if left:
            out.append(seg)
    return sorted(out + extra, key=lambda s: s.words[0].start_s if s.words else s.start_s)


def _overlaps(w: Word, others: Sequence[Word]) -> bool:
    return any(v.start_s < w.end_s and v.end_s > w.start_s for v in others)
