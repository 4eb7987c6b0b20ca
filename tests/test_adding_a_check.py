"""docs/adding-a-check.md works as written: the files it shows (blocks starting `# file:`) make a separate
package that is built and installed with pip into a temporary folder (never the shared environment), whose
own test passes, and whose check `callqa score` finds through the `callqa.checks` entry point, runs with
the params of the config, validates strictly, and names in a warning when the config leaves it out."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-check.md"


def doc_files() -> dict[str, str]:
    """Path -> content of every code block of the walk-through that starts with `# file: PATH`."""
    files = {}
    for block in re.findall(r"```[a-z]*\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S):
        first = block.split("\n", 1)[0]
        found = re.fullmatch(r"# file: (\S+)", first.strip())
        if found:
            files[found.group(1)] = block
    return files


def _env(site: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))


def _callqa(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "callqa.cli", *args], cwd=cwd, env=_env(site),
                          capture_output=True, text=True, timeout=600)  # fmt: skip


@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> tuple[Path, Path]:
    """(the package's source folder, the folder it is installed into)."""
    root = tmp_path_factory.mktemp("plugin")
    pkg, site = root / "callqa-monologue", root / "site"
    files = doc_files()
    assert {"pyproject.toml", "callqa_monologue/__init__.py", "tests/test_monologue.py"} <= set(files)
    for rel, text in files.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text, encoding="utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--quiet", "--target", str(site), str(pkg)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    assert (site / "callqa_monologue" / "__init__.py").exists()
    assert list(site.glob("callqa_monologue-0.1.0.dist-info/entry_points.txt"))
    return pkg, site


@pytest.fixture(scope="module")
def calls(tmp_path_factory) -> Path:
    """A manifest of one imported transcript: the agent talks 75 s without the customer."""
    folder = tmp_path_factory.mktemp("calls")
    utts = [
        {"speaker": "C", "role": "customer", "start_s": 0.0, "end_s": 4.0, "text": "hi I have a question"},
        {"speaker": "A", "role": "agent", "start_s": 5.0, "end_s": 45.0, "text": "let me explain our plans"},
        {"speaker": "A", "role": "agent", "start_s": 45.5, "end_s": 80.0, "text": "and all the options"},
        {"speaker": "C", "role": "customer", "start_s": 81.0, "end_s": 83.0, "text": "okay thanks"},
    ]
    (folder / "long.json").write_text(json.dumps({"language": "en", "utterances": utts}), encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "call_id,transcript_path,language\nlong,long.json,en\n", encoding="utf-8"
    )
    return folder / "manifest.csv"


def test_the_packages_own_test_passes_against_callqa(plugin) -> None:
    pkg, site = plugin
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=pkg,
                         env=_env(site), capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "3 passed" in run.stdout


def test_callqa_score_runs_the_plugin_check_with_the_configured_params(plugin, calls, tmp_path) -> None:
    pkg, site = plugin
    listed = _callqa(site, "checks", cwd=tmp_path)
    assert listed.returncode == 0 and re.search(r"^agent_monologue\s+Agent monologue", listed.stdout, re.M)
    out = tmp_path / "out"
    run = _callqa(site, "score", str(calls), "--out", str(out), "--config", str(pkg / "monologue.yaml"),
                  cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert "agent_monologue" not in run.stderr  # named in the config: no warning
    check = json.loads((out / "calls" / "long.json").read_text(encoding="utf-8"))["checks"]["agent_monologue"]
    assert check["status"] == "fail" and check["max_monologue_s"] == 45  # the config's 45, not the default 60
    assert check["longest_s"] == 75.0 and check["evidence"][0]["start_s"] == 5.0
    table = pd.read_parquet(out / "calls.parquet")
    assert (
        table.loc[0, "agent_monologue_status"] == "fail" and table.loc[0, "agent_monologue_over_limit"] == 1
    )
    # the same call passes once the limit is raised: the param really drives the check
    again = _callqa(site, "rescore", str(out), "--config", str(pkg / "monologue.yaml"),
                    "--set", "checks.agent_monologue.max_monologue_s=90", cwd=tmp_path)  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    check = json.loads((out / "calls" / "long.json").read_text(encoding="utf-8"))["checks"]["agent_monologue"]
    assert check["status"] == "pass" and check["max_monologue_s"] == 90


def test_a_registered_check_left_out_of_the_config_is_a_warning(plugin, calls, tmp_path) -> None:
    _, site = plugin
    run = _callqa(site, "score", str(calls), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert re.search(
        r"warning: check 'agent_monologue' is registered \(by callqa_monologue\) but not in the config "
        r"\(\S*default\.yaml\): it does not run",
        run.stderr,
    ), run.stderr[-2000:]
    data = json.loads((tmp_path / "out" / "calls" / "long.json").read_text(encoding="utf-8"))
    assert "agent_monologue" not in data["checks"]
    off = _callqa(site, "score", str(calls), "--out", str(tmp_path / "off"), "--set",
                  "checks.agent_monologue.enabled=false", cwd=tmp_path)  # fmt: skip
    assert off.returncode == 0 and "agent_monologue" not in off.stderr


def test_the_plugin_params_are_strict(plugin, calls, tmp_path) -> None:
    pkg, site = plugin
    run = _callqa(site, "score", str(calls), "--out", str(tmp_path / "out"), "--config", str(pkg / "monologue.yaml"),
                  "--set", "checks.agent_monologue.max_monolog_s=30", cwd=tmp_path)  # fmt: skip
    assert run.returncode == 2
    assert "monologue.yaml" in run.stderr and "checks.agent_monologue.max_monolog_s" in run.stderr
