"""The seven etiquette checks of issue 11 are registered, configured in configs/default.yaml, scored by the
etiquette scorecard, and their results (dataclass values) serialise to JSON through the registry."""

import json

from language_calls import make_call

from callqa.checks import all_checks
from callqa.checks.run import run_checks
from callqa.config import load_config
from callqa.scoring.scorecard import load_scorecard
from callqa.store.codec import check_to_dict

NEW = ("formal_address", "transfer", "restating_need", "jargon", "monotone", "dead_air", "voicemail")


def test_registered_configured_and_on_the_etiquette_scorecard():
    cfg = load_config(None)
    card = load_scorecard("etiquette", source="test")
    for name in NEW:
        assert name in all_checks() and all_checks()[name].description
        assert name in cfg.checks and name in card.items


def test_default_config_runs_them_on_a_russian_call_and_results_serialise():
    cfg = load_config(None)
    call = make_call("ru", [
        ("agent", 0.0, 3.0, "Здравствуйте, чем могу помочь?"),
        ("customer", 3.5, 9.0, "У меня списали деньги два раза за один заказ."),
        ("agent", 10.0, 14.0, "Правильно ли я понимаю, что оплата прошла дважды? Скажи номер заказа."),
        ("agent", 30.0, 33.0, "Я переключу вас на отдел возвратов."),
    ], direction="inbound")  # fmt: skip
    res = run_checks(call, {n: cfg.checks[n] for n in NEW})
    status = {n: r.status for n, r in res.items()}
    assert status == {"formal_address": "fail", "transfer": "fail", "restating_need": "pass", "jargon": "pass",
                      "monotone": "na", "dead_air": "fail", "voicemail": "na"}, res  # fmt: skip
    out = json.loads(json.dumps({n: check_to_dict(r) for n, r in res.items()}, ensure_ascii=False))
    assert out["formal_address"]["items"][0]["word"] == "скажи"
    assert out["dead_air"]["items"][0]["duration_s"] == 16.0
