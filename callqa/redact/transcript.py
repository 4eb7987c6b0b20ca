"""Rewrite a transcript so that no personal data remains: utterance text and words, times kept.

Each found span becomes a placeholder, `[CARD]`, `[PHONE]`, `[EMAIL]` or `[ID]` (stable: checks may look
for them). In the utterance text a span becomes one placeholder. In the word list every redacted word
becomes as many placeholder words as it had tokens (an en/ru word one, a zh word one per character), with
the word's start/end split among them, so word counts, speech time and speaking rates, and with them
the call's score, do not change. Text without words is redacted token by token for the same reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from callqa.redact.config import RedactConfig
from callqa.redact.detect import Span, find_pii
from callqa.text.tokens import tokenize_text
from callqa.types import CallTranscript, Redaction, Utterance, Word

PLACEHOLDERS = {"card": "[CARD]", "phone": "[PHONE]", "email": "[EMAIL]", "id": "[ID]"}
# what a check uses to find redacted data in a transcript, e.g. a callback number: group 1 is CARD|PHONE|EMAIL|ID
PLACEHOLDER_RE = re.compile(r"\[(CARD|PHONE|EMAIL|ID)\]")


def _n_tokens(text: str, language: str) -> int:
    return max(1, len(tokenize_text(text, language=language)))


def _replace(text: str, ranges: list[tuple[int, int, str]], language: str, per_token: bool) -> str:
    sep = "" if language == "zh" else " "
    for a, b, kind in sorted(ranges, reverse=True):
        ph = PLACEHOLDERS[kind]
        rep = sep.join([ph] * _n_tokens(text[a:b], language)) if per_token else ph
        text = text[:a] + rep + text[b:]
    return text


def _clip(spans: list[Span], offset: int, length: int) -> list[tuple[int, int, str]]:
    """The parts of `spans` inside [offset, offset + length), relative to offset."""
    return [(max(s.start, offset) - offset, min(s.end, offset + length) - offset, s.kind)
            for s in spans if s.start < offset + length and s.end > offset]  # fmt: skip


def redact_text(
    text: str, *, language: str, config: RedactConfig, per_token: bool = False
) -> tuple[str, list[Span]]:
    """`text` with every span of personal data replaced by its placeholder (one per token when `per_token`).

    >>> redact_text("call me on 202-555-0187 please", language="en", config=RedactConfig())[0]
    'call me on [PHONE] please'
    """
    spans = find_pii(text, language=language, config=config)
    return _replace(text, [(s.start, s.end, s.kind) for s in spans], language, per_token), spans


def _has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _rewrite_word(word: Word, ranges: list[tuple[int, int, str]], language: str) -> list[Word]:
    """One word with redacted character ranges (in its stripped text) -> kept pieces and placeholder words."""
    body = word.text.strip()
    lead = word.text[: len(word.text) - len(word.text.lstrip())]
    pieces: list[
        dict
    ] = []  # text (original), kind (None = kept), pre/post punctuation kept next to a placeholder
    pos = 0
    for a, b, kind in ranges:
        if a > pos:
            pieces.append(dict(text=body[pos:a], kind=None, pre="", post=""))
        pieces.append(dict(text=body[a:b], kind=kind, pre="", post=""))
        pos = b
    if pos < len(body):
        pieces.append(dict(text=body[pos:], kind=None, pre="", post=""))
    merged: list[dict] = []
    for k, p in enumerate(pieces):  # punctuation-only kept pieces stick to a neighbouring placeholder
        if p["kind"] is None and not _has_alnum(p["text"]):
            if merged and merged[-1]["kind"] is not None:
                merged[-1]["post"] += p["text"]
                merged[-1]["text"] += p["text"]
                continue
            if k + 1 < len(pieces) and pieces[k + 1]["kind"] is not None:
                pieces[k + 1]["pre"] += p["text"]
                pieces[k + 1]["text"] = p["text"] + pieces[k + 1]["text"]
                continue
        merged.append(p)
    out_texts: list[str] = []
    weights: list[float] = []
    for p in merged:
        if p["kind"] is None:
            out_texts.append(p["text"])
            weights.append(float(len(p["text"])))
            continue
        core = p["text"][len(p["pre"]) : len(p["text"]) - len(p["post"])]
        n = _n_tokens(core, language)
        texts = [PLACEHOLDERS[p["kind"]]] * n
        texts[0] = p["pre"] + texts[0]
        texts[-1] = texts[-1] + p["post"]
        out_texts += texts
        weights += [len(p["text"]) / n] * n
    out_texts[0] = lead + out_texts[0]
    total = sum(weights) or 1.0
    dur = word.end_s - word.start_s
    words, acc = [], 0.0
    for k, (text, w) in enumerate(zip(out_texts, weights, strict=True)):
        start = word.start_s if k == 0 else round(word.start_s + dur * acc / total, 3)
        acc += w
        end = word.end_s if k == len(out_texts) - 1 else round(word.start_s + dur * acc / total, 3)
        words.append(Word(text, start, end, word.probability))
    return words


Marks = dict[tuple[int, int], str]  # (word index, character index in its stripped text) -> kind


def _word_marks(
    lists: list[tuple[Word, ...]], *, language: str, config: RedactConfig
) -> tuple[list[Marks], list[Span]]:
    """Several utterances' words searched as one text: the redacted characters of each list's words."""
    where, parts, pos = [], [], 0
    for k, words in enumerate(lists):
        for i, w in enumerate(words):
            body = w.text.strip()
            where.append((k, i, pos, body))
            parts.append(body)
            pos += len(body) + 1
    spans = find_pii(" ".join(parts), language=language, config=config)
    marks: list[Marks] = [{} for _ in lists]
    for k, i, off, body in where:
        for a, b, kind in _clip(spans, off, len(body)):
            marks[k].update({(i, j): kind for j in range(a, b)})
    return marks, spans


def _align(text: str, words: tuple[Word, ...]) -> list[tuple[int, tuple[int, int]]] | None:
    """(text index, (word, index)) of each non-space character, when text and words hold the same ones."""
    t_idx = [i for i, c in enumerate(text) if not c.isspace()]
    w_idx = [(k, j) for k, w in enumerate(words) for j, c in enumerate(w.text.strip()) if not c.isspace()]
    if len(t_idx) != len(w_idx):
        return None
    pairs = list(zip(t_idx, w_idx, strict=True))
    if any(text[i] != words[k].text.strip()[j] for i, (k, j) in pairs):
        return None
    return pairs


def _runs(kinds: dict[int, str], text: str) -> list[tuple[int, int, str]]:
    """Character -> kind marks as ranges; spaces between two marks of one kind join them."""
    out: list[tuple[int, int, str]] = []
    for i in sorted(kinds):
        if out and out[-1][2] == kinds[i] and text[out[-1][1] : i].isspace() | (out[-1][1] == i):
            out[-1] = (out[-1][0], i + 1, kinds[i])
        else:
            out.append((i, i + 1, kinds[i]))
    return out


def _rewrite_words(words: tuple[Word, ...], marks: Marks, language: str) -> tuple[Word, ...]:
    out: list[Word] = []
    for i, w in enumerate(words):
        body = w.text.strip()
        ranges = _runs({j: kind for (k, j), kind in marks.items() if k == i}, body)
        out += _rewrite_word(w, ranges, language) if ranges else [w]
    return tuple(out)


def redact_words(
    words: tuple[Word, ...] | list[Word], *, language: str, config: RedactConfig
) -> tuple[tuple[Word, ...], list[Span]]:
    """Words with personal data replaced by placeholder words (detected across word boundaries)."""
    marks, spans = _word_marks([tuple(words)], language=language, config=config)
    return (_rewrite_words(tuple(words), marks[0], language) if spans else tuple(words)), spans


def _stretches(utterances: tuple[Utterance, ...], gap_s: float) -> list[list[int]]:
    """Indices of utterances grouped per speaker while each starts within `gap_s` of the previous one's end."""
    groups: list[list[int]] = []
    last: dict[str, list[int]] = {}
    for i, u in enumerate(utterances):
        g = last.get(u.speaker)
        if g is not None and u.start_s - utterances[g[-1]].end_s <= gap_s:
            g.append(i)
        else:
            g = [i]
            groups.append(g)
            last[u.speaker] = g
    return groups


