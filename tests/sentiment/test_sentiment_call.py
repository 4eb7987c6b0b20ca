"""A call's sentiment from utterance scores (hand-made): means, quarters, start/end and the trend."""

from callqa.sentiment.call import UtteranceSentiment, edge, summarize


def u(role, start, score, n=4):
    return UtteranceSentiment(start, start + 2.0, role, score, n, "x")


def test_improved_worsened_steady():
    up = [u("customer", 0, -3.0), u("agent", 3, 1.0), u("customer", 6, 0.0), u("customer", 9, 3.0)]
    s = summarize(up, duration_s=12.0)
    assert (s.customer_start, s.customer_end, s.customer_trend) == (-3.0, 3.0, "improved")
    down = [u("customer", 0, 2.0), u("customer", 9, -2.5)]
    assert summarize(down, duration_s=12.0).customer_trend == "worsened"
    flat = [u("customer", 0, 0.5), u("customer", 9, 1.0)]
    assert summarize(flat, duration_s=12.0, min_shift=1.0).customer_trend == "steady"


def test_means_count_each_utterance_once_per_party():
    s = summarize(
        [u("customer", 0, 4.0, n=1), u("customer", 3, -1.0, n=9), u("agent", 6, 2.0)], duration_s=10.0
    )
    assert s.customer_mean == 1.5 and s.agent_mean == 2.0 and s.customer_words == 10


def test_quarters_by_midpoint_with_silent_parties_none():
    s = summarize(
        [u("agent", 0, 1.0), u("customer", 5.5, -2.0), u("customer", 17, 3.0)], duration_s=20.0
    )  # midpoints 1, 6.5, 18
    assert [(q.agent, q.customer) for q in s.quarters] == [
        (1.0, None),
        (None, -2.0),
        (None, None),
        (None, 3.0),
    ]


def test_edges_take_a_share_of_the_utterances_at_least_one():
    items = [u("customer", i * 3, float(i)) for i in range(8)]  # 8 utterances: a quarter = 2
    assert [x.score for x in edge(items, 0.25, from_end=False)] == [0.0, 1.0]
    assert [x.score for x in edge(items, 0.25, from_end=True)] == [7.0, 6.0]
    assert len(edge(items[:1], 0.25, from_end=True)) == 1 and len(edge(items[:5], 0.25, from_end=False)) == 2


def test_no_customer_no_trend():
    s = summarize([u("agent", 0, 1.0)], duration_s=5.0)
    assert s.customer_trend is None and s.customer_start is None and s.customer_mean is None
