"""Command line: `callqa score`, `rescore`, `show`, `report`, `export`, `eval`, `checks`, `models`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")  # no telemetry, ever
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _load_config(args: argparse.Namespace):
    from callqa.config import load_config

    return load_config(args.config, tuple(args.set or ()))


def _cmd_score(args: argparse.Namespace) -> int:
    from callqa.ingest.manifest import collect_inputs
    from callqa.runners.local import score_batch

    config = _load_config(args)
    metas, errors = collect_inputs(args.inputs, defaults=config.defaults)
    if not metas and not errors:
        print("nothing to score", file=sys.stderr)
        return 2
    summary = score_batch(metas, errors, config=config, out_dir=args.out, force=args.force)
    print(
        f"\n{len(summary.scored)} scored, {len(summary.skipped)} already done, {len(summary.failed)} failed "
        f"-> {Path(args.out).resolve()}"
    )
    for f in summary.failed:
        print(f"  FAILED {f.get('call_id') or ''} [{f['stage']}] {f['file']}: {f['message']}")
    return summary.exit_code


def _cmd_rescore(args: argparse.Namespace) -> int:
    from callqa.pipeline import StageError, analyze_call, versions
    from callqa.store.results import ResultStore
    from callqa.types import CallMeta

    config = _load_config(args)
    store = ResultStore(args.results)
    n = failed = 0
    for old in list(store.iter_calls()):
        key = old.get("cache_key")
        transcript = store.cache_get(key) if key else None
        meta = CallMeta(**old["meta"])
        if transcript is None and meta.transcript_path is None:
            print(f"ERROR {old['call_id']}: no cached transcript; run `callqa score` again", file=sys.stderr)
            failed += 1
            continue
        try:
            result = analyze_call(meta, config, transcript=transcript, cache_key=key)
        except StageError as exc:
            store.record_error(call_id=meta.call_id, file=exc.file, stage=exc.stage, message=exc.message)
            failed += 1
            continue
        store.write_call(result.to_dict())
        n += 1
    store.write_run_info(config, versions())
    store.write_tables()
    print(f"rescored {n} call(s) without running any model; {failed} failed -> {store.root}")
    return 1 if failed else 0


def _cmd_show(args: argparse.Namespace) -> int:
    from callqa.store.report import format_call
    from callqa.store.results import ResultStore

    store = ResultStore(args.out)
    try:
        data = store.read_call(args.call_id)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(format_call(data, transcript=args.transcript))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from callqa.store.report import format_agents, format_summary
    from callqa.store.results import ResultStore

    store = ResultStore(args.out)
    store.write_tables()
    calls = list(store.iter_calls())
    print(format_agents(calls) if args.by_agent else format_summary(calls, store.read_errors(), root=store.root))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from callqa.store.export import to_rttm, to_webvtt
    from callqa.store.results import ResultStore

    store = ResultStore(args.out)
    data = store.read_call(args.call_id)
    text = to_webvtt(data) if args.format == "vtt" else to_rttm(data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _cmd_checks(args: argparse.Namespace) -> int:
    from callqa.checks.registry import all_checks

    for name, spec in sorted(all_checks().items()):
        print(f"{name:18s} {spec.description}")
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from callqa.models.paths import (
        campplus_checkpoint,
        segmentation_checkpoint,
        whisper_base_dir,
        whisper_tiny_en_dir,
    )

    print(f"whisper base (multilingual): {whisper_base_dir()}")
    print(f"whisper tiny.en:             {whisper_tiny_en_dir()}")
    print(f"pyannote segmentation-3.0:   {segmentation_checkpoint()}")
    print(f"CAM++ speaker embedding:     {campplus_checkpoint()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callqa", description="Quality analysis of recorded call-center calls.")
    sub = parser.add_subparsers(dest="command", required=True)

    def config_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", help="YAML merged over configs/default.yaml")
        p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a config key, e.g. asr.beam_size=1")

    p = sub.add_parser("score", help="analyse recordings (files, folders, CSV/JSONL manifests)")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--out", required=True, help="results folder")
    p.add_argument("--force", action="store_true", help="redo calls already in --out")
    config_args(p)
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("rescore", help="re-apply the (changed) rules to scored calls without running any model")
    p.add_argument("results")
    config_args(p)
    p.set_defaults(func=_cmd_rescore)

    p = sub.add_parser("show", help="print one call's scorecard with evidence")
    p.add_argument("call_id")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--transcript", action="store_true", help="also print the transcript")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser("report", help="summary table of a results folder (rebuilds Parquet/DuckDB)")
    p.add_argument("--out", required=True)
    p.add_argument("--by-agent", action="store_true", help="per-agent report: average score, pass rate, failed checks")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("export", help="export a call as WebVTT subtitles or RTTM speaker turns")
    p.add_argument("call_id")
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=("vtt", "rttm"), default="vtt")
    p.add_argument("-o", "--output")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("checks", help="list the registered checks")
    p.set_defaults(func=_cmd_checks)

    from callqa.eval.cli import add_parser as add_eval_parser

    add_eval_parser(sub, config_args)

    p = sub.add_parser("models", help="prepare (join, verify) and list the local models")
    p.add_argument("--prepare", action="store_true")
    p.set_defaults(func=_cmd_models)
    return parser


def main(argv: list[str] | None = None) -> int:
    from callqa.config import ConfigError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
