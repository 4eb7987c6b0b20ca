"""`callqa eval`: score labelled calls with the real pipeline and compare every check with the truth.

Per check: accuracy / precision / recall, or the share of errors within a tolerance (ring count exact,
answer time ±0.5 s, hold spans ±1 s on both edges, speaking-rate ratio ±15 %), role accuracy and DER per
call, and every failure with its evidence. ``external=True`` adds the real recordings with their own truth
(``tests/data/external``): DER on pyannote's sample.wav, roles on the aws-lca legs mixed to mono, WER/CER
on the en/zh/ru clips, and zero holds / zero music on real calls that have none.

Figures are flat ``name: value`` pairs so they can be compared with the floors in
``tests/eval/floors.yaml`` (``{min: x}`` for higher-is-better figures, ``{max: x}`` for error rates).
"""

from __future__ import annotations

import json
import math
import statistics
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callqa.checks.closing import ClosingValues
from callqa.checks.fillers import FillerItem, FillersValues
from callqa.checks.greeting import GreetingValues
from callqa.checks.holds import HoldsValues
from callqa.checks.rings import RingsValues
from callqa.checks.speaking_rate import SpeakingRateValues
from callqa.checks.volume import VolumeValues
from callqa.eval.hypothesis import hyp_role_turns, hyp_speaker_turns
from callqa.eval.metrics import Counts, der, match_spans, role_accuracy, within
from callqa.eval.trust_figures import compare_trust
from callqa.eval.truth import Truth, load_truth_dir
from callqa.store.codec import StoredCheck, StoredResult, decode_record

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "tests" / "data" / "external"
DEFAULT_FLOORS = REPO / "tests" / "eval" / "floors.yaml"

ANSWER_TOL_S = 0.5
HOLD_TOL_S = 1.0
RATE_REL_TOL = 0.15
FILLER_TOL = 1
DER_COLLAR_S = 0.25  # generated calls: TTS clip edges and the real legs' energy RTTM are approximate


@dataclass
class Failure:
    call_id: str
    check: str
    expected: Any
    got: Any
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "check": self.check,
            "expected": self.expected,
            "got": self.got,
            "evidence": self.evidence,
        }


@dataclass
class EvalReport:
    figures: dict[str, float | None] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)  # how many items each figure is over
    calls: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    external: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "figures": self.figures,
            "support": self.support,
            "calls": self.calls,
            "failures": [f.to_dict() for f in self.failures],
            "external": self.external,
        }


# ---------------------------------------------------------------------------------------------
# reading a result
# ---------------------------------------------------------------------------------------------


NO_CHECK = StoredCheck(status="missing")  # a check absent from the result (not in the config)


def _notes(check: StoredCheck, limit: int = 4) -> str:
    parts = []
    for e in check.evidence[:limit]:
        end = e.end_s if e.end_s is not None else e.start_s
        t = f"{e.start_s:.1f}-{end:.1f}s " if e.start_s is not None else ""
        parts.append(t + (e.note or e.text or ""))
    if check.reason:
        parts.insert(0, str(check.reason))
    return "; ".join(parts)[:300]


def predicted_volume(check: StoredCheck) -> str | None:
    if check.status == "na":
        return None
    reason = (check.reason or "").lower()
    if "quiet" in reason:
        return "quiet"
    if "loud" in reason or "clipping" in reason or "louder" in reason:
        return "loud"
    return "normal"


# ---------------------------------------------------------------------------------------------
# comparing one call
# ---------------------------------------------------------------------------------------------


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, Counts] = {}
        self.hits: dict[str, list[bool]] = {}
        self.values: dict[str, list[float]] = {}

    def hit(self, name: str, ok: bool) -> None:
        self.hits.setdefault(name, []).append(bool(ok))

    def count(self, name: str, truth: bool, pred: bool) -> None:
        self.counts.setdefault(name, Counts()).add(truth, pred)

    def value(self, name: str, v: float | None) -> None:
        if v is not None and not math.isnan(v):
            self.values.setdefault(name, []).append(float(v))


