"""Find personal data in one utterance's text: card numbers, phone numbers, e-mail addresses, national ids.

Numbers are read from digits and from number words (en/zh/ru, `callqa.redact.numbers`); cards must pass the
Luhn check (or follow a card word), phones must be valid for the call's regions according to libphonenumber
(`phonenumbers`, Google's numbering-plan data) or possible and follow a phone word, e-mails are matched
written or spoken ("john dot smith at gmail dot com", "собака", "艾特").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from callqa.redact.config import RedactConfig
from callqa.redact.numbers import NumberRun, Token, is_word, number_runs, tokenize

PRIORITY = ("email", "card", "id", "phone")  # an earlier kind wins where two overlap
CONTEXT_WORDS = 8  # a context word counts this many words before a number (or 3 after it)

_CARD_WORDS = ("card", "visa", "mastercard", "amex", "карт", "виза", "卡")
_PHONE_WORDS = ("phone", "cell", "mobile", "telephone", "call", "callback", "reach", "text", "extension",
                "landline", "whatsapp", "телефон", "мобильн", "сотов", "звон", "перезвон", "набер", "номер телефона",
                "电话", "手机", "致电", "联系", "打给")  # fmt: skip
_ID_WORDS = ("social", "ssn", "passport", "id", "identity", "паспорт", "снилс", "инн", "身份证", "护照")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of a text hold personal data of `kind`."""

    start: int
    end: int
    kind: str


def luhn_ok(digits: str) -> bool:
    """The Luhn check every payment card number passes.

    >>> luhn_ok("4532015112830366"), luhn_ok("4532015112830367")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _cn_id_ok(digits: str) -> bool:
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(digits[:17], weights, strict=True)) % 11]
    return digits[17].upper() == check


def _snils_ok(digits: str) -> bool:
    if len(digits) != 11:
        return False
    s = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    check = s if s < 100 else (0 if s in (100, 101) else s % 101)
    return (0 if check == 100 else check) == int(digits[9:])


def _inn12_ok(digits: str) -> bool:
    if len(digits) != 12:
        return False
    d = [int(c) for c in digits]
    w1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    w2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    n11 = sum(a * b for a, b in zip(d[:10], w1, strict=True)) % 11 % 10
    n12 = sum(a * b for a, b in zip(d[:11], w2, strict=True)) % 11 % 10
    return d[10] == n11 and d[11] == n12


def _has_context(tokens: list[Token], tok_start: int, tok_end: int, words: tuple[str, ...]) -> bool:
    """A context word (prefix match) among the CONTEXT_WORDS words before or 3 words after tokens[tok_start:tok_end]."""
    before: list[str] = []
    k = tok_start - 1
    while k >= 0 and len(before) < CONTEXT_WORDS:
        if is_word(tokens[k]):
            before.append(tokens[k].low)
        k -= 1
    after: list[str] = []
    k = tok_end
    while k < len(tokens) and len(after) < 3:
        if is_word(tokens[k]):
            after.append(tokens[k].low)
        k += 1
    near = before + after
    text = "".join(reversed(before)) + "".join(after)  # zh context words are several one-character tokens
    return any(t.startswith(w) for t in near for w in words) or any(
        w in text for w in words if not w.isascii()
    )


def _pick_windows(
    run: NumberRun, accept: Callable[[int, int, str], bool], lo: int, hi: int
) -> list[tuple[int, int]]:
    """Non-overlapping group windows [i, j) of a run, longest first from the left, whose digits `accept`."""
    groups = run.groups
    ends = [0]  # digits before group k: windows longer than `hi` are never built (a long run stays linear)
    for g in groups:
        ends.append(ends[-1] + len(g.digits))
    out, i = [], 0
    while i < len(groups):
        top = i
        while top < len(groups) and ends[top + 1] - ends[i] <= hi:
            top += 1
        found = next((j for j in range(top, i, -1) if ends[j] - ends[i] >= lo
                      and accept(i, j, "".join(g.digits for g in groups[i:j]))), None)  # fmt: skip
        if found is not None:
            out.append((i, found))
        i = found if found is not None else i + 1
    return out


@lru_cache(maxsize=4096)
def _phone_valid(digits: str, plus: bool, regions: tuple[str, ...]) -> tuple[bool, bool]:
    """(valid, possible) for a digit string, international when `plus`, else in any of `regions`."""
    possible = False
    for region in (None,) if plus else regions:
        try:
            num = phonenumbers.parse(("+" if plus else "") + digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return True, True
        possible = possible or phonenumbers.is_possible_number(num)
    return False, possible


def _number_spans(text: str, tokens: list[Token], language: str, config: RedactConfig) -> list[Span]:
    kinds = set(config.kinds)
    regions = tuple(r.upper() for r in config.phone_regions.get(language, []))
    spans: list[Span] = []
    for run in number_runs(tokens):
        taken = [False] * len(run.groups)
        first_tok, last_tok = run.groups[0].tok_start, run.groups[-1].tok_end

        def span_of(i: int, j: int, kind: str, run: NumberRun = run) -> Span:
            a = (
                run.plus_tok
                if (i == 0 and run.plus_tok is not None and kind == "phone")
                else run.groups[i].tok_start
            )
            return Span(tokens[a].start, tokens[run.groups[j - 1].tok_end - 1].end, kind)

        def free(i: int, j: int, taken: list[bool] = taken) -> bool:
            return not any(taken[i:j])

        def mark(windows: list[tuple[int, int]], kind: str, taken: list[bool] = taken) -> None:
            for i, j in windows:
                taken[i:j] = [True] * (j - i)
                spans.append(span_of(i, j, kind))

        if "card" in kinds:
            mark(_pick_windows(run, lambda i, j, d: free(i, j) and luhn_ok(d), 13, 19), "card")
            if config.card_context and _has_context(tokens, first_tok, last_tok, _CARD_WORDS):
                mark(_pick_windows(run, lambda i, j, d: free(i, j), 13, 19), "card")
        if "id" in kinds:
            x_after = last_tok < len(tokens) and tokens[last_tok].text in ("X", "x")
            id_context = _has_context(tokens, first_tok, last_tok, _ID_WORDS)

            def id_ok(
                i: int, j: int, d: str, run: NumberRun = run, x_after: bool = x_after, ctx: bool = id_context
            ) -> bool:
                if not free(i, j):
                    return False
                if _cn_id_ok(d) or (x_after and j == len(run.groups) and _cn_id_ok(d + "X")):
                    return True
                if _snils_ok(d) or _inn12_ok(d):
                    return True
                ssn_shape = [len(g.digits) for g in run.groups[i:j]] == [3, 2, 4]
                if len(d) == 9 and (ssn_shape or ctx) and d[:3] not in ("000", "666") and d[0] != "9":
                    return True
                return len(d) == 10 and ctx  # ru passport: series (4) + number (6) after "паспорт"

            windows = _pick_windows(run, id_ok, 9, 18)
            mark(windows, "id")
            if x_after and windows and windows[-1][1] == len(run.groups):
                spans[-1] = Span(spans[-1].start, tokens[last_tok].end, "id")
        if "phone" in kinds:
            phone_context = _has_context(tokens, first_tok, last_tok, _PHONE_WORDS)

            def phone_ok(i: int, j: int, d: str, run: NumberRun = run, ctx: bool = phone_context) -> bool:
                if not free(i, j):
                    return False
                valid, possible = _phone_valid(d, i == 0 and run.plus_tok is not None, regions)
                return valid or (possible and ctx)

            mark(_pick_windows(run, phone_ok, 7, 15), "phone")
    return spans


_EMAIL_WORDS = {"at": "@", "собака": "@", "собачка": "@", "dot": ".", "точка": ".", "underscore": "_",
                "подчеркивание": "_", "dash": "-", "hyphen": "-", "дефис": "-", "тире": "-"}  # fmt: skip
_EMAIL_HAN = {"艾特": "@", "点": ".", "點": ".", "下划线": "_", "下劃線": "_"}
_TLDS = set(
    "com net org edu gov mil int info biz name pro io co ai me us uk ru su cn de fr it es nl se no fi dk pl ua by kz "
    "tv cc xyz online site app dev tech store ca au jp kr in br mx ch at be cz hk tw sg "
    "рф ру ком нет орг су инфо".split()
)
_L = r"A-Za-z0-9\u00C0-\u024F\u0400-\u04FF"
_EMAIL_RE = re.compile(
    rf"(?P<local>[{_L}+]+(?:\s*[._\-]\s*[{_L}+]+)*)\s*@\s*(?P<domain>[{_L}\-]+(?:\s*\.\s*[{_L}\-]+)+)"
)


def _email_view(text: str, tokens: list[Token]) -> tuple[str, list[tuple[int, int]]]:
    """Text with spoken e-mail words replaced ("at" -> "@"), and each view character's span in `text`."""
    view: list[str] = []
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        rep, used = None, 1
        for word, sym in _EMAIL_HAN.items():  # several one-character tokens
            if "".join(t.text for t in tokens[k : k + len(word)]) == word:
                rep, used = sym, len(word)
                break
        if rep is None:
            rep = _EMAIL_WORDS.get(tok.low, tok.text)
        end = tokens[k + used - 1].end
        for ch in rep:
            view.append(ch)
            spans.append((tok.start, end))
        k += used
    return "".join(view), spans


