"""`callqa search`: en/zh/ru matches (stems, ASR errors, homophones), query syntax, filters, index life, bad input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from stored_results import stored_result

from callqa.cli import main
from callqa.search.cli import highlight
from callqa.search.engine import Filters, search_segments
from callqa.search.index import INDEX_DIR, open_index
from callqa.search.query import MAX_QUERY_CHARS, QueryError, parse_query
from callqa.store.codec import StoredCheck, StoredResult
from callqa.store.tables import build_tables, finish_table, write_duckdb, write_partition
from callqa.types import CallMeta, Utterance

# (night, call_id, language, agent, greeting status, [(role, text)])
CALLS = [
    ("2025-03-01", "en-1", "en", "A1", "pass", [
        ("agent", "Thank you for calling Acme, how can I help?"),
        ("customer", "I want to cancel my subscription."),
        ("agent", "I'm sorry to hear that. Can I ask why?"),
        ("customer", "It is too expensive, and I was promised a refund."),
    ]),
    ("2025-03-02", "en-2", "en", "A2", "fail", [
        ("agent", "Hello."),
        ("customer", "I want to cancell my subscribtion right now."),  # as ASR garbled it
        ("customer", "Otherwise I will talk to my lawyer."),
        ("agent", "I cancelled it for you."),
    ]),
    ("2025-03-03", "en-3", "en", "A1", "fail", [
        ("customer", "The subscription is fine, I only want to cancel the extra line."),
        ("agent", "Can you repeat my name? Call me at [PHONE] please."),
    ]),
    ("2025-03-02", "zh-1", "zh", "B1", "pass", [
        ("agent", "您好，感谢您的来电，请问有什么可以帮您？"),
        ("customer", "我要退款，这个订单一直没有发货。"),
        ("customer", "请帮我取消订单。"),
    ]),
    ("2025-03-03", "zh-2", "zh", "B1", "fail", [
        ("customer", "我要推款。"),  # Whisper's homophone for 退款
        ("agent", "好的，已經為您取消訂單。"),  # Traditional characters (an imported transcript)
    ]),
    ("2025-03-01", "ru-1", "ru", "C1", "pass", [
        ("agent", "Здравствуйте, компания Акме, чем могу помочь?"),
        ("customer", "Я хочу отменить подписку и вернуть деньги."),
        ("customer", "Иначе я напишу жалобу."),
    ]),
    ("2025-03-03", "ru-2", "ru", "C2", "pass", [
        ("customer", "Отмените, пожалуйста, мою подписку."),
        ("agent", "Ваша жалоба принята."),
    ]),
]  # fmt: skip


def write_store(root: Path, calls=CALLS) -> Path:
    nights: dict[str, list[StoredResult]] = {}
    for night, cid, lang, agent, greeting, utts in calls:
        t, rows = 0.5, []
        for i, (role, text) in enumerate(utts):
            rows.append(Utterance("ch0" if role == "agent" else "ch1", role, t, t + 2.0, text,
                                  channel=0 if role == "agent" else 1))  # fmt: skip
            t += 2.5 + i
        meta = CallMeta(cid, f"/calls/{cid}.wav", language=lang, agent_id=agent)
        nights.setdefault(night, []).append(
            stored_result(cid, meta=meta, checks={"greeting": StoredCheck(greeting)}, utterances=tuple(rows))
        )
    for night, items in nights.items():
        frames = build_tables(items, [])
        for t in ("calls", "checks", "utterances"):
            write_partition(root / f"{t}.parquet", night, frames[t])
    for t in ("calls", "checks", "utterances", "errors"):
        finish_table(root / f"{t}.parquet", t)
    write_duckdb(root)
    return root


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "results")


def find(store: Path, q: str, **filters) -> list[tuple[str, str, bool]]:
    """(call_id, matched text, exact) per match, over every hit."""
    exact = filters.pop("exact", False)
    segs, _ = open_index(store, warn=False)
    res = search_segments(segs, parse_query(q), filters=Filters(**filters), limit=100, fuzzy=not exact)
    return [(h.call_id, h.text[m.start : m.end], m.exact) for h in res.hits for m in h.matches]


def calls_of(store: Path, q: str, **filters) -> set[str]:
    return {c for c, _, _ in find(store, q, **filters)}


# ------------------------------------------------------------------------------------------ languages
def test_en(store: Path) -> None:
    got = find(store, "cancel")
    assert ("en-1", "cancel", True) in got and ("en-3", "cancel", True) in got
    assert ("en-2", "cancelled", True) in got and ("en-2", "cancell", True) in got  # same stem
    assert ("en-2", "subscribtion", False) in find(
        store, "subscription"
    )  # ASR misspelling: found, marked fuzzy
    # a garbled phrase: both words misspelt, still adjacent
    assert find(store, '"cancel my subscription"') == [
        ("en-2", "cancell my subscribtion", False), ("en-1", "cancel my subscription", True)]  # fmt: skip
    assert calls_of(store, "cancel", exact=True) == {"en-1", "en-2", "en-3"}  # stems still match
    assert calls_of(store, "subscription", exact=True) == {"en-1", "en-3"}


def test_zh_substring_traditional_and_homophone(store: Path) -> None:
    assert find(store, "退款") == [("zh-2", "推款", False), ("zh-1", "退款", True)]
    assert find(store, "退款", exact=True) == [("zh-1", "退款", True)]
    # a Traditional query finds Simplified text and the other way round (OpenCC t2s on both sides)
    assert {c for c, _, x in find(store, "取消訂單") if x} == {"zh-1", "zh-2"}
    assert find(store, "订单") == [("zh-2", "訂單", True), ("zh-1", "订单", True), ("zh-1", "订单", True)]


def test_ru_inflections(store: Path) -> None:
    assert calls_of(store, "подписка") == {"ru-1", "ru-2"}  # подписку, подписку
    assert calls_of(store, '"отменить подписку"') == {"ru-1"}  # ru-2's words are not adjacent
    assert calls_of(store, "отменить подписку") == {"ru-1", "ru-2"}  # both words, any order
    assert ("ru-2", "жалоба", True) in find(store, "жалобу") and ("ru-1", "жалобу", True) in find(
        store, "жалоба"
    )


# ------------------------------------------------------------------------------------------ syntax
def test_or_exclude_prefix_and_placeholders(store: Path) -> None:
    assert calls_of(store, "lawyer OR refund") == {"en-1", "en-2"}
    assert calls_of(store, "cancel -subscription", exact=True) == {"en-2"}  # "I cancelled it for you."
    assert calls_of(store, "expens*") == {"en-1"}
    assert calls_of(store, "[PHONE]") == {"en-3"}
    assert calls_of(store, "phone") == set()  # a placeholder is not the word
    q = parse_query('refund angry OR upset -"speak to"')
    assert [[t.text for t in s] for s in q.all_of] == [["refund"], ["angry", "upset"]]
    assert [t.text for t in q.none_of] == ["speak to"]


def test_filters(store: Path) -> None:
    assert calls_of(store, "cancel", roles=("agent",)) == {"en-2"}
    assert calls_of(store, "cancel", roles=("customer",)) == {"en-1", "en-2", "en-3"}
    assert calls_of(store, "cancel", night_from="2025-03-02", night_to="2025-03-02") == {"en-2"}
    assert calls_of(store, "cancel", night_from="2025-03-02") == {"en-2", "en-3"}
    assert calls_of(store, "cancel", agents=("a1",)) == {"en-1", "en-3"}  # case-insensitive
    assert calls_of(store, "cancel", checks=(("greeting", "fail"),)) == {"en-2", "en-3"}
    assert calls_of(store, "订单 OR подписку", languages=("ru",)) == {"ru-1", "ru-2"}


def test_cli_text_json_limit_and_links(store: Path, capsys: pytest.CaptureFixture) -> None:
    assert (
        main(["search", str(store), "cancel", "--role", "customer", "--limit", "1", "--report", "rep"]) == 0
    )
    out = capsys.readouterr().out
    assert "«cancel»" in out and "3 match(es) in 3 call(s); 1 shown" in out
    assert "callqa show en-3 --out " in out and "rep/agents/A1.html#call-en-3" in out
    assert "audio file:///calls/en-3.wav#t=0.5" in out
    assert main(["search", str(store), "退款", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == 2 and [h["call_id"] for h in doc["hits"]] == ["zh-2", "zh-1"]  # newest night first
    hit = doc["hits"][1]
    assert hit["matches"] == [{"start": 2, "end": 4, "text": "退款", "exact": True}]
    assert hit["role"] == "customer" and hit["night"] == "2025-03-02" and hit["start_s"] == 3.0
    assert main(["search", str(store), "nothing-like-this"]) == 1  # like grep: 1 = no match
    assert "no match" in capsys.readouterr().out


def test_stored_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    root = write_store(tmp_path / "r", [("2025-03-01", "x", "en", "A", "pass", [
        ("customer", "cancel \x1b[2J\x1b]0;pwned\x07 now \u202e")])])  # fmt: skip
    segs, _ = open_index(root, warn=False)
    hit = search_segments(segs, parse_query("cancel")).hits[0]
    shown = highlight(hit.text, hit, bold=True)
    assert shown.startswith("\x1b[1mcancel\x1b[0m") and "\x1b[2J" not in shown and "\x07" not in shown
    assert "\u202e" not in shown and "\ufffd" in shown


# ------------------------------------------------------------------------------------------ hostile input
@pytest.mark.parametrize(
    "q",
    [r".*", r"(a+)+$", r"[^\]]{1000}", "%_%' OR 1=1; --", "\x00cancel\x1b[31m", "cancel\u202e", '"unterminated cancel',
     "* ** ***", "-", "OR OR cancel OR", "a" * 900, "🙂 cancel 🙂", "\\\\n$1"],
)  # fmt: skip
def test_hostile_queries_are_data(store: Path, q: str) -> None:
    try:
        query = parse_query(q)
    except QueryError:
        return  # nothing to look for: a clear error, never a crash
    segs, _ = open_index(store, warn=False)
    assert search_segments(segs, query, limit=5).total >= 0


def test_control_characters_in_a_query_are_spaces(store: Path) -> None:
    assert calls_of(store, "\x00cancel\x1b\u202e") == {"en-1", "en-2", "en-3"}


def test_bad_queries_and_options_are_clear_errors(store: Path, capsys: pytest.CaptureFixture) -> None:
    for args, msg in [
        (["x" * (MAX_QUERY_CHARS + 1)], "query too long"),
        (["...!!!"], "no word to look for"),
        (["--", "-refund"], "only exclusions"),
        (["cancel", "--night", "2025-3-1"], "not YYYY-MM-DD"),
        (["cancel", "--night", "2025-03-05..2025-03-01"], "is after"),
        (["cancel", "--check", "greeting"], "NAME=pass|fail|na"),
        (["cancel", "--check", "nosuch=fail"], "no call has a check named 'nosuch'"),
    ]:
        assert main(["search", str(store), *args]) == 2, args
        assert msg in capsys.readouterr().err, args


def test_missing_empty_or_unbuilt_results_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["search", str(tmp_path / "nope"), "cancel"]) == 2
    assert "nope: no such results folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["search", str(tmp_path / "empty"), "cancel"]) == 2
    assert "no scored calls" in capsys.readouterr().err
    (tmp_path / "unbuilt" / "calls").mkdir(parents=True)
    (tmp_path / "unbuilt" / "calls" / "c.json").write_text("{}")
    assert main(["search", str(tmp_path / "unbuilt"), "cancel"]) == 2
    assert "callqa report" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ the index
def test_index_is_reused_rebuilt_per_night_repaired_and_cleaned(store: Path) -> None:
    _, first = open_index(store, warn=False)
    assert sorted(first.built) == ["2025-03-01", "2025-03-02", "2025-03-03"]
    _, again = open_index(store, warn=False)
    assert again.built == [] and again.reused == 3
    # a batch rewrites one night: only it is indexed again, and its old segment goes
    write_store(store, [c for c in CALLS if c[0] == "2025-03-02"] + [
        ("2025-03-02", "en-9", "en", "A9", "pass", [("customer", "Please cancel everything.")])])  # fmt: skip
    _, third = open_index(store, warn=False)
    assert third.built == ["2025-03-02"]
    assert len([d for d in (store / INDEX_DIR).iterdir() if "2025-03-02" in d.name]) == 1
    assert "en-9" in calls_of(store, "cancel")
    # a damaged segment (power cut) is rebuilt
    seg = next(d for d in (store / INDEX_DIR).iterdir() if "2025-03-01" in d.name)
    (seg / "data.bin").write_bytes(b"\0" * 10)
    _, fourth = open_index(store, warn=False)
    assert fourth.built == ["2025-03-01"] and "en-1" in calls_of(store, "cancel")
    # a night that is gone from the tables leaves the index too
    shutil.rmtree(store / "utterances.parquet" / "night=2025-03-03")
    open_index(store, warn=False)
    assert not any("2025-03-03" in d.name for d in (store / INDEX_DIR).iterdir())


def test_an_unwritable_index_folder_searches_from_memory(store: Path, capsys: pytest.CaptureFixture) -> None:
    (store / "cache").mkdir(exist_ok=True)
    (store / INDEX_DIR).write_text(
        "not a folder"
    )  # root ignores permissions: a file blocks the folder instead
    assert main(["search", str(store), "cancel"]) == 0
    captured = capsys.readouterr()
    assert "could not save the index" in captured.err and "«cancel»" in captured.out
    assert (store / INDEX_DIR).is_file()


def test_a_real_batch_is_searchable_with_its_redaction(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Imported transcripts through `callqa score` (no models): placeholders are searchable, digits are not."""
    folder = tmp_path / "in"
    folder.mkdir()
    doc = {"language": "ru", "roles": {"s0": "agent", "s1": "customer"}, "utterances": [
        {"speaker": "s0", "start_s": 0.5, "end_s": 3.0, "text": "Здравствуйте, чем могу помочь?"},
        {"speaker": "s1", "start_s": 3.5, "end_s": 9.0, "text": "Хочу отменить карту, номер карты 2200 1542 3411 2349."},
    ]}  # fmt: skip
    (folder / "c1.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (folder / "m.csv").write_text("call_id,transcript_path,language,agent_id\nc1,c1.json,ru,R1\n")
    out = tmp_path / "out"
    assert main(["score", str(folder / "m.csv"), "--out", str(out), "--night", "2025-03-04"]) == 0
    capsys.readouterr()
    assert main(["search", str(out), "карта [CARD]", "--role", "customer", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert hit["call_id"] == "c1" and hit["night"] == "2025-03-04" and hit["agent"] == "R1"
    said = [m["text"] for m in hit["matches"]]
    assert said[:2] == ["карту", "карты"] and set(said[2:]) == {"[CARD]"}  # text-only: one per digit group
    assert main(["search", str(out), "2200"]) == 1  # the number was never stored


def test_cold_search_needs_no_heavy_import(store: Path) -> None:
    """The search command never imports pandas, the config (YAML, checks, scipy) or pypinyin on a query."""
    import subprocess
    import sys

    open_index(store, warn=False)  # built once (building may import them)
    code = ("import sys\nfrom callqa.cli import main\nmain(['search', sys.argv[1], '退款 OR cancel'])\n"
            "bad = [m for m in ('pandas', 'yaml', 'scipy', 'pypinyin', 'callqa.config') if m in sys.modules]\n"
            "print('HEAVY', bad)")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", code, str(store)], capture_output=True, text=True, env=env)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
