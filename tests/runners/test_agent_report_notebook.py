"""Supervisor and analyst views: `callqa report --by-agent` and the example notebook, on a fake-scored batch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from foundation_fakes import FakeDiarizer, FakeTranscriber, build_signal, write_wav

from callqa.cli import main
from callqa.models.holder import Models
from callqa.types import SpeakerTurn, Word

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explore_results.ipynb"


@pytest.fixture
def batch(tmp_path: Path, monkeypatch) -> Path:
    # agent opens with "thank you for calling", customer replies; 12 s with 3.5 s of nobody talking
    signal = build_signal(12.0, [(0.5, 3.0), (3.0, 6.0), (9.5, 11.5)])
    for name in ("a1", "a2", "b1"):
        write_wav(tmp_path / "in" / f"{name}.wav", signal)
    (tmp_path / "in" / "m.csv").write_text(
        "call_id,audio_path,agent_id,agent_name\na1,a1.wav,A1,Ann\na2,a2.wav,A1,Ann\nb1,b1.wav,B7,Bob\n",
        encoding="utf-8",
    )
    words = [
        Word("thank", 0.6, 0.9),
        Word("you", 0.9, 1.1),
        Word("for", 1.1, 1.3),
        Word("calling", 1.3, 1.8),
        Word("hi", 3.1, 3.4),
        Word("bye", 9.6, 10.0),
    ]
    turns = [SpeakerTurn("S0", 0.5, 3.0), SpeakerTurn("S1", 3.0, 6.0), SpeakerTurn("S0", 9.5, 11.5)]
    asr, dia = FakeTranscriber(words), FakeDiarizer(turns)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    out = tmp_path / "out"
    # a rule every call fails: the agent talks 4.5 of 7.5 s = 60 % > 10 %
    assert (
        main(
            [
                "score",
                str(tmp_path / "in" / "m.csv"),
                "--out",
                str(out),
                "--set",
                "checks.talk_time.max_agent_share=0.1",
            ]
        )
        == 0
    )
    return out


def test_report_by_agent_groups_calls_and_failures(batch: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["report", "--out", str(batch), "--by-agent"]) == 0
    text = capsys.readouterr().out
    a1 = next(line for line in text.splitlines() if line.startswith("A1 "))
    b7 = next(line for line in text.splitlines() if line.startswith("B7 "))
    assert re.match(r"A1\s+Ann\s+2\s+\d+\s+0/2\s", a1) and re.match(r"B7\s+Bob\s+1\s+\d+\s+0/1\s", b7)
    # talk_time is not in the scorecard: an advisory failure, listed after the scored ones
    assert a1.index("closing ×2") < a1.index("talk_time ×2")
    assert "talk_time ×1" in b7
    assert re.search(r"^  a1\s+A1\s+score \d+\s+failed: .*closing", text, re.M)  # calls to review


def test_example_notebook_runs_on_a_results_folder(batch: Path) -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c["cell_type"] == "code"
    ]
    assert "OUT = Path('../results/demo')" in code[0]
    code[0] = code[0].replace("OUT = Path('../results/demo')", f"OUT = Path({str(batch)!r})")
    namespace: dict = {}
    for source in code:
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)  # noqa: S102 - our own notebook
    assert len(namespace["calls"]) == 3
    assert set(namespace["checks"]["call_id"]) == {"a1", "a2", "b1"}
    summary = namespace["con"].sql("select agent_id, calls from agent_summary order by agent_id").fetchall()
    assert summary == [("A1", 2), ("B7", 1)]
