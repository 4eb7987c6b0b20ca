"""Strict config: every bad key or value is a ConfigError naming the file and the dotted key; the CLI exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.cli import main
from callqa.config import DEFAULT_CONFIG, ConfigError, load_config

BAD_FILES = [
    # yaml text, dotted key the message must name, another word it must contain
    ("asrr: {beam_size: 1}\n", "'asrr'", "unknown config key"),
    ("asr:\n  beem_size: 3\n", "'asr.beem_size'", "unknown config key"),
    ("asr:\n  beam_size: five\n", "'asr.beam_size'", "'five'"),
    ("asr:\n  vad_filter: 1\n", "'asr.vad_filter'", "bad value"),
    ("runtime:\n  workers: 2.5\n", "'runtime.workers'", "bad value"),
    ("runtime: 3\n", "'runtime'", "must be a mapping"),
    ("signal:\n  rings:\n    min_partial_on: 0.3\n", "signal.rings.min_partial_on", "unknown"),
    ("checks:\n  greting: {}\n", "'checks.greting'", "unknown check"),
    ("checks:\n  talk_time: {max_share: 0.5}\n", "'checks.talk_time.max_share'", "unknown config key"),
    ("checks:\n  talk_time: {max_agent_share: high}\n", "'checks.talk_time.max_agent_share'", "'high'"),
    ("scorecard: nosuchcard\n", "scorecard", "'nosuchcard'"),
]


@pytest.mark.parametrize(("text", "key", "word"), BAD_FILES, ids=[b[1].strip("'") for b in BAD_FILES])
def test_bad_config_file_names_file_and_key(tmp_path: Path, text: str, key: str, word: str) -> None:
    path = tmp_path / "my.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    msg = str(info.value)
    assert str(path) in msg
    assert key in msg
    assert word in msg


@pytest.mark.parametrize(("text", "key", "word"), BAD_FILES[:3], ids=["top", "nested", "type"])
def test_cli_returns_2_on_bad_config(tmp_path: Path, capsys, text: str, key: str, word: str) -> None:
    path = tmp_path / "my.yaml"
    path.write_text(text)
    rc = main(["score", str(tmp_path / "x.wav"), "--out", str(tmp_path / "out"), "--config", str(path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "config error" in err and str(path) in err and key in err
    assert not (tmp_path / "out").exists()  # nothing written on a bad config


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("asr.beem_size=3", "'asr.beem_size'"),
        ("asr.beam_size=five", "'asr.beam_size'"),
        ("checks.talk_tim.max_agent_share=0.5", "'checks.talk_tim'"),
        ("checks.talk_time.max_agent_share=[1]", "'checks.talk_time.max_agent_share'"),
        ("nonsense", "key=value"),
    ],
)
def test_bad_set_override_names_the_override_and_key(tmp_path: Path, override: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, [override])
    msg = str(info.value)
    assert key in msg
    assert override in msg
    rc = main(["rescore", str(tmp_path), "--set", override])
    assert rc == 2


def test_set_over_a_config_file_names_both(tmp_path: Path) -> None:
    path = tmp_path / "my.yaml"
    path.write_text("asr:\n  beam_size: 2\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, ["runtime.wrkers=2"])
    assert str(path) in str(info.value) and "'runtime.wrkers'" in str(info.value)


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("asr: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML") as info:
        load_config(bad)
    assert str(bad) in str(info.value)
    with pytest.raises(ConfigError, match="not found") as info:
        load_config(tmp_path / "none.yaml")
    assert str(tmp_path / "none.yaml") in str(info.value)


def test_good_overrides_are_applied_with_types() -> None:
    cfg = load_config(
        None, ["asr.beam_size=1", "runtime.max_duration_s=5", "checks.talk_time.max_agent_share=0.01"]
    )
    assert cfg.asr.beam_size == 1
    assert cfg.runtime.max_duration_s == 5.0 and isinstance(cfg.runtime.max_duration_s, float)
    assert cfg.checks["talk_time"] == {"max_agent_share": 0.01}
    assert "greeting" in cfg.checks  # a --set merges, it does not replace the checks list
    assert cfg.source.startswith(str(DEFAULT_CONFIG)) and "--set" in cfg.source
