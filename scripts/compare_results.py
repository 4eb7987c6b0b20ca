"""Prove a refactor keeps every output identical: replay a scored folder with a code tree, then diff two folders.

Whisper's temperature fallback samples, so scoring the audio again can differ run to run; a replay reuses the
transcripts a golden run cached (`cache/transcripts`), so only the code under test decides the outputs.

    # once, with the starting commit (a `git archive` of it in /work/golden/src):
    PYTHONPATH=/work/golden/src python -m callqa.cli score data/demo/manifest.csv --out /work/golden/demo
    # replay with the old and the new tree, then compare (each prints what differs, exit 1 if anything does):
    python scripts/compare_results.py replay --golden /work/golden/demo --tree /work/golden/src \\
        --out /tmp/old-demo -- score data/demo/manifest.csv
    python scripts/compare_results.py replay --golden /work/golden/demo --tree . --out /tmp/new-demo \\
        -- score data/demo/manifest.csv
    python scripts/compare_results.py diff /tmp/old-demo /tmp/new-demo
    # `callqa eval` (its --json is written to OUT/_cli/eval.json) and `callqa rescore` the same way:
    ... replay ... --out /tmp/new-eval -- eval data/eval --ci
    ... replay ... --keep-calls --out /tmp/new-rescore -- rescore

Compared: every calls/*.json (all keys but `stage_seconds`), the Parquet tables read with pandas (errors
without their `at`/`run_id`), the eval JSON, and the text the CLI prints (`show`, `show --json`, `report`,
`report --by-agent`, `export` vtt/rttm) plus the HTML report, written by `replay` under OUT/_cli.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

TABLES = ("calls", "checks", "utterances", "errors")
VOLATILE_CALL_KEYS = ("stage_seconds",)  # wall-clock seconds per step
VOLATILE_ERROR_COLUMNS = ("at", "run_id")


def _run(tree: Path, args: list[str], *, cwd: Path, stdout: Path | None = None) -> int:
    env = dict(os.environ, PYTHONPATH=str(tree.resolve()))
    with open(stdout, "w", encoding="utf-8") if stdout else open(os.devnull, "w") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "callqa.cli", *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE
        )
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace")[-3000:])
    return proc.returncode


def replay(golden: Path, tree: Path, out: Path, command: list[str], *, keep_calls: bool) -> None:
    """Copy `golden` to `out` (its transcript cache; its call JSON too with `keep_calls`), run `command`
    (score ... / eval ... / rescore) with the code of `tree` against it, then the read-only CLI views."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(golden, out)
    if not keep_calls:
        for name in ("calls", "state", *(f"{t}.parquet" for t in TABLES)):
            shutil.rmtree(out / name, ignore_errors=True)
        for name in ("errors.jsonl", "callqa.duckdb"):
            (out / name).unlink(missing_ok=True)
    (out / "external").mkdir(exist_ok=True)
    cli = out / "_cli"
    cli.mkdir()
    repo = Path.cwd()
    verb, rest = command[0], command[1:]
    if verb == "score":
        rc = _run(tree, ["score", *rest, "--out", str(out), "--force"], cwd=repo, stdout=cli / "score.txt")
    elif verb == "eval":
        rc = _run(tree, ["eval", *rest, "--out", str(out), "--json", str(cli / "eval.json")], cwd=repo)
    elif verb == "rescore":
        rc = _run(tree, ["rescore", str(out), *rest], cwd=repo)
    else:
        raise SystemExit(f"unknown command {verb!r} (score, eval, rescore)")
    print(f"{verb}: exit {rc}")
    (cli / "score.txt").unlink(missing_ok=True)  # wall-clock figures
    _run(tree, ["report", str(out)], cwd=repo, stdout=cli / "report.txt")
    _run(tree, ["report", str(out), "--by-agent"], cwd=repo, stdout=cli / "report-by-agent.txt")
    _run(tree, ["report", str(out), "--html", str(cli / "html")], cwd=repo)
    for path in sorted((out / "calls").glob("*.json")):
        cid = json.loads(path.read_text(encoding="utf-8"))["call_id"]
        _run(
            tree,
            ["show", cid, "--out", str(out), "--transcript"],
            cwd=repo,
            stdout=cli / f"show-{path.stem}.txt",
        )
        _run(
            tree, ["show", cid, "--out", str(out), "--json"], cwd=repo, stdout=cli / f"show-{path.stem}.json"
        )
        for fmt in ("vtt", "rttm"):
            _run(tree, ["export", cid, "--out", str(out), "--format", fmt], cwd=repo,
                 stdout=cli / f"export-{path.stem}.{fmt}")  # fmt: skip


