"""Whisper's fallback without sampling: the same audio and config give the same words, run after run.

faster-whisper decodes a 30-s window again when its text loops (gzip ratio above
`asr.compression_ratio_threshold`) or is improbable (mean log-probability below `asr.log_prob_threshold`),
each time at the next `asr.temperature` — by *sampling*. CTranslate2's sampler draws from a thread-local
generator seeded once per thread (`ctranslate2.set_random_seed` only reaches threads that have not sampled
yet, measured: the first call of a process repeats, the second does not), so the text of a call depended on
which calls its worker had decoded before (issue 17: roles on one call 0.62-1.00 over six runs).

`asr.fallback: deterministic` (default) keeps faster-whisper's loop: the same thresholds, the same choice
of the best result when every try fails; only each try at temperature > 0 is replaced by a decoding
*variant* at temperature 0 — beam search with repeat blocking (what stops a loop), greedy decoding —
chosen by the temperature's position in `asr.temperature`. `sampling` restores faster-whisper's behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# One variant per fallback step (the 2nd, 3rd ... temperature of `asr.temperature`); a longer list of
# temperatures reuses the last. Length penalty is never changed: faster-whisper recomputes the mean
# log-probability with its own `length_penalty`, so a changed one would skew the "improbable" test.
FALLBACK_VARIANTS: tuple[Mapping[str, Any], ...] = (
    {"beam_size": 5, "no_repeat_ngram_size": 3},  # a loop cannot repeat a 3-gram
    {"beam_size": 5, "repetition_penalty": 1.2, "no_repeat_ngram_size": 3},
    {"beam_size": 1},  # greedy: a different path through an improbable window
    {"beam_size": 1, "no_repeat_ngram_size": 3},
    {"beam_size": 5, "repetition_penalty": 1.3, "no_repeat_ngram_size": 2},
)
# No wider beam (beam 8, patience 2; tried): when every try fails, faster-whisper keeps the most probable
# text, and a wide beam finds a fluent invention in a window without speech ("Thank you very much." after the
# 8-kHz pisets clip, chosen over the empty result the samples gave; benchmarks/measure_asr_trust.py).
_SAMPLING_KEYS = ("sampling_temperature", "sampling_topk", "num_hypotheses")


def variant_for(temperature: float, temperatures: Sequence[float]) -> Mapping[str, Any]:
    """The deterministic variant standing in for the try at `temperature`.

    >>> variant_for(0.4, [0.0, 0.2, 0.4, 0.6])["repetition_penalty"]
    1.2
    >>> variant_for(3.0, [0.0, 3.0])["beam_size"]
    5
    """
    later = [t for t in temperatures if t > 0]
    k = later.index(temperature) if temperature in later else 0
    return FALLBACK_VARIANTS[min(k, len(FALLBACK_VARIANTS) - 1)]


class DeterministicGenerate:
    """Wraps a CTranslate2 `Whisper` model: a `generate` call that asks to sample is run as the matching
    deterministic variant instead; every other attribute is the model's own."""

    def __init__(self, model: Any, temperatures: Sequence[float]):
        self._model = model
        self._temperatures = [float(t) for t in temperatures]

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        temperature = kwargs.get("sampling_temperature")
        if temperature is not None and temperature > 0:
            for key in _SAMPLING_KEYS:
                kwargs.pop(key, None)
            variant = dict(variant_for(float(temperature), self._temperatures))
            # a variant's repeat blocking adds to what the config asked for, never weakens it
            variant["repetition_penalty"] = max(
                variant.get("repetition_penalty", 1.0), kwargs.get("repetition_penalty", 1.0)
            )
            variant["no_repeat_ngram_size"] = variant.get("no_repeat_ngram_size", 0) or kwargs.get(
                "no_repeat_ngram_size", 0
            )
            kwargs.update(variant)
        return self._model.generate(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)
