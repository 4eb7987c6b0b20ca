"""Mandarin "４" where commas belong: the cause (Whisper's byte-level decoding of "，", invited by a prompt
written with "，") and the repair (issue 11)."""

from pathlib import Path

import numpy as np
import pytest

from callqa.asr.whisper import FILLER_PROMPTS, _repair_words, repair_fullwidth_commas

DATA = Path(__file__).resolve().parent.parent / "data" / "external"


def test_the_reported_transcript_is_repaired():
    bad = "你这个架期有什么安排啊４反正待在家里也没事感４"
    fixed, n = repair_fullwidth_commas(bad)
    assert n == 2 and fixed == "你这个架期有什么安排啊，反正待在家里也没事感，"


@pytest.mark.parametrize("text", ["第４５号", "ＡＢＣ公司", "我要ＶＩＰ", "4 个", "打电话给ＩＴ部"])
def test_fullwidth_numbers_and_words_are_kept(text):
    assert repair_fullwidth_commas(text) == (text, 0)


def test_words_keep_their_boundaries():
    assert _repair_words(["安排", "啊４", "反正"]) == ["安排", "啊，", "反正"]
    assert _repair_words(["安排啊", "４", "反正"]) == ["安排啊", "，", "反正"]


def test_prompt_has_no_fullwidth_comma():
    assert "，" not in FILLER_PROMPTS["zh"] and "," in FILLER_PROMPTS["zh"]


@pytest.mark.integration
def test_whisper_guesses_the_last_byte_of_a_fullwidth_comma():
    """The cause, measured on real Mandarin speech at 8 kHz: after the first two bytes of "，" (EF BC) the
    model's next-byte distribution is nearly flat, so "，" (8C) is no likelier than "４" (94) or "１" (91);
    and a prompt with "，" is what makes it start that 3-byte sequence (an ASCII-comma prompt does not)."""
    import ctranslate2
    import soundfile as sf
    import tokenizers
    from faster_whisper.feature_extractor import FeatureExtractor
    from scipy.signal import resample_poly

    from callqa.models.paths import resolve_whisper_model

    model_dir = resolve_whisper_model("base", None)
    tok = tokenizers.Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    x, sr = sf.read(DATA / "azure-speech-sdk" / "zhcn_continuous_mode_sample.wav", dtype="float32")
    x = resample_poly(resample_poly(x[: sr * 30], 8000, sr), 2, 1).astype(np.float32)  # telephone rate
    feat = FeatureExtractor(feature_size=80)(x)[:, :3000]
    feat = np.pad(feat, ((0, 0), (0, 3000 - feat.shape[1])))[None].astype(np.float32)
    model = ctranslate2.models.Whisper(model_dir, compute_type="int8")

    def ids(s):
        return tok.encode(s, add_special_tokens=False).ids

    def next_probs(prompt, prefix):
        p = [tok.token_to_id("<|startofprev|>"), *ids(" " + prompt)] if prompt else []
        p += [
            tok.token_to_id(t)
            for t in ("<|startoftranscript|>", "<|zh|>", "<|transcribe|>", "<|notimestamps|>")
        ]
        p += prefix
        r = model.generate(ctranslate2.StorageView.from_array(np.ascontiguousarray(feat)), [p], beam_size=1,
                           max_length=len(p) + 1, return_logits_vocab=True, suppress_blank=False)  # fmt: skip
        lg = np.asarray(r[0].logits[0][len(prefix)], dtype=np.float64)
        e = np.exp(lg - lg.max())
        return e / e.sum()

    comma = ids("，")
    assert len(comma) == 3 and ids("４")[:2] == comma[:2]  # "，" and "４" share their first two byte tokens
    third = next_probs(FILLER_PROMPTS["zh"], ids("秋天") + comma[:2])
    assert third[comma[2]] < 0.2 and third[ids("４")[2]] > 0.01  # the last byte is a guess
    old_prompt = FILLER_PROMPTS["zh"].replace(",", "，")
    start_old = max(next_probs(old_prompt, ids(pre))[comma[0]] for pre in ("秋天", "秋天总是那么富有诗意"))
    start_new = max(
        next_probs(FILLER_PROMPTS["zh"], ids(pre))[comma[0]] for pre in ("秋天", "秋天总是那么富有诗意")
    )
    assert start_old > 0.05 and start_new < 0.01  # measured: 0.23 vs 0.000