def _call_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in VOLATILE_CALL_KEYS:
        data.pop(key, None)
    return data


def _first_difference(a: Any, b: Any, where: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            found = _first_difference(a[k], b[k], f"{where}.{k}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r} != {b!r}"


def _table(root: Path, name: str):
    import pandas as pd

    path = root / f"{name}.parquet"
    if not path.exists():
        return None
    df = pd.read_parquet(path)
    df = df.drop(columns=[c for c in VOLATILE_ERROR_COLUMNS if name == "errors" and c in df.columns])
    if "night" in df.columns:
        df["night"] = df["night"].astype(str)
    keys = [c for c in ("call_id", "check", "index", "file", "stage") if c in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df


def _cli_output(root: Path, rel: Path) -> Any:
    """A CLI output with what may differ between two folders taken out: the folder's own path (the report
    names it) and, in `show --json`, the seconds per step."""
    path = root / "_cli" / rel
    if rel.name.startswith("show-") and rel.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in VOLATILE_CALL_KEYS:
            data.pop(key, None)
        return data
    return (
        path.read_bytes()
        .replace(str(root.resolve()).encode(), b"<OUT>")
        .replace(str(root).encode(), b"<OUT>")
    )


def diff(a: Path, b: Path) -> list[str]:
    """Every difference between two results folders (empty: identical outputs)."""
    problems: list[str] = []
    calls_a = {p.name for p in (a / "calls").glob("*.json")}
    calls_b = {p.name for p in (b / "calls").glob("*.json")}
    if calls_a != calls_b:
        problems.append(
            f"calls/: only in {a}: {sorted(calls_a - calls_b)}; only in {b}: {sorted(calls_b - calls_a)}"
        )
    for name in sorted(calls_a & calls_b):
        found = _first_difference(_call_json(a / "calls" / name), _call_json(b / "calls" / name), name)
        if found:
            problems.append(f"calls/{found}")
    n_tables = 0
    for name in TABLES:
        ta, tb = _table(a, name), _table(b, name)
        if (ta is None) != (tb is None):
            problems.append(f"{name}.parquet: present in only one folder")
            continue
        if ta is None:
            continue
        n_tables += 1
        if list(ta.columns) != list(tb.columns):
            problems.append(f"{name}.parquet: columns {list(ta.columns)} != {list(tb.columns)}")
            continue
        if not ta.equals(tb):
            for col in ta.columns:
                if not ta[col].equals(tb[col]):
                    problems.append(f"{name}.parquet: column {col} differs")
            if not any(p.startswith(f"{name}.parquet") for p in problems):
                problems.append(f"{name}.parquet: dtypes differ: {dict(ta.dtypes)} != {dict(tb.dtypes)}")
    files_a = (
        {p.relative_to(a / "_cli") for p in (a / "_cli").rglob("*") if p.is_file()}
        if (a / "_cli").is_dir()
        else set()
    )
    files_b = (
        {p.relative_to(b / "_cli") for p in (b / "_cli").rglob("*") if p.is_file()}
        if (b / "_cli").is_dir()
        else set()
    )
    if files_a != files_b:
        problems.append(f"_cli/: only in one folder: {sorted(map(str, files_a ^ files_b))}")
    for rel in sorted(files_a & files_b):
        if _cli_output(a, rel) != _cli_output(b, rel):
            problems.append(f"_cli/{rel}: differs")
    print(
        f"compared {len(calls_a & calls_b)} call JSON, {n_tables} tables, {len(files_a & files_b)} CLI outputs"
    )
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("replay")
    r.add_argument("--golden", type=Path, required=True, help="a scored folder whose cache is reused")
    r.add_argument("--tree", type=Path, required=True, help="the callqa source tree to run")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--keep-calls", action="store_true", help="keep the golden call JSON (for rescore)")
    r.add_argument("command", nargs=argparse.REMAINDER, help="-- score ARGS | eval ARGS | rescore")
    d = sub.add_parser("diff")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "replay":
        command = [c for c in args.command if c != "--"]
        replay(args.golden, args.tree, args.out, command, keep_calls=args.keep_calls)
        return 0
    problems = diff(args.a, args.b)
    for p in problems:
        print("DIFF", p)
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
