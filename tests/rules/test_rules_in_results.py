"""Rules through the whole tool on imported transcripts in en / zh / ru (no model runs): `callqa score`,
calls/*.json, `callqa show`, checks.parquet / calls.parquet, the HTML report, scorecards, and `rescore`
after a rule file changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from rule_calls import write

from callqa.cli import main
from callqa.rules.config import rule_file_path

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "data" / "transcripts"
ON = ["--set", "rules.enabled=true", "--set", "runtime.workers=1"]


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """Three calls, one transcript each: en (callqa JSON), zh (no word times), ru (Amazon, by channel)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for lang in ("en", "zh", "ru"):
        shutil.copy(TRANSCRIPTS / f"rules_{lang}.json", folder / f"rules_{lang}.json")
    rows = [
        "call_id,transcript_path,language,agent_id,channel_layout,started_at",
        "call-en,rules_en.json,en,A1,mono,2025-03-03T09:00:00",
        "call-zh,rules_zh.json,zh,A2,mono,2025-03-03T10:00:00",
        "call-ru,rules_ru.json,ru,A3,stereo_agent_left,2025-03-04T11:00:00",
    ]
    return write(folder / "manifest.csv", "\n".join(rows) + "\n")


def _calls(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (out / "calls").glob("*.json")}


def _parquet(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{table}.parquet")


def test_rule_results_land_in_the_call_json_show_tables_and_report(tmp_path: Path, manifest: Path, capsys):
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out), *ON]) == 0
    calls = _calls(out)
    status = {
        cid: {k: v["status"] for k, v in c["checks"].items() if k.startswith("rule.")}
        for cid, c in calls.items()
    }
    # what each transcript says (tests/data/transcripts/rules_*.json)
    assert status["call-en"]["rule.recording_disclosure"] == "pass"  # "this call may be recorded" at 4.6 s
    assert status["call-zh"]["rule.recording_disclosure"] == "fail"  # said, but at 46 s
    assert status["call-ru"]["rule.recording_disclosure"] == "pass"  # "разговоры записываются" (inflected)
    assert status["call-ru"]["rule.prohibited_language"] == "fail"  # "Успокойтесь"
    assert status["call-en"]["rule.prohibited_language"] == "pass"
    zh = calls["call-zh"]["checks"]["rule.recording_disclosure"]
    assert zh["matched"] is True and zh["when_matched"] == "fail"
    late = [e for e in zh["evidence"] if e.get("text")]
    assert late and late[0]["start_s"] > 45.0 and late[0]["role"] == "agent"
    for cid, cat in (("call-en", "competitor_mention"), ("call-zh", "competitor_mention"), ("call-ru", "competitor_mention"),
                     ("call-zh", "cancellation_intent"), ("call-ru", "cancellation_intent"),
                     ("call-en", "refund_deadline_promised"), ("call-ru", "refund_discussed")):  # fmt: skip
        chk = calls[cid]["checks"][f"rule.{cat}"]
        assert chk["status"] == "na" and chk["matched"] is True, (cid, cat, chk)
    assert calls["call-en"]["checks"]["rule.cancellation_intent"]["matched"] is False

    capsys.readouterr()
    assert main(["show", "call-zh", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    line = next(x for x in shown.splitlines() if "rule.recording_disclosure" in x)
    assert "[warn]" in line  # a category outside the scorecard is advisory (a scored one shows [FAIL])
    assert "本次通话可能会被录音" in shown and "outside the window" in shown

    checks = _parquet(out, "checks")
    rows = checks[checks["check"] == "rule.recording_disclosure"].set_index("call_id")
    assert rows["status"].to_dict() == {"call-en": "pass", "call-zh": "fail", "call-ru": "pass"}
    assert json.loads(rows.at["call-zh", "values"]) == {"matched": True, "when_matched": "fail"}
    assert "本次通话" in rows.at["call-zh", "evidence"]
    table = _parquet(out, "calls").set_index("call_id")
    assert table.at["call-ru", "rule.prohibited_language_status"] == "fail"
    assert bool(table.at["call-zh", "rule.recording_disclosure_matched"]) is True

    html = tmp_path / "html"
    assert main(["report", str(out), "--html", str(html)]) == 0
    index = (html / "index.html").read_text(encoding="utf-8")
    heat = index[index.index("Pass rate per check") :]
    heat = heat[: heat.index("</table>")]
    assert "rule.recording_disclosure" in heat and "rule.prohibited_language" in heat
    assert "rule.competitor_mention" not in heat  # a flag is informational: never a pass rate


def test_a_category_as_a_critical_scorecard_item(tmp_path: Path, manifest: Path):
    card = write(tmp_path / "compliance.yaml", """\
        name: compliance
        pass_score: 80
        checks:
          greeting: {weight: 1}
          rule.recording_disclosure: {weight: 2, critical: true}
          rule.prohibited_language: {weight: 2, critical: true}
        """)  # fmt: skip
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out), *ON, "--set", f"scorecard={card}"]) == 0
    calls = _calls(out)
    assert calls["call-zh"]["score"] == 0.0  # the disclosure came late: a critical item failed
    assert calls["call-ru"]["score"] == 0.0  # "Успокойтесь"
    assert calls["call-en"]["score"] > 0
    assert "rule.recording_disclosure" in calls["call-en"]["scorecard"]["counted"]


