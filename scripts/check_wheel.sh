#!/usr/bin/env bash
# A wheel built from this checkout installs into a FRESH venv with `pip install "callqa[all]"` (CPU torch first),
# `callqa models --prepare` completes it, and it scores one demo call from outside the source tree.
# Usage: scripts/check_wheel.sh [WORKDIR]   (run by .ci/run; takes a few minutes: it installs everything)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/callqa-wheel.XXXXXX")}
mkdir -p "$work"
PYTHON=${PYTHON:-python3}
echo "== wheel check in $work"
rm -rf "$work/dist" "$work/venv" "$work/run"
"$repo/.venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
  -w "$work/dist" "$repo" 2>&1 | grep -v "is ignored: it is neither" || true
wheel=$(ls "$work"/dist/callqa-*.whl)
echo "built $(basename "$wheel")"
"$PYTHON" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip -q --disable-pip-version-check)
"${pip[@]}" install torch==2.13.0 2>&1 | grep -v "is ignored: it is neither" || true   # the CPU build first
"${pip[@]}" install "callqa[all] @ file://$wheel" 2>&1 | grep -v "is ignored: it is neither" || true
"$work/venv/bin/python" -c "import torch, sys; sys.exit(0 if torch.version.cuda is None else 'a CUDA torch was pulled in')"
"$work/venv/bin/callqa" models --prepare
"${pip[@]}" check
mkdir -p "$work/run"
cp "$repo/data/demo/demo-en-02.wav" "$work/run/"
printf 'call_id,audio_path,language,agent_id,agent_name,company,channel_layout\n' >"$work/run/manifest.csv"
printf 'demo-en-02,demo-en-02.wav,en,A102,Kevin,Northwind Telecom,mono\n' >>"$work/run/manifest.csv"
cd "$work/run"   # outside the checkout: the installed package must carry its configs and models
"$work/venv/bin/callqa" score manifest.csv --out results
"$work/venv/bin/python" - <<'PY'
import json, pathlib, sys
call = json.loads(pathlib.Path("results/calls/demo-en-02.json").read_text())
scored = [n for n, c in call["checks"].items() if c["status"] != "na"]
print(f"wheel install scored demo-en-02: score {call['score']}, {len(scored)} checks applied")
sys.exit(0 if call["score"] is not None and len(scored) >= 5 and call["utterances"] else "demo call not scored")
PY
"$work/venv/bin/callqa" report results | tail -3
echo "wheel check OK"
