"""Diarization of a long call in windows vs whole: DER on a real two-party call looped to 16 minutes.

    .venv/bin/python benchmarks/bench_long_diarization.py [--loops 4] [--windows 0 300 900]

aws-lca call 40 (agent + caller legs, 245 s) mixed to mono and repeated `--loops` times (the same two voices
throughout), its channel-energy RTTM repeated with it; diarized by callqa's pyannote diarizer with
`diarization.max_window_s` = each `--windows` value (0 = the whole call at once), in this process, one after
the other. Prints DER (no collar, overlap scored), the number of speakers found, CPU seconds and the peak RSS
growth of each (the first value's peak includes the models' first-call allocations).
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "tests" / "data" / "external"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--loops", type=int, default=4)
    parser.add_argument("--windows", type=float, nargs="+", default=[0.0, 300.0, 900.0])
    args = parser.parse_args()

    import soundfile as sf
    from bench_memory import vm_kb
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from callqa.config import load_config
    from callqa.diarization.pyannote_diarizer import PyannoteDiarizer
    from callqa.ingest.audio import for_model

    agent, sr = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_caller.wav", dtype="float32")
    one = for_model(0.5 * (agent + caller), sr)
    x = np.tile(one, args.loops)
    period = len(one) / 16000
    ref = Annotation()
    rttm = EXT / "aws-lca" / "derived" / "Auto_Repairs_40_UTC_stereo_agentL_callerR.channel_energy.rttm"
    for k in range(args.loops):
        for line in rttm.read_text().splitlines():
            f = line.split()
            start, dur = float(f[3]), float(f[4])
            ref[Segment(start + k * period, start + k * period + dur)] = f[7]
    config = load_config(None, ("runtime.threads=1",))
    print(f"{len(x) / 16000 / 60:.1f} min (aws-lca 40 x {args.loops}); load average {os.getloadavg()[0]:.1f}")
    for window in args.windows:
        diarizer = PyannoteDiarizer(replace(config.diarization, max_window_s=window))
        h0, t = vm_kb(), time.process_time()
        turns = diarizer.diarize(x)
        cpu = time.process_time() - t
        hyp = Annotation()
        for tr in turns:
            hyp[Segment(tr.start_s, tr.end_s)] = tr.speaker
        der = DiarizationErrorRate(collar=0.0, skip_overlap=False)(ref, hyp)
        print(
            f"max_window_s {window:5.0f}: DER {der:.3f}, {len(hyp.labels())} speakers, CPU {cpu:.0f} s, "
            f"peak RSS +{(vm_kb() - h0) / 1024:.0f} MB (now {vm_kb() / 1024:.0f} MB); "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
