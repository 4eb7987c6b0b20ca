"""utterances.parquet gets each utterance's sentiment score from the `sentiment` check (None without it)."""

from callqa.store.tables import build_tables


def _call(checks):
    return {
        "call_id": "c1",
        "utterances": [
            {"speaker": "S0", "role": "agent", "start_s": 0.0, "end_s": 2.0, "text": "hello"},
            {"speaker": "S1", "role": "customer", "start_s": 2.0004, "end_s": 4.0, "text": "this is awful"},
            {"speaker": "S1", "role": "unknown", "start_s": 5.0, "end_s": 6.0, "text": "mm"},
        ],
        "checks": checks,
    }


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
