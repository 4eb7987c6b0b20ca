"""Nothing redacted reaches calls/*.json, the Parquet tables, the transcript cache or the evidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from pii_calls import SECRETS, write_calls

from callqa.asr.whisper import AsrSegment
from callqa.cli import main
from callqa.models.holder import Models
from callqa.types import SpeakerTurn, Word

ALL_SECRETS = [s for v in SECRETS.values() for s in v]


def stored_text(out: Path) -> dict[str, str]:
    """Every file under `out` as text: Parquet files as the text of all their cells, anything else (JSON, YAML,
    state files, the DuckDB file) as its bytes decoded leniently, so a string stored anywhere is seen."""
    texts = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            texts[str(path)] = pd.read_parquet(path).astype(str).to_csv(index=False)
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="ignore")
        if path.suffix == ".json":  # words are stored one by one: scan them joined too
            texts[str(path)] += "\n" + "\n".join(joined_words(json.loads(path.read_text(encoding="utf-8"))))
    return texts


def joined_words(node: object) -> list[str]:
    """The texts of every `words` list in a JSON document, joined with and without spaces."""
    out = []
    if isinstance(node, dict):
        words = node.get("words")
        if isinstance(words, list) and words and isinstance(words[0], dict):
            texts = [str(w.get("text", "")).strip() for w in words]
            out += [" ".join(texts), "".join(texts)]
        for v in node.values():
            out += joined_words(v)
    elif isinstance(node, list):
        for v in node:
            out += joined_words(v)
    return out


def assert_no_secrets(out: Path, secrets: list[str]) -> None:
    for path, text in stored_text(out).items():
        low = text.lower()
        leaked = [s for s in secrets if s.lower() in low]
        assert not leaked, f"{path} holds {leaked}"


def test_imported_batch_stores_no_personal_data(tmp_path: Path) -> None:
    manifest = write_calls(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    assert_no_secrets(out, ALL_SECRETS)
    utts = pd.read_parquet(out / "utterances.parquet")
    for lang in ("en", "zh", "ru"):
        text = " ".join(utts[utts.call_id == f"pii_{lang}"].text)
        assert "[CARD]" in text and "[PHONE]" in text and "[EMAIL]" in text
        call = json.loads((out / "calls" / f"pii_{lang}.json").read_text(encoding="utf-8"))
        assert call["transcript_info"]["redaction"]["found"] == {"card": 1, "email": 1, "phone": 1}
        words = [w for u in call["utterances"] for w in u["words"]]
        assert any(w["text"].startswith("[CARD]") and w["end_s"] > w["start_s"] for w in words)
    # control: with redaction off the same batch does store them (the scan above can see a leak)
    off = tmp_path / "off"
    assert main(["score", str(manifest), "--out", str(off), "--set", "redact.kinds=[]"]) == 0
    utterance_tables = {p: t for p, t in stored_text(off).items() if "utterances.parquet" in p}
    assert utterance_tables and any("four five three two" in t for t in utterance_tables.values())


class ScriptedAsr:
    """Unit-test stand-in for Whisper: the same words for every input."""

    name = "scripted-asr"

    def __init__(self, words: list[Word]):
        self.words = words

    def transcribe(self, samples_16k: np.ndarray, *, language: str, regions=None) -> list[AsrSegment]:
        text = " ".join(w.text for w in self.words)
        return [AsrSegment(self.words[0].start_s, self.words[-1].end_s, text, tuple(self.words))]


class OneSpeaker:
    name = "one-speaker"

    def diarize(self, samples_16k: np.ndarray, *, regions=None) -> list[SpeakerTurn]:
        return [SpeakerTurn("SPEAKER_00", 0.0, 10.0)]


@pytest.fixture
def asr_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    said = ("Thank you for calling Acme, my card is 4532 0151 1283 0366 and you can call me on "
            "four one five five five five two six seven one, thank you, goodbye.").split()  # fmt: skip
    words = [Word(t, 0.5 + 0.25 * i, 0.5 + 0.25 * i + 0.2, 0.9) for i, t in enumerate(said)]
    monkeypatch.setattr(Models, "asr", lambda self: ScriptedAsr(words))
    monkeypatch.setattr(Models, "diarization", lambda self: OneSpeaker())
    rng = np.random.default_rng(0)
    x = (0.2 * rng.standard_normal(80000) * (0.6 + 0.4 * np.sin(np.arange(80000) / 300))).astype(np.float32)
    path = tmp_path / "in" / "asr_call.wav"
    path.parent.mkdir(parents=True)
    sf.write(str(path), x, 8000)
    return path


def test_asr_transcript_is_redacted_before_the_cache_and_on_rescore(tmp_path: Path, asr_call: Path) -> None:
    out = tmp_path / "out"
    assert main(["score", str(asr_call), "--out", str(out)]) == 0
    secrets = ["4532 0151", "1283 0366", "four one five", "two six seven one"]
    cached = list((out / "cache" / "transcripts").glob("*.json"))
    assert len(cached) == 1
    assert "[CARD]" in cached[0].read_text() and "[PHONE]" in cached[0].read_text()
    assert_no_secrets(out, secrets)
    assert main(["rescore", str(out)]) == 0  # from the (redacted) cache, no model
    assert_no_secrets(out, secrets)
    call = json.loads((out / "calls" / "asr_call.json").read_text())
    # evidence quotes transcript words (checked for secrets above, in calls/*.json and checks.parquet)
    assert any(e.get("text") for c in call["checks"].values() for e in c["evidence"])
    assert "[CARD]" in call["utterances"][0]["text"] and "[PHONE]" in call["utterances"][0]["text"]
