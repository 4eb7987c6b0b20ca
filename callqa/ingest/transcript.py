"""Import transcripts made elsewhere (callqa JSON, Amazon Transcribe, Azure fast transcription) as a `CallTranscript`.

Formats (full description in docs/transcript-format.md)
-------------------------------------------------------
**callqa JSON** (``"format": "callqa-transcript"`` optional)::

    {
      "language": "en",                      # en | zh | ru (or a locale like "en-US")
      "duration_s": 62.0,                    # optional; default: end of the last utterance/word
      "roles": {"spk_0": "agent", "spk_1": "customer"},     # optional speaker -> role
      "channel_roles": {"0": "agent", "1": "customer"},     # optional channel -> role
      "utterances": [
        {"speaker": "spk_0", "start_s": 0.5, "end_s": 3.2, "text": "Hello, Acme, this is Anna.",
         "role": "agent", "channel": 0,                     # role/channel optional
         "words": [{"text": "Hello,", "start_s": 0.5, "end_s": 0.9, "probability": 0.98}, ...]}
      ]
    }

Instead of ``utterances`` a flat ``words`` list may be given, each word with ``speaker`` or
``channel``; consecutive words of one speaker (gap < ``max_gap_s``) become one utterance.
``start``/``end`` (seconds) are accepted for ``start_s``/``end_s``.

**Amazon Transcribe** output JSON: ``results.items`` (``type`` pronunciation | punctuation,
``start_time``/``end_time`` as strings, ``alternatives[0].content/confidence``), with speakers from
``results.speaker_labels.segments[].items`` or item ``speaker_label``, or channels from
``results.channel_labels.channels[]``. Punctuation is attached to the word before it.

**Azure fast transcription** JSON: ``phrases[]`` with ``offset``/``duration`` (or
``offsetMilliseconds``/``durationMilliseconds``) in ms, ``words[]``, optional ``speaker``/``channel``.

Roles: explicit ``role`` on an utterance > ``roles`` (speaker) > ``channel_roles`` > the
``agent_channel`` argument > ``first_speaker_is_agent`` (the first speaker to talk is the agent, the
other labelled speaker the customer). A transcript with no speaker or channel labels at all gets
role ``unknown`` (the language checks then return ``na``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from callqa.types import CallMeta, CallTranscript, Role, TranscriptProvenance, Utterance, Word, role_channels

FORMATS = ("callqa", "amazon", "azure")


class TranscriptError(ValueError):
    """A transcript file that cannot be read: the message names the file and the problem."""


def language_code(value: str | None, default: str = "en") -> str:
    """'en-US' -> 'en', 'zh-CN' / 'cmn-Hans-CN' -> 'zh', 'ru-RU' -> 'ru'."""
    if not value:
        return default
    v = str(value).lower().replace("_", "-")
    if v.startswith(("zh", "cmn", "yue")):
        return "zh"
    return v.split("-")[0]


def detect_format(data: Mapping[str, Any]) -> str:
    """Which of FORMATS a parsed JSON document is."""
    if isinstance(data.get("results"), Mapping) and "items" in data["results"]:
        return "amazon"
    if "phrases" in data and isinstance(data["phrases"], list):
        return "azure"
    if "utterances" in data or "words" in data:
        return "callqa"
    raise TranscriptError(
        "not a known transcript format (expected callqa utterances/words, Amazon results.items, or Azure phrases)"
    )


def load_transcript(
    path: str | Path,
    *,
    language: str | None = None,
    agent_channel: int | None = None,
    first_speaker_is_agent: bool = True,
    meta: CallMeta | None = None,
    duration_s: float | None = None,
) -> CallTranscript:
    """Read a transcript JSON file of any supported format (see module docstring).

    Parameters
    ----------
    language : overrides the file's language; without either, `meta.language` (else en)
    agent_channel : the agent's channel when the file has channels but no roles; default from
        `meta.channel_layout` (stereo_agent_left -> 0, stereo_agent_right -> 1)
    meta : the call's manifest entry (language and channel layout fallbacks)
    duration_s : the recording's length when the audio is given; overrides the file's
    """
    p = Path(path)
    try:
        with open(p, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise TranscriptError(f"{p}: cannot read transcript: {exc}") from exc
    if meta is not None and agent_channel is None:
        agent_channel = role_channels(meta.channel_layout).get("agent")
    try:
        t = parse_transcript(
            data,
            language=language,
            agent_channel=agent_channel,
            first_speaker_is_agent=first_speaker_is_agent,
            fallback_language=meta.language if meta is not None else "en",
        )
    except TranscriptError as exc:
        raise TranscriptError(f"{p}: {exc}") from exc
    if duration_s is not None:
        t = replace(t, duration_s=float(duration_s))
    return replace(t, provenance=replace(t.provenance, path=str(p)))


def parse_transcript(
    data: Mapping[str, Any],
    *,
    language: str | None = None,
    agent_channel: int | None = None,
    first_speaker_is_agent: bool = True,
    max_gap_s: float = 1.5,
    fallback_language: str = "en",
) -> CallTranscript:
    """A `CallTranscript` from a parsed JSON document (format detected)."""
    if not isinstance(data, Mapping):
        raise TranscriptError("transcript JSON must be an object")
    fmt = detect_format(data)
    if fmt == "amazon":
        rows, lang, explicit = _amazon_rows(data)
    elif fmt == "azure":
        rows, lang, explicit = _azure_rows(data)
    else:
        rows, lang, explicit = _callqa_rows(data, max_gap_s=max_gap_s)
    lang = language_code(language or lang, default=fallback_language)
    rows.sort(key=lambda r: (r["start_s"], r["end_s"]))
    roles = _assign_roles(
        rows, explicit, agent_channel=agent_channel, first_speaker_is_agent=first_speaker_is_agent
    )
    utterances = []
    for r in rows:
        role = r.get("role") or roles.get(r["speaker"], "unknown")
        if role not in ("agent", "customer", "unknown"):
            raise TranscriptError(
                f"utterance at {r['start_s']} s: role must be agent|customer|unknown, got {role!r}"
            )
        utterances.append(
            Utterance(
                speaker=r["speaker"],
                role=cast(Role, role),
                start_s=r["start_s"],
                end_s=r["end_s"],
                text=r["text"],
                words=tuple(r["words"]),
                channel=r.get("channel"),
            )
        )
    end = max((u.end_s for u in utterances), default=0.0)
    duration = data.get("duration_s")
    if fmt == "azure" and isinstance(data.get("duration"), (int, float)):
        duration = data["duration"] / 1000.0
    return CallTranscript(
        language=lang,
        duration_s=float(duration) if isinstance(duration, (int, float)) else end,
        utterances=tuple(utterances),
        roles=cast(dict[str, Role], dict(roles)),
        source="imported",
        provenance=TranscriptProvenance(format=fmt),
    )


def _num(value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TranscriptError(f"{what}: expected a number, got {value!r}") from exc


def _join(words: Sequence[str], lang: str | None) -> str:
    if language_code(lang) == "zh":
        return "".join(words)
    return " ".join(words)


def _word(raw: Mapping[str, Any], where: str) -> Word:
    start = raw.get("start_s", raw.get("start"))
    end = raw.get("end_s", raw.get("end"))
    prob = raw.get("probability", raw.get("confidence"))
    return Word(
        text=str(raw.get("text", raw.get("word", ""))),
        start_s=_num(start, f"{where}.start_s"),
        end_s=_num(end, f"{where}.end_s"),
        probability=None if prob is None else float(prob),
    )


def _speaker_of(raw: Mapping[str, Any]) -> tuple[str, int | None]:
    ch = raw.get("channel")
    ch = int(ch) if ch is not None else None
    spk = raw.get("speaker")
    if spk is None:
        spk = f"ch_{ch}" if ch is not None else "unknown"
    return str(spk), ch


def _callqa_rows(data: Mapping[str, Any], *, max_gap_s: float) -> tuple[list[dict], str | None, dict]:
    lang = data.get("language")
    explicit: dict[str, Any] = {
        "roles": {str(k): v for k, v in (data.get("roles") or {}).items()},
        "channel_roles": {int(k): v for k, v in (data.get("channel_roles") or {}).items()},
        "labelled": True,
    }
    rows: list[dict] = []
    if "utterances" in data:
        for i, u in enumerate(data["utterances"]):
            where = f"utterances[{i}]"
            words = [_word(w, f"{where}.words[{j}]") for j, w in enumerate(u.get("words") or [])]
            start = u.get("start_s", u.get("start", words[0].start_s if words else None))
            end = u.get("end_s", u.get("end", words[-1].end_s if words else None))
            text = u.get("text")
            if text is None:
                text = _join([w.text for w in words], lang)
            spk, ch = _speaker_of(u)
            rows.append(
                dict(
                    speaker=spk, channel=ch, role=u.get("role"), text=str(text), words=words,
                    start_s=_num(start, f"{where}.start_s"), end_s=_num(end, f"{where}.end_s"),
                )
            )  # fmt: skip
        if all(r["speaker"] == "unknown" and r.get("role") is None for r in rows):
            explicit["labelled"] = False
        return rows, lang, explicit
    words_raw = data.get("words") or []
    labelled = [(_word(w, f"words[{i}]"), *_speaker_of(w)) for i, w in enumerate(words_raw)]
    explicit["labelled"] = any(spk != "unknown" for _, spk, _ in labelled)
    return _group_words(labelled, lang, max_gap_s=max_gap_s), lang, explicit


def _group_words(
    labelled: list[tuple[Word, str, int | None]], lang: str | None, *, max_gap_s: float
) -> list[dict]:
    """Consecutive words of one speaker, with gaps below `max_gap_s`, into utterance rows."""
    rows: list[dict] = []
    for w, spk, ch in sorted(labelled, key=lambda x: x[0].start_s):
        last = rows[-1] if rows else None
        if last and last["speaker"] == spk and w.start_s - last["end_s"] < max_gap_s:
            last["words"].append(w)
            last["end_s"] = max(last["end_s"], w.end_s)
        else:
            rows.append(dict(speaker=spk, channel=ch, role=None, words=[w], start_s=w.start_s, end_s=w.end_s))
    for r in rows:
        r["text"] = _join([w.text for w in r["words"]], lang)
    return rows


def _amazon_rows(data: Mapping[str, Any]) -> tuple[list[dict], str | None, dict]:
    res = data["results"]
    lang = res.get("language_code") or data.get("language_code")
    speaker_at: dict[tuple[str, str], str] = {}
    for seg in (res.get("speaker_labels") or {}).get("segments") or []:
        for it in seg.get("items") or []:
            speaker_at[(str(it.get("start_time")), str(it.get("end_time")))] = str(it.get("speaker_label"))
    item_lists: list[tuple[list, int | None]] = []
    channels = (res.get("channel_labels") or {}).get("channels") or []
    if channels:
        for ch in channels:
            label = str(ch.get("channel_label", "ch_0"))
            idx = int(label.split("_")[-1]) if label.split("_")[-1].isdigit() else None
            item_lists.append((ch.get("items") or [], idx))
    else:
        item_lists.append((res.get("items") or [], None))
    labelled: list[tuple[Word, str, int | None]] = []
    for items, ch in item_lists:
        last: list | None = None
        for i, it in enumerate(items):
            alt = (it.get("alternatives") or [{}])[0]
            content = str(alt.get("content", ""))
            if it.get("type") == "punctuation":
                if last is not None:  # attach to the word before
                    w, spk, c = last[-1]
                    last[-1] = (Word(w.text + content, w.start_s, w.end_s, w.probability), spk, c)
                continue
            start, end = it.get("start_time"), it.get("end_time")
            spk = it.get("speaker_label") or speaker_at.get((str(start), str(end)))
            if spk is None:
                spk = f"ch_{ch}" if ch is not None else "unknown"
            conf = alt.get("confidence")
            w = Word(content, _num(start, f"results.items[{i}].start_time"), _num(end, f"results.items[{i}].end_time"),
                     None if conf in (None, "") else float(conf))  # fmt: skip
            labelled.append((w, str(spk), ch))
            last = labelled
    explicit = {"roles": {}, "channel_roles": {}, "labelled": any(s != "unknown" for _, s, _ in labelled)}
    return _group_words(labelled, lang, max_gap_s=1.5), lang, explicit


def _azure_rows(data: Mapping[str, Any]) -> tuple[list[dict], str | None, dict]:
    rows: list[dict] = []
    lang = None
    labelled = False
    for i, ph in enumerate(data["phrases"]):

        def ms(obj: Mapping[str, Any], key: str, where: str) -> float:
            v = obj.get(f"{key}Milliseconds", obj.get(key))
            return round(_num(v, where) / 1000.0, 3)

        start = ms(ph, "offset", f"phrases[{i}].offset")
        end = start + ms(ph, "duration", f"phrases[{i}].duration")
        words = []
        for j, w in enumerate(ph.get("words") or []):
            ws = ms(w, "offset", f"phrases[{i}].words[{j}].offset")
            words.append(
                Word(str(w.get("text", "")), ws, ws + ms(w, "duration", f"phrases[{i}].words[{j}].duration"))
            )
        ch = ph.get("channel")
        spk = ph.get("speaker")
        labelled = labelled or spk is not None or ch is not None
        speaker = f"spk_{spk}" if spk is not None else (f"ch_{ch}" if ch is not None else "unknown")
        lang = lang or ph.get("locale")
        conf = ph.get("confidence")
        rows.append(
            dict(speaker=speaker, channel=None if ch is None else int(ch), role=None, text=str(ph.get("text", "")),
                 words=words, start_s=start, end_s=end, confidence=conf)
        )  # fmt: skip
    return rows, lang, {"roles": {}, "channel_roles": {}, "labelled": labelled}


def _assign_roles(
    rows: list[dict], explicit: Mapping[str, Any], *, agent_channel: int | None, first_speaker_is_agent: bool
) -> dict[str, str]:
    """speaker -> role, from explicit maps, then the agent channel, then who spoke first."""
    speakers = list(dict.fromkeys(r["speaker"] for r in rows))
    roles: dict[str, str] = {}
    for r in rows:
        if r.get("role"):
            roles.setdefault(r["speaker"], r["role"])
    roles.update({k: v for k, v in explicit.get("roles", {}).items() if k in speakers})
    chmap = explicit.get("channel_roles") or {}
    if agent_channel is not None and not chmap:
        chmap = {agent_channel: "agent"}
        chmap.update(
            {r["channel"]: "customer" for r in rows if r.get("channel") not in (None, agent_channel)}
        )
    for r in rows:
        if r["speaker"] not in roles and r.get("channel") in chmap:
            roles[r["speaker"]] = chmap[r["channel"]]
    if not explicit.get("labelled", True):
        return {s: roles.get(s, "unknown") for s in speakers}
    rest = [s for s in speakers if s not in roles and s != "unknown"]
    if rest and first_speaker_is_agent:
        if "agent" not in roles.values():
            roles[rest[0]] = "agent"
            rest = rest[1:]
        for s in rest:
            roles[s] = "customer"
    for s in speakers:
        roles.setdefault(s, "unknown")
    return roles
