"""Run a parsed query over the index segments: phrase positions by array intersection, fuzzy words, filters.

Matching, per query token:
* en/ru word: the same Snowball stem ("cancelled" finds "cancel", "карту" finds "карта"); and, unless `exact`,
  any stored word within a Levenshtein distance of 1 (words of 4-7 letters) or 2 (8 or more) — for ASR
  misspellings ("subscribtion", "lawer"); words under 4 letters match only exactly;
* `word*`: every stored word starting with it;
* zh character: the same Simplified character; and, in a phrase of two or more characters and unless `exact`,
  a character with the same toneless pinyin (zh/z, ch/c, sh/s, -ng/-n merged) — the homophones Mandarin ASR
  writes for one another.
A phrase's tokens must sit at consecutive positions of one utterance. Excluded terms (`-term`) use stems and
characters only (no fuzzy), so an exclusion never hides more than it says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from callqa.search.index import POS_BITS, ROLES, Segment
from callqa.search.query import Query, Term
from callqa.search.tokens import SearchToken, pinyin_key, search_tokens

MIN_FUZZY_CHARS = 4
EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Filters:
    """Which utterances may match: roles, nights (inclusive), agents (id or name), check statuses, languages."""

    roles: tuple[str, ...] = ()
    night_from: str | None = None
    night_to: str | None = None
    agents: tuple[str, ...] = ()
    checks: tuple[tuple[str, str], ...] = ()  # (check name, pass|fail|na)
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A matched term inside an utterance: character offsets in its text, and whether every token was exact."""

    start: int
    end: int
    exact: bool


@dataclass(frozen=True)
class Hit:
    """One matching utterance."""

    night: str
    call_id: str
    agent: str
    agent_id: str | None
    agent_name: str | None
    language: str | None
    started_at: str | None
    role: str
    speaker: str
    channel: int | None
    utterance: int
    start_s: float
    end_s: float
    text: str
    matches: tuple[Match, ...]
    audio_path: str | None  # the redacted copy when redact.audio made one, else the recording
    audio_redacted: bool

    @property
    def exact(self) -> bool:
        return any(m.exact for m in self.matches)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]  # at most `limit`, newest night first, then call and time
    total: int  # every matching utterance
    calls: int  # distinct calls among them
    seconds: float


@dataclass
class _Expansion:
    """Per segment: the fuzzy surfaces of each query word, found once over that segment's vocabulary."""

    cache: dict[tuple[int, str, bool], list[int]] = field(default_factory=dict)
    pinyin: dict[str, str] = field(default_factory=dict)  # every segment's Han key -> pinyin key


def _fuzzy_distance(surface: str) -> int:
    n = len(surface)
    return 0 if n < MIN_FUZZY_CHARS else (1 if n <= 7 else 2)


def _token_keys(seg: Segment, tok: SearchToken, *, fuzzy: bool, prefix: bool, in_phrase: bool,
                memo: _Expansion) -> tuple[list[int], list[int]]:  # fmt: skip
    """(exact key ids, fuzzy-only key ids) of one query token in one segment."""
    exact = [] if (k := seg.key_id(tok.key)) is None else [k]
    if prefix:
        return sorted(set(exact) | set(seg.prefix_key_ids(tok.surface))), []
    if not fuzzy:
        return exact, []
    more: list[int] = []
    if tok.han:
        if in_phrase:
            pid = seg.key_id(memo.pinyin.get(tok.key) or pinyin_key(tok.key))
            more = [] if pid is None else [pid]
    elif (d := _fuzzy_distance(tok.surface)) > 0:
        key = (id(seg), tok.surface, False)
        if key not in memo.cache:
            from rapidfuzz import process
            from rapidfuzz.distance import Levenshtein

            near = process.extract(
                tok.surface, seg.surfaces, scorer=Levenshtein.distance, score_cutoff=d, limit=None
            )
            memo.cache[key] = seg.surface_key_ids([s for s, _, _ in near])
        more = memo.cache[key]
    return exact, sorted(set(more) - set(exact))


def _union(seg: Segment, key_ids: list[int]) -> np.ndarray:
    if not key_ids:
        return EMPTY
    if len(key_ids) == 1:  # stored as uint32 when the night is small enough: codes are int64 from here on
        return np.asarray(seg.postings(key_ids[0]), dtype=np.int64)
    return np.unique(np.concatenate([np.asarray(seg.postings(k), dtype=np.int64) for k in key_ids]))


def _term_starts(seg: Segment, term: Term, *, fuzzy: bool, memo: _Expansion) -> tuple[np.ndarray, np.ndarray]:
    """Codes (row << 16 | position of the first token) where `term` matches: (any, exact only)."""
    any_parts, exact_parts = [], []
    fuzzy_used = False
    for j, tok in enumerate(term.tokens):
        prefix = term.prefix and j == len(term.tokens) - 1
        exact, more = _token_keys(
            seg, tok, fuzzy=fuzzy, prefix=prefix, in_phrase=len(term.tokens) > 1, memo=memo
        )
        e = _union(seg, exact) - j
        exact_parts.append(e)
        if more:
            fuzzy_used = True
            any_parts.append(np.union1d(e, _union(seg, more) - j))
        else:
            any_parts.append(e)
    exact_starts = reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), exact_parts)
    if not fuzzy_used:
        return exact_starts, exact_starts
    return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), any_parts), exact_starts


