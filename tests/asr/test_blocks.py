"""Long audio is transcribed in blocks cut in pauses; timestamps are shifted back to the recording."""

from __future__ import annotations

import numpy as np

from callqa.asr.whisper import AsrSegment, block_cuts, shift_segment
from callqa.types import Word


def test_short_audio_is_one_block():
    assert block_cuts(np.ones(16000 * 60, np.float32), 16000, 300) == [0, 16000 * 60]
    assert block_cuts(np.ones(16000 * 900, np.float32), 16000, 0) == [0, 16000 * 900]


def test_cuts_fall_in_the_pause_before_each_limit_and_blocks_stay_under_it():
    sr = 100  # samples per second, to keep the arrays small
    x = np.ones(sr * 1000, np.float32)
    for pause_s in (290.0, 585.0, 870.0):  # one quiet half second before each 300-s limit
        x[int(pause_s * sr) : int((pause_s + 0.5) * sr)] = 0.0
    cuts = block_cuts(x, sr, 300)
    assert cuts[0] == 0 and cuts[-1] == len(x)
    assert all(b - a <= 300 * sr for a, b in zip(cuts, cuts[1:], strict=False))
    for cut, pause_s in zip(cuts[1:-1], (290.0, 585.0, 870.0), strict=True):
        assert pause_s * sr <= cut <= (pause_s + 0.5) * sr, (cut, pause_s)


def test_a_shifted_segment_keeps_its_words_in_recording_time():
    seg = AsrSegment(1.0, 2.0, "hello there", (Word("hello", 1.0, 1.4, 0.9), Word("there", 1.5, 2.0, 0.8)))
    moved = shift_segment(seg, 300.0)
    assert (moved.start_s, moved.end_s) == (301.0, 302.0)
    assert [(w.text, w.start_s, w.end_s, w.probability) for w in moved.words] == [
        ("hello", 301.0, 301.4, 0.9),
        ("there", 301.5, 302.0, 0.8),
    ]