def compare_call(
    truth: Truth, result: StoredResult, tally: _Tally, failures: list[Failure]
) -> dict[str, Any]:
    cid = truth.call_id
    checks = result.checks
    row: dict[str, Any] = {
        "call_id": cid,
        "layout": truth.channel_layout,
        "language": truth.language,
        "source": truth.source,
    }

    def fail(check: str, expected: Any, got: Any, evidence: str = "") -> None:
        failures.append(Failure(cid, check, expected, got, evidence))

    # rings: count exact, answer time within 0.5 s
    if truth.rings is not None:
        rc = checks.get("rings", NO_CHECK)
        got = int(rc.value(RingsValues, "count") or 0) if rc.status != "na" else 0
        ok = got == truth.rings["count"]
        tally.hit("rings.count_exact", ok)
        row["rings"] = got
        if not ok:
            fail(
                "rings",
                f"{truth.rings['count']} ({truth.rings.get('profile')})",
                f"{got} ({rc.value(RingsValues, 'profile')}, {rc.value(RingsValues, 'source')})",
                _notes(rc),
            )
        if truth.rings["in_audio"] and truth.rings.get("answer_s") is not None:
            ans = rc.value(RingsValues, "answer_time_s")
            ok = within(ans, truth.rings["answer_s"], abs_tol=ANSWER_TOL_S)
            tally.hit("rings.answer_within_0.5s", ok)
            if not ok:
                fail("answer_time", truth.rings["answer_s"], ans, _notes(rc, 1))

    # holds: spans within 1 s; calls with / without a hold; music flag
    if truth.holds is not None:
        hc = checks.get("holds", NO_CHECK)
        held = hc.typed(HoldsValues)
        rows = held.holds if held is not None else ()
        found = [(float(h.start_s), float(h.end_s)) for h in rows]
        placed = [(float(h["start_s"]), float(h["end_s"])) for h in truth.holds]
        pairs = match_spans(placed, found, HOLD_TOL_S)
        c = tally.counts.setdefault("holds.span", Counts())
        c.tp += len(pairs)
        c.fp += len(found) - len(pairs)
        c.fn += len(placed) - len(pairs)
        tally.count("holds.call", bool(placed), bool(found))
        tally.count("music.call", any(h["music"] for h in truth.holds), any(h.music for h in rows))
        for i, j in pairs:
            tally.hit("holds.music_flag", bool(truth.holds[i]["music"]) == bool(rows[j].music))
        row["holds"] = [[round(s, 1), round(e, 1)] for s, e in found]
        if len(pairs) != len(placed) or len(found) != len(placed):
            fail("holds", [[s, e] for s, e in placed], row["holds"], _notes(hc))

    # hang-up order
    if truth.hangup_party is not None:
        closing = checks.get("closing", NO_CHECK)
        got = closing.value(ClosingValues, "hangup_party")
        tally.hit("hangup.accuracy", got == truth.hangup_party)
        if got != truth.hangup_party:
            fail("hangup", truth.hangup_party, got, _notes(closing, 2))

    # volume class (loud / quiet / normal)
    if truth.volume is not None:
        vc = checks.get("volume", NO_CHECK)
        got_class = predicted_volume(vc)
        tally.hit("volume.class_accuracy", got_class == truth.volume["agent"])
        for cls in ("loud", "quiet"):
            tally.count(f"volume.{cls}", truth.volume["agent"] == cls, got_class == cls)
        volume = vc.typed(VolumeValues)
        level = volume.agent.active_level_dbfs if volume is not None else None
        if level is not None:
            tally.value("volume.agent_level_abs_err_db", abs(level - truth.volume["agent_active_dbfs"]))
        if got_class != truth.volume["agent"]:
            fail(
                "volume",
                f"{truth.volume['agent']} ({truth.volume['agent_active_dbfs']} dBFS)",
                f"{got_class} ({level} dBFS)",
                _notes(vc, 1),
            )

    # speaking-rate ratio within 15 %
    if truth.rate_ratio is not None:
        sc = checks.get("speaking_rate", NO_CHECK)
        got = sc.value(SpeakingRateValues, "ratio")
        ok = within(got, truth.rate_ratio, rel_tol=RATE_REL_TOL)
        tally.hit("rate.ratio_within_15pct", ok)
        if not ok:
            fail("speaking_rate", truth.rate_ratio, got, _notes(sc, 2))

    # fillers (agent) within 1
    if truth.fillers is not None:
        fc = checks.get("fillers", NO_CHECK)
        items = [decode_record(FillerItem, it) for it in fc.value(FillersValues, "items") or []]
        got = sum(1 for it in items if it.role == "agent")
        ok = abs(got - truth.fillers) <= FILLER_TOL
        tally.hit("fillers.count_within_1", ok)
        tally.count("fillers.call", truth.fillers > 0, got > 0)
        if not ok:
            by_word = fc.value(FillersValues, "by_word") or {}
            fail("fillers", truth.fillers, got, json.dumps(by_word, ensure_ascii=False))

    # greeting and closing parts
    record: type
    for name, parts, record in (
        ("greeting", truth.greeting, GreetingValues),
        ("closing", truth.closing, ClosingValues),
    ):
        if parts is None:
            continue
        gc = checks.get(name, NO_CHECK)
        wrong = {k: gc.value(record, k) for k, v in parts.items() if bool(gc.value(record, k)) != v}
        for k, v in parts.items():
            tally.hit(f"{name}.parts_accuracy", bool(gc.value(record, k)) == v)
        if wrong:
            fail(name, {k: parts[k] for k in wrong}, wrong, _notes(gc, 3))

    compare_trust(truth, result, tally, fail)  # issue 17's figures (callqa/eval/trust_figures.py)

    # roles and DER against the truth turns
    ref = truth.speech_turns()
    ra = role_accuracy(ref, hyp_role_turns(result))
    d = der(ref, hyp_speaker_turns(result), collar=DER_COLLAR_S)["der"] if ref else None
    row["role_accuracy"] = None if ra is None else round(ra, 3)
    row["der"] = None if d is None else round(d, 3)
    mono = truth.channel_layout == "mono"
    tally.value("roles.accuracy_mean", ra)
    tally.value(f"roles.accuracy_mean_{'mono' if mono else 'stereo'}", ra)
    if truth.distinct_voices:
        tally.value("der.distinct_voices_mean", d)
        if mono:
            tally.value("der.mono_distinct_voices_mean", d)
    else:
        tally.value("der.espeak_pairs_mean", d)
    if ra is not None and ra < 0.9:
        fail("roles", "≥ 0.90 of speech time", round(ra, 3), f"DER {row['der']}")
    return row