def _email_spans(text: str, tokens: list[Token]) -> list[Span]:
    view, where = _email_view(text, tokens)
    out = []
    for m in _EMAIL_RE.finditer(view):
        labels = list(re.finditer(rf"[{_L}\-]+", m.group("domain")))
        last = max(
            (k for k, lab in enumerate(labels) if k > 0 and lab.group().lower() in _TLDS), default=None
        )
        if last is None:
            continue
        end = m.start("domain") + labels[last].end()
        start = m.start("local")
        spelled = re.search(r"(?:(?<![^\s])[A-Za-z0-9]\s+)+$", view[:start])  # "j o h n at ..."
        if spelled:
            start = spelled.start()
        else:  # "邮箱是zhang wei艾特...": Latin words right after zh/ru text belong to the address
            latin = re.search(r"(?<=[^\sA-Za-z0-9])(?:[A-Za-z0-9]+\s+){1,2}$", view[:start])
            if latin and not view[latin.start() - 1].isascii():
                start = latin.start()
        out.append(Span(where[start][0], where[end - 1][1], "email"))
    return out


def find_pii(text: str, *, language: str, config: RedactConfig) -> list[Span]:
    """Spans of personal data in `text`, sorted, not overlapping (see module docstring).

    >>> from callqa.redact.config import RedactConfig
    >>> [(s.kind, "my card is 4532 0151 1283 0366 thanks"[s.start:s.end])
    ...  for s in find_pii("my card is 4532 0151 1283 0366 thanks", language="en", config=RedactConfig())]
    [('card', '4532 0151 1283 0366')]
    """
    if not config.kinds or not text:
        return []
    tokens = tokenize(text)
    found: list[Span] = []
    if "email" in config.kinds:
        found += _email_spans(text, tokens)
    found += _number_spans(text, tokens, language, config)
    found.sort(key=lambda s: (PRIORITY.index(s.kind), s.start))
    kept: list[Span] = []
    for s in found:
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)
