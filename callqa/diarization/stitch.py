"""Fewer CAM++ embeddings for pyannote's diarization: embed every k-th 10-s chunk, reuse them in between.

pyannote's `SpeakerDiarization` slides its 10-s segmentation window by 1 s (step 0.1) and embeds every active
local speaker of every chunk, so each second of speech is embedded about ten times over; on a 2-core CPU the
embeddings are ~80 % of the diarization time. A larger step embeds less but also aggregates the segmentation
over fewer windows (DER on pyannote's sample.wav 5.8 % -> 6.7 % at step 0.2). Here the segmentation keeps its
step; only the embeddings are thinned out. Anchor chunks (every `stride`-th and the last) are embedded as
pyannote does; a local speaker of a chunk in between takes the embedding of the anchor speaker it matches in
the two chunks' common frames (>= 10 - stride/2 s of shared audio; Hungarian assignment on co-activity, as
pyannote 2 stitched chunks). A local speaker that does not match clearly — active mostly outside the shared
frames, or disagreeing with every anchor speaker there — is embedded from its own chunk.

The same class also breaks frame ties by context (`to_diarization`): see there.
"""

from __future__ import annotations

import math

import numpy as np

# Share of a local speaker's activity that must lie in the shared frames and coincide with its anchor match.
# Measured (DER, speech-only, stride 3): 0.5 -> aws-lca 49 0.271 (reused embeddings of short, mixed turns flipped
# the clustering); 0.8 -> 0.125 (stride 1: 0.138); sample.wav and aws-lca 40 equal to stride 1 at both
# (measured with pyannote's tie rule, before `to_diarization` below).
MIN_AGREEMENT = 0.8


def match_to_anchor(
    chunk: np.ndarray, anchor: np.ndarray, shift: int, *, min_agreement: float = MIN_AGREEMENT
) -> dict[int, int]:
    """Local speakers of `chunk` mapped to local speakers of `anchor` whose activity they share.

    chunk, anchor: (frames, speakers) binary activity of two chunks; `shift` = frame offset of `chunk` after
    `anchor` (negative: before). A speaker is mapped only when at least `min_agreement` of its activity lies in
    the shared frames, and the frames both are active in make up at least `min_agreement` of each one's
    activity there (so a voice split over two local speakers, or two voices merged in one, reuses nothing).
    """
    from scipy.optimize import linear_sum_assignment

    n = chunk.shape[0]
    if abs(shift) >= n:
        return {}
    if shift >= 0:
        c, a = chunk[: n - shift], anchor[shift:]
    else:
        c, a = chunk[-shift:], anchor[: n + shift]
    co = c.T @ a  # (chunk speakers, anchor speakers) frames active in both
    rows, cols = linear_sum_assignment(-co)
    total = chunk.sum(axis=0)
    shared = c.sum(axis=0)
    out: dict[int, int] = {}
    for s, b in zip(rows, cols, strict=True):
        if total[s] <= 0 or shared[s] < min_agreement * total[s]:
            continue
        if co[s, b] >= min_agreement * shared[s] and co[s, b] >= min_agreement * a[:, b].sum():
            out[int(s)] = int(b)
    return out


