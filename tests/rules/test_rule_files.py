"""Bad rule files: each error names the file, the rule (category id) and the key; shipped sets load."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rule_calls import write

from callqa.config import ConfigError, load_config
from callqa.rules import RuleError, load_rule_files, shipped_rule_sets

GOOD = """\
categories:
  - id: disclosure
    when_matched: pass
    match:
      said: {en: [this call may be recorded]}
      role: agent
"""


def _category(body: str, id_: str = "disclosure") -> str:
    return "categories:\n  - id: " + id_ + "\n" + textwrap.indent(textwrap.dedent(body), "    ")


# (file text, rule named in the error or None, key named in the error, words of the problem)
BAD = [
    ("categroies: []\n", None, "categroies", "unknown key"),
    ("description: x\n", None, "categories", "non-empty list"),
    ("categories: [x]\n", None, "categories[0]", "mapping"),
    ("categories:\n  - id: Bad-Id\n    when_matched: pass\n", None, "categories[0].id", "lower-case"),
    (_category("when_match: pass\nmatch: {said: {en: [x]}}\n"), "disclosure", "when_match", "unknown key"),
    (_category("match: {said: {en: [x]}}\n"), "disclosure", "when_matched", "pass, fail or flag"),
    (
        _category("when_matched: flag\nwhen_unmatched: pass\nmatch: {said: {en: [x]}}\n"),
        "disclosure",
        "when_unmatched",
        "informational",
    ),  # fmt: skip
    (_category("when_matched: pass\n"), "disclosure", "match", "missing"),
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, check: holds}\n"),
        "disclosure",
        "match",
        "exactly one",
    ),  # fmt: skip
    (_category("when_matched: pass\nmatch: {role: agent}\n"), "disclosure", "match", "exactly one"),
    (_category("when_matched: pass\nmatch: {said: [hello]}\n"), "disclosure", "match.said", "language"),
    (
        _category("when_matched: pass\nmatch: {said: {fr: [bonjour]}}\n"),
        "disclosure",
        "match.said.fr",
        "unknown language",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nlanguage: en\nmatch: {said: []}\n"),
        "disclosure",
        "match.said",
        "not empty",
    ),
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, role: boss}\n"),
        "disclosure",
        "match.role",
        "agent, customer or any",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, mode: regex}\n"),
        "disclosure",
        "match.mode",
        "exact, pattern or fuzzy",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, window: {first_sec: 30}}\n"),
        "disclosure",
        "match.window.first_sec",
        "unknown key",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, window: {first_s: 30, last_s: 10}}\n"),
        "disclosure",
        "match.window",
        "one of",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, window: {first_s: -5}}\n"),
        "disclosure",
        "match.window.first_s",
        "number",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, window: {first_pct: 150}}\n"),
        "disclosure",
        "match.window.first_pct",
        "0..100",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, window: {from_s: 30, to_s: 10}}\n"),
        "disclosure",
        "match.window",
        "ends",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, negate: 'yes'}\n"),
        "disclosure",
        "match.negate",
        "true or false",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, min_count: 0}\n"),
        "disclosure",
        "match.min_count",
        ">= 1",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: [x]}, min_similarity: 0.9}\n"),
        "disclosure",
        "match.min_similarity",
        "fuzzy",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: ['re*fund']}, mode: pattern}\n"),
        "disclosure",
        "match.said.en",
        "end of a word",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {en: ['refund*']}}\n"),
        "disclosure",
        "match.said.en",
        "mode: pattern",
    ),  # fmt: skip
    (
        _category("when_matched: pass\nmatch: {said: {zh: ['退款*']}, mode: fuzzy}\n"),
        "disclosure",
        "match.said.zh",
        "mode: pattern",
    ),  # fmt: skip
    (
        _category("when_matched: fail\nmatch: {check: rule.other, value: matched, op: '==', than: true}\n"),
        "disclosure",
        "match.check",
        "check's name",
    ),  # fmt: skip
    (
        _category("when_matched: fail\nmatch: {check: sentiment, op: '<', than: -1}\n"),
        "disclosure",
        "match.value",
        "missing",
    ),  # fmt: skip
    (
        _category("when_matched: fail\nmatch: {check: sentiment, value: customer_end, op: '=<', than: -1}\n"),
        "disclosure",
        "match.op",
        "one of",
    ),  # fmt: skip
    (
        _category("when_matched: fail\nmatch: {check: sentiment, value: customer_end, op: '<', than: low}\n"),
        "disclosure",
        "match.than",
        "number",
    ),  # fmt: skip
    (
        _category(
            "when_matched: fail\nmatch: {check: sentiment, value: customer_trend, op: in, than: bad}\n"
        ),
        "disclosure",
        "match.than",
        "list",
    ),  # fmt: skip
    (
        _category("when_matched: fail\nmatch: {check: sentiment, value: customer_end, op: '<'}\n"),
        "disclosure",
        "match.than",
        "missing",
    ),  # fmt: skip
    (
        _category("when_matched: flag\nmatch: {measure: silence_s, op: '>', than: 3}\n"),
        "disclosure",
        "match.measure",
        "unknown measure",
    ),  # fmt: skip
    (
        _category(
            "when_matched: flag\nmatch: {measure: duration_s, op: '>', than: 3, window: {first_s: 5}}\n"
        ),
        "disclosure",
        "match.window",
        "whole call",
    ),  # fmt: skip
    (
        _category("when_matched: flag\nmatch: {measure: talk_ratio, op: in, than: [1]}\n"),
        "disclosure",
        "match.op",
        "one of",
    ),  # fmt: skip
    (_category("when_matched: flag\nmatch: {all: []}\n"), "disclosure", "match.all", "non-empty"),
    (
        _category("when_matched: flag\nmatch: {any: [{said: {en: [x]}}], role: agent}\n"),
        "disclosure",
        "match.role",
        "unknown key",
    ),  # fmt: skip
    (
        _category(
            "when_matched: flag\nmatch: {all: [{said: {en: [x]}}, {any: [{said: {en: [y]}, role: me}]}]}\n"
        ),
        "disclosure",
        "match.all[1].any[0].role",
        "agent, customer or any",
    ),  # fmt: skip
    (
        _category("when_matched: flag\nonly_if: {said: {en: [x]}, window: {}}\nmatch: {said: {en: [y]}}\n"),
        "disclosure",
        "only_if.window",
        "mapping",
    ),  # fmt: skip
    (
        GOOD + "  - id: disclosure\n    when_matched: fail\n    match: {said: {en: [x]}}\n",
        "disclosure",
        "id",
        "twice",
    ),  # fmt: skip
]


@pytest.mark.parametrize("text, rule, key, problem", BAD)
def test_a_bad_rule_file_names_file_rule_and_key(tmp_path: Path, text, rule, key, problem):
    path = write(tmp_path / "bad-rules.yaml", text)
    with pytest.raises(RuleError) as err:
        load_rule_files([str(path)])
    msg = str(err.value)
    assert msg.startswith(f"{path}: "), msg
    if rule is not None:
        assert f"rule '{rule}'" in msg, msg
    assert f"key '{key}'" in msg, msg
    assert problem in msg, msg


def test_the_same_id_in_two_files_names_both(tmp_path: Path):
    a = write(tmp_path / "a.yaml", GOOD)
    b = write(tmp_path / "b.yaml", GOOD)
    with pytest.raises(RuleError, match=rf"{b}: rule 'disclosure': key 'id': already defined in {a}"):
        load_rule_files([str(a), str(b)])


def test_missing_and_unparsable_files_name_themselves(tmp_path: Path):
    with pytest.raises(RuleError, match=rf"{tmp_path / 'nope.yaml'}: rule file not found"):
        load_rule_files([str(tmp_path / "nope.yaml")])
    broken = write(tmp_path / "broken.yaml", "categories: [\n")
    with pytest.raises(ConfigError, match=rf"{broken}: not valid YAML"):
        load_rule_files([str(broken)])


def test_every_shipped_rule_set_loads_with_its_categories():
    names = shipped_rule_sets()
    assert {
        "recording-disclosure",
        "prohibited-language",
        "competitor-mention",
        "collections-mini-miranda",
    } <= set(names)
    rules = load_rule_files(names)
    ids = [c.id for c in rules.categories]
    assert len(ids) == len(set(ids))
    assert {"recording_disclosure", "prohibited_language", "competitor_mention", "mini_miranda"} <= set(ids)
    # every category has phrases (or measures) for all three languages where it has phrases at all
    from callqa.rules.spec import PhraseCondition, walk

    for cat in rules.categories:
        for root in (cat.match, cat.only_if):
            for cond in walk(root) if root is not None else ():
                if isinstance(cond, PhraseCondition):
                    assert set(cond.phrases) == {"en", "zh", "ru"}, (cat.id, cond.where)


# ------------------------------------------------------------------------------------------ via the config
def _config_file(tmp_path: Path, body: str) -> Path:
    return write(tmp_path / "site.yaml", body)


def test_config_rules_section_is_strict(tmp_path: Path):
    cfg = _config_file(tmp_path, "rules: {enabled: true, file: [x]}\n")
    with pytest.raises(ConfigError, match=rf"{cfg}.*unknown config key 'rules.file'"):
        load_config(cfg)
    with pytest.raises(ConfigError, match="'rules.enabled' is true but 'rules.files' lists no rule file"):
        load_config(None, ["rules.enabled=true", "rules.files=[]"])


def test_a_bad_rule_file_in_the_config_is_a_config_error_naming_the_rule_file(tmp_path: Path):
    bad = write(
        tmp_path / "mine.yaml", _category("when_matched: pass\nmatch: {said: {en: [x]}, role: boss}\n")
    )
    with pytest.raises(ConfigError, match=rf"{bad}: rule 'disclosure': key 'match.role'"):
        load_config(None, ["rules.enabled=true", f"rules.files=[{bad}]"])


def test_disabled_rules_are_not_read(tmp_path: Path):
    cfg = load_config(None, ["rules.enabled=false", f"rules.files=[{tmp_path / 'missing.yaml'}]"])
    assert cfg.resolved.rules.categories == ()


def test_a_rule_reading_an_unknown_or_disabled_check_is_a_config_error(tmp_path: Path):
    unknown = write(
        tmp_path / "u.yaml",
        _category("when_matched: flag\nmatch: {check: holdz, value: count, op: '>', than: 0}\n"),
    )
    with pytest.raises(
        ConfigError, match=rf"{unknown}: rule 'disclosure': key 'match.check': unknown check 'holdz'"
    ):
        load_config(None, ["rules.enabled=true", f"rules.files=[{unknown}]"])
    off = write(
        tmp_path / "off.yaml",
        _category("when_matched: flag\nmatch: {check: silence, value: silence_s, op: '>', than: 0}\n"),
    )
    with pytest.raises(ConfigError, match=r"key 'match.check': check 'silence' is not enabled"):
        load_config(None, ["rules.enabled=true", f"rules.files=[{off}]"])  # silence is off in default.yaml


def test_scorecard_items_must_name_enabled_scored_categories(tmp_path: Path):
    card = write(
        tmp_path / "card.yaml", "name: c\nchecks:\n  rule.recording_disclosure: {weight: 2, critical: true}\n"
    )
    with pytest.raises(ConfigError, match="item 'checks.rule.recording_disclosure': rules are not enabled"):
        load_config(None, [f"scorecard={card}"])
    cfg = load_config(None, [f"scorecard={card}", "rules.enabled=true", "rules.files=[recording-disclosure]"])
    assert cfg.resolved.scorecard.items["rule.recording_disclosure"].critical
    with pytest.raises(ConfigError, match="no category 'recording_disclosure' in the rule files"):
        load_config(None, [f"scorecard={card}", "rules.enabled=true", "rules.files=[prohibited-language]"])
    flag = write(tmp_path / "flag.yaml", "name: f\nchecks:\n  rule.competitor_mention: {weight: 1}\n")
    with pytest.raises(ConfigError, match="'competitor_mention' is a flag category"):
        load_config(None, [f"scorecard={flag}", "rules.enabled=true", "rules.files=[competitor-mention]"])
