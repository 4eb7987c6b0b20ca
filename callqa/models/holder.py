"""The model-backed stages of a run (ASR, mono diarization), created lazily and reused across calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from callqa.diarization.base import Diarizer, make_diarizer
from callqa.models.devices import check_asr_device, check_diarization_device
from callqa.models.threads import apply_torch_threads, threads_per_worker

if TYPE_CHECKING:
    from callqa.asr.whisper import Transcriber
    from callqa.config import Config


@dataclass
class Models:
    """Created lazily, so rescoring and imported transcripts never load a model."""

    config: Config
    transcriber: Transcriber | None = None
    diarizer: Diarizer | None = None

    def asr(self) -> Transcriber:
        if self.transcriber is None:
            from callqa.asr.whisper import WhisperTranscriber

            check_asr_device(self.config.asr, source=self.config.source)
            self.transcriber = WhisperTranscriber(self.config.asr, threads=threads_per_worker(self.config))
        return self.transcriber

    def diarization(self) -> Diarizer:
        """The mono diarizer named by `diarization.backend` (see `callqa.diarization.register_diarizer`)."""
        if self.diarizer is None:
            check_diarization_device(self.config.diarization, source=self.config.source)
            if self.config.diarization.backend in ("pyannote", "campplus"):  # PyTorch models
                import torch  # noqa: F401 - loaded here, so its thread count can be set before the models

                apply_torch_threads(threads_per_worker(self.config))
            self.diarizer = make_diarizer(self.config.diarization)
        return self.diarizer
