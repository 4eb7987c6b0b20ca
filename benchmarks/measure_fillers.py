"""Filler recall / precision of the ASR stage on clips with known fillers, per decoding configuration.

    .venv/bin/python benchmarks/measure_fillers.py [--conditions wide phone] [--configs nofill default ...]
        [--real PATH.wav]

Clips: tests/data/generated/fillers (scripts/make_filler_clips.py; exact texts in clips.json).
Each clip is transcribed by `WhisperTranscriber` under each configuration; the product's filler
rules (`configs/phrases/en.yaml` via `callqa.text.lexicon.find_fillers`) are run on the words, and
each hit is aligned (Levenshtein) to the reference tokens: a hit on a reference filler is a true
positive (um heard as uh still counts: the check counts fillers, not which one), anything else a
false positive. "hes" = um/uh/er/hmm, "disc" = like / you know used as fillers.
WER is over the non-filler words only (reference fillers removed; hypothesis tokens that are
lexicon fillers or aligned to a reference filler removed), so a prompt that garbles words shows.
`--real` adds a recording without labels: only the number of hesitation fillers heard is printed.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from callqa.asr.whisper import WhisperTranscriber
from callqa.config import load_config
from callqa.text.lexicon import find_fillers, load_phrasebook
from callqa.text.tokens import tokens_of_utterance
from callqa.types import Utterance, Word

ROOT = Path(__file__).resolve().parent.parent
CLIPS = ROOT / "tests" / "data" / "generated" / "fillers"

ALT_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."  # OpenAI prompting guide
CALL_PROMPT = (
    "Uh, thanks for calling, um, so, uh, let me, hmm, er, check that, um, for you. Uh-huh, like, you know."
)

CONFIGS: dict[str, list[str]] = {
    "nofill": ["asr.keep_fillers=false"],
    "default": [],
    "default_sampling": ["asr.fallback=sampling"],  # faster-whisper's sampled retries (before issue 17)
    "alt_prompt": [f'asr.initial_prompt={{en: "{ALT_PROMPT}"}}'],
    "call_prompt": [f'asr.initial_prompt={{en: "{CALL_PROMPT}"}}'],
    "default_beam1": ["asr.beam_size=1"],
    "default_novad": ["asr.vad_filter=false"],
    "default_cond": ["asr.condition_on_previous_text=true"],
    "default_t0": ["asr.temperature=[0.0]"],  # no temperature fallback (callqa before 0.1: loops)
    "default_vad03": ["asr.vad_threshold=0.3"],
    "default_novad_hst": ["asr.vad_filter=false", "asr.hallucination_silence_threshold=2.0"],
}

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _number_words(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    return [str(n)]


def norm_words(text: str) -> list[str]:
    """Lowercase words, digits spelled out (Whisper writes "$42" for "forty two dollars")."""
    out: list[str] = []
    for w in re.findall(r"\$?\d+|[a-z']+", text.lower().replace("-", " ")):
        if w[0] == "$":
            out += _number_words(int(w[1:])) + ["dollars"]
        elif w.isdigit():
            out += _number_words(int(w))
        else:
            out.append(w.strip("'"))
    return [w for w in out if w]


def align(ref: list[str], hyp: list[str]) -> list[tuple[int | None, int | None]]:
    """Levenshtein alignment: pairs (ref index | None, hyp index | None)."""
    n, m = len(ref), len(hyp)
    d = np.zeros((n + 1, m + 1), dtype=np.int32)
    d[:, 0] = np.arange(n + 1)
    d[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]))
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and d[i, j] == d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and d[i, j] == d[i - 1, j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    return sum(1 for r, h in align(ref, hyp) if r is None or h is None or ref[r] != hyp[h])


def load_16k(path: Path) -> np.ndarray:
    x, sr = sf.read(path, dtype="float32")
    if x.ndim > 1:
        x = x.mean(axis=1)
    return x if sr == 16_000 else resample_poly(x, 16_000, sr).astype(np.float32)


def score_clip(clip: dict, words: list[Word], book) -> dict:
    """Per-clip counts: reference fillers, hits, true positives, word errors on non-filler words."""
    ref = [t["word"] for t in clip["tokens"]]
    ref_filler = [t["filler"] for t in clip["tokens"]]
    # a filler unit starts at a filler token not preceded by a filler token of the same phrase ("you know")
    unit_start = [
        f and not (i and ref_filler[i - 1] and ref[i - 1] == "you" and ref[i] == "know")
        for i, f in enumerate(ref_filler)
    ]
    hes = {"um", "uh", "er", "hmm"}
    if not words:
        n_units = sum(unit_start)
        return {
            "units": n_units,
            "hes_units": sum(u and ref[i] in hes for i, u in enumerate(unit_start)),
            "hits": 0,
            "tp": 0,
            "hes_tp": 0,
            "errors": sum(not f for f in ref_filler),
            "ref_words": sum(not f for f in ref_filler),
            "hyp": "",
        }
    utt = Utterance(
        "a", "agent", words[0].start_s, words[-1].end_s, " ".join(w.text for w in words), tuple(words)
    )
    toks = tokens_of_utterance(utt, language="en", pause_s=book.pause_s)
    hits = find_fillers(toks, book)
    hyp = [t.text for t in toks]
    # product tokens are normalized already; spell out numbers the same way as the reference
    hyp_norm: list[str] = []
    owner: list[int] = []  # hyp_norm index -> product token index
    for k, t in enumerate(hyp):
        for w in norm_words(t) or [t]:
            hyp_norm.append(w)
            owner.append(k)
    pairs = align(ref, hyp_norm)
    ref_of_tok: dict[int, int] = {}
    for r, h in pairs:
        if r is not None and h is not None:
            ref_of_tok.setdefault(owner[h], r)
    hit_toks: set[int] = set()
    tp = hes_tp = 0
    for hit in hits:
        k = next(i for i, t in enumerate(toks) if t.start_s == hit.start_s and hit.word.split()[0] == t.text)
        n = len(hit.word.split())
        hit_toks.update(range(k, k + n))
        r = ref_of_tok.get(k)
        if r is not None and ref_filler[r]:
            tp += 1
            hes_tp += ref[r] in hes
    # WER on non-filler words
    ref_words = [w for w, f in zip(ref, ref_filler, strict=True) if not f]
    drop = hit_toks | {k for k, r in ref_of_tok.items() if ref_filler[r]}
    hyp_words = [w for w, k in zip(hyp_norm, owner, strict=True) if k not in drop]
    return {
        "units": sum(unit_start),
        "hes_units": sum(u and ref[i] in hes for i, u in enumerate(unit_start)),
        "hits": len(hits),
        "tp": tp,
        "hes_tp": hes_tp,
        "errors": edit_distance(ref_words, hyp_words),
        "ref_words": len(ref_words),
        "hyp": " ".join(w.text for w in words),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conditions", nargs="+", default=["wide", "phone"])
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS))
    ap.add_argument("--real", type=Path, help="an unlabelled recording: count hesitations per config")
    ap.add_argument("--dump", type=Path, help="write every hypothesis to this JSON")
    args = ap.parse_args()
    meta = json.loads((CLIPS / "clips.json").read_text())
    book = load_phrasebook("en")
    audio = {
        (cond, c["id"]): load_16k(CLIPS / cond / (f"{c['id']}.flac" if cond == "wide" else f"{c['id']}.wav"))
        for cond in args.conditions
        for c in meta["clips"]
    }
    rows, dump = [], {}
    print(f"{len(meta['clips'])} clips, {sum(c['fillers'] for c in meta['clips'])} filler tokens")
    print(
        f"{'config':<15}{'clips':<7}{'fillers':>8}{'hits':>6}{'recall':>8}{'prec':>7}{'hes_rec':>9}{'disc_rec':>9}{'WER':>7}{'RTF':>7}"
    )
    for name in args.configs:
        asr = WhisperTranscriber(load_config(None, CONFIGS[name]).asr)
        for cond in args.conditions:
            tot: dict[str, float] = {}
            t0, dur = time.perf_counter(), 0.0
            for c in meta["clips"]:
                x = audio[(cond, c["id"])]
                dur += len(x) / 16_000
                words = [w for seg in asr.transcribe(x, language="en") for w in seg.words]
                s = score_clip(c, words, book)
                dump[f"{name}/{cond}/{c['id']}"] = s["hyp"]
                for k, v in s.items():
                    if k != "hyp":
                        tot[k] = tot.get(k, 0) + v
            rtf = (time.perf_counter() - t0) / dur
            rec = tot["tp"] / tot["units"]
            prec = tot["tp"] / tot["hits"] if tot["hits"] else float("nan")
            hes_rec = tot["hes_tp"] / tot["hes_units"]
            disc_rec = (tot["tp"] - tot["hes_tp"]) / (tot["units"] - tot["hes_units"])
            wer = tot["errors"] / tot["ref_words"]
            rows.append((name, cond, rec, prec, wer))
            print(
                f"{name:<15}{cond:<7}{int(tot['units']):>8}{int(tot['hits']):>6}{rec:>8.2f}{prec:>7.2f}"
                f"{hes_rec:>9.2f}{disc_rec:>9.2f}{wer:>7.3f}{rtf:>7.2f}",
                flush=True,
            )
        if args.real:
            x = load_16k(args.real)
            t0 = time.perf_counter()
            words = [w for seg in asr.transcribe(x, language="en") for w in seg.words]
            norm = [re.sub(r"[^a-z]", "", w.text.lower()) for w in words]
            n_hes = sum(
                1 for w in norm if w in book.filler_words or any(p.fullmatch(w) for p in book.filler_patterns)
            )
            dump[f"{name}/real"] = " ".join(w.text for w in words)
            print(
                f"{name:<15}real   {len(words)} words, {n_hes} hesitation fillers, "
                f"RTF {(time.perf_counter() - t0) / (len(x) / 16_000):.2f}",
                flush=True,
            )
    if args.dump:
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
