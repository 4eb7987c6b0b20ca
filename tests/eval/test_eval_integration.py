"""`callqa eval` on the CI subset of data/eval (every stereo call + 3 short mono ones: 15 calls, 14 min of
audio) and the external real recordings (the aws-lca calls cut to 60 s; 7 min of audio, 4.5 of it mono), with the
real models: every figure must meet its floor in tests/eval/floors.yaml. Estimated ≈ 5 min on 2 idle cores from
the README's real-time factors (stereo 0.09, mono 0.5); it was not timed on an idle machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.config import load_config
from callqa.eval.cli import ci_call_ids
from callqa.eval.run import below_floors, format_report, load_floors, run_eval
from callqa.eval.truth import load_truth_dir

pytestmark = pytest.mark.integration

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval"


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval")
    ids = ci_call_ids(load_truth_dir(EVAL))
    report = run_eval(EVAL, out, load_config(), call_ids=ids, external=True, external_ci=True)
    return out, ids, report


def test_ci_subset_meets_the_floors(ci_run):
    _, ids, report = ci_run
    floors = load_floors()
    missed = below_floors(report.figures, floors)
    assert not missed, "\n".join(missed) + "\n\n" + format_report(report, floors)
    assert report.figures["calls.scored"] == 1.0 and len(report.calls) == len(ids)


def test_existing_results_are_evaluated_without_models(ci_run):
    """`callqa eval --no-run`: the same figures from the results folder alone."""
    out, ids, report = ci_run
    again = run_eval(
        EVAL, out, load_config(), call_ids=ids, run_models=False, external=True, external_ci=True
    )
    assert again.figures == report.figures
    assert [f.to_dict() for f in again.failures] == [f.to_dict() for f in report.failures]
