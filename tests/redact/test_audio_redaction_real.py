"""redact.audio with the real models: the redacted recording, transcribed again by Whisper, says no digit.

The clip (scripts/make_pii_piper_clip.py, Piper voice, stereo, agent left) has the customer speak a card number and
a phone number and no other number, so any digit heard in the redacted copy is a leak. The measure:
* digits heard = digits (written or spoken, read by `callqa.redact.numbers`) in Whisper's transcript of the
  redacted copy, with text redaction off so nothing can hide them: must be 0;
* words preserved = of the words of the scored call that lie outside every blanked span (placeholders and
  the words the margin covers excluded), the share that Whisper hears again in the redacted copy, in order on
  the same channel (longest common subsequence of normalized words): at least 0.9, since Whisper may decode a
  word at a span's edge differently once its neighbour is silent.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
import soundfile as sf

from callqa.cli import main
from callqa.redact.numbers import number_runs, tokenize
from callqa.text.normalize import normalize_text

CLIP = Path(__file__).resolve().parents[1] / "data" / "generated" / "pii" / "card_call_piper.flac"
CARD, PHONE = "4012888888881881", "2127364012"
MANIFEST = "call_id,audio_path,language,channel_layout,agent_name,company\n{id},{path},en,stereo_agent_left,Anna,Acme\n"


def digits_heard(call: dict) -> str:
    return "".join(r.digits for u in call["utterances"] for r in number_runs(tokenize(u["text"])))


def words_by_channel(call: dict, blanked: list[dict] = ()) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for u in call["utterances"]:
        for w in u["words"]:
            if "[" in w["text"] or any(
                s["channel"] in (None, u["channel"])
                and w["start_s"] < s["end_s"]
                and w["end_s"] > s["start_s"]
                for s in blanked
            ):
                continue
            out.setdefault(u["channel"], []).extend(normalize_text(w["text"], language="en").split())
    return out


def score(tmp: Path, call_id: str, audio: Path, *sets: str) -> dict:
    manifest = tmp / f"{call_id}.csv"
    manifest.write_text(MANIFEST.format(id=call_id, path=audio.name))
    out = tmp / f"out-{call_id}"
    args = ["score", str(manifest), "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    assert main(args) == 0
    return json.loads((out / "calls" / f"{call_id}.json").read_text())


@pytest.mark.integration
def test_redacted_recording_retranscribed_says_no_digit_and_keeps_the_other_words(tmp_path: Path) -> None:
    shutil.copy(CLIP, tmp_path / CLIP.name)
    original = (tmp_path / CLIP.name).read_bytes()
    call = score(tmp_path, "pii", tmp_path / CLIP.name, "redact.audio.enabled=true")
    assert (tmp_path / CLIP.name).read_bytes() == original  # the original is never modified
    rec = call["audio_redaction"]
    copy = Path(rec["path"])
    assert copy.name == "card_call_piper.redacted.flac" and copy.is_file()
    info, src = sf.info(str(copy)), sf.info(str(tmp_path / CLIP.name))
    assert (info.format, info.subtype, info.samplerate, info.channels) == (
        src.format, src.subtype, src.samplerate, src.channels)  # fmt: skip
    assert {s["kind"] for s in rec["spans"]} == {"card", "phone"}
    assert all(s["channel"] == 1 for s in rec["spans"])  # the customer's leg only
    # the scored call: the numbers were heard (and redacted in the text) before the audio was blanked
    assert call["transcript_info"]["redaction"]["found"] == {"card": 1, "phone": 1}

    again = score(tmp_path, "again", copy, "redact.kinds=[]")  # text redaction off: every digit would show
    heard = digits_heard(again)
    assert heard == "", f"digits heard in the redacted recording: {heard}"
    kept, retold = words_by_channel(call, rec["spans"]), words_by_channel(again)
    matched = total = 0
    for ch, words in kept.items():
        sm = difflib.SequenceMatcher(a=words, b=retold.get(ch, []), autojunk=False)
        matched += sum(b.size for b in sm.get_matching_blocks())
        total += len(words)
    share = matched / total
    print(f"digits heard: {len(heard)}; words preserved outside the spans: {matched}/{total} = {share:.3f}")
    assert total >= 60 and share >= 0.9
