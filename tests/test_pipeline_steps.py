"""`analyze_call` as named steps: the step hook sees each one; rescoring serves the transcript from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.config import Config
from callqa.models.holder import Models
from callqa.pipeline import analyze_call
from callqa.steps import StageError, StepTiming
from callqa.types import CallMeta

# `guard` (issue 17): the speech guard edits the signal report (speech events; holds cut where there is talk),
# so it runs right after `signal`, before ASR reads the regions to skip, and on rescore too (same holds)
STEPS = ["decode", "signal", "guard", "transcribe", "diarize", "align", "features", "checks", "score"]


def test_the_hook_sees_every_step_in_order(good_call: Path, fake_models, config: Config) -> None:
    seen: list[StepTiming] = []
    cache: dict = {}
    meta = CallMeta("good", str(good_call))
    result = analyze_call(meta, config, models=Models(config), cache_get=cache.get, cache_put=cache.__setitem__,
                          on_step=seen.append)  # fmt: skip
    assert [s.name for s in seen] == STEPS
    assert all(s.call_id == "good" and s.seconds >= 0 and s.end >= s.start for s in seen)
    assert list(result.timings_s) == STEPS
    assert result.call.transcript.provenance.diarization == "fake-diarizer"
    assert result.cache_key in cache

    seen.clear()
    again = analyze_call(meta, config, cache_get=cache.get, cache_key=result.cache_key, rescore=True,
                         on_step=seen.append)  # fmt: skip
    # no ASR/diarization step (the guard's Silero VAD is part of the signal's reading, not of the transcript)
    assert [s.name for s in seen] == ["decode", "signal", "guard", "features", "checks", "score"]
    assert again.cache_hit
    assert {k: v.status for k, v in again.checks.items()} == {k: v.status for k, v in result.checks.items()}


def test_rescore_without_a_cache_entry_is_a_transcript_error(good_call: Path, config: Config) -> None:
    with pytest.raises(StageError) as err:
        analyze_call(
            CallMeta("good", str(good_call)), config, cache_get={}.get, cache_key="missing", rescore=True
        )
    assert err.value.stage == "transcript" and "no cached transcript" in err.value.message


def test_checks_get_the_resolved_params_not_the_yaml(good_call: Path, fake_models) -> None:
    from callqa.config import load_config

    config = load_config(None, ["checks.holds.min_silent_hold_s=1.5", "checks.holds.phrase_window_s=12"])
    assert config.resolved.params("holds").min_silent_hold_s == 1.5
    result = analyze_call(CallMeta("good", str(good_call)), config, models=Models(config))
    assert result.call.features.hold_phrase_window_s == 12  # the features step used the configured params


def test_the_pitch_track_is_computed_only_for_the_monotone_check(good_call: Path) -> None:
    from callqa.config import load_config
    from callqa.ingest.audio import load_audio
    from callqa.steps import measure_signal
    from callqa.types import CallMeta

    audio, meta = load_audio(good_call), CallMeta(call_id="p", audio_path=str(good_call))
    with_check = measure_signal(audio, meta, load_config())
    without = measure_signal(audio, meta, load_config(None, ("checks.monotone.enabled=false",)))
    assert len(with_check.extras.pitch) == audio.n_channels
    assert without.extras.pitch == ()
