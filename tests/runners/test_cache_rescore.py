"""Resume, --force, the transcript cache, and `rescore` without any model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from foundation_fakes import build_signal, write_wav

from callqa.cli import main
from callqa.config import load_config
from callqa.models.holder import Models
from callqa.store.cache import transcript_cache_key
from callqa.types import CallMeta


def _call(out: Path, call_id: str = "good") -> dict:
    return json.loads((out / "calls" / f"{call_id}.json").read_text())


def test_second_run_skips_done_calls_and_force_redoes(
    tmp_path: Path, good_call: Path, fake_models, capsys
) -> None:
    asr, dia = fake_models
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    assert asr.calls == 1 and dia.calls == 1
    path = out / "calls" / "good.json"
    path.write_text(path.read_text().replace('"schema_version": 1', '"schema_version": 1, "marker": 1'))
    capsys.readouterr()

    assert main(["score", str(good_call), "--out", str(out)]) == 0
    assert "0 scored, 1 skipped" in capsys.readouterr().out
    assert asr.calls == 1  # resumed: nothing re-run
    assert _call(out)["marker"] == 1

    assert main(["score", str(good_call), "--out", str(out), "--force"]) == 0
    assert "1 scored, 0 skipped" in capsys.readouterr().out
    assert "marker" not in _call(out)  # rewritten ...
    assert asr.calls == 1  # ... from the transcript cache: same audio, same model config
    assert _call(out)["stage_seconds"].get("cache_hit") == 1.0

    assert main(["score", str(good_call), "--out", str(out), "--force", "--set", "runtime.cache=false"]) == 0
    assert asr.calls == 2  # cache off: the models run again


def test_changed_asr_config_or_audio_misses_the_cache(tmp_path: Path, good_call: Path, fake_models) -> None:
    asr, _ = fake_models
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    key1 = _call(out)["cache_key"]
    assert main(["score", str(good_call), "--out", str(out), "--force", "--set", "asr.beam_size=1"]) == 0
    assert asr.calls == 2
    key2 = _call(out)["cache_key"]
    assert key2 != key1
    write_wav(
        good_call, build_signal(10.0, [(0.5, 3.0), (3.5, 6.0), (6.5, 9.0)], seed=99)
    )  # new content, same name
    assert main(["score", str(good_call), "--out", str(out), "--force", "--set", "asr.beam_size=1"]) == 0
    assert asr.calls == 3
    assert _call(out)["cache_key"] not in (key1, key2)
    assert len(list((out / "cache" / "transcripts").glob("*.json"))) == 3


def test_cache_key_depends_on_audio_and_model_config_only() -> None:
    cfg = load_config()
    meta = CallMeta("c", "/x.wav")
    base = transcript_cache_key("a" * 64, meta, cfg)
    assert transcript_cache_key("a" * 64, meta, cfg) == base
    assert transcript_cache_key("b" * 64, meta, cfg) != base
    assert transcript_cache_key("a" * 64, meta, load_config(None, ["asr.beam_size=1"])) != base
    assert transcript_cache_key("a" * 64, meta, load_config(None, ["asr.model=small"])) != base
    assert transcript_cache_key("a" * 64, meta, load_config(None, ["diarization.num_speakers=3"])) != base
    assert transcript_cache_key("a" * 64, dataclasses.replace(meta, language="ru"), cfg) != base
    assert (
        transcript_cache_key("a" * 64, dataclasses.replace(meta, channel_layout="stereo_agent_left"), cfg)
        != base
    )
    # rules are not part of the key: changing them is what `rescore` is for
    assert (
        transcript_cache_key("a" * 64, meta, load_config(None, ["checks.talk_time.max_agent_share=0.01"]))
        == base
    )
    assert (
        transcript_cache_key("a" * 64, dataclasses.replace(meta, call_id="other", audio_path="/y.wav"), cfg)
        == base
    )


def _no_models(monkeypatch) -> None:
    def refuse(self):
        raise AssertionError("rescore must not load or run a model")

    monkeypatch.setattr(Models, "asr", refuse)
    monkeypatch.setattr(Models, "diarization", refuse)


def test_rescore_applies_changed_rule_without_models(
    tmp_path: Path, good_call: Path, fake_models, monkeypatch, capsys
) -> None:
    asr, dia = fake_models
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    before = _call(out)
    # agent 5.0 s of 7.5 s talk = 67 %: inside the default 10-80 %
    assert before["checks"]["talk_time"]["status"] == "pass"
    assert before["timing"]["talk_ratio"] == pytest.approx(2 / 3, abs=1e-3)
    _no_models(monkeypatch)
    capsys.readouterr()
    assert main(["rescore", str(out), "--set", "checks.talk_time.max_agent_share=0.01"]) == 0
    assert "rescored 1 call(s)" in capsys.readouterr().out
    after = _call(out)
    assert after["checks"]["talk_time"]["status"] == "fail"
    assert after["utterances"] == before["utterances"]  # same transcript
    assert asr.calls == 1 and dia.calls == 1  # nothing ran since the first score
    import pandas as pd

    checks = pd.read_parquet(out / "checks.parquet").set_index("check")
    assert checks.loc["talk_time", "status"] == "fail"  # tables rebuilt
    assert "max_agent_share: 0.01" in (out / "config.effective.yaml").read_text()


def test_rescore_disabling_a_check_marks_it_na(
    tmp_path: Path, good_call: Path, fake_models, monkeypatch
) -> None:
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    _no_models(monkeypatch)
    assert main(["rescore", str(out), "--set", "checks.greeting.enabled=false"]) == 0
    greeting = _call(out)["checks"]["greeting"]
    assert greeting["status"] == "na" and "disabled" in greeting["reason"]


def test_rescore_after_audio_is_gone_still_uses_the_transcript(
    tmp_path: Path, good_call: Path, fake_models, monkeypatch
) -> None:
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    good_call.unlink()
    _no_models(monkeypatch)
    assert main(["rescore", str(out), "--set", "checks.talk_time.max_agent_share=0.01"]) == 0
    after = _call(out)
    assert after["checks"]["talk_time"]["status"] == "fail"
    assert after["checks"]["volume"]["status"] == "na"  # needs the signal


def test_rescore_without_cache_entry_is_an_error(
    tmp_path: Path, good_call: Path, fake_models, monkeypatch, capsys
) -> None:
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    for p in (out / "cache" / "transcripts").glob("*.json"):
        p.unlink()
    _no_models(monkeypatch)
    assert main(["rescore", str(out)]) == 1
    assert "no cached transcript" in capsys.readouterr().err


def test_a_call_that_failed_then_succeeds_loses_its_error_row(
    tmp_path: Path, good_call: Path, fake_models, monkeypatch
) -> None:
    import pandas as pd

    out = tmp_path / "out"
    fake_asr, _ = fake_models
    original = fake_asr.transcribe

    def flaky(samples_16k, *, language):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(fake_asr, "transcribe", flaky)
    assert main(["score", str(good_call), "--out", str(out)]) == 1
    assert len(pd.read_parquet(out / "errors.parquet")) == 1
    monkeypatch.setattr(fake_asr, "transcribe", original)
    assert main(["score", str(good_call), "--out", str(out)]) == 0  # resume retries failed calls
    assert len(pd.read_parquet(out / "errors.parquet")) == 0
    assert list(pd.read_parquet(out / "calls.parquet")["call_id"]) == ["good"]
