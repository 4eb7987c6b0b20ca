"""utterances.parquet gets each utterance's sentiment score from the `sentiment` check (None without it)."""

from stored_results import stored_result

from callqa.store.codec import check_from_dict
from callqa.store.tables import build_tables
from callqa.types import Utterance


def _call(checks):
    return stored_result("c1", checks={n: check_from_dict(c) for n, c in checks.items()}, utterances=(
        Utterance("S0", "agent", 0.0, 2.0, "hello"),
        Utterance("S1", "customer", 2.0004, 4.0, "this is awful"),
        Utterance("S1", "unknown", 5.0, 6.0, "mm"),
    ))  # fmt: skip


def test_sentiment_column_joined_by_role_and_start():
    sentiment = {"status": "pass", "agent_mean": 0.5, "utterances": [
        {"start_s": 0.0, "end_s": 2.0, "role": "agent", "score": 0.5},
        {"start_s": 2.0, "end_s": 4.0, "role": "customer", "score": -3.1},
    ]}  # fmt: skip
    t = build_tables([_call({"sentiment": sentiment})], [])
    assert t["utterances"]["sentiment"].tolist()[:2] == [0.5, -3.1]
    assert t["utterances"]["sentiment"].isna().tolist()[2]
    assert t["calls"].at[0, "sentiment_agent_mean"] == 0.5  # the check's scalars, as for every check


def test_no_sentiment_check_leaves_the_column_empty():
    t = build_tables([_call({})], [])
    assert "sentiment" in t["utterances"].columns and t["utterances"]["sentiment"].isna().all()
