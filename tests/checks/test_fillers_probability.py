"""Each filler carries its ASR word probability; fillers the recognizer was unsure of are not counted."""

from callqa.checks.fillers import FillersParams, check_fillers
from callqa.features import build_call
from callqa.ingest.transcript import parse_transcript
from callqa.types import CallMeta


def call(words):
    """words: (text, probability) for one 12-s agent utterance of evenly spread words."""
    step = 12.0 / len(words)
    ws = [{"text": t, "start_s": i * step, "end_s": (i + 1) * step - 0.05, **({} if p is None else {"probability": p})}
          for i, (t, p) in enumerate(words)]  # fmt: skip
    tr = parse_transcript({"language": "ru", "utterances": [
        {"speaker": "a", "role": "agent", "start_s": 0.0, "end_s": 12.0, "text": " ".join(t for t, _ in words),
         "words": ws}]})  # fmt: skip
    return build_call(CallMeta(call_id="t", audio_path=None, language="ru"), tr, None)


SAID = [("Нет,", 0.9), ("не", 0.95), ("знаю.", 0.9), ("Э-э-э,", 0.92), ("давайте", 0.9), ("проверю.", 0.9)]
INVENTED = [
    ("О,", 0.3),
    ("ну,", 0.2),
    ("как", 0.15),
    ("бы,", 0.15),
    ("эм,", 0.1),
    ("это,", 0.2),
    ("ну…", 0.25),
]


def test_low_probability_fillers_are_not_counted_and_say_why():
    r = check_fillers(call(SAID + INVENTED), FillersParams())
    assert r.values.count == 1 and r.values.items[0].word == "эээ"
    assert r.values.items[0].probability == 0.92
    assert r.values.uncertain >= 4  # ну, как бы, эм, ну
    every = check_fillers(call(SAID + INVENTED), FillersParams(min_probability=0.0))
    assert r.values.per_min * 5 <= every.values.per_min  # 1 counted instead of 6
    notes = [e.note for e in r.evidence]
    assert any("p=0.92" in n for n in notes) and any(
        "not counted: word probability 0.20 < 0.5" in n for n in notes
    )


def test_floor_zero_counts_everything_and_fails():
    r = check_fillers(call(SAID + INVENTED), FillersParams(min_probability=0.0))
    assert r.values.count >= 5 and r.values.uncertain == 0 and r.status == "fail"


def test_imported_fillers_without_probability_count():
    r = check_fillers(call([(t, None) for t, _ in SAID + INVENTED]), FillersParams())
    assert r.values.count >= 5 and r.values.items[0].probability is None
