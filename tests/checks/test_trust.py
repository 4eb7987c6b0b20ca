"""Text checks are na for a party whose transcript is unreliable; signal checks still run (issue 11)."""

from callqa.checks import text_checks
from callqa.checks.run import run_checks
from callqa.checks.trust import TrustConfig, transcript_confidence
from callqa.features import build_call
from callqa.ingest.transcript import parse_transcript
from callqa.types import CallMeta, SignalEvent, SignalReport

CHECKS = {"greeting": {"require_company": False, "require_agent_name": False}, "fillers": {"min_speech_s": 1.0},
          "closing": {}, "speaking_rate": {}, "talk_time": {}, "positive_language": {}}  # fmt: skip


def call_with(prob_agent, prob_customer=0.95, *, events=(), duration_s=30.0):
    def words(text, start, prob):
        out = []
        for i, w in enumerate(text.split()):
            out.append({"text": w, "start_s": start + 0.4 * i, "end_s": start + 0.4 * i + 0.35,
                        **({} if prob is None else {"probability": prob})})  # fmt: skip
        return out

    rows = [("agent", 0.5, "Нет, не знаю. Ну, как бы, эм, это, ну, э-э-э."),
            ("customer", 6.0, "Здравствуйте, у меня вопрос по счету."),
            ("agent", 10.0, "Спасибо за звонок, до свидания.")]  # fmt: skip
    utts = []
    for role, start, text in rows:
        w = words(text, start, prob_agent if role == "agent" else prob_customer)
        utts.append({"speaker": role, "role": role, "start_s": w[0]["start_s"], "end_s": w[-1]["end_s"],
                     "text": text, "words": w})  # fmt: skip
    tr = parse_transcript({"language": "ru", "utterances": utts, "duration_s": duration_s})
    sig = SignalReport(8000, duration_s, 1, (), tuple(SignalEvent(k, s, e) for k, s, e in events))
    return build_call(CallMeta(call_id="t", audio_path=None, language="ru"), tr, sig)


def test_low_agent_probability_makes_text_checks_na_with_the_reason():
    res = run_checks(call_with(0.50), CHECKS, trust=TrustConfig())
    for name in ("greeting", "fillers", "closing", "speaking_rate", "positive_language"):
        assert res[name].status == "na", name
        assert res[name].reason.startswith("transcript unreliable: agent mean word probability 0.50"), name
        assert res[name].values["transcript_trusted"] is False
    assert "unreliable" not in (res["talk_time"].reason or "")  # a signal/timing check is never gated


def test_without_gate_the_same_call_fails_the_agent_on_invented_words():
    res = run_checks(call_with(0.50), CHECKS)  # no trust config: old behaviour
    assert res["fillers"].status == "fail" and res["positive_language"].status == "fail"


def test_confident_transcript_is_checked():
    res = run_checks(call_with(0.93), CHECKS, trust=TrustConfig())
    assert res["fillers"].status == "fail" and "unreliable" not in (res["fillers"].reason or "")


def test_imported_text_without_probabilities_is_trusted():
    res = run_checks(call_with(None, None), CHECKS, trust=TrustConfig())
    assert res["fillers"].status == "fail" and res["greeting"].status in ("pass", "fail")
    assert transcript_confidence(call_with(None, None)).agent is None


def test_only_the_unreliable_party_gates_its_checks():
    # customer unreliable: agent-only checks run; speaking_rate (both parties) is na
    res = run_checks(call_with(0.93, 0.40), CHECKS, trust=TrustConfig())
    assert res["fillers"].status == "fail" and res["speaking_rate"].status == "na"
    assert "customer mean word probability 0.40" in res["speaking_rate"].reason


def test_threshold_per_language_and_off_switch():
    call = call_with(0.80)
    assert run_checks(call, CHECKS, trust=TrustConfig())["fillers"].status == "fail"
    assert run_checks(call, CHECKS, trust=TrustConfig(by_language={"ru": 0.85}))["fillers"].status == "na"
    assert run_checks(call_with(0.5), CHECKS, trust=TrustConfig(enabled=False))["fillers"].status == "fail"


def test_closing_keeps_the_signal_hangup_party_when_gated():
    call = call_with(0.5, events=[("busy_tone", 13.0, 16.0)], duration_s=16.0)
    res = run_checks(call, CHECKS, trust=TrustConfig())
    c = res["closing"]
    assert (
        c.status == "na"
        and c.values["hangup_party"] == "customer"
        and c.values["hangup_source"] == "busy_tone"
    )
    assert all(e.text is None for e in c.evidence)  # no words from the untrusted transcript


def test_registry_declares_the_text_checks():
    assert {"greeting", "closing", "fillers", "speaking_rate", "hold_etiquette"} <= text_checks()
    assert not {"rings", "volume", "holds", "talk_time"} & text_checks()


def test_confidence_per_party():
    conf = transcript_confidence(call_with(0.5, 0.9))
    assert conf.agent == 0.5 and conf.customer == 0.9 and conf.agent_words > 3
