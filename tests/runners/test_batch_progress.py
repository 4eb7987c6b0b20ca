"""Progress: a redrawn bar on a terminal, a line every N calls in logs; the final summary."""

from __future__ import annotations

import io
from pathlib import Path

from batch_calls import make_calls

from callqa.cli import main
from callqa.runners.progress import BatchSummary, Progress


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_log_mode_prints_a_line_every_n_calls_with_rate_and_eta() -> None:
    out, clock = io.StringIO(), Clock()
    bar = Progress(10, audio_total_s=10 * 360.0, stream=out, every=4, tty=False, clock=clock)
    for i in range(10):
        clock.t += 30.0  # 30 s wall per 6-minute call: RTF 0.083
        bar.update(f"call{i}", audio_s=360.0, ok=i != 5)
    lines = out.getvalue().splitlines()
    assert [ln.split(" |")[0] for ln in lines] == ["[4/10]  40%", "[8/10]  80%", "[10/10] 100%"]
    assert "audio 0.40/1.00 h" in lines[0] and "RTF 0.083" in lines[0]
    assert "ETA 3m00s" in lines[0]  # 6 calls x 30 s left
    assert "1 failed" in lines[1] and "ETA 1m00s" in lines[1]
    assert "\r" not in out.getvalue()


def test_terminal_mode_redraws_one_line_and_keeps_errors_above() -> None:
    out, clock = io.StringIO(), Clock()
    bar = Progress(3, stream=out, tty=True, clock=clock)
    clock.t = 2.0
    bar.update("a", audio_s=60.0, ok=True)
    bar.message("ERROR b: [decode] b.wav: empty file")
    bar.update("b", audio_s=None, ok=False)
    bar.close()
    text = out.getvalue()
    assert text.count("\r") >= 2 and text.endswith("\n")
    assert "ERROR b: [decode] b.wav: empty file\n" in text
    assert "[2/3]" in text and "ETA" in text


def test_summary_text() -> None:
    s = BatchSummary(
        scored=["a", "b"],
        skipped=["c"],
        failed=[{"call_id": "d", "file": "d.wav", "stage": "decode", "message": "empty file"}],
        audio_s=7200.0,
        wall_s=1800.0,
        nights=["2026-11-24"],
    )
    text = s.format("/r")
    assert text.splitlines()[0].startswith("2 scored, 1 skipped")
    assert "1 failed -> /r" in text
    assert "audio 2.00 h in 30m00s wall; RTF 0.250 (4.0x real time); nights 2026-11-24" in text
    assert "FAILED d [decode] d.wav: empty file" in text
    assert s.exit_code == 1


def test_cli_batch_in_a_log_prints_progress_lines_and_summary(tmp_path: Path, capsys) -> None:
    manifest = make_calls(tmp_path / "in", 6)
    assert main(["score", str(manifest), "--out", str(tmp_path / "out"), "--progress-every", "3"]) == 0
    cap = capsys.readouterr()
    progress = [ln for ln in cap.err.splitlines() if ln.startswith("[")]
    assert [ln.split(" |")[0] for ln in progress] == ["[3/6]  50%", "[6/6] 100%"]
    assert "6 scored, 0 skipped" in cap.out and "audio 0.03 h" in cap.out and "RTF" in cap.out


def test_a_printing_step_hook_does_not_garble_the_bar() -> None:
    out, clock = io.StringIO(), Clock()
    bar = Progress(2, stream=out, tty=True, clock=clock)
    bar.update("a", audio_s=10.0, ok=True)
    hook = bar.wrap(lambda name: print(f"      {name}", file=out))
    hook("asr")
    text = out.getvalue()
    cleared = text.index("      asr")
    assert text[cleared - 1] == "\r" and text[:cleared].rstrip("\r ").endswith("a")  # bar wiped first
    assert "[1/2]" in text[cleared:]  # and drawn again below the hook's line
    assert Progress(2, stream=out, tty=False).wrap(print) is print