def _row_mask(seg: Segment, filters: Filters) -> np.ndarray | None:
    """Rows allowed by the filters (None: all)."""
    mask = None
    if filters.roles:
        mask = np.isin(seg.arrays["role"], [ROLES.index(r) for r in filters.roles])
    call_ok = None
    if filters.agents:
        wanted = {a.casefold() for a in filters.agents}
        call_ok = np.array([any(str(c.get(k) or "").casefold() in wanted for k in ("agent", "agent_id", "agent_name"))
                            for c in seg.calls], dtype=bool)  # fmt: skip
    if filters.languages:
        ok = np.array([c.get("language") in filters.languages for c in seg.calls], dtype=bool)
        call_ok = ok if call_ok is None else call_ok & ok
    for name, status in filters.checks:
        per_call = seg.statuses.get(name, [None] * len(seg.calls))
        ok = np.array([s == status for s in per_call], dtype=bool)
        call_ok = ok if call_ok is None else call_ok & ok
    if call_ok is not None:
        rows_ok = call_ok[seg.arrays["call"]] if len(seg.calls) else np.zeros(seg.n_rows, dtype=bool)
        mask = rows_ok if mask is None else mask & rows_ok
    return mask


def search_segments(
    segments: list[Segment],
    query: Query,
    *,
    filters: Filters = Filters(),
    limit: int = 20,
    fuzzy: bool = True,
) -> SearchResult:
    """Every utterance matching `query` under `filters`; the first `limit` as hits (newest night first)."""
    t0 = time.perf_counter()
    memo = _Expansion()
    if any(t.han for slot in query.all_of for term in slot for t in term.tokens):
        for seg in segments:  # a character stored anywhere gives its pinyin without importing pypinyin
            memo.pinyin.update(seg.pinyin)
    found: list[tuple[Segment, np.ndarray, list[tuple[np.ndarray, np.ndarray, int]]]] = []
    total, calls = 0, 0
    for seg in sorted(segments, key=lambda s: s.night, reverse=True):
        if (filters.night_from and seg.night < filters.night_from) or (
            filters.night_to and seg.night > filters.night_to
        ):
            continue
        mask = _row_mask(seg, filters)
        if mask is not None and not mask.any():
            continue
        rows: np.ndarray | None = None
        marks: list[
            tuple[np.ndarray, np.ndarray, int]
        ] = []  # (starts, exact starts, length) per positive term
        for slot in query.all_of:
            slot_rows = EMPTY
            for term in slot:
                starts, exact = _term_starts(seg, term, fuzzy=fuzzy, memo=memo)
                marks.append((starts, exact, len(term.tokens)))
                slot_rows = np.union1d(slot_rows, starts >> POS_BITS)
            rows = slot_rows if rows is None else np.intersect1d(rows, slot_rows, assume_unique=True)
            if rows.size == 0:
                break
        assert rows is not None
        for term in query.none_of:
            starts, _ = _term_starts(seg, term, fuzzy=False, memo=memo)
            rows = np.setdiff1d(rows, starts >> POS_BITS, assume_unique=True)
        if mask is not None and rows.size:
            rows = rows[mask[rows]]
        if rows.size == 0:
            continue
        total += int(rows.size)
        calls += int(np.unique(seg.arrays["call"][rows]).size)
        found.append((seg, rows, marks))
    hits: list[Hit] = []
    for seg, rows, marks in found:
        for r in rows[: max(0, limit - len(hits))]:
            hits.append(_hit(seg, int(r), marks))
        if len(hits) >= limit:
            break
    return SearchResult(tuple(hits), total, calls, time.perf_counter() - t0)


def _hit(seg: Segment, row: int, marks: list[tuple[np.ndarray, np.ndarray, int]]) -> Hit:
    a = seg.arrays
    text = seg.text(row)
    tokens = search_tokens(text)
    lo, hi = row << POS_BITS, (row + 1) << POS_BITS
    spans: dict[tuple[int, int], bool] = {}
    for starts, exact, length in marks:
        i, j = np.searchsorted(starts, [lo, hi])
        exact_here = set(exact[np.searchsorted(exact, lo) : np.searchsorted(exact, hi)].tolist())
        for code in starts[i:j].tolist():
            pos = code - lo
            if pos + length <= len(tokens):
                span = (tokens[pos].start, tokens[pos + length - 1].end)
                spans[span] = spans.get(span, False) or code in exact_here
    matches = tuple(Match(s, e, x) for (s, e), x in sorted(spans.items()))
    call = seg.calls[int(a["call"][row])]
    channel = int(a["channel"][row])
    redacted = call.get("audio_redacted_path")
    return Hit(
        night=seg.night,
        call_id=str(call["call_id"]),
        agent=str(call.get("agent") or "(unknown)"),
        agent_id=call.get("agent_id"),
        agent_name=call.get("agent_name"),
        language=call.get("language"),
        started_at=call.get("started_at"),
        role=ROLES[int(a["role"][row])],
        speaker=seg.speakers[int(a["speaker"][row])],
        channel=None if channel < 0 else channel,
        utterance=int(a["utt"][row]),
        start_s=float(a["start_s"][row]),
        end_s=float(a["end_s"][row]),
        text=text,
        matches=matches,
        audio_path=redacted or call.get("audio_path"),
        audio_redacted=bool(redacted),
    )
