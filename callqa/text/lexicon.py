"""Per-language phrase books from configs/phrases/<lang>.yaml: phrase lists, match tolerances, fillers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callqa.resources import config_dir
from callqa.text.tokens import Token, tokenize_text

PHRASES_DIR = config_dir() / "phrases"

PHRASE_LISTS = (
    "greeting",
    "help_offer",
    "summary",
    "thanks",
    "farewell",
    "hold_request",
    "hold_thanks",
    "hold_reason",  # why the hold ("I need to check your account")
    "hold_duration",  # for how long ("about two minutes"); numbers + units are also found by pattern
    "negative",
)
# Lists of the etiquette checks of issue 11 (top-level block `etiquette:` of a phrase file).
ETIQUETTE_LISTS = (
    "informal_address",  # formal_address: informal forms (ты, тебя, 你 ...)
    "informal_address_patterns",  # formal_address: regexes over whole words (ru -ешь/-ишь verbs)
    "informal_address_except",  # formal_address: words / zh character pairs that are not informal (лишь, 你们)
    "formal_address",  # formal_address: formal forms, counted for context (вы, вас, 您)
    "transfer",  # transfer: the agent announces a transfer
    "transfer_consent",  # transfer: asks the customer's consent
    "transfer_reason",  # transfer: says why
    "transfer_target",  # transfer: says to whom
    "restate",  # restating_need: the agent restates the customer's need
    "jargon",  # jargon: internal/technical terms (the per-company list adds to these)
    "jargon_explain",  # jargon: an explanation right after a term ("which means", 也就是说, то есть)
    "dead_air_narration",  # dead_air: the agent says what they are doing
    "voicemail_greeting",  # voicemail: a mailbox greeting
    "self_intro",  # voicemail: "my name is", "this is"
    "callback_request",  # voicemail: "please call us back"
    "callback_time",  # voicemail: a time to call back
)
BOUNDARY_MODES = ("none", "before", "after", "either", "both")


class LexiconError(ValueError):
    """A bad phrase file: the message names the file and the key."""


@dataclass(frozen=True)
class FillerRule:
    """A word or phrase that is a filler only in some contexts ("like", "you know", 那个, ну).

    It counts as a filler when the word before is not in `not_after`, the word after is not in
    `not_before` (unless a comma or pause separates them: "you know, a ..."), and the required `boundary` (punctuation or pause) is present: none | before |
    after | either | both. The start/end of an utterance counts as a boundary unless
    `start_is_boundary` / `end_is_boundary` is false.
    """

    phrase: str
    tokens: tuple[str, ...]
    boundary: str = "either"
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    start_is_boundary: bool = True
    end_is_boundary: bool = True


@dataclass(frozen=True)
class Matching:
    min_similarity: float = 0.8
    min_fuzzy_chars: int = 6
    min_word_similarity: float = 0.6
    name_min_similarity: float = 0.75
    name_min_fuzzy_chars: int = 4


@dataclass(frozen=True)
class PhraseBook:
    language: str
    matching: Matching
    phrases: Mapping[str, tuple[str, ...]]
    filler_words: frozenset[str] = frozenset()
    filler_patterns: tuple[re.Pattern, ...] = ()
    filler_rules: tuple[FillerRule, ...] = ()
    pause_s: float = 0.3
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> tuple[str, ...]:
        return self.phrases.get(name, ())


def _str_list(value: Any, where: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{source}: '{where}' must be a list of strings")
    return tuple(value)


def parse_phrasebook(data: Mapping[str, Any], *, language: str, source: str = "<phrases>") -> PhraseBook:
    """Build a PhraseBook from the YAML mapping, strictly (unknown keys are errors)."""
    allowed = {"language", "matching", "phrases", "fillers", "etiquette"}
    unknown = set(data) - allowed
    if unknown:
        raise LexiconError(
            f"{source}: unknown key '{sorted(unknown)[0]}' (known: {', '.join(sorted(allowed))})"
        )
    m = dict(data.get("matching") or {})
    bad = set(m) - set(Matching.__dataclass_fields__)
    if bad:
        raise LexiconError(f"{source}: unknown key 'matching.{sorted(bad)[0]}'")
    matching = Matching(**m)
    raw_phrases = data.get("phrases") or {}
    phrases: dict[str, tuple[str, ...]] = {}
    for name, value in raw_phrases.items():
        if name not in PHRASE_LISTS:
            raise LexiconError(
                f"{source}: unknown phrase list 'phrases.{name}' (known: {', '.join(PHRASE_LISTS)})"
            )
        phrases[name] = _str_list(value, f"phrases.{name}", source)
    for name, value in (data.get("etiquette") or {}).items():
        if name not in ETIQUETTE_LISTS:
            raise LexiconError(
                f"{source}: unknown phrase list 'etiquette.{name}' (known: {', '.join(ETIQUETTE_LISTS)})"
            )
        phrases[name] = _str_list(value, f"etiquette.{name}", source)
    f = dict(data.get("fillers") or {})
    bad = set(f) - {"pause_s", "always", "always_patterns", "contextual"}
    if bad:
        raise LexiconError(f"{source}: unknown key 'fillers.{sorted(bad)[0]}'")
    words = frozenset(
        t
        for w in _str_list(f.get("always"), "fillers.always", source)
        for t in [" ".join(tokenize_text(w, language=language))]
        if t
    )
    patterns = tuple(
        re.compile(p) for p in _str_list(f.get("always_patterns"), "fillers.always_patterns", source)
    )
    rules = []
    for phrase, spec in (f.get("contextual") or {}).items():
        spec = dict(spec or {})
        bad = set(spec) - {"boundary", "not_after", "not_before", "start_is_boundary", "end_is_boundary"}
        if bad:
            raise LexiconError(f"{source}: unknown key 'fillers.contextual.{phrase}.{sorted(bad)[0]}'")
        boundary = spec.get("boundary", "either")
        if boundary not in BOUNDARY_MODES:
            raise LexiconError(
                f"{source}: 'fillers.contextual.{phrase}.boundary' must be one of {BOUNDARY_MODES}"
            )

        def norm_set(key: str, phrase: str = phrase, spec: dict = spec) -> frozenset[str]:
            vals = _str_list(spec.get(key), f"fillers.contextual.{phrase}.{key}", source)
            return frozenset(" ".join(tokenize_text(v, language=language)) for v in vals)

        rules.append(
            FillerRule(
                phrase=phrase,
                tokens=tuple(tokenize_text(phrase, language=language)),
                boundary=boundary,
                not_after=norm_set("not_after"),
                not_before=norm_set("not_before"),
                start_is_boundary=bool(spec.get("start_is_boundary", True)),
                end_is_boundary=bool(spec.get("end_is_boundary", True)),
            )
        )
    return PhraseBook(
        language=language,
        matching=matching,
        phrases=phrases,
        filler_words=words,
        filler_patterns=patterns,
        filler_rules=tuple(rules),
        pause_s=float(f.get("pause_s", 0.3)),
        source=source,
    )


@lru_cache(maxsize=128)  # every (language, phrases_path) of a config: read once per process
def load_phrasebook(language: str, path: str | None = None) -> PhraseBook:
    """The phrase book for a language: `path` or configs/phrases/<language>.yaml (cached)."""
    p = Path(path) if path else PHRASES_DIR / f"{language}.yaml"
    if not p.exists():
        raise LexiconError(f"no phrase book for language {language!r} ({p})")
    with open(p, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return parse_phrasebook(data, language=language, source=str(p))


@dataclass(frozen=True)
class FillerHit:
    word: str
    start_s: float
    end_s: float
    utterance: int
    rule: str  # "always" or the contextual phrase
    probability: float | None = None  # ASR word probability (least over the filler's tokens); None: unknown


def _least_probability(tokens: Sequence[Token]) -> float | None:
    probs = [t.probability for t in tokens if t.probability is not None]
    return min(probs) if probs else None


def _neighbour(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


def _boundary_ok(rule: FillerRule, first: Token, last: Token) -> bool:
    before = first.boundary_before and (rule.start_is_boundary or not first.at_start)
    after = last.boundary_after and (rule.end_is_boundary or not last.at_end)
    return {
        "none": True,
        "before": before,
        "after": after,
        "either": before or after,
        "both": before and after,
    }[rule.boundary]


def find_fillers(tokens: Sequence[Token], book: PhraseBook) -> list[FillerHit]:
    """Fillers in one utterance's tokens: lexicon words anywhere, contextual ones by their rules."""
    hits: list[FillerHit] = []
    i = 0
    tokens = list(tokens)
    while i < len(tokens):
        tok = tokens[i]
        matched = False
        for rule in book.filler_rules:
            n = len(rule.tokens)
            if tuple(t.text for t in tokens[i : i + n]) != rule.tokens:
                continue
            prev, nxt = _neighbour(tokens, i - 1), _neighbour(tokens, i + n)
            # zh tokens are characters: compare two-character neighbours too (金额, 额度)
            prev2 = _neighbour(tokens, i - 2) + prev if book.language == "zh" else prev
            nxt2 = nxt + _neighbour(tokens, i + n + 1) if book.language == "zh" else nxt
            if prev in rule.not_after or prev2 in rule.not_after:
                continue
            # a comma/pause after the filler separates it from the next word ("you know, a ...")
            if not tokens[i + n - 1].boundary_after and (nxt in rule.not_before or nxt2 in rule.not_before):
                continue
            if not _boundary_ok(rule, tokens[i], tokens[i + n - 1]):
                continue
            word = ("" if book.language == "zh" else " ").join(rule.tokens)
            hits.append(FillerHit(word, tok.start_s, tokens[i + n - 1].end_s, tok.utterance, rule.phrase,
                                  _least_probability(tokens[i : i + n])))  # fmt: skip
            i += n
            matched = True
            break
        if matched:
            continue
        if tok.text in book.filler_words or any(p.fullmatch(tok.text) for p in book.filler_patterns):
            hits.append(FillerHit(tok.text, tok.start_s, tok.end_s, tok.utterance, "always", tok.probability))
        i += 1
    return hits
