"""Real-time factor of `analyze_signal` on a synthetic 10-minute stereo 8 kHz call, on one core, with the
pitch track (default config) and without it (`signal.pitch.enabled: false`), runs alternating."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import dataclasses  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from callqa.ingest.audio import Audio  # noqa: E402
from callqa.signal.analyze import analyze_signal  # noqa: E402
from callqa.signal.config import PitchConfig, SignalConfig  # noqa: E402
from callqa.signal.synth import cadence_signal, line_noise, mulaw_roundtrip, speechlike, tone  # noqa: E402
from callqa.types import CallMeta  # noqa: E402

SR = 8000


def synthetic_call(duration_s: float = 600.0) -> Audio:
    """Rings, alternating speech on two legs, a 40-s music-like hold, busy tone at the end."""
    cfg = SignalConfig()
    n = int(duration_s * SR)
    agent = line_noise(n, level_dbfs=-60.0, seed=1)
    customer = line_noise(n, level_dbfs=-60.0, seed=2)
    rings = cadence_signal(cfg.rings.profiles["na"], 3, level_dbfs=-20.0)
    customer[: len(rings)] += rings
    t = len(rings)
    for i, start in enumerate(range(t, n - 60 * SR, 8 * SR)):
        leg = agent if i % 2 == 0 else customer
        leg[start : start + 6 * SR] += speechlike(6.0, level_dbfs=-20.0, seed=i)
    hold = n // 2
    agent[hold : hold + 40 * SR] = tone([262.0, 330.0, 392.0], 40.0, level_dbfs=-25.0)
    busy = cadence_signal(cfg.busy.profiles["na"], 20, level_dbfs=-20.0)
    agent[n - len(busy) :] += busy
    return Audio(np.stack([mulaw_roundtrip(agent), mulaw_roundtrip(customer)]), SR)


def main() -> None:
    try:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(1)
    except ImportError:
        limits = None
    audio = synthetic_call()
    meta = CallMeta("bench", None, channel_layout="stereo_agent_left")
    config = SignalConfig()
    no_pitch = dataclasses.replace(config, pitch=PitchConfig(enabled=False))
    analyze_signal(audio, config=config, meta=meta)  # warm-up
    runs: dict[str, list[float]] = {"with pitch": [], "without pitch": []}
    reports = {}
    for _ in range(5):
        for name, cfg in (("with pitch", config), ("without pitch", no_pitch)):
            t0 = time.perf_counter()
            reports[name] = analyze_signal(audio, config=cfg, meta=meta)
            runs[name].append(time.perf_counter() - t0)
    report = reports["with pitch"]
    kinds = sorted({e.kind for e in report.events})
    print(f"audio: {audio.duration_s:.0f} s, {audio.n_channels} ch, {audio.sample_rate} Hz; events: {kinds}")
    print(f"rings: {report.extras.ring_count}, hangup: {report.extras.hangup_party}")
    for name, times in runs.items():
        best, median = min(times), float(np.median(times))
        print(f"analyze_signal {name}: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")
        print(
            f"  real-time factor: {audio.duration_s / median:.0f}x (median), {audio.duration_s / best:.0f}x (best)"
        )
    ratio = np.median(runs["with pitch"]) / np.median(runs["without pitch"])
    print(
        f"pitch track costs {100 * (ratio - 1):.0f} % of the signal layer; target with it >= 500x real time"
    )
    if hasattr(os, "getloadavg"):
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    del limits


if __name__ == "__main__":
    main()
