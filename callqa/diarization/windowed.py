"""Two-party diarization without a segmentation model: speech regions → short-window CAM++ embeddings → clustering.

The recipe of 3D-Speaker's own CAM++ diarization (VAD, 1.5-s windows every 0.75 s, spectral clustering,
boundaries at the middle of overlapping windows), sized for telephone calls with two parties. It embeds each
second of speech about twice, where pyannote's pipeline runs segmentation on ten 10-s chunks per second and
embeds every (chunk, local speaker) pair. Overlapped speech is given to one speaker.
"""

from __future__ import annotations

import threading

import numpy as np

from callqa.config import DiarizationConfig
from callqa.ingest.audio import Samples
from callqa.types import SpeakerTurn

SAMPLE_RATE = 16000
FRAME_S = 0.01  # Kaldi fbank hop
MIN_EMBED_S = 0.25  # CAM++ needs >= 20 frames; shorter regions take the label of their nearest neighbour
MIN_CLUSTER_WINDOW_S = 1.0  # shorter windows do not shape the clusters, they are only assigned to them

_MODELS: dict[tuple[str, str], object] = {}
_LOCK = threading.Lock()


def vad_regions(
    samples_16k: Samples,
    *,
    threshold: float = 0.3,
    min_silence_s: float = 0.3,
    speech_pad_s: float = 0.1,
    min_speech_s: float = 0.2,
) -> list[tuple[float, float]]:
    """Speech regions (start_s, end_s) from Silero VAD (the ONNX model shipped with faster-whisper)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(
        threshold=threshold,
        min_silence_duration_ms=int(min_silence_s * 1000),
        speech_pad_ms=int(speech_pad_s * 1000),
        min_speech_duration_ms=int(min_speech_s * 1000),
    )
    stamps = get_speech_timestamps(np.ascontiguousarray(samples_16k, dtype=np.float32), opts)
    return [(t["start"] / SAMPLE_RATE, t["end"] / SAMPLE_RATE) for t in stamps]


def split_windows(
    regions: list[tuple[float, float]], *, window_s: float, hop_s: float
) -> list[tuple[int, float, float]]:
    """(region index, start_s, end_s) windows of `window_s` every `hop_s`; the last one ends with its region.

    >>> split_windows([(0.0, 1.0), (2.0, 4.0)], window_s=1.5, hop_s=0.75)
    [(0, 0.0, 1.0), (1, 2.0, 3.5), (1, 2.5, 4.0)]
    """
    out: list[tuple[int, float, float]] = []
    for r, (a, b) in enumerate(regions):
        if b - a <= window_s:
            out.append((r, a, b))
            continue
        n = int(np.ceil((b - a - window_s) / hop_s)) + 1
        starts = [a + i * hop_s for i in range(n - 1)] + [b - window_s]
        out += [(r, round(s, 3), round(s + window_s, 3)) for s in starts]
    return out


def _kmeans(x: np.ndarray, k: int, *, seed: int = 0, iters: int = 50) -> np.ndarray:
    """Plain k-means with k-means++ seeding (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        d = np.min([((x - c) ** 2).sum(axis=1) for c in centres], axis=0)
        centres.append(x[rng.choice(len(x), p=d / d.sum())] if d.sum() > 0 else x[rng.integers(len(x))])
    c = np.array(centres)
    labels = np.zeros(len(x), dtype=int)
    for _ in range(iters):
        new = np.argmin(((x[:, None, :] - c[None]) ** 2).sum(axis=2), axis=1)
        if _ and np.array_equal(new, labels):
            break
        labels = new
        c = np.array([x[labels == j].mean(axis=0) if np.any(labels == j) else c[j] for j in range(k)])
    return labels


def spectral_labels(
    embeddings: np.ndarray,
    *,
    num_speakers: int | None,
    max_speakers: int = 8,
    p_neighbours: float = 0.022,
    min_neighbours: int = 6,
) -> np.ndarray:
    """Cluster L2-normalised embeddings: pruned cosine affinity → Laplacian eigenvectors → k-means.

    Each row keeps its strongest `max(min_neighbours, p_neighbours * n)` affinities, as in 3D-Speaker. Without
    `num_speakers` the count is the largest eigengap among the first `max_speakers` eigenvalues.
    """
    n = len(embeddings)
    k_fixed = num_speakers or 0
    if n <= max(k_fixed, 1):
        return np.arange(n)
    x = embeddings / (np.linalg.norm(embeddings, axis=1, keepdims=True) + 1e-12)
    sim = x @ x.T
    keep = min(n, max(min_neighbours, int(p_neighbours * n)))
    affinity = np.zeros_like(sim)
    top = np.argpartition(-sim, keep - 1, axis=1)[:, :keep]
    rows = np.arange(n)[:, None]
    affinity[rows, top] = 1.0
    affinity = 0.5 * (affinity + affinity.T)
    laplacian = np.diag(affinity.sum(axis=1)) - affinity
    values, vectors = np.linalg.eigh(laplacian)
    k = k_fixed or int(np.argmax(np.diff(values[: max_speakers + 1]))) + 1
    return _kmeans(vectors[:, :k], k)


def refine_to_centroids(embeddings: np.ndarray, labels: np.ndarray, *, iters: int = 3) -> np.ndarray:
    """Re-assign every embedding to the nearest cluster centroid (cosine), a few rounds."""
    x = embeddings / (np.linalg.norm(embeddings, axis=1, keepdims=True) + 1e-12)
    ids = np.unique(labels)
    for _ in range(iters):
        cents = np.array([x[labels == j].mean(axis=0) for j in ids])
        new = ids[np.argmax(x @ cents.T, axis=1)]
        if np.array_equal(new, labels) or len(np.unique(new)) < len(ids):
            break
        labels = new
    return labels


def windows_to_turns(
    windows: list[tuple[int, float, float]],
    labels: list[int] | np.ndarray,
    regions: list[tuple[float, float]],
    *,
    merge_gap_s: float = 0.0,
) -> list[SpeakerTurn]:
    """Speaker turns: each window owns its region from the middle of its overlap with the previous window to
    the middle of its overlap with the next; same-speaker neighbours closer than `merge_gap_s` are joined.

    >>> windows_to_turns([(0, 0.0, 1.5), (0, 0.75, 2.25)], [0, 1], [(0.0, 2.25)])
    [SpeakerTurn(speaker='SPEAKER_00', start_s=0.0, end_s=1.125), SpeakerTurn(speaker='SPEAKER_01', start_s=1.125, end_s=2.25)]
    """
    pieces: list[tuple[float, float, int]] = []
    for i, (r, a, b) in enumerate(windows):
        start = regions[r][0] if i == 0 or windows[i - 1][0] != r else 0.5 * (a + windows[i - 1][2])
        end = (
            regions[r][1]
            if i + 1 == len(windows) or windows[i + 1][0] != r
            else 0.5 * (windows[i + 1][1] + b)
        )
        if end > start:
            pieces.append((start, end, int(labels[i])))
    turns: list[list] = []
    for a, b, lab in sorted(pieces):
        if turns and turns[-1][2] == lab and a - turns[-1][1] <= merge_gap_s + 1e-9:
            turns[-1][1] = max(turns[-1][1], b)
        else:
            turns.append([a, b, lab])
    order = {lab: i for i, lab in enumerate(dict.fromkeys(t[2] for t in turns))}
    return [SpeakerTurn(f"SPEAKER_{order[lab]:02d}", round(a, 3), round(b, 3)) for a, b, lab in turns]


def _nearest_labelled(i: int, labels: list[int | None], windows: list[tuple[int, float, float]]) -> int:
    centre = 0.5 * (windows[i][1] + windows[i][2])
    known = [
        (abs(0.5 * (w[1] + w[2]) - centre), labels[j]) for j, w in enumerate(windows) if labels[j] is not None
    ]
    return int(min(known)[1] or 0) if known else 0


class WindowedDiarizer:
    """Silero VAD → 1.5-s CAM++ windows → spectral clustering (`diarization.backend: campplus`)."""

    def __init__(self, config: DiarizationConfig):
        self.config = config
        self.name = "campplus-windows:silero-vad+campplus+spectral"

    @property
    def embedder(self):
        from callqa.models.paths import campplus_checkpoint

        path = str(campplus_checkpoint(self.config.embedding_path))
        key = (path, self.config.runtime)
        with _LOCK:
            if key not in _MODELS:
                from callqa.diarization.campplus import CamPlusPlus

                _MODELS[key] = CamPlusPlus(path, runtime=self.config.runtime)
            return _MODELS[key]

    def embed(self, samples_16k: Samples, windows: list[tuple[int, float, float]]) -> np.ndarray:
        """One CAM++ embedding per window from one fbank pass over the call (NaN rows for too-short windows)."""
        import torch

        model = self.embedder
        with torch.inference_mode():
            feats = model._fbank(
                torch.from_numpy(np.ascontiguousarray(samples_16k, dtype=np.float32))[None] * (1 << 15)
            )
            out = np.full((len(windows), model.dimension), np.nan, dtype=np.float32)
            by_len: dict[int, list[tuple[int, int]]] = {}
            for i, (_, a, b) in enumerate(windows):
                f0, f1 = int(round(a / FRAME_S)), min(int(round(b / FRAME_S)), feats.shape[0])
                if f1 - f0 >= MIN_EMBED_S / FRAME_S:
                    by_len.setdefault(f1 - f0, []).append((i, f0))
            for length, items in by_len.items():  # equal-length windows run as one batch
                for k in range(0, len(items), self.config.embedding_batch_size):
                    chunk = items[k : k + self.config.embedding_batch_size]
                    x = torch.stack([feats[f0 : f0 + length] for _, f0 in chunk])
                    emb = model._net(x - x.mean(dim=1, keepdim=True))
                    out[[i for i, _ in chunk]] = emb.numpy()
        return out

    def diarize(
        self, samples_16k: Samples, *, regions: list[tuple[float, float]] | None = None
    ) -> list[SpeakerTurn]:
        if (
            regions is not None
        ):  # the regions back to back, turns mapped to the recording and cut at the joins
            from callqa.asr.regions import diarize_regions

            return diarize_regions(self, samples_16k, regions=regions)
        cfg = self.config
        regions = vad_regions(samples_16k, threshold=cfg.vad_threshold)
        if not regions:
            return []
        windows = split_windows(regions, window_s=cfg.window_s, hop_s=cfg.window_hop_s)
        emb = self.embed(samples_16k, windows)
        ok = ~np.isnan(emb).any(axis=1)
        core = ok & np.array([b - a >= MIN_CLUSTER_WINDOW_S for _, a, b in windows])
        if core.sum() < 2:
            core = ok
        labels: list[int | None] = [None] * len(windows)
        if core.any():
            k = cfg.num_speakers
            max_k = cfg.max_speakers or 8
            core_labels = spectral_labels(emb[core], num_speakers=k, max_speakers=max_k)
            idx = np.flatnonzero(ok)
            all_labels = np.zeros(len(idx), dtype=int)
            x = emb[ok] / np.linalg.norm(emb[ok], axis=1, keepdims=True)
            cents = np.array(
                [
                    x[np.isin(idx, np.flatnonzero(core)[core_labels == j])].mean(axis=0)
                    for j in np.unique(core_labels)
                ]
            )
            all_labels = refine_to_centroids(emb[ok], np.argmax(x @ cents.T, axis=1))
            for i, lab in zip(idx, all_labels, strict=True):
                labels[i] = int(lab)
        final = [
            lab if lab is not None else _nearest_labelled(i, labels, windows) for i, lab in enumerate(labels)
        ]
        return windows_to_turns(windows, final, regions, merge_gap_s=cfg.min_duration_off_s)
