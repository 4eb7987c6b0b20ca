"""`asr.keep_fillers` per language: the disfluent prompt is on for en, off for zh/ru by default."""

import pytest

from callqa.asr.whisper import FILLER_PROMPTS, WhisperTranscriber, keeps_fillers
from callqa.config import AsrConfig, ConfigError, load_config


def prompt(cfg: AsrConfig, language: str):
    tr = WhisperTranscriber.__new__(WhisperTranscriber)  # no model needed to choose the prompt
    tr.config = cfg
    return tr.prompt_for(language)


def test_defaults_per_language():
    cfg = load_config().asr
    assert prompt(cfg, "en") == FILLER_PROMPTS["en"]
    assert prompt(cfg, "zh") is None and prompt(cfg, "ru") is None


def test_one_switch_for_all_and_explicit_prompts():
    assert prompt(AsrConfig(keep_fillers=True), "ru") == FILLER_PROMPTS["ru"]
    assert prompt(AsrConfig(keep_fillers=False), "en") is None
    assert prompt(AsrConfig(keep_fillers=False, initial_prompt={"ru": "Ну, э-э."}), "ru") == "Ну, э-э."
    assert not keeps_fillers(AsrConfig(keep_fillers={"en": True}), "ru")  # not listed: off


def test_config_accepts_bool_or_mapping_and_rejects_others():
    assert load_config(overrides=["asr.keep_fillers=true"]).asr.keep_fillers is True
    assert load_config(overrides=["asr.keep_fillers.ru=true"]).asr.keep_fillers == {
        "en": True,
        "zh": False,
        "ru": True,
    }
    with pytest.raises(ConfigError):
        load_config(overrides=["asr.keep_fillers=maybe"])
