"""Speech with no words is decoded again on its own (callqa/asr/recover.py); real speech, fake decoder."""

from __future__ import annotations

import numpy as np
import pytest

from callqa.asr.recover import PAD_S, recover_unheard, unheard_speech
from callqa.asr.whisper import AsrSegment
from callqa.ingest.audio import resample
from callqa.types import Word
from tests.integration.real_mixes import EXT, SR, legs

pytestmark = pytest.mark.skipif(not (EXT / "aws-lca").exists(), reason="real clips missing")


@pytest.fixture(scope="module")
def speech_16k() -> np.ndarray:
    """The aws-lca call 40 agent leg, 0-12 s (the greeting: speech from about 1 s)."""
    agent, _ = legs("40")
    return resample(agent[: 12 * SR], SR, 16000)


def test_speech_between_words_is_found(speech_16k):
    runs = unheard_speech(speech_16k, [])
    assert runs and sum(b - a for a, b in runs) > 3.0
    # words all over the speech: nothing unheard
    covering = [Word("w", t, t + 0.3, 0.9) for t in np.arange(0.0, 12.0, 0.3)]
    assert unheard_speech(speech_16k, covering) == []


def test_recovered_words_join_and_replace_unsure_ones(speech_16k):
    calls = []
    runs = unheard_speech(speech_16k, [])

    def decode(x):  # a sure word where the run starts (the clip starts PAD_S before it) and an unsure one
        a = runs[len(calls)][0]
        calls.append(len(x) / 16000)
        t = a - max(0.0, a - PAD_S)
        return [
            AsrSegment(
                t, t + 0.3, "thank you", (Word("thank", t, t + 0.2, 0.9), Word("you", t + 0.2, t + 0.3, 0.3))
            )
        ]

    unsure = Word("Hi,", runs[0][0] + 0.05, runs[0][0] + 0.15, 0.2)  # left behind by a dropped sentence
    segs = [AsrSegment(unsure.start_s, unsure.end_s, "Hi,", (unsure,))]
    out = recover_unheard(decode, speech_16k, segs, language="en")
    words = [w for s in out for w in s.words]
    assert len(calls) == len(runs)  # each unheard run decoded alone
    assert "Hi," not in [w.text for w in words]  # the unsure word under a recovered one went
    assert [w.text for w in words].count("thank") == len(runs) and "you" not in [w.text for w in words]
    starts = [w.start_s for w in words]
    assert starts == sorted(starts)
    assert abs(words[0].start_s - runs[0][0]) < 1e-3  # shifted from the clip to the recording
