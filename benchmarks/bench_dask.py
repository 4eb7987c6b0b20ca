"""How the Dask runner scales on this machine: a scheduler and 1, 2, 4 worker processes, same calls, same results.

    .venv/bin/python benchmarks/bench_dask.py [--calls 12] [--workers 1 2 4] [--seed 18]

Builds `--calls` calls of the night of `bench_night.py` (same generator, same seed: the first calls of that
night), starts `dask scheduler` and `dask worker --nworkers N --nthreads 1` as separate processes (as on a
cluster: each worker process loads the models once and keeps them; the nanny sets OMP_NUM_THREADS=1), then times
`callqa score --executor dask --scheduler tcp://...` per worker count, from the submit to the end of the batch
(workers started and idle before; their model loading counts, as it does in a real first night). Checks that
every run gives the same score and check statuses per call as the first, and prints wall time, x real time and
the speed-up over one worker, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_night import build_night  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _results(out: Path) -> dict[str, tuple]:
    rows = {}
    for p in sorted((out / "calls").glob("*.json")):
        d = json.loads(p.read_text())
        rows[d["call_id"]] = (
            d.get("score"),
            tuple(sorted((k, v.get("status")) for k, v in d["checks"].items())),
        )
    return rows


def _wait_for_workers(address: str, n: int, env: dict[str, str], timeout_s: float = 600.0) -> None:
    code = (
        "import sys; from distributed import Client; c = Client(sys.argv[1], timeout='30s'); "
        "c.wait_for_workers(int(sys.argv[2]), timeout=float(sys.argv[3])); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, address, str(n), str(timeout_s)], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="callqa-dask-"))
    manifest, plans, audio_s = build_night(folder, args.calls, args.seed)
    print(
        f"{len(plans)} calls, {audio_s / 60:.1f} min of audio; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    dask_bin = Path(sys.executable).parent / "dask"
    reference: dict[str, tuple] | None = None
    walls: dict[int, float] = {}
    for n in args.workers:
        port = _free_port()
        address = f"tcp://127.0.0.1:{port}"
        procs = [
            subprocess.Popen(
                [str(dask_bin), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        ]
        try:
            time.sleep(3)
            procs.append(
                subprocess.Popen(
                    [
                        str(dask_bin),
                        "worker",
                        address,
                        "--nworkers",
                        str(n),
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--memory-limit",
                        "3GB",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
            )
            _wait_for_workers(address, n, env)
            out = folder / f"results-{n}"
            load0 = os.getloadavg()[0]
            t = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "callqa.cli", "score", str(manifest), "--out", str(out),
                 "--executor", "dask", "--scheduler", address],
                capture_output=True, text=True, env=env,
            )  # fmt: skip
            walls[n] = time.perf_counter() - t
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in reversed(procs):
                p.wait(timeout=60)
        got = _results(out)
        if reference is None:
            reference = got
        same = got == reference
        differ = sorted(k for k in reference if got.get(k) != reference[k])
        print(
            f"{n} worker process(es): {walls[n]:7.1f} s wall, {audio_s / walls[n]:5.1f}x real time, "
            f"{walls[min(walls)] / walls[n]:.2f}x the first; {len(got)}/{len(plans)} scored "
            f"(exit {run.returncode}); results {'the same as' if same else 'DIFFERENT from'} the first run"
            f"{'' if same else ' (' + ', '.join(differ) + ')'}; load average {load0:.1f} -> {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if len(got) != len(plans):
            print(run.stderr[-2000:])


if __name__ == "__main__":
    main()
