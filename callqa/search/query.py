"""The `callqa search` query language: words, "quoted phrases", OR, -exclusions, word* prefixes.

Terms side by side must all match (in any utterance order); `OR` between two terms lets either match (it binds
tighter than the implicit AND, as in web search: `refund angry OR upset` is refund AND (angry OR upset)); `-term`
excludes utterances that match it. A Chinese word without spaces is a phrase of its characters. The query is
data, never a pattern: no character in it has a meaning beyond this grammar, and control characters are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from callqa.search.tokens import SearchToken, search_tokens

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_TERM_TOKENS = 32
_LEXEME_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class QueryError(ValueError):
    """A query that cannot be run; the message says why."""


@dataclass(frozen=True)
class Term:
    """A word or phrase: its tokens must match consecutive tokens of an utterance."""

    text: str  # as written
    tokens: tuple[SearchToken, ...]
    prefix: bool = False  # `word*`: the last token matches any word starting with it


@dataclass(frozen=True)
class Query:
    """all_of: every slot must match, a slot matching when any of its terms does; none_of: excluded terms."""

    all_of: tuple[tuple[Term, ...], ...]
    none_of: tuple[Term, ...] = ()


def _clean(text: str) -> str:
    """Control and format characters (ESC, NUL, bidi overrides, ...) become spaces."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


def _term(text: str) -> Term | None:
    prefix = text.endswith("*") and len(text.rstrip("*")) >= 2
    tokens = tuple(search_tokens(text))
    if not tokens:
        return None
    if len(tokens) > MAX_TERM_TOKENS:
        raise QueryError(f"the phrase {text[:40]!r}... has {len(tokens)} words (at most {MAX_TERM_TOKENS})")
    return Term(text, tokens, prefix and not tokens[-1].han)


def parse_query(text: str) -> Query:
    """Parse a search query.

    >>> q = parse_query('cancel OR lawyer "speak to a manager" -survey')
    >>> [[t.text for t in slot] for slot in q.all_of], [t.text for t in q.none_of]
    ([['cancel', 'lawyer'], ['speak to a manager']], ['survey'])
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(text)} characters (at most {MAX_QUERY_CHARS})")
    slots: list[list[Term]] = []
    none_of: list[Term] = []
    join_next = False
    for m in _LEXEME_RE.finditer(_clean(text)):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if word == "OR" or word == "|":
            join_next = bool(slots)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            neg, word = "-", word[1:]
        term = _term(phrase if phrase is not None else word)
        if term is None:
            join_next = False
            continue
        if neg:
            none_of.append(term)
            join_next = False
        elif join_next:
            slots[-1].append(term)
            join_next = False
        else:
            slots.append([term])
        if sum(len(s) for s in slots) + len(none_of) > MAX_TERMS:
            raise QueryError(f"query has more than {MAX_TERMS} terms")
    if not slots:
        raise QueryError("query has no word to look for" + (" (only exclusions)" if none_of else ""))
    return Query(tuple(tuple(s) for s in slots), tuple(none_of))
