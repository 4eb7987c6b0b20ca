"""Redacted copies of recordings: every span of personal data found in the transcript is silenced or toned out.

The spans come from the redacted transcript (`redact_transcript`): each placeholder word (`[CARD]`, `[PHONE]`,
...) keeps the time of the word it replaced, so its time, padded by `margin_s`, is blanked on the channel of
the speaker who said it (stereo) or on every channel (mono, or an utterance without a channel). An utterance
whose text holds a placeholder but that has no word times is blanked whole. Only times are recorded, never
what was said.

The copy is written block by block (memory does not grow with the call) from the original file read as
integers for PCM/µ-law/A-law (so every sample outside the spans is bit-identical after the rewrite) and as
float for lossy formats (MP3, Ogg), which are necessarily re-encoded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from callqa.intervals import merge_intervals
from callqa.records import AudioRedaction, BlankSpan
from callqa.redact.config import AudioRedactConfig
from callqa.redact.transcript import PLACEHOLDER_RE
from callqa.types import CallTranscript

BLOCK_FRAMES = 1 << 16
TMP_SUFFIX = ".redact-tmp"
# subtypes read and written as integers: the rewrite is exact for every sample it does not blank
_INT16_SUBTYPES = {"PCM_S8", "PCM_U8", "PCM_16", "ULAW", "ALAW", "G721_32", "G723_24", "G723_40", "GSM610"}
_INT32_SUBTYPES = {"PCM_24", "PCM_32"}
_WAV_SUBTYPES = {"PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "ULAW", "ALAW"}
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


class AudioRedactionError(RuntimeError):
    """The redacted copy could not be made; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


# ------------------------------------------------------------------------------------------ spans
def redaction_spans(
    transcript: CallTranscript, *, margin_s: float, duration_s: float, n_channels: int
) -> list[BlankSpan]:
    """The spans to blank: redacted words (or whole utterances without word times), padded, merged per channel.

    Stereo files blank only the channel of the utterance (`Utterance.channel`); mono files, and utterances
    with no channel, blank every channel.

    >>> from callqa.types import Utterance, Word
    >>> u = Utterance("ch1", "customer", 1.0, 3.0, "it is [CARD]", (Word("it", 1.0, 1.2), Word("is", 1.2, 1.4),
    ...     Word("[CARD]", 1.5, 2.9)), channel=1)
    >>> redaction_spans(CallTranscript("en", 4.0, (u,)), margin_s=0.25, duration_s=4.0, n_channels=2)
    [BlankSpan(start_s=1.25, end_s=3.15, channel=1, kind='card')]
    """
    raw: dict[int | None, list[tuple[float, float, str]]] = {}
    for u in transcript.utterances:
        channel = u.channel if (n_channels > 1 and u.channel is not None and u.channel < n_channels) else None
        timed = [(w.start_s, w.end_s, m.group(1)) for w in u.words if (m := PLACEHOLDER_RE.search(w.text))]
        if not u.words and (m := PLACEHOLDER_RE.search(u.text)):
            timed = [(u.start_s, u.end_s, m.group(1))]  # no word times: the whole utterance
        for start, end, kind in timed:
            a, b = max(0.0, float(start) - margin_s), min(duration_s, float(end) + margin_s)
            if b > a:
                raw.setdefault(channel, []).append((a, b, kind.lower()))
    out: list[BlankSpan] = []
    for channel, items in raw.items():
        for a, b in merge_intervals([(s, e) for s, e, _ in items]):
            kinds = sorted({k for s, e, k in items if s < b and e > a})
            out.append(BlankSpan(round(a, 3), round(b, 3), channel, "+".join(kinds)))
    return sorted(out, key=lambda s: (s.start_s, -1 if s.channel is None else s.channel))


# ------------------------------------------------------------------------------------------ samples
def blank_spans(
    block: np.ndarray,
    *,
    sample_rate: int,
    spans: Sequence[BlankSpan],
    mode: str = "silence",
    tone_hz: float = 1000.0,
    tone_dbfs: float = -20.0,
    offset_frames: int = 0,
) -> np.ndarray:
    """Blank `spans` in `block` (frames x channels, any dtype) in place, and return it.

    `offset_frames` is the block's first frame in the recording, so a recording processed block by block
    gets the same result as processed whole (the tone's phase follows the absolute time).

    >>> x = np.ones((8, 2), dtype=np.int16)
    >>> blank_spans(x, sample_rate=4, spans=[BlankSpan(0.5, 1.0, 1, "card")])[:, 1].tolist()
    [1, 1, 0, 0, 1, 1, 1, 1]
    """
    n = block.shape[0]
    for span in spans:
        a = max(int(round(span.start_s * sample_rate)) - offset_frames, 0)
        b = min(int(round(span.end_s * sample_rate)) - offset_frames, n)
        if b <= a:
            continue
        cols = slice(None) if span.channel is None else slice(span.channel, span.channel + 1)
        if mode == "tone":
            t = (np.arange(a, b) + offset_frames) / float(sample_rate)
            wave = 10 ** (tone_dbfs / 20) * np.sin(2 * np.pi * tone_hz * t)
            if np.issubdtype(block.dtype, np.integer):
                wave = np.round(wave * np.iinfo(block.dtype).max)
            block[a:b, cols] = wave.astype(block.dtype)[:, None]
        else:
            block[a:b, cols] = 0
    return block


