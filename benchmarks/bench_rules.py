"""Cost of the rule categories against the registered checks, per call, on long imported transcripts.

Builds one call per language by repeating the turns of tests/data/transcripts/rules_<lang>.json until it
lasts `--minutes`, then times the checks step (`run_checks`) and the rules (`run_rules`, every shipped
rule set) on it and prints the ratio. No model runs.

    PYTHONPATH=. python benchmarks/bench_rules.py --minutes 10 --repeat 3
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from callqa.checks.run import run_checks
from callqa.config import load_config
from callqa.ingest.transcript import load_transcript
from callqa.rules import load_rule_files, shipped_rule_sets
from callqa.rules.evaluate import run_rules
from callqa.types import Call, CallMeta

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "transcripts"


def long_call(language: str, minutes: float, settings) -> Call:
    meta = CallMeta("bench", None, language=language,
                    channel_layout="stereo_agent_left" if language == "ru" else "mono")  # fmt: skip
    base = load_transcript(DATA / f"rules_{language}.json", meta=meta)
    span = base.duration_s
    copies = max(1, int(minutes * 60 // span))
    utts = tuple(
        replace(u, start_s=u.start_s + k * span, end_s=u.end_s + k * span,
                words=tuple(replace(w, start_s=w.start_s + k * span, end_s=w.end_s + k * span) for w in u.words))
        for k in range(copies) for u in base.utterances
    )  # fmt: skip
    t = replace(base, utterances=utts, duration_s=span * copies)
    return Call(meta, t, None, settings)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    config = load_config()
    rules = load_rule_files(shipped_rule_sets())
    params = config.resolved.enabled_params()
    print(f"{len(rules.categories)} categories from {len(rules.files)} shipped files; best of {args.repeat}")
    for lang in ("en", "zh", "ru"):
        call = long_call(lang, args.minutes, config.resolved.settings)
        call.features  # noqa: B018  (derived once, as the pipeline's features step does)
        t_checks = t_rules = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            checks = run_checks(call, params, trust=config.trust)
            t1 = time.perf_counter()
            run_rules(call, checks, rules, trust=config.trust)
            t2 = time.perf_counter()
            t_checks, t_rules = min(t_checks, t1 - t0), min(t_rules, t2 - t1)
        print(f"{lang}: {len(call.utterances)} utterances, {call.duration_s / 60:.1f} min: checks {t_checks * 1000:.0f} ms, "
              f"rules {t_rules * 1000:.0f} ms ({t_rules / t_checks:.2f}x the checks)")  # fmt: skip


if __name__ == "__main__":
    main()
