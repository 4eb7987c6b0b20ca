"""Mono diarization with pyannote.audio: local segmentation-3.0 + CAM++ embeddings + agglomerative clustering."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from callqa.config import DiarizationConfig
from callqa.diarization.long_calls import WindowSpeakers, diarize_in_windows
from callqa.ingest.audio import Samples
from callqa.types import SpeakerTurn

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")  # pyannote 4 telemetry: nothing phones home
os.environ.setdefault("HF_HUB_OFFLINE", "1")

_PIPELINES: dict[tuple, object] = {}
_LOCK = threading.Lock()


def _build_pipeline(cfg: DiarizationConfig):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torchcodec absent: we always pass audio in memory
        from pyannote.audio import Model
        from pyannote.audio.core.plda import PLDA

    from callqa.diarization.campplus import CamPlusPlus
    from callqa.diarization.stitch import stitched_diarization_class
    from callqa.models.paths import campplus_checkpoint, segmentation_checkpoint

    class _UnusedPLDA(PLDA):
        """AgglomerativeClustering never calls PLDA, but the pipeline's constructor requires one."""

        def __init__(self) -> None:
            self.lda_dimension = 0

        def __call__(self, embeddings: np.ndarray):
            raise RuntimeError("PLDA is not available offline; use AgglomerativeClustering")

    segmentation = Model.from_pretrained(str(segmentation_checkpoint(cfg.segmentation_path)))
    if segmentation is None:
        raise RuntimeError(
            f"cannot load the segmentation model {segmentation_checkpoint(cfg.segmentation_path)}"
        )
    gpu = cfg.device == "cuda"  # both networks in PyTorch on the GPU (ONNX Runtime here is the CPU build)
    runtime = "torch" if gpu else cfg.runtime
    embedding = CamPlusPlus(campplus_checkpoint(cfg.embedding_path), runtime=runtime)
    pipeline = stitched_diarization_class()(
        segmentation=segmentation,
        embedding=embedding,
        plda=_UnusedPLDA(),
        clustering="AgglomerativeClustering",
        segmentation_step=cfg.segmentation_step,
        embedding_batch_size=cfg.embedding_batch_size,
        segmentation_batch_size=cfg.segmentation_batch_size,
    )
    if runtime == "onnx":
        _segmentation_in_onnx(segmentation, segmentation_checkpoint(cfg.segmentation_path))
    pipeline.embedding_exclude_overlap = cfg.exclude_overlap
    pipeline.embedding_stride = cfg.embedding_stride
    pipeline.instantiate(
        {
            "segmentation": {"min_duration_off": cfg.min_duration_off_s},
            "clustering": {
                "method": "centroid",
                "min_cluster_size": 12,
                "threshold": cfg.clustering_threshold,
            },
        }
    )
    if gpu:
        import torch

        pipeline.to(torch.device("cuda"))
    return pipeline


def export_segmentation_onnx(checkpoint, model=None) -> Path:
    """Export segmentation-3.0 (SincNet + LSTM; 10-s windows in, frame scores out) to ONNX once, atomically."""
    import torch

    from callqa.models.onnx import export_onnx_once, onnx_cache_path

    target = onnx_cache_path("segmentation", str(checkpoint))
    if target.exists():
        return target
    if model is None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pyannote.audio import Model

            model = Model.from_pretrained(str(checkpoint))
    model.eval()
    return export_onnx_once(
        model,
        torch.randn(2, 1, int(model.specifications.duration * model.audio.sample_rate)),
        target,
        ("waveform", "scores"),
        {"waveform": {0: "batch"}, "scores": {0: "batch"}},
    )


def _segmentation_in_onnx(model, checkpoint) -> None:
    """Run segmentation-3.0 in ONNX Runtime: the model's forward calls the session (pyannote's sliding-window
    inference is unchanged). Scores equal to 3e-5; falls back to PyTorch with a warning when it cannot be
    exported."""
    import logging

    import torch

    from callqa.models.onnx import onnx_session

    try:
        session = onnx_session(export_segmentation_onnx(checkpoint, model), torch.get_num_threads())
    except Exception as exc:  # noqa: BLE001 - onnx missing or export failed: PyTorch still works
        logging.getLogger(__name__).warning("segmentation runs in PyTorch: no ONNX export (%s)", exc)
        return

    def forward(waveforms: torch.Tensor) -> torch.Tensor:
        (scores,) = session.run(None, {"waveform": waveforms.detach().cpu().numpy()})
        return torch.from_numpy(scores)

    model.forward = forward


class PyannoteDiarizer:
    """Speaker turns for a mono 16 kHz signal. Audio is passed in memory (no torchcodec needed)."""

    def __init__(self, config: DiarizationConfig):
        self.config = config
        self.name = "pyannote-4:segmentation-3.0+campplus"

    @property
    def pipeline(self):
        key = (
            self.config.segmentation_path,
            self.config.embedding_path,
            self.config.clustering_threshold,
            self.config.min_duration_off_s,
            self.config.embedding_batch_size,
            self.config.exclude_overlap,
            self.config.segmentation_step,
            self.config.embedding_stride,
            self.config.runtime,
            self.config.device,
        )
        with _LOCK:
            if key not in _PIPELINES:
                _PIPELINES[key] = _build_pipeline(self.config)
            return _PIPELINES[key]

    def diarize(
        self, samples_16k: Samples, *, regions: list[tuple[float, float]] | None = None
    ) -> list[SpeakerTurn]:
        if (
            regions is not None
        ):  # the regions back to back, turns mapped to the recording and cut at the joins
            from callqa.asr.regions import diarize_regions

            return diarize_regions(self, samples_16k, regions=regions)
        cfg = self.config
        if cfg.max_window_s > 0 and len(samples_16k) > cfg.max_window_s * 16000:  # bounded memory
            return diarize_in_windows(
                samples_16k, window_s=cfg.max_window_s, run=self.diarize_window, num_speakers=cfg.num_speakers
            )
        return list(self.diarize_window(np.asarray(samples_16k, dtype=np.float32)).turns)

    def diarize_window(self, samples_16k: Samples) -> WindowSpeakers:
        """pyannote's pipeline on one stretch: its turns and each speaker's centroid embedding."""
        import torch

        cfg = self.config
        waveform = torch.from_numpy(np.ascontiguousarray(samples_16k, dtype=np.float32))[None]
        kwargs: dict[str, int | None] = {}
        if cfg.num_speakers:
            kwargs["num_speakers"] = cfg.num_speakers
        else:
            kwargs.update(min_speakers=cfg.min_speakers, max_speakers=cfg.max_speakers)
        out = self.pipeline({"waveform": waveform, "sample_rate": 16000}, **kwargs)
        annotation = getattr(out, "speaker_diarization", out)
        turns = [
            SpeakerTurn(
                speaker=str(label), start_s=round(float(seg.start), 3), end_s=round(float(seg.end), 3)
            )
            for seg, _, label in annotation.itertracks(yield_label=True)
        ]
        embeddings = getattr(out, "speaker_embeddings", None)
        labels = [str(label) for label in annotation.labels()]
        centroids = (
            {label: np.asarray(embeddings[i]) for i, label in enumerate(labels) if i < len(embeddings)}
            if embeddings is not None
            else {}
        )
        return WindowSpeakers(tuple(sorted(turns, key=lambda t: (t.start_s, t.end_s))), centroids)