def _summarize(tally: _Tally, report: EvalReport) -> None:
    for name, hits in tally.hits.items():
        report.figures[name] = round(sum(hits) / len(hits), 4) if hits else None
        report.support[name] = len(hits)
    for name, c in tally.counts.items():
        for fig, n in (("precision", c.tp + c.fp), ("recall", c.tp + c.fn)):
            v = getattr(c, fig)
            report.figures[f"{name}_{fig}"] = None if v is None else round(v, 4)
            report.support[f"{name}_{fig}"] = n  # found items (precision) / true items (recall)
    for name, vals in tally.values.items():
        report.figures[name] = round(statistics.fmean(vals), 4) if vals else None
        report.support[name] = len(vals)
        if name.startswith("der.") or name.startswith("roles."):
            worst = max(vals) if name.startswith("der.") else min(vals)
            assert "_mean" in name, name
            report.figures[name.replace("_mean", "_worst")] = round(worst, 4)
            report.support[name.replace("_mean", "_worst")] = len(vals)


def evaluate(truths: Iterable[Truth], results_dir: str | Path) -> EvalReport:
    """Compare the results in `results_dir` (calls/<id>.json) with the truths; runs no model."""
    from callqa.store.results import ResultStore

    store = ResultStore(results_dir)
    tally, report = _Tally(), EvalReport()
    for truth in truths:
        try:
            result = store.read_call(truth.call_id)
        except FileNotFoundError:
            report.failures.append(
                Failure(
                    truth.call_id,
                    "result",
                    "a scored call",
                    "missing",
                    f"no calls/{truth.call_id}.json in {results_dir} (see errors.parquet)",
                )
            )
            tally.hit("calls.scored", False)
            continue
        tally.hit("calls.scored", True)
        report.calls.append(compare_call(truth, result, tally, report.failures))
    _summarize(tally, report)
    return report


# ---------------------------------------------------------------------------------------------
# running the pipeline
# ---------------------------------------------------------------------------------------------


