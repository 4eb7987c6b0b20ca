"""Speech recognition with faster-whisper: words with timestamps, language from the manifest, fillers kept."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from callqa.config import AsrConfig
from callqa.types import Word

# Whisper drops disfluencies unless its context shows them: a disfluent prompt brings them back.
FILLER_PROMPTS = {
    "en": "Um, so, uh, I was like, you know, hmm, er, well, um, let me see, uh-huh.",
    "zh": "嗯，那个，呃，就是，啊，我想问一下，嗯，额，这个。",
    "ru": "Э-э, ну, как бы, эм, это самое, ну, вот, э, значит.",
}


@dataclass(frozen=True)
class AsrSegment:
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...]
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


class Transcriber(Protocol):
    """What the pipeline needs from an ASR engine (a fake implements it for unit tests)."""

    name: str

    def transcribe(self, samples_16k: np.ndarray, *, language: str,
                   regions: list[tuple[float, float]] | None = None) -> list[AsrSegment]:
        """Segments with words in recording time; with `regions` (start_s, end_s), only those stretches are heard."""
        ...


_T2S = None


def to_simplified(text: str) -> str:
    """Whisper writes Mandarin in Traditional characters; matching rules are in Simplified."""
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(text)


_MODEL_CACHE: dict[tuple, object] = {}
_MODEL_LOCK = threading.Lock()


class WhisperTranscriber:
    """faster-whisper on a local CTranslate2 model (base multilingual from the registry by default)."""

    def __init__(self, config: AsrConfig):
        self.config = config
        from callqa.models.paths import resolve_whisper_model

        self.model_dir = resolve_whisper_model(config.model, config.model_path)
        self.name = f"faster-whisper:{config.model_path or config.model}:{config.compute_type}"
        self._model = None

    @property
    def model(self):
        if self._model is None:
            key = (self.model_dir, self.config.device, self.config.compute_type, self.config.cpu_threads)
            with _MODEL_LOCK:
                if key not in _MODEL_CACHE:
                    from faster_whisper import WhisperModel

                    _MODEL_CACHE[key] = WhisperModel(
                        self.model_dir,
                        device=self.config.device,
                        compute_type=self.config.compute_type,
                        cpu_threads=self.config.cpu_threads,
                        local_files_only=True,
                    )
                self._model = _MODEL_CACHE[key]
        return self._model

    def prompt_for(self, language: str) -> str | None:
        if language in self.config.initial_prompt:
            return self.config.initial_prompt[language] or None
        if self.config.keep_fillers:
            return FILLER_PROMPTS.get(language)
        return None

    def transcribe(self, samples_16k: np.ndarray, *, language: str,
                   regions: list[tuple[float, float]] | None = None) -> list[AsrSegment]:
        if regions is not None:  # decode the regions back to back, timestamps mapped to the recording
            from callqa.asr.regions import transcribe_regions

            return transcribe_regions(self, samples_16k, language=language, regions=regions)
        cfg = self.config
        if samples_16k.size == 0:
            return []
        segments, _info = self.model.transcribe(
            np.ascontiguousarray(samples_16k, dtype=np.float32),
            language=language,
            task="transcribe",
            beam_size=cfg.beam_size,
            word_timestamps=True,
            vad_filter=cfg.vad_filter,
            vad_parameters={"min_silence_duration_ms": cfg.vad_min_silence_ms, "threshold": cfg.vad_threshold,
                            "speech_pad_ms": cfg.vad_speech_pad_ms} if cfg.vad_filter else None,
            initial_prompt=self.prompt_for(language),
            condition_on_previous_text=cfg.condition_on_previous_text,
            temperature=list(cfg.temperature),
            compression_ratio_threshold=cfg.compression_ratio_threshold,
            log_prob_threshold=cfg.log_prob_threshold,
            no_speech_threshold=cfg.no_speech_threshold,
            hallucination_silence_threshold=cfg.hallucination_silence_threshold,
        )
        convert = language == "zh" and cfg.chinese_script == "simplified"
        out: list[AsrSegment] = []
        for seg in segments:
            words = tuple(
                Word(
                    text=to_simplified(w.word.strip()) if convert else w.word.strip(),
                    start_s=round(float(w.start), 3),
                    end_s=round(float(w.end), 3),
                    probability=round(float(w.probability), 4),
                )
                for w in (seg.words or [])
                if w.word.strip()
            )
            text = seg.text.strip()
            out.append(
                AsrSegment(
                    start_s=float(seg.start),
                    end_s=float(seg.end),
                    text=to_simplified(text) if convert else text,
                    words=words,
                    avg_logprob=float(seg.avg_logprob),
                    no_speech_prob=float(seg.no_speech_prob),
                )
            )
        return out
