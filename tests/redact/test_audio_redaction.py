"""redact.audio: spans from the redacted transcript, blanked on the right channel, in every input format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.config import ConfigError, load_config
from callqa.records import BlankSpan
from callqa.redact.audio import (
    AudioRedactionError,
    blank_spans,
    redact_recording,
    redaction_spans,
    write_redacted,
)
from callqa.redact.config import AudioRedactConfig
from callqa.store.codec import audio_redaction_to_dict
from callqa.types import CallTranscript, Utterance, Word

SR = 8000


def speechlike(n: int, channels: int, seed: int = 0) -> np.ndarray:
    """Noise bursts with a slow envelope: non-zero almost everywhere, like speech (frames x channels)."""
    rng = np.random.default_rng(seed)
    env = 0.6 + 0.4 * np.sin(np.arange(n) / 300.0)
    return (0.3 * rng.standard_normal((n, channels)) * env[:, None]).clip(-0.99, 0.99).astype(np.float32)


def voiced(n: int, channels: int) -> np.ndarray:
    """Harmonics of a slowly gliding pitch, different per channel (frames x channels)."""
    t = np.arange(n) / SR
    legs = []
    for ch in range(channels):
        f0 = 140 + 40 * ch + 20 * np.sin(2 * np.pi * 0.3 * t)
        phase = 2 * np.pi * np.cumsum(f0) / SR
        legs.append(
            sum(0.25 / k * np.sin(k * phase) for k in range(1, 6)) * (0.6 + 0.4 * np.sin(2 * np.pi * t))
        )
    return np.stack(legs, axis=1).astype(np.float32)


def utt(channel: int | None, words: list[tuple[str, float, float]], text: str | None = None) -> Utterance:
    ws = tuple(Word(t, a, b) for t, a, b in words)
    return Utterance("s", "customer", ws[0].start_s if ws else 0.0, ws[-1].end_s if ws else 0.0,
                     text if text is not None else " ".join(w.text for w in ws), ws, channel)  # fmt: skip


def transcript(*utterances: Utterance, duration_s: float = 10.0) -> CallTranscript:
    return CallTranscript("en", duration_s, tuple(utterances))


# ------------------------------------------------------------------------------------------ spans
def test_spans_come_from_placeholder_words_padded_merged_and_on_the_speakers_channel() -> None:
    t = transcript(
        utt(
            1,
            [
                ("my", 1.0, 1.2),
                ("card", 1.2, 1.5),
                ("[CARD]", 1.6, 2.0),
                ("[CARD]", 2.1, 2.5),
                ("ok", 3.0, 3.2),
            ],
        ),
        utt(0, [("call", 4.0, 4.3), ("[PHONE].", 4.4, 5.0)]),
    )
    spans = redaction_spans(t, margin_s=0.25, duration_s=10.0, n_channels=2)
    assert spans == [BlankSpan(1.35, 2.75, 1, "card"), BlankSpan(4.15, 5.25, 0, "phone")]
    # mono file: every channel; margin clipped to the recording
    mono = redaction_spans(
        transcript(utt(1, [("[EMAIL]", 0.1, 9.9)])), margin_s=0.5, duration_s=10.0, n_channels=1
    )
    assert mono == [BlankSpan(0.0, 10.0, None, "email")]


def test_an_utterance_without_word_times_is_blanked_whole_and_clean_text_not_at_all() -> None:
    no_words = Utterance("s", "customer", 2.0, 6.0, "it is [CARD] thanks", (), 1)
    clean = utt(1, [("hello", 0.1, 0.5)])
    spans = redaction_spans(transcript(no_words, clean), margin_s=0.1, duration_s=10.0, n_channels=2)
    assert spans == [BlankSpan(1.9, 6.1, 1, "card")]
    assert redaction_spans(transcript(clean), margin_s=0.1, duration_s=10.0, n_channels=2) == []


# ------------------------------------------------------------------------------------------ samples
def test_block_by_block_equals_whole_for_the_tone() -> None:
    x = speechlike(20000, 2)
    spans = [BlankSpan(0.5, 1.7, 0, "card"), BlankSpan(1.0, 2.2, None, "phone")]
    whole = blank_spans(x.copy(), sample_rate=SR, spans=spans, mode="tone", tone_hz=1000)
    parts = [blank_spans(x[i : i + 777].copy(), sample_rate=SR, spans=spans, mode="tone", tone_hz=1000,
                         offset_frames=i) for i in range(0, len(x), 777)]  # fmt: skip
    np.testing.assert_array_equal(whole, np.concatenate(parts))
    seg = whole[
        int(1.2 * SR) : int(1.6 * SR), 1
    ]  # inside the all-channel span: a pure 1 kHz tone at -20 dBFS
    spectrum = np.abs(np.fft.rfft(seg))
    assert abs(np.fft.rfftfreq(len(seg), 1 / SR)[np.argmax(spectrum)] - 1000) < 25
    assert abs(20 * np.log10(np.max(np.abs(seg))) + 20) < 0.2


FORMATS = [  # (container, subtype, extension, lossless)
    ("WAV", "PCM_16", "wav", True),
    ("WAV", "ULAW", "wav", True),
    ("WAV", "ALAW", "wav", True),
    ("FLAC", "PCM_16", "flac", True),
    ("MP3", "MPEG_LAYER_III", "mp3", False),
    ("OGG", "VORBIS", "ogg", False),
]


@pytest.mark.parametrize(("fmt", "subtype", "ext", "lossless"), FORMATS)
@pytest.mark.parametrize("channels", [1, 2])
def test_copy_keeps_format_rate_channels_and_blanks_only_the_span(
    tmp_path: Path, fmt: str, subtype: str, ext: str, lossless: bool, channels: int
) -> None:
    src = tmp_path / f"call.{ext}"
    # lossy codecs: tones (what they keep well, like voiced speech); lossless: noise (every sample differs)
    x = speechlike(5 * SR, channels) if lossless else voiced(5 * SR, channels)
    sf.write(str(src), x, SR, format=fmt, subtype=subtype)
    before = src.read_bytes()
    channel = 1 if channels == 2 else None
    span = BlankSpan(2.0, 3.0, channel, "card")
    dst = tmp_path / "out" / f"copy.{ext}"
    assert write_redacted(src, dst, [span], AudioRedactConfig(enabled=True)) == (fmt, subtype)
    assert src.read_bytes() == before  # the original is never touched
    i_dst = sf.info(str(dst))
    assert (i_dst.format, i_dst.subtype, i_dst.samplerate, i_dst.channels) == (fmt, subtype, SR, channels)
    a, _ = sf.read(str(src), dtype="int16" if lossless else "float32", always_2d=True)
    b, _ = sf.read(str(dst), dtype="int16" if lossless else "float32", always_2d=True)
    inside, outside = slice(2 * SR, 3 * SR), np.r_[0 : 2 * SR, 3 * SR : min(len(a), len(b))]
    blanked = b[inside, channel if channel is not None else slice(None)]
    if lossless:
        assert len(a) == len(b)
        # exact silence; A-law has no zero code, its quietest is +-8 of 32768 (-72 dBFS)
        assert np.abs(blanked).max() <= (8 if subtype == "ALAW" else 0)
        np.testing.assert_array_equal(a[outside], b[outside])  # every other sample bit-identical
        if channels == 2:
            np.testing.assert_array_equal(a[:, 0], b[:, 0])  # the other party's channel untouched
    else:  # re-encoded: the span's interior is silent, the rest is the same sound (codec error only)
        core = b[2 * SR + 400 : 3 * SR - 400, channel if channel is not None else slice(None)]
        assert np.sqrt(np.mean(core.astype(np.float64) ** 2)) < 1e-3
        n = min(len(a), len(b))
        lag = int(np.argmax(np.correlate(a[:4000, 0], b[:4000, 0], mode="full"))) - 3999  # MP3 delay
        ref, got = (
            a[max(0, -lag) : n - abs(lag), 0],
            b[max(0, lag) : n - abs(lag) + max(0, lag) - max(0, -lag), 0],
        )
        m = min(len(ref), len(got))
        keep = np.r_[0 : int(1.8 * SR), int(3.2 * SR) : m]
        err = ref[keep] - got[keep]
        snr = 10 * np.log10(np.mean(ref[keep] ** 2) / np.mean(err**2))
        assert snr > 15  # SNR of the kept audio after a second encoding (measured 22-33 dB)


def test_format_wav_keeps_a_wav_subtype_and_converts_mp3_to_pcm16(tmp_path: Path) -> None:
    cfg = AudioRedactConfig(enabled=True, format="wav")
    ulaw, mp3 = tmp_path / "a.wav", tmp_path / "b.mp3"
    sf.write(str(ulaw), speechlike(2 * SR, 1), SR, subtype="ULAW")
    sf.write(str(mp3), speechlike(2 * SR, 1), SR, format="MP3", subtype="MPEG_LAYER_III")
    assert write_redacted(ulaw, tmp_path / "a2.wav", [], cfg) == ("WAV", "ULAW")
    assert write_redacted(mp3, tmp_path / "b2.wav", [], cfg) == ("WAV", "PCM_16")
    assert sf.info(str(tmp_path / "b2.wav")).samplerate == SR


# ------------------------------------------------------------------------------------------ files
def redacted_call(tmp_path: Path) -> tuple[Path, CallTranscript]:
    src = tmp_path / "rec" / "c1.wav"
    src.parent.mkdir(parents=True)
    sf.write(str(src), speechlike(4 * SR, 2), SR, subtype="PCM_16")
    return src, transcript(utt(1, [("is", 1.0, 1.2), ("[CARD]", 1.5, 2.5)]), duration_s=4.0)


def test_copy_goes_beside_the_original_or_into_out_dir_and_records_times_only(tmp_path: Path) -> None:
    src, t = redacted_call(tmp_path)
    beside = redact_recording(src, t, call_id="c1", duration_s=4.0, n_channels=2,
                              config=AudioRedactConfig(enabled=True))  # fmt: skip
    assert beside.path == str(src.with_name("c1.redacted.wav")) and Path(beside.path).is_file()
    assert beside.spans == (BlankSpan(1.25, 2.75, 1, "card"),) and not beside.replaced_original
    record = audio_redaction_to_dict(beside)  # as published in the call's JSON
    assert beside.blanked_s == 1.5 and record["blanked_s"] == 1.5 and "text" not in json.dumps(record)
    out = redact_recording(src, t, call_id="../evil/id", duration_s=4.0, n_channels=2,
                           config=AudioRedactConfig(enabled=True, out_dir=str(tmp_path / "red")))  # fmt: skip
    assert Path(out.path).parent == tmp_path / "red" and Path(out.path).is_file()  # id sanitised


def test_replace_original_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, t = redacted_call(tmp_path)
    original = sf.read(str(src), dtype="int16")[0]
    cfg = AudioRedactConfig(enabled=True, replace_original=True)

    def broken_write(self, data):  # the disk fills up half way through
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(sf.SoundFile, "write", broken_write)
        with pytest.raises(AudioRedactionError, match="No space left on device") as err:
            redact_recording(src, t, call_id="c1", duration_s=4.0, n_channels=2, config=cfg)
    assert str(src) in str(err.value)
    np.testing.assert_array_equal(sf.read(str(src), dtype="int16")[0], original)  # untouched
    assert sorted(p.name for p in src.parent.iterdir()) == ["c1.wav"]  # no temp file left
    done = redact_recording(src, t, call_id="c1", duration_s=4.0, n_channels=2, config=cfg)
    assert done.replaced_original and done.path == str(src)
    now = sf.read(str(src), dtype="int16")[0]
    assert not np.any(now[int(1.25 * SR) : int(2.75 * SR), 1]) and np.any(
        original[int(1.25 * SR) : int(2.75 * SR), 1]
    )
    np.testing.assert_array_equal(now[:, 0], original[:, 0])


def test_an_unwritable_destination_is_a_clear_error(tmp_path: Path) -> None:
    src, t = redacted_call(tmp_path)
    blocker = tmp_path / "red"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(AudioRedactionError) as err:
        redact_recording(src, t, call_id="c1", duration_s=4.0, n_channels=2,
                         config=AudioRedactConfig(enabled=True, out_dir=str(blocker)))  # fmt: skip
    assert str(blocker) in str(err.value) and "folder" in err.value.reason
    with pytest.raises(AudioRedactionError, match="half the sample rate"):
        redact_recording(src, t, call_id="c1", duration_s=4.0, n_channels=2,
                         config=AudioRedactConfig(enabled=True, mode="tone", tone_hz=4000))  # fmt: skip


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("redact.audio.mode=beep", "redact.audio.mode"),
        ("redact.audio.format=ogg", "redact.audio.format"),
        ("redact.audio.margin_s=-1", "redact.audio.margin_s"),
        ("redact.audio.colour=red", "redact.audio.colour"),
    ],
)
def test_bad_audio_config_names_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(None, (override,))


def test_replace_original_needs_the_same_format() -> None:
    with pytest.raises(ConfigError, match="replace_original"):
        load_config(None, ("redact.audio.replace_original=true", "redact.audio.format=wav"))
    assert load_config(None, ("redact.audio.enabled=true",)).redact.audio.enabled


# ------------------------------------------------------------------------------------------ the pipeline
@pytest.fixture
def two_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two mono recordings 'saying' a card and a phone number (scripted ASR, one speaker)."""
    from callqa.asr.whisper import AsrSegment
    from callqa.models.holder import Models
    from callqa.types import SpeakerTurn

    said = ("Thank you for calling Acme, my card is 4532 0151 1283 0366 and you can call me on "
            "four one five five five five two six seven one, thank you, goodbye.").split()  # fmt: skip
    words = [Word(t, 0.5 + 0.25 * i, 0.5 + 0.25 * i + 0.2, 0.9) for i, t in enumerate(said)]

    class ScriptedAsr:
        name = "scripted-asr"

        def transcribe(self, samples_16k, *, language, regions=None):
            return [AsrSegment(words[0].start_s, words[-1].end_s, " ".join(said), tuple(words))]

    class OneSpeaker:
        name = "one-speaker"

        def diarize(self, samples_16k, *, regions=None):
            return [SpeakerTurn("SPEAKER_00", 0.0, 10.0)]

    monkeypatch.setattr(Models, "asr", lambda self: ScriptedAsr())
    monkeypatch.setattr(Models, "diarization", lambda self: OneSpeaker())
    folder = tmp_path / "in"
    folder.mkdir()
    for k, name in enumerate(("good", "bad")):
        sf.write(str(folder / f"{name}.wav"), speechlike(10 * SR, 1, seed=k)[:, 0], SR, subtype="ULAW")
    return folder