def score_truth_calls(
    truth_dir: str | Path,
    truths: list[Truth],
    out_dir: str | Path,
    config,
    *,
    models=None,
    progress: Callable[[str], None] | None = None,
):
    """Score the truths' recordings with the manifest fields they record (already-scored calls are kept)."""
    from callqa.ingest.manifest import collect_inputs
    from callqa.runners.local import score_batch

    truth_dir = Path(truth_dir).resolve()
    cols = sorted({k for t in truths for k in t.manifest})
    with tempfile.TemporaryDirectory() as td:
        manifest = Path(td) / "manifest.jsonl"
        with open(manifest, "w", encoding="utf-8") as f:
            for t in truths:
                row = {k: t.manifest.get(k, "") for k in cols}
                row["audio_path"] = str(truth_dir / t.audio_path)
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        metas, errors = collect_inputs([manifest], defaults=config.defaults)
        return score_batch(
            metas, errors, config=config, out_dir=str(out_dir), models=models, progress=progress
        )


def run_eval(
    truth_dir: str | Path,
    out_dir: str | Path,
    config,
    *,
    call_ids: Iterable[str] | None = None,
    run_models: bool = True,
    external: bool = False,
    external_ci: bool = False,
    models=None,
    progress: Callable[[str], None] | None = None,
) -> EvalReport:
    truths = load_truth_dir(truth_dir)
    if call_ids is not None:
        wanted = set(call_ids)
        truths = [t for t in truths if t.call_id in wanted]
    if run_models:
        from callqa.models.holder import Models

        models = models or Models(config)
        score_truth_calls(truth_dir, truths, out_dir, config, models=models, progress=progress)
    report = evaluate(truths, out_dir)
    if external:
        from callqa.eval.external import external_figures

        ext = external_figures(
            Path(out_dir) / "external", config, models=models, ci=external_ci, run_models=run_models
        )
        report.external = ext["details"]
        report.figures.update(ext["figures"])
        report.support.update(ext["support"])
        report.failures += [Failure(**f) for f in ext["failures"]]
    return report


# ---------------------------------------------------------------------------------------------
# floors and printing
# ---------------------------------------------------------------------------------------------


def load_floors(path: str | Path = DEFAULT_FLOORS) -> dict[str, dict[str, float]]:
    import yaml

    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    floors = {}
    for name, bound in raw.items():
        if not isinstance(bound, dict) or not set(bound) <= {"min", "max"} or not bound:
            raise ValueError(f"{path}: {name}: expected {{min: x}} or {{max: x}}, got {bound!r}")
        floors[name] = {k: float(v) for k, v in bound.items()}
    return floors


def below_floors(figures: Mapping[str, float | None], floors: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Figures that miss their floor (a missing figure misses it too)."""
    bad = []
    for name, bound in floors.items():
        v = figures.get(name)
        if v is None:
            bad.append(f"{name}: missing (floor {bound})")
        elif "min" in bound and v < bound["min"]:
            bad.append(f"{name} = {v:.4g} < min {bound['min']:g}")
        elif "max" in bound and v > bound["max"]:
            bad.append(f"{name} = {v:.4g} > max {bound['max']:g}")
    return bad


def format_report(report: EvalReport, floors: Mapping[str, Mapping[str, float]] | None = None) -> str:
    lines = ["figure                                     value   n    floor"]
    for name in sorted(report.figures):
        v = report.figures[name]
        bound = (floors or {}).get(name)
        fl = "" if not bound else (f">= {bound['min']:g}" if "min" in bound else f"<= {bound['max']:g}")
        mark = ""
        if bound and below_floors({name: v}, {name: bound}):
            mark = "  BELOW FLOOR"
        vs = "—" if v is None else f"{v:.3f}"
        lines.append(f"{name:42s} {vs:>6s} {report.support.get(name, 0):4d}  {fl}{mark}")
    lines += ["", "per call                 layout              role acc   DER    rings  holds"]
    for c in report.calls:
        ra = "—" if c.get("role_accuracy") is None else f"{c['role_accuracy']:.3f}"
        d = "—" if c.get("der") is None else f"{c['der']:.3f}"
        lines.append(
            f"{c['call_id']:24s} {c['layout']:19s} {ra:>8s} {d:>6s}  {str(c.get('rings', '')):>5s}  "
            f"{c.get('holds', '')}"
        )
    lines += ["", f"failures ({len(report.failures)}):"]
    for f in report.failures:
        lines.append(
            f"  {f.call_id:12s} {f.check:14s} expected {f.expected} got {f.got}"
            + (f"  [{f.evidence}]" if f.evidence else "")
        )
    return "\n".join(lines)
