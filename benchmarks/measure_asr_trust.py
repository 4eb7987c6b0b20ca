"""Transcript confidence vs accuracy, and fillers Whisper invents, on real clips with human transcripts.

For each real clip (en/zh/ru, see /work/shared/data/external/SOURCES.md) in two conditions — `wide`
(as recorded) and `phone` (8 kHz, 300-3400 Hz, 8-bit µ-law) — and two decodings — `prompt` (the
disfluent filler prompt, `asr.keep_fillers: true`) and `plain` (no prompt) — it records:

* WER (en/ru words) or CER (zh characters) against the human transcript, after `normalize_text`;
* the mean Whisper word probability (what `trust` gates on);
* the fillers the product's lexicon finds in the ASR words, each with its word probability, and how
  many of them the human transcript has (the rest were invented: these read/spontaneous clips are
  transcribed verbatim, fillers included, e.g. "you know" in pyannote's sample).

    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/measure_asr_trust.py --out benchmarks/results/asr_trust.json

Whisper base int8, CPU, 1 thread, default decoding otherwise (beam 5, VAD, temperature fallback;
`--fallback sampling` for faster-whisper's sampled retries instead of the deterministic ones).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from callqa.asr.whisper import WhisperTranscriber
from callqa.config import AsrConfig
from callqa.ingest.audio import load_audio, resample
from callqa.text.lexicon import find_fillers, load_phrasebook
from callqa.text.tokens import tokenize_text, tokens_of_utterance
from callqa.types import Utterance

EXT = Path("/work/shared/data/external")


def _stm(path: Path) -> str:
    return " ".join(line.split(maxsplit=5)[5] for line in path.read_text().splitlines() if line.strip())


# Fillers in the human transcripts, labelled by hand (only pyannote's spontaneous call has any:
# "then I thought you know, I heard a beep", "At least you know, they all call me a Yankee")
REF_FILLERS = {"pyannote_sample_spont": ["you know", "you know"]}


def clips() -> list[tuple[str, str, Path, str]]:
    """(name, language, audio, human transcript)."""
    wenet = dict(
        line.split(maxsplit=1) for line in (EXT / "wenet/text").read_text(encoding="utf-8").splitlines()
    )
    osr = json.loads((EXT / "osr-joinly/test_samples.json").read_text())[0]["transcription"]
    golos = json.loads((EXT / "golos/example1.json").read_text(encoding="utf-8").splitlines()[0])["text"]
    return [
        (
            "jfk",
            "en",
            EXT / "faster-whisper/jfk.flac",
            "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
        ),
        ("osr_harvard_8k", "en", EXT / "osr-joinly/OSR_us_000_0034_8k.wav", osr),
        (
            "librispeech",
            "en",
            EXT / "wenet/librispeech-1995-1837-0001.wav",
            wenet["test/resources/dataset/librispeech-1995-1837-0001"],
        ),
        (
            "pyannote_sample_spont",
            "en",
            EXT / "pyannote-audio/sample.wav",
            _stm(EXT / "pyannote-audio/sample.stm"),
        ),
        ("pisets_en", "en", EXT / "pisets/test_sound_en.wav", "neural networks are good"),
        (
            "weather_mulaw",
            "en",
            EXT / "azure-speech-sdk/whatstheweatherlike-mulaw.wav",
            "What's the weather like?",
        ),
        (
            "aishell",
            "zh",
            EXT / "wenet/aishell-BAC009S0724W0121.wav",
            wenet["test/resources/dataset/aishell-BAC009S0724W0121"],
        ),
        (
            "azure_zh_read",
            "zh",
            EXT / "azure-speech-sdk/zhcn_continuous_mode_sample.wav",
            (EXT / "azure-speech-sdk/zhcn_continuous_mode_sample.txt").read_text(encoding="utf-8"),
        ),
        ("funasr_query", "zh", EXT / "funasr/sample.wav", "我想问我在滨海新区有房"),
        ("funasr_example", "zh", EXT / "funasr/asr_example.wav", "欢迎大家来体验达摩院推出的语音识别模型"),
        ("golos", "ru", EXT / "golos/001ce26c07c20eaa0d666b824c6c6924.wav", golos),
        ("pisets_ru", "ru", EXT / "pisets/test_sound_ru.wav", "нейронные сети это хорошо"),
    ]


def phone(x: np.ndarray, sr: int) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    y = sosfilt(butter(4, [300, 3400], btype="band", fs=8000, output="sos"), resample(x, sr, 8000))
    y = np.clip(y / max(1e-9, np.abs(y).max()) * 0.7, -1, 1)
    mu = 255.0  # 8-bit µ-law round trip
    q = np.round(np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu) * 127) / 127
    y = np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu
    return resample(y.astype(np.float32), 8000, 16000)


def units(text: str, language: str) -> list[str]:
    return tokenize_text(text, language=language)  # zh: characters, en/ru: words


def edit_distance(a: list[str], b: list[str]) -> int:
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
    return d[len(b)]


def run(args) -> list[dict]:
    rows = []
    base = AsrConfig(fallback=args.fallback)
    decodings = {
        "prompt": dataclasses.replace(base, keep_fillers=True),
        "plain": dataclasses.replace(base, keep_fillers=False),
    }
    for name, lang, path, ref in clips():
        if args.only and name not in args.only:
            continue
        audio = load_audio(path)
        x = audio.mono()
        book = load_phrasebook(lang)
        ref_fillers = Counter(REF_FILLERS.get(name, []))
        for cond in ("wide", "phone"):
            x16 = resample(x, audio.sample_rate, 16000) if cond == "wide" else phone(x, audio.sample_rate)
            for dec, cfg in decodings.items():
                t0 = time.time()
                segs = WhisperTranscriber(cfg).transcribe(x16, language=lang)
                words = [w for s in segs for w in s.words]
                hyp = " ".join(s.text for s in segs)
                errs = edit_distance(units(ref, lang), units(hyp, lang))
                found = []
                for s in segs:
                    if not s.words:
                        continue
                    u = Utterance("A", "agent", s.words[0].start_s, s.words[-1].end_s, s.text, s.words)
                    found += find_fillers(tokens_of_utterance(u, language=lang, pause_s=book.pause_s), book)
                left = Counter(ref_fillers)
                items = []
                for h in found:
                    real = left[h.word] > 0
                    left[h.word] -= real
                    items.append({"word": h.word, "probability": h.probability, "in_reference": bool(real)})
                probs = [w.probability for w in words if w.probability is not None]
                rows.append({
                    "clip": name, "language": lang, "condition": cond, "decoding": dec,
                    "error_rate": round(errs / max(1, len(units(ref, lang))), 3),
                    "mean_word_probability": round(float(np.mean(probs)), 3) if probs else None,
                    "words": len(words), "ref_fillers": sum(ref_fillers.values()), "fillers": items,
                    "hyp": hyp[:300], "seconds": round(time.time() - t0, 1),
                })  # fmt: skip
                r = rows[-1]
                print(
                    f"{name:22s} {lang} {cond:5s} {dec:6s} err={r['error_rate']:.3f} "
                    f"p={r['mean_word_probability']} fillers={[(i['word'], i['probability'], i['in_reference']) for i in items]} "
                    f"ref_fillers={r['ref_fillers']} :: {hyp[:80]}",
                    flush=True,
                )
    return rows


def summarize(rows: list[dict], min_probability: float) -> None:
    """Per language and decoding: mean error, fillers found / real / invented (all, and >= the floor)."""
    print(
        f"\n| language | decoding | runs | mean error | mean word prob | fillers found | real | invented | "
        f"invented >= {min_probability} | real >= {min_probability} |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lang in ("en", "zh", "ru"):
        for dec in ("prompt", "plain"):
            rs = [r for r in rows if r["language"] == lang and r["decoding"] == dec]
            if not rs:
                continue
            items = [i for r in rs for i in r["fillers"]]
            real = [i for i in items if i["in_reference"]]
            inv = [i for i in items if not i["in_reference"]]

            def hi(xs):
                return sum(1 for i in xs if i["probability"] is None or i["probability"] >= min_probability)

            print(
                f"| {lang} | {dec} | {len(rs)} | {np.mean([r['error_rate'] for r in rs]):.3f} | "
                f"{np.mean([r['mean_word_probability'] or 0 for r in rs]):.3f} | {len(items)} | {len(real)} | "
                f"{len(inv)} | {hi(inv)} | {hi(real)} |"
            )
    print("\n| error rate | runs | mean word prob (min-max) |")
    print("|---|---|---|")
    for lo, hi_ in ((0.0, 0.1), (0.1, 0.3), (0.3, 10.0)):
        ps = [
            r["mean_word_probability"]
            for r in rows
            if lo <= r["error_rate"] < hi_ and r["mean_word_probability"]
        ]
        if ps:
            print(f"| {lo:.1f}-{hi_:.1f} | {len(ps)} | {np.mean(ps):.3f} ({min(ps):.3f}-{max(ps):.3f}) |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/asr_trust.json")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--summarize", help="only print the tables of an earlier --out JSON")
    ap.add_argument("--min-probability", type=float, default=0.5)
    ap.add_argument(
        "--fallback", default="deterministic", choices=["deterministic", "sampling"], help="asr.fallback"
    )
    args = ap.parse_args()
    if args.summarize:
        summarize(json.loads(Path(args.summarize).read_text(encoding="utf-8")), args.min_probability)
        return
    rows = run(args)
    summarize(rows, args.min_probability)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