def test_batch_writes_redacted_copies_records_them_and_one_failure_stops_nothing(
    tmp_path: Path, two_calls: Path
) -> None:
    from callqa.cli import main

    red, out = tmp_path / "redacted", tmp_path / "out"
    (red / "bad.wav").mkdir(parents=True)  # a folder where bad's copy must go: its rename fails
    originals = {p.name: p.read_bytes() for p in two_calls.iterdir()}
    code = main(["score", str(two_calls), "--out", str(out), "--set", "redact.audio.enabled=true",
                 "--set", f"redact.audio.out_dir={red}"])  # fmt: skip
    assert code == 1  # one call failed
    assert {p.name: p.read_bytes() for p in two_calls.iterdir()} == originals
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["call_id"], e["stage"]) for e in errors] == [("bad", "redact_audio")]
    assert str(red / "bad.wav") in errors[0]["message"] or str(red / "bad.wav") in errors[0]["file"]
    call = json.loads((out / "calls" / "good.json").read_text())
    rec = call["audio_redaction"]
    assert rec["path"] == str(red / "good.wav") and rec["format"] == "WAV" and rec["subtype"] == "ULAW"
    kinds = sorted(s["kind"] for s in rec["spans"])
    assert kinds == ["card", "phone"] and all(s["channel"] is None for s in rec["spans"])
    x, _ = sf.read(rec["path"], dtype="int16")
    for s in rec["spans"]:
        assert not np.any(x[int(s["start_s"] * SR) + 1 : int(s["end_s"] * SR) - 1])
    card_words = [w for u in call["utterances"] for w in u["words"] if "[CARD]" in w["text"]]
    assert rec["spans"][0]["start_s"] == pytest.approx(card_words[0]["start_s"] - 0.25, abs=1e-3)

    import pandas as pd

    calls = pd.read_parquet(out / "calls.parquet")
    assert calls.set_index("call_id").at["good", "audio_redacted_path"] == str(red / "good.wav")
    assert main(["report", str(out), "--html", str(tmp_path / "report")]) == 0
    pages = "".join(p.read_text() for p in (tmp_path / "report" / "agents").glob("*.html"))
    sources = [s for s in __import__("re").findall(r'<audio[^>]* src="([^"#]+)', pages)]
    assert sources and all(s.endswith("redacted/good.wav") for s in sources), sources
    assert 'id="call-good"' in pages
