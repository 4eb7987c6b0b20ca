"""Nothing phones home: a batch runs with networking disabled for the process and never tries to connect.

The batch runs in a subprocess under `unshare -rn` (no network namespace) when that works here, and always
with an audit hook that records and refuses every non-loopback connect and every DNS lookup, so an attempt is
seen even where the namespace is not available. Fast variant: imported transcripts (no models). Integration
variant: the real Whisper model on one short stereo call.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pii_calls import write_calls

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "tests" / "data" / "generated" / "pii"

NETGUARD = '''
"""Record and refuse any non-loopback socket connect or DNS lookup (installed before callqa is imported)."""
import os, sys

LOG = os.environ["CALLQA_NET_LOG"]
LOCAL = ("localhost", "127.0.0.1", "::1", "", None)


def _record(what):
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(what + "\\n")
    raise OSError("network disabled by the offline test: " + what)


def _hook(event, args):
    if event in ("socket.connect", "socket.connect_ex"):
        addr = args[1]
        if isinstance(addr, tuple) and addr and not (addr[0] in LOCAL or str(addr[0]).startswith("127.")):
            _record(f"{event} {addr!r}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname") and args[0] not in LOCAL:
        if not str(args[0]).startswith("127."):
            _record(f"{event} {args[0]!r}")


sys.addaudithook(_hook)
'''


@functools.cache
def _unshare() -> list[str]:
    for cmd in (["unshare", "-rn"], ["unshare", "-n"]):
        if shutil.which(cmd[0]) and subprocess.run([*cmd, "true"], capture_output=True).returncode == 0:
            return cmd
    return []


def run_offline(
    tmp_path: Path, code: str, *, timeout_s: float
) -> tuple[subprocess.CompletedProcess, list[str]]:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "netguard.py").write_text(NETGUARD)
    log = tmp_path / "net.log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYANNOTE_", "TRANSFORMERS_"))}
    env.update(PYTHONPATH=f"{guard}{os.pathsep}{ROOT}", CALLQA_NET_LOG=str(log))
    proc = subprocess.run([*_unshare(), sys.executable, "-c", "import netguard\n" + code], env=env,
                          capture_output=True, text=True, timeout=timeout_s, cwd=tmp_path)  # fmt: skip
    return proc, [line for line in log.read_text().splitlines() if line]


def test_the_guard_sees_and_refuses_a_connection(tmp_path: Path) -> None:
    code = "import socket\ntry:\n    socket.create_connection(('93.184.216.34', 80), timeout=2)\nexcept OSError as e:\n    print('refused', e)"
    proc, attempts = run_offline(tmp_path, code, timeout_s=60)
    assert "refused" in proc.stdout
    assert attempts and "93.184.216.34" in attempts[0]


def _score(manifest: Path, out: Path, *extra: str) -> str:
    args = ["score", str(manifest), "--out", str(out), *extra]
    return f"import sys\nfrom callqa.cli import main\nsys.exit(main({args!r}))"


def test_imported_batch_runs_offline(tmp_path: Path) -> None:
    manifest = write_calls(tmp_path / "in")
    out = tmp_path / "out"
    proc, attempts = run_offline(tmp_path, _score(manifest, out), timeout_s=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert attempts == []
    assert len(list((out / "calls").glob("*.json"))) == 3
    assert (out / "utterances.parquet").exists() and (out / "callqa.duckdb").exists()


@pytest.mark.integration
def test_real_models_batch_runs_offline_and_redacts(tmp_path: Path) -> None:
    """Whisper base on a 25 s espeak-ng stereo call (scripts/make_pii_clip.py): card and phone read as words."""
    shutil.copy(CLIP / "card_call.flac", tmp_path / "card_call.flac")
    shutil.copy(CLIP / "manifest.csv", tmp_path / "manifest.csv")
    out = tmp_path / "out"
    # Whole-leg ASR: with asr.speech_only (the default) Whisper base heard espeak's "seven three six" of this
    # clip as "heaven free ticks" (measured), so no number was left to redact; the leak check below holds either way.
    proc, attempts = run_offline(
        tmp_path, _score(tmp_path / "manifest.csv", out, "--set", "asr.speech_only=false"), timeout_s=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert attempts == []
    call = json.loads((out / "calls" / "pii_call.json").read_text())
    text = " ".join(u["text"] for u in call["utterances"])
    cached = " ".join(
        u["text"] + " " + " ".join(w["text"] for w in u["words"])
        for p in (out / "cache" / "transcripts").glob("*.json")
        for u in json.loads(p.read_text())["utterances"]
    )
    # Whisper base writes the phone number as digits: it must be gone. It garbles espeak's card digits
    # ("eight" -> "hey"), so for the card: no 7 digits of it in a row survive anywhere.
    assert "[PHONE]" in text and "[PHONE]" in cached
    for stored in (text, cached):
        digits = re.sub(r"\D", "", stored)
        for truth in ("4012888888881881", "2127364012"):
            assert not any(truth[i : i + 7] in digits for i in range(len(truth) - 6)), stored
