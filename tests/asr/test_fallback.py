"""The deterministic fallback: a retry that would sample is run as a beam/greedy variant at temperature 0."""

from __future__ import annotations

import pytest

from callqa.asr.fallback import FALLBACK_VARIANTS, DeterministicGenerate, variant_for
from callqa.config import ConfigError, load_config


class RecordingModel:
    def __init__(self):
        self.calls: list[dict] = []
        self.is_multilingual = True

    def generate(self, *args, **kwargs):
        self.calls.append(kwargs)
        return ["result"]


def test_sampling_retries_become_deterministic_variants():
    inner = RecordingModel()
    model = DeterministicGenerate(inner, [0.0, 0.2, 0.4])
    model.generate("enc", [[1]], beam_size=5, patience=1.0, repetition_penalty=1.0, no_repeat_ngram_size=0)
    model.generate(
        "enc", [[1]], beam_size=1, num_hypotheses=5, sampling_topk=0, sampling_temperature=0.4,
        repetition_penalty=1.0, no_repeat_ngram_size=0,
    )  # fmt: skip
    first, retry = inner.calls
    assert first["beam_size"] == 5 and "sampling_temperature" not in first  # the first try is untouched
    assert not {"sampling_temperature", "sampling_topk", "num_hypotheses"} & set(retry)
    assert retry["beam_size"] == FALLBACK_VARIANTS[1]["beam_size"]
    assert retry["no_repeat_ngram_size"] == 3 and retry["repetition_penalty"] == 1.2
    assert model.is_multilingual  # everything else is the wrapped model's


def test_a_configured_repeat_block_is_never_weakened():
    inner = RecordingModel()
    DeterministicGenerate(inner, [0.0, 0.2]).generate(
        sampling_temperature=0.2, repetition_penalty=1.5, no_repeat_ngram_size=4
    )
    assert inner.calls[0]["repetition_penalty"] == 1.5 and inner.calls[0]["no_repeat_ngram_size"] == 3


def test_more_temperatures_than_variants_reuse_the_last():
    temps = [0.0] + [0.1 * k for k in range(1, 10)]
    assert variant_for(temps[-1], temps) == FALLBACK_VARIANTS[-1]


def test_unknown_fallback_is_a_config_error():
    with pytest.raises(ConfigError, match="asr.fallback"):
        load_config(None, ["asr.fallback=random"])