# ------------------------------------------------------------------------------------------ files
def redacted_path(source: str | Path, call_id: str, config: AudioRedactConfig) -> Path:
    """Where the copy goes: `out_dir/<call_id><ext>`, or `<stem>.redacted<ext>` beside the original."""
    src = Path(source)
    ext = ".wav" if config.format == "wav" else src.suffix
    if config.replace_original:
        return src
    if config.out_dir:
        name = _SAFE_ID.sub("_", call_id).strip("._") or "call"
        return Path(config.out_dir) / f"{name}{ext}"
    return src.with_name(f"{src.stem}.redacted{ext}")


def _out_format(info: Any, config: AudioRedactConfig) -> tuple[str, str]:
    if config.format == "same":
        return str(info.format), str(info.subtype)
    # libsndfile's check_format accepts WAV + MPEG_LAYER_III, yet cannot write it: a list of what it writes
    return "WAV", str(info.subtype) if str(info.subtype) in _WAV_SUBTYPES else "PCM_16"


def _read_dtype(fmt: str, subtype: str) -> str:
    if subtype in _INT16_SUBTYPES:
        return "int16"
    if subtype in _INT32_SUBTYPES:
        return "int32"
    return "float64" if subtype == "DOUBLE" else "float32"


def write_redacted(
    source: str | Path, dest: str | Path, spans: Sequence[BlankSpan], config: AudioRedactConfig
) -> tuple[str, str]:
    """Write `source` with `spans` blanked to `dest`, atomically (temp file in dest's folder, fsync, rename).

    Returns the (format, subtype) written. `dest` may be `source` itself (replace_original): the original
    is then replaced only once the complete redacted file is on disk. Raises AudioRedactionError.
    """
    import soundfile as sf

    src, dst = Path(source), Path(dest)
    info = _info(src)
    fmt, subtype = _out_format(info, config)
    if config.mode == "tone" and config.tone_hz >= info.samplerate / 2:
        raise AudioRedactionError(
            src,
            f"redact.audio.tone_hz {config.tone_hz:g} Hz is not below half the sample rate ({info.samplerate} Hz)",
        )
    dtype = _read_dtype(fmt, str(info.subtype))
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AudioRedactionError(
            dst.parent, f"cannot create the redacted-audio folder ({exc.strerror or exc})"
        ) from None
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        with (
            sf.SoundFile(str(src)) as fin,
            sf.SoundFile(
                str(tmp), "w", samplerate=info.samplerate, channels=info.channels, format=fmt, subtype=subtype
            ) as fout,
        ):
            offset = 0
            for block in fin.blocks(blocksize=BLOCK_FRAMES, dtype=dtype, always_2d=True):
                blank_spans(block, sample_rate=info.samplerate, spans=spans, mode=config.mode,
                            tone_hz=config.tone_hz, tone_dbfs=config.tone_dbfs, offset_frames=offset)  # fmt: skip
                fout.write(block)
                offset += block.shape[0]
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dst)
        _fsync_dir(dst.parent)
    except AudioRedactionError:
        raise
    except Exception as exc:  # noqa: BLE001 - a full disk, a read-only folder, a codec failure: one call's error
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        raise AudioRedactionError(dst, f"cannot write the redacted recording ({why})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return fmt, subtype


def _info(src: Path) -> Any:
    import soundfile as sf

    try:
        return sf.info(str(src))
    except Exception as exc:  # noqa: BLE001 - libsndfile's message says why
        raise AudioRedactionError(src, f"cannot read the recording to redact it ({exc})") from None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def redact_recording(
    audio_path: str | Path,
    transcript: CallTranscript,
    *,
    call_id: str,
    duration_s: float,
    n_channels: int,
    config: AudioRedactConfig,
) -> AudioRedaction:
    """Make the redacted copy of one call's recording (or rewrite the original) from its redacted transcript.

    With `replace_original` and nothing to blank, the original is left untouched.
    """
    spans = redaction_spans(
        transcript, margin_s=config.margin_s, duration_s=duration_s, n_channels=n_channels
    )
    dest = redacted_path(audio_path, call_id, config)
    if Path(dest).resolve() == Path(audio_path).resolve() and not config.replace_original:
        raise AudioRedactionError(
            dest, "the redacted copy would overwrite the original (set another out_dir)"
        )
    if config.replace_original and not spans:
        info = _info(Path(audio_path))
        return AudioRedaction(str(audio_path), config.mode, str(info.format), str(info.subtype), (), False)
    fmt, subtype = write_redacted(audio_path, dest, spans, config)
    return AudioRedaction(str(dest), config.mode, fmt, subtype, tuple(spans), config.replace_original)
