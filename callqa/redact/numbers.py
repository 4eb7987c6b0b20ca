"""Numbers as ASR writes them: digits and number words (en/zh/ru) read into digit runs with their character spans.

"four five three two", "四五三二", "четыре пять три два" and "4532" all become the digit group "4532";
"девятьсот шестнадцать" becomes "916", "eight hundred" "800", "double five" "55", "plus" / "плюс" / "加" a
leading "+". A run is a sequence of groups separated only by spaces, hyphens, brackets, ", ", ". " (a pause), "，" or "。".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# digit runs, Latin/Cyrillic letter runs, single Han characters, whitespace runs, any other single character
_TOKEN_RE = re.compile(
    r"[0-9]+|[A-Za-z\u00C0-\u024F\u0400-\u04FF]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\s+|.", re.S
)


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # character offsets in the text
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().replace("ё", "е")


def tokenize(text: str) -> list[Token]:
    """Split `text` into digit runs, letter runs, Han characters, spaces and single other characters."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def is_word(tok: Token) -> bool:
    return not tok.text.isspace() and (tok.text[0].isalnum())


_EN_DIGITS = {"zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9}  # fmt: skip
_EN_MAYBE_ZERO = {"oh", "o"}  # zero only next to another number
_EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}  # fmt: skip
_RU_DIGITS = {"ноль": 0, "нуль": 0, "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3,
              "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9}  # fmt: skip
_RU_TEENS = {"десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
             "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19}  # fmt: skip
_RU_TENS = {"двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
            "восемьдесят": 80, "девяносто": 90}  # fmt: skip
_RU_HUNDREDS = {"сто": 100, "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600,
                "семьсот": 700, "восемьсот": 800, "девятьсот": 900}  # fmt: skip
_THOUSAND = {"thousand", "тысяча", "тысячи", "тысяч"}
_REPEAT = {"double": 2, "triple": 3}
_PLUS = {"plus", "плюс", "加", "+"}
ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class _Item:
    kind: str  # D digit, T teen, X tens, H hundred (en multiplier), C ru hundreds, K thousand, R repeat, Z zh, A arabic
    value: int
    tok: int  # token index
    text: str = ""


def _classify(tok: Token) -> _Item | None:
    t = tok.low
    if tok.text.isdigit() and tok.text.isascii():
        return _Item("A", 0, -1, tok.text)
    for table, kind in ((_EN_DIGITS, "D"), (_RU_DIGITS, "D"), (_EN_TEENS, "T"), (_RU_TEENS, "T"),
                        (_EN_TENS, "X"), (_RU_TENS, "X"), (_RU_HUNDREDS, "C")):  # fmt: skip
        if t in table:
            return _Item(kind, table[t], -1)
    if t == "hundred":
        return _Item("H", 100, -1)
    if t in _THOUSAND:
        return _Item("K", 1000, -1)
    if t in _REPEAT:
        return _Item("R", _REPEAT[t], -1)
    if t in ZH_DIGITS or t in _ZH_UNITS:
        return _Item("Z", 0, -1, t)
    if t in _EN_MAYBE_ZERO:
        return _Item("O", 0, -1)
    return None


def _separator_ok(text: str) -> bool:
    """Between two number groups of one run: nothing, spaces, hyphens, brackets, or a comma then a space."""
    if text == "":
        return True
    if not re.fullmatch(r"[\s\-–—(),.，、。]*", text):
        return False
    # "1,250" / "12.50" are one amount, "4532, 0151" / "4532. 0151" (a pause) two groups of one number
    return all(re.search(rf"\{p}\s", text) for p in ",." if p in text)


@dataclass(frozen=True)
class Group:
    """Digits of one spoken or written number, with the token range it came from."""

    digits: str
    tok_start: int
    tok_end: int  # exclusive


@dataclass(frozen=True)
class NumberRun:
    """Consecutive number groups; `plus` when "+" / "plus" / "плюс" / "加" leads it."""

    groups: tuple[Group, ...]
    plus_tok: int | None = None

    @property
    def digits(self) -> str:
        return "".join(g.digits for g in self.groups)


def _zh_compound(chars: list[str], i: int) -> tuple[int, int] | None:
    """A zh number with units at chars[i:] ("九百一十六" -> 916, "十六" -> 16): (value, next index), else None."""
    total, last_unit, j, has_unit, zero = 0, 10**9, i, False, False
    while j < len(chars):
        c = chars[j]
        if c in ("零", "〇") and has_unit:
            zero, j = True, j + 1
            continue
        d, k = None, j
        if c in ZH_DIGITS:
            d, k = ZH_DIGITS[c], j + 1
        if k < len(chars) and chars[k] in _ZH_UNITS and _ZH_UNITS[chars[k]] < last_unit:
            last_unit = _ZH_UNITS[chars[k]]
            total += (1 if d is None else d) * last_unit
            has_unit, zero, j = True, False, k + 1
            continue
        if d is not None and has_unit and (last_unit == 10 or zero):
            total += d
            j = k
        break
    return (total, j) if has_unit else None


def _zh_groups(items: list[_Item]) -> list[Group]:
    chars = [it.text for it in items]
    out: list[Group] = []
    i = 0
    while i < len(chars):
        comp = _zh_compound(chars, i)
        if comp is not None:
            value, j = comp
            out.append(Group(str(value), items[i].tok, items[j - 1].tok + 1))
            i = j
        elif chars[i] in ZH_DIGITS:
            out.append(Group(str(ZH_DIGITS[chars[i]]), items[i].tok, items[i].tok + 1))
            i += 1
        else:  # a stray unit
            i += 1
    return out


def _word_groups(items: list[_Item]) -> list[Group]:
    """en/ru number words and Arabic digits into groups: 'nine hundred sixteen' -> 916, 'four five' -> 4, 5."""
    n = len(items)

    def below_hundred(k: int, *, bare_digit: bool = True) -> tuple[int, int] | None:
        if k < n and items[k].kind == "X":
            if k + 1 < n and items[k + 1].kind == "D" and items[k + 1].value > 0:
                return items[k].value + items[k + 1].value, k + 2
            return items[k].value, k + 1
        if k < n and (items[k].kind == "T" or (bare_digit and items[k].kind == "D")):
            return items[k].value, k + 1
        return None

    def below_thousand(i: int) -> tuple[int, int] | None:
        it = items[i]
        if it.kind == "D" and i + 1 < n and items[i + 1].kind == "H":
            # en "eight hundred five five five" is 800 555: a bare digit after "hundred" starts a new group
            rest = below_hundred(i + 2, bare_digit=False)
            return (it.value * 100 + rest[0], rest[1]) if rest else (it.value * 100, i + 2)
        if it.kind == "C":  # ru "сто пять" is 105
            rest = below_hundred(i + 1)
            return (it.value + rest[0], rest[1]) if rest and rest[0] > 0 else (it.value, i + 1)
        return below_hundred(i)

    out: list[Group] = []
    i = 0
    while i < n:
        it = items[i]
        start = i
        if it.kind == "A":
            out.append(Group(it.text, it.tok, it.tok + 1))
            i += 1
            continue
        if it.kind == "R" and i + 1 < n and items[i + 1].kind in ("D", "O"):
            out.append(Group(str(items[i + 1].value) * it.value, it.tok, items[i + 1].tok + 1))
            i += 2
            continue
        if it.kind == "O":
            out.append(Group("0", it.tok, it.tok + 1))
            i += 1
            continue
        parsed = below_thousand(i) if it.kind != "K" else (1, i)  # "тысяча двести" is 1200
        if parsed is None:  # a stray multiplier or repeat word
            i += 1
            continue
        value, i = parsed
        if i < n and items[i].kind == "K":  # "two thousand five hundred"
            value, i = value * 1000, i + 1
            if i < n and items[i].kind in ("C", "D", "X", "T"):
                sub = below_thousand(i)
                if sub is not None:
                    value, i = value + sub[0], sub[1]
        out.append(Group(str(value), items[start].tok, items[i - 1].tok + 1))
    return out


def number_runs(tokens: list[Token]) -> list[NumberRun]:
    """Every run of number groups in `tokens` (see module docstring)."""
    items: list[_Item] = []
    for i, tok in enumerate(tokens):
        it = _classify(tok)
        if it is not None:
            items.append(_Item(it.kind, it.value, i, it.text))

    # "oh"/"o" is zero only right next to another number
    def gap(a: _Item, b: _Item) -> str:
        return "".join(t.text for t in tokens[a.tok + 1 : b.tok])

    kept = []
    for k, it in enumerate(items):
        if it.kind == "O":
            prev_ok = (
                k > 0 and items[k - 1].kind not in ("O", "K", "H") and _separator_ok(gap(items[k - 1], it))
            )
            next_ok = (
                k + 1 < len(items)
                and items[k + 1].kind not in ("K", "H")
                and _separator_ok(gap(it, items[k + 1]))
            )
            if not (prev_ok or next_ok):
                continue
        kept.append(it)
    # split into runs at anything that is not a separator
    runs: list[list[_Item]] = []
    for it in kept:
        if runs and _separator_ok(gap(runs[-1][-1], it)):
            runs[-1].append(it)
        else:
            runs.append([it])
    out: list[NumberRun] = []
    for run in runs:
        groups: list[Group] = []
        k = 0
        while k < len(run):  # zh characters and word/digit items are grouped by their own rules
            j = k
            zh = run[k].kind == "Z"
            while j < len(run) and (run[j].kind == "Z") == zh:
                j += 1
            groups += _zh_groups(run[k:j]) if zh else _word_groups(run[k:j])
            k = j
        if not groups:
            continue
        plus = _plus_before(tokens, groups[0].tok_start)
        out.append(NumberRun(tuple(groups), plus))
    return out


def _plus_before(tokens: list[Token], tok: int) -> int | None:
    k = tok - 1
    while k >= 0 and tokens[k].text.isspace():
        k -= 1
    if k >= 0 and tokens[k].low in _PLUS:
        return k
    return None
