"""Command line: `callqa score`, `rescore`, `show`, `report`, `search`, `export`, `eval`, `checks`, `models`."""

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
    from callqa.models.devices import check_devices
    from callqa.runners.commit import BatchStopped
    from callqa.runners.dask_runner import DaskUnavailable
    from callqa.runners.local import score_batch
    from callqa.store.lock import FolderBusy, FolderUnwritable
    from callqa.store.nights import check_night

    config = _load_config(args)
    check_devices(config)  # asr/diarization.device cuda without CUDA: a config error naming the key (exit 2)
    try:
        night = check_night(args.night) if args.night else None
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    metas, errors = collect_inputs(args.inputs, defaults=config.defaults)
    if not metas and not errors:
        print("nothing to score", file=sys.stderr)
        return 2
    import signal

    def _stop(signum, frame):  # SIGTERM (systemd, `timeout`) stops as Ctrl-C does: finished calls are kept
        raise KeyboardInterrupt

    try:
        old_term = signal.signal(signal.SIGTERM, _stop)
    except ValueError:  # not the main thread: leave signals alone
        old_term = None
    try:
        summary = score_batch(
            metas,
            errors,
            config=config,
            out_dir=args.out,
            force=args.force,
            executor=args.executor,
            scheduler=args.scheduler,
            night=night,
            progress_every=args.progress_every,
            on_step=_step_printer(),
        )
    except (FolderBusy, FolderUnwritable, BatchStopped, DaskUnavailable) as exc:
        print(f"callqa score: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, BatchStopped) else 2
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    print("\n" + summary.format(str(Path(args.out).resolve())))
    if summary.stopped:
        print(f"callqa score: stopped: {summary.stopped}", file=sys.stderr)
    return summary.exit_code


def _cmd_rescore(args: argparse.Namespace) -> int:
    from callqa.runners.commit import BatchStopped
    from callqa.runners.rescore import rescore_results

    try:
        summary = rescore_results(args.results, config=_load_config(args), on_step=_step_printer())
    except BatchStopped as exc:
        print(f"callqa rescore: {exc}", file=sys.stderr)
        return 2
    root = Path(args.results).resolve()
    print(
        f"rescored {len(summary.rescored)} call(s) without running any model; {len(summary.failed)} failed -> {root}"
    )
    if summary.stopped:
        print(f"callqa rescore: stopped: {summary.stopped}", file=sys.stderr)
    return summary.exit_code


def _step_printer():
    """Progress on a terminal: each step of each call as it finishes (nothing when stderr is a file)."""
    if not sys.stderr.isatty():
        return None

    def show(step) -> None:
        print(f"      {step.name:10s} {step.seconds:7.2f} s", file=sys.stderr, flush=True)

    return show


def _cmd_show(args: argparse.Namespace) -> int:
    from callqa.store.codec import CodecError
    from callqa.store.report import format_call
    from callqa.store.results import ResultStore

    store = ResultStore(args.out)
    try:
        data = store.read_call(args.call_id)
    except (FileNotFoundError, CodecError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        from callqa.store.codec import result_to_json

        print(result_to_json(data))
    else:
        print(format_call(data, transcript=args.transcript))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from callqa.report.terminal import format_agents, format_calls, format_review, output_width
    from callqa.store.report import format_matrix
    from callqa.store.results import ResultStore

    if args.results and args.out and Path(args.results).resolve() != Path(args.out).resolve():
        print("give the results folder once (RESULTS or --out)", file=sys.stderr)
        return 2
    folder = args.results or args.out
    if not folder:
        print("callqa report: give the results folder (RESULTS or --out)", file=sys.stderr)
        return 2
    if not Path(folder).is_dir():
        print(f"{folder}: no such results folder", file=sys.stderr)
        return 2
    store = ResultStore(folder)
    store.write_tables()
    if args.html or args.format:
        from callqa.report.cli import report_files

        return report_files(
            store.root,
            html=args.html,
            fmt=args.format,
            output=args.output,
            critical=args.critical,
            worst=args.worst,
        )
    calls = list(store.iter_calls())
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = output_width(sys.stdout)
    if args.review:
        print(format_review(calls, width=width, color=color, limit=args.limit))
    elif args.by_agent:
        print(format_agents(calls, width=width, color=color))
    elif args.wide:
        print(format_matrix(calls, store.errors.read(), root=store.root))
    else:
        print(format_calls(calls, store.errors.read(), root=store.root, width=width, color=color))
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from callqa.dataconf import ConfigError, read_yaml
    from callqa.eval.calibrate import (
        CalibrationError,
        calibrate,
        calibration_to_dict,
        format_calibration,
        read_human_csv,
    )
    from callqa.store.results import ResultStore

    if not Path(args.results).is_dir():
        print(f"{args.results}: no such results folder", file=sys.stderr)
        return 2
    try:
        item_map = read_yaml(Path(args.map)) if args.map else None
        if item_map is not None and not (
            isinstance(item_map, dict) and all(isinstance(v, str) for v in item_map.values())
        ):
            raise CalibrationError(f"{args.map}: must map form items to check names ('item: check')")
        labels = read_human_csv(args.human, item_map=item_map)
    except (CalibrationError, ConfigError) as exc:
        print(f"callqa calibrate: {exc}", file=sys.stderr)
        return 2
    cal = calibrate(list(ResultStore(args.results).iter_calls()), labels)
    if args.json:
        Path(args.json).write_text(
            json.dumps(calibration_to_dict(cal), ensure_ascii=False, indent=1), "utf-8"
        )
    print(format_calibration(cal, max_disagreements=args.max_disagreements))
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
    from callqa.checks import all_checks

    for name, spec in sorted(all_checks().items()):
        print(f"{name:18s} {spec.description}")
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from callqa.models.paths import (
        ModelNotFound,
        cache_dir,
        campplus_checkpoint,
        segmentation_checkpoint,
        whisper_base_dir,
        whisper_tiny_en_dir,
    )

    if args.prepare:
        from callqa.models.prepare import PrepareError, prepare_models

        try:
            prepared = prepare_models()
        except PrepareError as exc:
            print(f"callqa models --prepare: {exc}", file=sys.stderr)
            return 2
        if prepared.removed_temporaries:
            print(f"removed {prepared.removed_temporaries} temporary file(s) left by an interrupted run")
        for label, path in prepared.items:
            print(f"{label + ':':33s}{path}")
        print(f"model cache: {cache_dir()}")
        return 0
    try:
        for label, path in (
            ("whisper base (multilingual)", whisper_base_dir()),
            ("whisper tiny.en", whisper_tiny_en_dir()),
            ("pyannote segmentation-3.0", segmentation_checkpoint()),
            ("CAM++ speaker embedding", campplus_checkpoint()),
        ):
            print(f"{label + ':':33s}{path}")
    except (ModelNotFound, OSError) as exc:
        print(f"callqa models: {exc} (run `callqa models --prepare`)", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callqa", description="Quality analysis of recorded call-center calls."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def config_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", help="YAML merged over configs/default.yaml")
        p.add_argument(
            "--set", action="append", metavar="KEY=VALUE", help="override a config key, e.g. asr.beam_size=1"
        )

    p = sub.add_parser("score", help="analyse recordings (files, folders, CSV/JSONL manifests)")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--out", required=True, help="results folder")
    p.add_argument("--force", action="store_true", help="redo calls already in --out")
    p.add_argument(
        "--night",
        metavar="YYYY-MM-DD",
        help="file every call under this night (default: its started_at date)",
    )
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local: this machine (runtime.workers processes); dask: a Dask cluster",
    )
    p.add_argument(
        "--scheduler", metavar="tcp://HOST:8786", help="with --executor dask: an existing Dask scheduler"
    )
    p.add_argument(
        "--progress-every",
        type=int,
        metavar="N",
        help="when not on a terminal: a progress line every N calls",
    )
    config_args(p)
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser(
        "rescore", help="re-apply the (changed) rules to scored calls without running any model"
    )
    p.add_argument("results")
    config_args(p)
    p.set_defaults(func=_cmd_rescore)

    p = sub.add_parser("show", help="print one call's scorecard with evidence")
    p.add_argument("call_id")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--transcript", action="store_true", help="also print the transcript")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser(
        "report", help="summary table, per-agent report, HTML report or agent summary (CSV/XLSX)"
    )
    p.add_argument("results", nargs="?", help="results folder (same as --out)")
    p.add_argument("--out", help="results folder")
    p.add_argument(
        "--by-agent", action="store_true", help="per-agent report: average score, pass rate, failed checks"
    )
    p.add_argument("--wide", action="store_true", help="every check of every call, one column each")
    p.add_argument(
        "--review",
        action="store_true",
        help="the scored fails to listen to first (low confidence first), with the second to start at",
    )
    p.add_argument("--limit", type=int, default=30, help="--review: at most this many fails (default 30)")
    p.add_argument(
        "--html", metavar="DIR", help="write a static HTML report: DIR/index.html, DIR/agents/*.html"
    )
    p.add_argument("--format", choices=("csv", "xlsx"), help="write the agent summary as CSV or XLSX")
    p.add_argument("-o", "--output", help="file for --format (default: stdout for csv, agent_summary.xlsx)")
    p.add_argument(
        "--critical",
        action="append",
        metavar="CHECK",
        help="treat CHECK as critical in the report (default: the scorecard's critical checks)",
    )
    p.add_argument("--worst", type=int, default=5, help="worst calls shown per agent in --html (default 5)")
    p.set_defaults(func=_cmd_report)

    from callqa.search.cli import add_parser as add_search_parser

    add_search_parser(sub)

    p = sub.add_parser("export", help="export a call as WebVTT subtitles or RTTM speaker turns")
    p.add_argument("call_id")
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=("vtt", "rttm"), default="vtt")
    p.add_argument("-o", "--output")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "calibrate", help="agreement of callqa with your QA team's own evaluations (kappa, disagreements)"
    )
    p.add_argument("results", help="results folder")
    p.add_argument("human", help="CSV: call_id,item,value[,evaluator][,note] (docs/calibration.md)")
    p.add_argument(
        "--map", metavar="YAML", help="form items to check names: {'Greeted the caller': greeting}"
    )
    p.add_argument("--json", metavar="FILE", help="also write every figure and disagreement as JSON")
    p.add_argument("--max-disagreements", type=int, default=20, metavar="N")
    p.set_defaults(func=_cmd_calibrate)

    p = sub.add_parser("checks", help="list the registered checks")
    p.set_defaults(func=_cmd_checks)

    from callqa.eval.cli import add_parser as add_eval_parser

    add_eval_parser(sub, config_args)

    p = sub.add_parser("models", help="prepare (join, verify) and list the local models")
    p.add_argument("--prepare", action="store_true")
    p.set_defaults(func=_cmd_models)
    return parser


def _show_config_warnings() -> None:
    """Config warnings (a check not in the config, a plugin that did not load) as one plain line each."""
    import warnings

    from callqa.dataconf import ConfigWarning

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001 - warnings' own signature
        if issubclass(category, ConfigWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.simplefilter("default", ConfigWarning)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "search":  # reads only: no config, no lock, a fast start (no model/YAML imports)
        return int(args.func(args) or 0)
    from callqa.dataconf import ConfigError
    from callqa.store.lock import FolderBusy, FolderUnwritable

    _show_config_warnings()

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    except (FolderBusy, FolderUnwritable) as exc:  # report/rescore while a batch writes the same folder
        print(f"callqa {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
