"""`callqa calibrate`: agreement and Cohen's kappa against people, na apart, disagreements with evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from callqa.cli import main
from callqa.eval.calibrate import CalibrationError, calibrate, cohens_kappa, read_human_csv
from callqa.store.codec import result_from_dict

REPO = Path(__file__).resolve().parents[2]


def _result(call_id: str, greeting: str, score: float | None = 50.0) -> dict:
    return {
        "schema_version": 1,
        "call_id": call_id,
        "meta": {"call_id": call_id, "audio_path": None},
        "score": score,
        "checks": {
            "greeting": {
                "status": greeting,
                "evidence": [{"start_s": 1.5, "role": "agent", "text": "hello"}],
            },
            "closing": {"status": "na", "reason": "transcript unreliable", "evidence": []},
        },
    }


def _labelled_set(tmp_path: Path) -> tuple[list[dict], Path]:
    """50 calls with a known confusion: human→callqa p→p 20, p→f 5, f→p 10, f→f 15 (kappa 0.4 by hand)."""
    plan = (
        [("pass", "pass")] * 20 + [("pass", "fail")] * 5 + [("fail", "pass")] * 10 + [("fail", "fail")] * 15
    )
    results, rows = [], ["call_id,item,value,evaluator,note"]
    for i, (human, ours) in enumerate(plan):
        results.append(_result(f"c{i:02d}", ours, score=80.0))
        rows.append(f"c{i:02d},Greeted properly,{'yes' if human == 'pass' else 'no'},ann,")
        rows.append(f"c{i:02d},closing,pass,ann,")
        rows.append(f"c{i:02d},score,{70 if i % 2 else 90},ann,")
    csv = tmp_path / "human.csv"
    csv.write_text("\n".join(rows) + "\n")
    return results, csv


def test_kappa_by_hand():
    # po = 0.7; pe = 0.5*0.6 + 0.5*0.4 = 0.5 -> kappa = 0.4
    assert cohens_kappa({("pass", "pass"): 20, ("pass", "fail"): 5, ("fail", "pass"): 10, ("fail", "fail"): 15}) \
        == pytest.approx(0.4)  # fmt: skip
    assert cohens_kappa({("pass", "pass"): 7}) is None  # one label only: undefined, not 1 or 0
    assert cohens_kappa({("pass", "fail"): 3, ("fail", "pass"): 3}) == pytest.approx(-1.0)


def test_calibration_on_a_labelled_set(tmp_path):
    results, csv = _labelled_set(tmp_path)
    labels = read_human_csv(csv, item_map={"greeted properly": "greeting"})
    cal = calibrate([result_from_dict(r) for r in results], labels)
    greeting = next(a for a in cal.checks if a.check == "greeting")
    assert (
        greeting.n == 50 and greeting.agreement == pytest.approx(0.7) and greeting.kappa == pytest.approx(0.4)
    )
    assert len(greeting.disagreements) == 15
    d = greeting.disagreements[0]
    assert (d.human, d.callqa) == ("pass", "fail") and d.evidence[0].text == "hello"
    closing = next(a for a in cal.checks if a.check == "closing")
    assert closing.n == 0 and closing.callqa_na == 50  # callqa abstained: counted apart, never as agreement
    assert cal.score.mean_abs_diff == pytest.approx(10.0)


def test_cli_prints_kappa_and_disagreements(tmp_path, capsys):
    results, csv = _labelled_set(tmp_path)
    (tmp_path / "res" / "calls").mkdir(parents=True)
    for r in results:
        (tmp_path / "res" / "calls" / f"{r['call_id']}.json").write_text(json.dumps(r))
    form = tmp_path / "form.yaml"
    form.write_text('"Greeted properly": greeting\n')
    out_json = tmp_path / "cal.json"
    assert (
        main(["calibrate", str(tmp_path / "res"), str(csv), "--map", str(form), "--json", str(out_json)]) == 0
    )
    text = capsys.readouterr().out
    assert re.search(r"^greeting\s+50\s+0\.70\s+0\.40\s+20\s+5\s+10\s+15\s+0$", text, re.M)
    assert "disagreements (15" in text and '00:01.5 agent "hello"' in text
    data = json.loads(out_json.read_text())
    assert data["checks"]["greeting"]["kappa"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("call,item,value\nc1,greeting,pass\n", r"missing column\(s\) call_id"),
        ("call_id,item,value,grade\nc1,greeting,pass,A\n", r"unknown column 'grade'"),
        (
            "call_id,item,value\nc1,greeting,pass\nc2,greeting,maybe\n",
            r"human.csv:3: value 'maybe' is not pass/fail",
        ),
        ("call_id,item,value\nc1,score,high\n", r"human.csv:2: could not convert"),
        ("call_id,item,value\n,greeting,pass\n", r"human.csv:2: empty call_id"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path, content, message):
    csv = tmp_path / "human.csv"
    csv.write_text(content)
    with pytest.raises(CalibrationError, match=message):
        read_human_csv(csv)


def test_shipped_example_reads_and_maps():
    labels = read_human_csv(REPO / "data/calibration/human_evaluations.csv",
                            item_map={"opened with greeting + company + own name": "greeting",
                                      "closing: summary, thanks, farewell": "closing"})  # fmt: skip
    assert {lab.check for lab in labels} >= {"greeting", "closing", "holds", "score"}
    assert all(lab.item != lab.check for lab in labels if lab.check == "greeting")