def redact_stretch(
    utts: list[Utterance], *, language: str, config: RedactConfig
) -> tuple[list[Utterance], Counter]:
    """Consecutive utterances of one speaker searched together (a number read with pauses may be split).

    Text and words are searched separately; where the utterance text is the words' text (as Whisper writes
    it), whatever either finds is redacted in both, so a zh e-mail split into sub-word pieces goes too.
    """
    texts = [u.text for u in utts]
    offsets = [sum(len(t) + 1 for t in texts[:k]) for k in range(len(texts))]
    text_spans = find_pii(" ".join(texts), language=language, config=config)
    word_marks, word_spans = _word_marks([u.words for u in utts], language=language, config=config)
    found = Counter(s.kind for s in text_spans) | Counter(s.kind for s in word_spans)
    if not found:
        return utts, found
    out = []
    for u, off, marks in zip(utts, offsets, word_marks, strict=True):
        text_kinds = {i: kind for a, b, kind in _clip(text_spans, off, len(u.text)) for i in range(a, b)}
        for i, kj in _align(u.text, u.words) or [] if u.words else []:
            if i in text_kinds:
                marks.setdefault(kj, text_kinds[i])
            elif kj in marks:
                text_kinds[i] = marks[kj]
        text = _replace(u.text, _runs(text_kinds, u.text), language, per_token=not u.words)
        words = _rewrite_words(u.words, marks, language) if marks else u.words
        out.append(replace(u, text=text, words=words) if (text, words) != (u.text, u.words) else u)
    return out, found


def redact_transcript(transcript: CallTranscript, config: RedactConfig) -> CallTranscript:
    """The transcript with every configured kind of personal data replaced in utterance text and words.

    Utterances of one speaker less than `config.join_gap_s` apart are searched together. Idempotent: a
    redacted transcript comes back unchanged (its `provenance.redaction` counts are kept).
    """
    if not config.kinds:
        return transcript
    counts: Counter = Counter()
    utterances = list(transcript.utterances)
    for idx in _stretches(transcript.utterances, config.join_gap_s):
        red, found = redact_stretch([utterances[i] for i in idx], language=transcript.language, config=config)
        for i, u in zip(idx, red, strict=True):
            utterances[i] = u
        counts += found
    earlier = transcript.provenance.redaction
    before = dict(earlier.found) if earlier is not None else {}
    found_all = {k: before.get(k, 0) + counts.get(k, 0) for k in sorted(set(before) | set(counts))}
    redaction = Redaction(tuple(sorted(config.kinds)), found_all)
    return replace(
        transcript,
        utterances=tuple(utterances),
        provenance=replace(transcript.provenance, redaction=redaction),
    )
