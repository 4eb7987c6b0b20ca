"""Speech recognition with faster-whisper: words with timestamps, language from the manifest, fillers kept."""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from callqa.config import AsrConfig
from callqa.ingest.lazy import Samples
from callqa.text.normalize import is_han, to_simplified
from callqa.types import Word

# Whisper drops disfluencies unless its context shows them: a disfluent prompt brings them back.
FILLER_PROMPTS = {
    "en": "Um, so, uh, I was like, you know, hmm, er, well, um, let me see, uh-huh.",
    # ASCII commas on purpose: with "，" in the prompt Whisper starts writing "，" (3 byte tokens EF BC 8C)
    # and guesses the last byte almost at random, giving "４"/"１"/"Ｓ" where commas belong (docs/fillers-asr.md)
    "zh": "嗯,那个,呃,就是,啊,我想问一下,嗯,额,这个。",
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


def block_cuts(samples: Samples, sr: int, max_block_s: float, *, search_s: float = 20.0) -> list[int]:
    """Sample indices cutting `samples` into blocks of at most `max_block_s`, each cut at the quietest 0.2 s in
    the last `search_s` before the limit (a pause between words). [0, len] when it fits in one block."""
    n = len(samples)
    limit = int(max_block_s * sr)
    if max_block_s <= 0 or n <= limit:
        return [0, n]
    frame = int(0.2 * sr)
    cuts = [0]
    while n - cuts[-1] > limit:
        end = cuts[-1] + limit
        start = max(cuts[-1] + frame, end - int(search_s * sr))
        window = samples[start:end]
        k = len(window) // frame
        if k == 0:
            cuts.append(end)
            continue
        energy = np.square(window[: k * frame].astype(np.float64)).reshape(k, frame).mean(axis=1)
        cuts.append(start + int(np.argmin(energy)) * frame + frame // 2)
    return cuts + [n]


def shift_segment(seg: AsrSegment, offset_s: float) -> AsrSegment:
    words = tuple(
        replace(w, start_s=round(w.start_s + offset_s, 3), end_s=round(w.end_s + offset_s, 3))
        for w in seg.words
    )
    return replace(seg, start_s=seg.start_s + offset_s, end_s=seg.end_s + offset_s, words=words)


class Transcriber(Protocol):
    """What the pipeline needs from an ASR engine (a fake implements it for unit tests)."""

    name: str

    def transcribe(
        self, samples_16k: Samples, *, language: str, regions: list[tuple[float, float]] | None = None
    ) -> list[AsrSegment]:
        """Segments with words in recording time; with `regions` (start_s, end_s), only those stretches are heard."""
        ...


# Fullwidth digits and Latin letters (U+FF10-FF19, FF21-FF3A, FF41-FF5A): a fullwidth "，" whose last byte
# was mis-decoded (see FILLER_PROMPTS). Whisper writes real numbers with ASCII digits.
_FW_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_ALNUM = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def repair_fullwidth_commas(text: str) -> tuple[str, int]:
    """A lone fullwidth digit/letter next to a Han character is a mis-decoded "，": put the comma back.

    Returns (text, how many were replaced). Fullwidth characters inside a number or a Latin word
    (a neighbour is a digit or a letter) are kept. Length is preserved (one character for one).

    >>> repair_fullwidth_commas("你这个假期有什么安排啊４反正待在家里也没事")
    ('你这个假期有什么安排啊，反正待在家里也没事', 1)
    >>> repair_fullwidth_commas("第４５号")[1]
    0
    """
    if not _FW_ALNUM.search(text):
        return text, 0
    chars = list(text)
    n = 0
    for i, ch in enumerate(chars):
        if not _FW_ALNUM.fullmatch(ch):
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if _ALNUM.fullmatch(prev or " ") or _ALNUM.fullmatch(nxt or " "):
            continue
        if is_han(prev) or is_han(nxt):
            chars[i] = "，"
            n += 1
    return "".join(chars), n


def _repair_words(texts: list[str]) -> list[str]:
    """`repair_fullwidth_commas` over a segment's words, with the neighbouring words as context."""
    joined, n = repair_fullwidth_commas("".join(texts))
    if not n:
        return texts
    out, k = [], 0
    for t in texts:
        out.append(joined[k : k + len(t)])
        k += len(t)
    return out


_MODEL_CACHE: dict[tuple, object] = {}
_MODEL_LOCK = threading.Lock()


def keeps_fillers(config: AsrConfig, language: str) -> bool:
    """`asr.keep_fillers`: one switch for every language, or per language (a language not listed: off)."""
    kf = config.keep_fillers
    return bool(kf.get(language, False)) if isinstance(kf, dict) else bool(kf)


class WhisperTranscriber:
    """faster-whisper on a local CTranslate2 model (base multilingual from the registry by default)."""

    def __init__(self, config: AsrConfig, *, threads: int | None = None):
        self.config = config
        # CTranslate2 threads: asr.cpu_threads, else the worker's share of the cores (callqa/models/threads.py)
        self.threads = config.cpu_threads or threads or 1
        from callqa.models.paths import resolve_whisper_model

        self.model_dir = resolve_whisper_model(config.model, config.model_path)
        self.name = f"faster-whisper:{config.model_path or config.model}:{config.compute_type}"
        self._model: object | None = None
        self._batched: object | None = None

    @property
    def model(self):
        if self._model is None:
            cfg = self.config
            deterministic = cfg.fallback == "deterministic"
            temps = tuple(cfg.temperature) if deterministic else ()
            key = (self.model_dir, cfg.device, cfg.compute_type, self.threads, deterministic, temps)
            with _MODEL_LOCK:
                if key not in _MODEL_CACHE:
                    from faster_whisper import WhisperModel

                    model = WhisperModel(
                        self.model_dir,
                        device=cfg.device,
                        compute_type=cfg.compute_type,
                        cpu_threads=self.threads,
                        local_files_only=True,
                    )
                    from callqa.asr.features import BlockFeatureExtractor

                    # the same features without the block's whole spectrum in memory (callqa/asr/features.py)
                    model.feature_extractor = BlockFeatureExtractor.like(model.feature_extractor)
                    if deterministic:  # the temperature fallback without sampling (callqa/asr/fallback.py)
                        from callqa.asr.fallback import DeterministicGenerate

                        model.model = DeterministicGenerate(model.model, temps)
                    _MODEL_CACHE[key] = model
                self._model = _MODEL_CACHE[key]
            from callqa.models.threads import apply_torch_threads

            # loading set the shared OpenMP thread count; keep torch in step
            apply_torch_threads(self.threads)
        return self._model

    def prompt_for(self, language: str) -> str | None:
        if language in self.config.initial_prompt:
            return self.config.initial_prompt[language] or None
        if keeps_fillers(self.config, language):
            return FILLER_PROMPTS.get(language)
        return None

    def transcribe(
        self, samples_16k: Samples, *, language: str, regions: list[tuple[float, float]] | None = None
    ) -> list[AsrSegment]:
        if regions is not None:  # decode the regions back to back, timestamps mapped to the recording
            from callqa.asr.regions import transcribe_regions

            return transcribe_regions(self, samples_16k, language=language, regions=regions)
        cfg = self.config
        if samples_16k.size == 0:
            return []
        cuts = block_cuts(samples_16k, 16000, cfg.max_block_s)
        out: list[AsrSegment] = []
        if len(cuts) > 2:  # long audio in blocks: faster-whisper's features for the whole file grow with it
            from callqa.models.memory import release

            for a, b in itertools.pairwise(cuts):
                offset = a / 16000
                for seg in self._transcribe_block(samples_16k[a:b], language):
                    out.append(shift_segment(seg, offset))
                release()  # the block's features and buffers back to the system before the next block
        else:
            out = self._transcribe_block(samples_16k, language)
        if (
            cfg.recover_unheard
        ):  # speech with no words: decoded again alone, no prompt (callqa/asr/recover.py)
            from callqa.asr.recover import recover_unheard

            def plain(x: np.ndarray) -> list[AsrSegment]:
                return self._transcribe_block(x, language, prompt=None)

            out = recover_unheard(plain, samples_16k, out, language=language,
                                  max_compression_ratio=cfg.compression_ratio_threshold)  # fmt: skip
        return out

    @property
    def batched(self):
        """faster-whisper's BatchedInferencePipeline on the same model (`asr.batch_size` > 0)."""
        if self._batched is None:
            from faster_whisper import BatchedInferencePipeline

            self._batched = BatchedInferencePipeline(self.model)
        return self._batched

    def _transcribe_block(
        self, samples_16k: Samples, language: str, *, prompt: str | None | bool = True
    ) -> list[AsrSegment]:
        """One decode; `prompt=True`: the configured prompt (`prompt_for`), else this prompt (None: none)."""
        cfg = self.config
        audio = np.ascontiguousarray(samples_16k, dtype=np.float32)
        if cfg.batch_size > 0:  # chunks decoded together; the pipeline keeps only the first temperature
            decode, extra = self.batched.transcribe, dict[str, Any](batch_size=cfg.batch_size)
            if not cfg.vad_filter:  # without VAD the batched pipeline needs the chunks: plain 30-s ones
                extra["clip_timestamps"] = [
                    {"start": a, "end": min(a + 30.0, len(audio) / 16000)}
                    for a in np.arange(0.0, len(audio) / 16000, 30.0).tolist()
                ]
        else:
            decode, extra = self.model.transcribe, {}
        segments, _info = decode(
            audio,
            **extra,
            language=language,
            task="transcribe",
            beam_size=cfg.beam_size,
            word_timestamps=True,
            vad_filter=cfg.vad_filter,
            vad_parameters={
                "min_silence_duration_ms": cfg.vad_min_silence_ms,
                "threshold": cfg.vad_threshold,
                "speech_pad_ms": cfg.vad_speech_pad_ms,
            }
            if cfg.vad_filter
            else None,
            initial_prompt=self.prompt_for(language) if prompt is True else (prompt or None),
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
            raw = [w for w in (seg.words or []) if w.word.strip()]
            texts = [w.word.strip() for w in raw]
            text = seg.text.strip()
            if language == "zh":  # mis-decoded "，" (see repair_fullwidth_commas)
                texts = _repair_words(texts)
                text = repair_fullwidth_commas(text)[0]
            words = tuple(
                Word(
                    text=to_simplified(t) if convert else t,
                    start_s=round(float(w.start), 3),
                    end_s=round(float(w.end), 3),
                    probability=round(float(w.probability), 4),
                )
                for w, t in zip(raw, texts, strict=True)
            )
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