def test_changed_rules_rescore_without_models_and_score_redoes_only_then(
    tmp_path: Path, manifest: Path, capsys
):
    mine = tmp_path / "rules" / "disclosure.yaml"
    mine.parent.mkdir()
    shutil.copy(rule_file_path("recording-disclosure"), mine)
    cfg = write(
        tmp_path / "site.yaml", f"rules: {{enabled: true, files: ['{mine}']}}\nruntime: {{workers: 1}}\n"
    )
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out), "--config", str(cfg)]) == 0
    assert _calls(out)["call-zh"]["checks"]["rule.recording_disclosure"]["status"] == "fail"
    capsys.readouterr()
    assert main(["score", str(manifest), "--out", str(out), "--config", str(cfg)]) == 0
    assert "0 scored, 3 skipped" in capsys.readouterr().out  # nothing changed

    mine.write_text(mine.read_text().replace("{first_s: 30}", "{first_s: 60}"))  # the script allows 60 s now
    assert main(["rescore", str(out), "--config", str(cfg)]) == 0
    assert "without running any model" in capsys.readouterr().out
    res = _calls(out)["call-zh"]["checks"]["rule.recording_disclosure"]
    assert res["status"] == "pass", res["reason"]
    assert "first 60 s" in res["reason"]
    checks = _parquet(out, "checks")  # the tables were rebuilt
    assert (
        checks[(checks["check"] == "rule.recording_disclosure") & (checks["call_id"] == "call-zh")][
            "status"
        ].item()
        == "pass"
    )

    mine.write_text(mine.read_text().replace("{first_s: 60}", "{first_s: 20}"))
    assert main(["score", str(manifest), "--out", str(out), "--config", str(cfg)]) == 0
    assert "3 scored, 0 skipped" in capsys.readouterr().out  # the rule file is part of the fingerprint


def test_a_broken_rule_file_stops_before_any_call_with_its_name(tmp_path: Path, manifest: Path, capsys):
    bad = write(
        tmp_path / "bad.yaml",
        "categories:\n  - id: x\n    when_matched: maybe\n    match: {said: {en: [x]}}\n",
    )
    out = tmp_path / "out"
    assert (
        main(
            [
                "score",
                str(manifest),
                "--out",
                str(out),
                "--set",
                "rules.enabled=true",
                "--set",
                f"rules.files=[{bad}]",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert f"{bad}: rule 'x': key 'when_matched'" in err
    assert not (out / "calls").exists() or not list((out / "calls").glob("*.json"))


def test_a_rule_that_raises_in_a_batch_is_na_and_the_batch_goes_on(
    tmp_path: Path, manifest: Path, monkeypatch
):
    import callqa.rules.evaluate as ev

    real = ev._said

    def flaky(cond, ctx):
        if ctx.language == "zh":
            raise RuntimeError("zh tokenizer exploded")
        return real(cond, ctx)

    monkeypatch.setattr(ev, "_said", flaky)
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out), *ON]) == 0
    calls = _calls(out)
    assert set(calls) == {"call-en", "call-zh", "call-ru"}
    zh = calls["call-zh"]["checks"]["rule.recording_disclosure"]
    assert zh["status"] == "na" and zh["reason"] == "rule failed: RuntimeError: zh tokenizer exploded"
    assert "rule failed" not in (
        calls["call-zh"]["checks"]["rule.long_silence"].get("reason") or ""
    )  # no phrases
    assert calls["call-en"]["checks"]["rule.recording_disclosure"]["status"] == "pass"