def stitched_diarization_class():
    """pyannote's `SpeakerDiarization` with `embedding_stride` (1 = pyannote's own embeddings)."""
    import torch
    from pyannote.audio.pipelines import SpeakerDiarization

    class StitchedSpeakerDiarization(SpeakerDiarization):
        embedding_stride: int = 1
        last_embedding_count: int = 0  # embeddings computed in the last call (for benchmarks)

        def get_embeddings(self, file, binary_segmentations, exclude_overlap=False, hook=None):
            stride = int(self.embedding_stride)
            data = np.nan_to_num(binary_segmentations.data, nan=0.0).astype(np.float32)
            num_chunks, num_frames, num_speakers = data.shape
            window = binary_segmentations.sliding_window
            if stride <= 1 or num_chunks <= 2:
                out = super().get_embeddings(file, binary_segmentations, exclude_overlap, hook)
                self.last_embedding_count = int(np.sum(~np.isnan(out[..., 0])))
                return out
            anchor_set = set(range(0, num_chunks, stride)) | {num_chunks - 1}
            anchors = sorted(anchor_set)
            frames_per_step = num_frames * window.step / window.duration
            todo: list[tuple[int, int]] = [(c, s) for c in anchors for s in range(num_speakers)]
            copies: list[tuple[int, int, int, int]] = []  # chunk, speaker <- anchor chunk, anchor speaker
            anchor_arr = np.asarray(anchors)
            for c in range(num_chunks):
                if c in anchor_set:
                    continue
                a = int(anchor_arr[np.argmin(np.abs(anchor_arr - c))])
                mapping = match_to_anchor(data[c], data[a], int(round((c - a) * frames_per_step)))
                for s in range(num_speakers):
                    if s in mapping:
                        copies.append((c, s, a, mapping[s]))
                    elif data[c, :, s].sum() > 0:
                        todo.append((c, s))
            embeddings = np.full((num_chunks, num_speakers, self._embedding.dimension), np.nan, np.float32)
            computed = self._embed_pairs(file, binary_segmentations, data, todo, exclude_overlap)
            for (c, s), emb in zip(todo, computed, strict=True):
                embeddings[c, s] = emb
            for c, s, a, b in copies:
                embeddings[c, s] = embeddings[a, b]
            self.last_embedding_count = int(np.sum(~np.isnan(computed[:, 0]))) if len(computed) else 0
            if hook is not None:
                hook("embeddings", None, total=1, completed=1)
            return embeddings

        @staticmethod
        def to_diarization(segmentations, count):
            """pyannote's frame-wise speaker choice, with ties broken by context instead of by cluster number.

            pyannote sums the binarized chunks over each frame and keeps the `count` best clusters; where chunks
            disagree evenly (often where only two chunks cover a frame, at the start and end of a recording)
            `argsort` picked the lower cluster number, so a turn boundary depended on how clusters happened to
            be numbered (aws-lca 49: "how can" of the agent's first sentence went to the customer or not,
            depending on the order). A tie now goes to the chunk that sees the frame nearer its centre (Hamming
            weights, scaled so they never outweigh one whole vote).
            """
            from pyannote.audio.core.inference import Inference
            from pyannote.core import SlidingWindowFeature

            votes = Inference.aggregate(
                segmentations, count.sliding_window, hamming=False, missing=0.0, skip_average=True
            )
            centred = Inference.aggregate(
                segmentations, count.sliding_window, hamming=True, missing=0.0, skip_average=True
            )
            # at most half a vote in all: breaks ties, never overturns a difference of one whole vote
            activations = votes.data + 0.5 * centred.data / max(float(np.max(centred.data)), 1e-9)
            _, num_speakers = activations.shape
            max_speakers_per_frame = int(np.max(count.data))
            if num_speakers < max_speakers_per_frame:
                activations = np.pad(activations, ((0, 0), (0, max_speakers_per_frame - num_speakers)))
            feature = SlidingWindowFeature(activations, votes.sliding_window)
            extent = feature.extent & count.extent
            feature = feature.crop(extent, return_data=False)
            count = count.crop(extent, return_data=False)
            order = np.argsort(-feature.data, axis=-1, kind="stable")
            binary = np.zeros_like(feature.data)
            for t, ((_, c), speakers) in enumerate(zip(count, order, strict=False)):
                for i in range(int(c.item())):
                    binary[t, speakers[i]] = 1.0
            return SlidingWindowFeature(binary, feature.sliding_window)

        def _embed_pairs(self, file, binary_segmentations, data, pairs, exclude_overlap):
            """pyannote's own per-(chunk, speaker) embedding, for the listed pairs only."""
            num_chunks, num_frames, _ = data.shape
            window = binary_segmentations.sliding_window
            min_num_frames = -1
            clean = data
            if exclude_overlap:
                num_samples = window.duration * self._embedding.sample_rate
                min_num_frames = math.ceil(num_frames * self._embedding.min_num_samples / num_samples)
                clean = data * (np.sum(data, axis=2, keepdims=True) < 2)
            out = np.full((len(pairs), self._embedding.dimension), np.nan, np.float32)
            batch_w: list[torch.Tensor] = []
            batch_m: list[torch.Tensor] = []
            batch_i: list[int] = []
            waveforms: dict[int, torch.Tensor] = {}

            def flush():
                if batch_w:
                    emb = self._embedding(torch.vstack(batch_w), masks=torch.vstack(batch_m))
                    out[batch_i] = emb
                    batch_w.clear()
                    batch_m.clear()
                    batch_i.clear()

            for i, (c, s) in enumerate(pairs):
                if c not in waveforms:
                    waveforms.clear()
                    waveforms[c], _ = self._audio.crop(file, window[c], mode="pad")
                mask = clean[c, :, s] if np.sum(clean[c, :, s]) > min_num_frames else data[c, :, s]
                batch_w.append(waveforms[c][None])
                batch_m.append(torch.from_numpy(np.ascontiguousarray(mask))[None])
                batch_i.append(i)
                if len(batch_w) >= self.embedding_batch_size:
                    flush()
            flush()
            return out

    return StitchedSpeakerDiarization
