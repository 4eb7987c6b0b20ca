"""Speaking-rate matching: articulation rate over own speech, ratio band, first vs last third."""

from language_calls import make_call

from callqa.checks.speaking_rate import SpeakingRateParams, check_speaking_rate
from callqa.features import build_call
from callqa.ingest.transcript import parse_transcript
from callqa.types import CallMeta

P = SpeakingRateParams()


def words(n, word="okay"):
    return " ".join([word] * n)


def test_matched_rates_pass():
    call = make_call(
        "en",
        [("agent", 0.0, 10.0, words(30)), ("customer", 11.0, 23.0, words(30))],
        timed_words=True,
    )
    r = check_speaking_rate(call, P)
    assert r.status == "pass" and r.values.unit == "wpm"
    assert abs(r.values.agent_rate - 180.0) < 0.5 and abs(r.values.customer_rate - 150.0) < 0.5
    assert abs(r.values.ratio - 1.2) < 0.01
    # "okay" has 2 syllables: 60 syllables in 10 s
    assert abs(r.values.agent_syllables_per_s - 6.0) < 0.01


def test_agent_twice_as_fast_fails():
    call = make_call(
        "en", [("agent", 0.0, 10.0, words(30)), ("customer", 11.0, 31.0, words(30))], timed_words=True
    )
    r = check_speaking_rate(call, P)
    assert r.status == "fail" and abs(r.values.ratio - 2.0) < 0.01


def test_pauses_are_excluded():
    # agent: 15 words in 0-5 s, a 10 s pause inside one utterance, 15 words in 15-20 s
    agent_words = [{"text": "okay", "start_s": i / 3, "end_s": (i + 1) / 3} for i in range(15)]
    agent_words += [{"text": "okay", "start_s": 15 + i / 3, "end_s": 15 + (i + 1) / 3} for i in range(15)]
    cust_words = [{"text": "okay", "start_s": 21 + i / 3, "end_s": 21 + (i + 1) / 3} for i in range(30)]
    t = parse_transcript(
        {"language": "en", "utterances": [
            {"speaker": "a", "role": "agent", "words": agent_words},
            {"speaker": "c", "role": "customer", "words": cust_words},
        ]}
    )  # fmt: skip
    r = check_speaking_rate(build_call(CallMeta("t", None, "en"), t), P)
    assert abs(r.values.agent_rate - 180.0) < 0.5  # 30 words / 10 s of speech, not / 20 s
    assert r.values.agent_speech_s == 10.0 and r.status == "pass"


def test_evolution_first_vs_last_third():
    call = make_call(
        "en",
        [
            ("agent", 0.0, 9.0, words(30)),  # 200 wpm
            ("customer", 11.0, 29.0, words(30)),  # 100 wpm
            ("agent", 31.0, 40.0, words(20)),
            ("customer", 41.0, 50.0, words(15)),
            ("agent", 61.0, 71.0, words(18)),  # 108 wpm
            ("customer", 72.0, 90.0, words(30)),  # 100 wpm
        ],
        timed_words=True,
    )
    r = check_speaking_rate(call, P)
    assert abs(r.values.ratio_first_third - 2.0) < 0.01
    assert abs(r.values.ratio_last_third - 1.08) < 0.01
    assert r.values.evolution == "converged" and r.values.adapted is True


def test_zh_characters_per_minute():
    call = make_call(
        "zh",
        [("agent", 0.0, 10.0, "您好 欢迎 致电 " * 10), ("customer", 11.0, 21.0, "我想 查询 " * 10)],
        timed_words=True,
    )
    r = check_speaking_rate(call, P)
    assert r.values.unit == "chars_per_min"
    assert abs(r.values.agent_rate - 360.0) < 0.5 and abs(r.values.customer_rate - 240.0) < 0.5
    assert r.status == "fail" and abs(r.values.agent_syllables_per_s - 6.0) < 0.01


def test_ru_words_per_minute_and_syllables():
    call = make_call(
        "ru",
        [("agent", 0.0, 10.0, words(25, "хорошо")), ("customer", 11.0, 21.0, words(25, "да"))],
        timed_words=True,
    )
    r = check_speaking_rate(call, P)
    assert r.values.unit == "wpm" and r.status == "pass" and abs(r.values.ratio - 1.0) < 0.01
    assert abs(r.values.agent_syllables_per_s - 7.5) < 0.01 and abs(r.values.syllable_ratio - 3.0) < 0.01


def test_too_little_speech_is_na():
    call = make_call(
        "en", [("agent", 0.0, 10.0, words(30)), ("customer", 11.0, 12.0, "yes")], timed_words=True
    )
    assert check_speaking_rate(call, P).status == "na"
