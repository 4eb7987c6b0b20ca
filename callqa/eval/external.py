"""The real recordings with their own truth (``tests/data/external``, licenses in its LICENSES.md).

Every item runs through the real pipeline (``analyze_call``); its result is kept in
``<out>/<name>.json`` so a later ``callqa eval --no-run`` re-reads it. Figures:

* ``ext.der_pyannote_sample`` — DER (no collar, overlap scored) of the diarization on pyannote's sample.wav
  against its human RTTM;
* ``ext.roles_lca{40,49}_mono`` / ``ext.der_lca{40,49}_mono`` — the aws-lca agent and caller legs mixed to
  mono: share of single-speaker time with the right role, and DER, against the legs' channel-energy RTTM
  (CI: the first 60 s of the aws-lca calls, mono and stereo; full: the whole calls);
* ``ext.wer_en_osr``, ``ext.cer_zh_aishell``, ``ext.cer_zh_azure``, ``ext.wer_ru_golos``, ``ext.wer_ru_pisets``
  — WER (CER for Mandarin) of the call's utterances against the human transcripts;
* ``ext.zero_holds`` / ``ext.zero_music`` — share of the real recordings (none has a hold or music) on which
  no hold and no music was reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from callqa.checks.holds import HoldsValues
from callqa.eval.hypothesis import hyp_role_turns, hyp_speaker_turns
from callqa.eval.metrics import der, role_accuracy, wer
from callqa.store.codec import StoredResult, result_from_dict, result_to_json, stored_result

EXT = Path(__file__).resolve().parents[2] / "tests" / "data" / "external"
CI_CLIP_S = 60.0


@dataclass(frozen=True)
class Item:
    name: str
    language: str
    layout: str
    source: str  # file under EXT, or "lca40-mono" / "lca40-stereo" style recipes
    text: str | None = None  # reference transcript
    rttm: str | None = None  # reference turns
    ci: bool = True  # part of the CI subset


def _golos_text() -> str:
    for line in (EXT / "golos" / "example1.json").read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if "001ce26c07c20eaa0d666b824c6c6924" in str(row.get("audio_filepath")):
            return str(row["text"])
    raise FileNotFoundError(f"{EXT / 'golos' / 'example1.json'}: no 001ce26c... line")


def _osr_text() -> str:
    return json.loads((EXT / "osr-joinly" / "test_samples.json").read_text(encoding="utf-8"))[0][
        "transcription"
    ]


def _aishell_text() -> str:
    for line in (EXT / "wenet" / "text").read_text(encoding="utf-8").splitlines():
        if "BAC009S0724W0121" in line.split(maxsplit=1)[0]:
            return line.split(maxsplit=1)[1]
    raise FileNotFoundError(f"{EXT / 'wenet' / 'text'}: no BAC009S0724W0121 line")


LCA_RTTM = "aws-lca/derived/Auto_Repairs_{}_UTC_stereo_agentL_callerR.channel_energy.rttm"


def items() -> list[Item]:
    return [
        Item("pyannote_sample", "en", "mono", "pyannote-audio/sample.wav", rttm="pyannote-audio/sample.rttm"),
        Item("lca40_mono", "en", "mono", "lca40-mono", rttm=LCA_RTTM.format(40)),
        Item("lca49_mono", "en", "mono", "lca49-mono", rttm=LCA_RTTM.format(49)),
        Item("lca40_stereo", "en", "stereo_agent_left", "lca40-stereo"),
        Item("lca49_stereo", "en", "stereo_agent_left", "lca49-stereo"),
        Item("osr_en", "en", "mono", "osr-joinly/OSR_us_000_0034_8k.wav", text=_osr_text()),
        Item("aishell_zh", "zh", "mono", "wenet/aishell-BAC009S0724W0121.wav", text=_aishell_text()),
        Item(
            "azure_zh",
            "zh",
            "mono",
            "azure-speech-sdk/zhcn_continuous_mode_sample.wav",
            text=(EXT / "azure-speech-sdk" / "zhcn_continuous_mode_sample.txt")
            .read_text(encoding="utf-8")
            .strip(),
        ),
        Item("golos_ru", "ru", "mono", "golos/001ce26c07c20eaa0d666b824c6c6924.wav", text=_golos_text()),
        Item("pisets_ru", "ru", "mono", "pisets/test_sound_ru.wav", text="нейронные сети это хорошо"),
        Item("tinkoff_ru", "ru", "mono", "tinkoff-voicekit/sample_3.wav"),
        Item("katiesteve_en", "en", "mono", "azure-speech-sdk/katiesteve_mono.wav"),
        Item(
            "aws_pca_en",
            "en",
            "mono",
            "aws-pca/Auto0_GUID_000_AGENT_ChrisL_DT_2025-02-19T06-01-22_Mono.wav",
            ci=False,
        ),
    ]


def _audio_path(item: Item, tmp: Path, clip_s: float | None) -> Path:
    if not item.source.startswith("lca"):
        return EXT / item.source
    call, kind = item.source[3:5], item.source.split("-")[1]
    agent, sr = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_caller.wav", dtype="float32")
    n = min(len(agent), len(caller))
    if clip_s:
        n = min(n, int(clip_s * sr))
    x = 0.5 * (agent[:n] + caller[:n]) if kind == "mono" else np.stack([agent[:n], caller[:n]], axis=1)
    path = tmp / f"{item.name}.wav"
    sf.write(path, x, sr, subtype="PCM_16")
    return path


def _rttm(path: Path, end_s: float | None) -> list[tuple[str, float, float]]:
    turns = []
    for line in path.read_text().splitlines():
        p = line.split()
        s, e = float(p[3]), float(p[3]) + float(p[4])
        if end_s is not None:
            if s >= end_s:
                continue
            e = min(e, end_s)
        label = {"agent": "agent", "caller": "customer"}.get(p[7], p[7])
        turns.append((label, s, e))
    return turns


def _analyze(item: Item, path: Path, config, models) -> StoredResult | str:
    """The item's published result, or the error that stopped it."""
    from callqa.pipeline import analyze_call
    from callqa.steps import StageError
    from callqa.types import CallMeta

    meta = CallMeta(
        call_id=f"ext-{item.name}",
        audio_path=str(path),
        language=item.language,
        channel_layout=item.layout,  # type: ignore[arg-type]  # validated by the external table
    )
    try:
        return stored_result(analyze_call(meta, config, models=models))
    except StageError as exc:
        return f"[{exc.stage}] {exc.file}: {exc.message}"


def _read_item(path: Path) -> StoredResult | str:
    """A kept item: its result, or the error it had (`{"error": ...}`, this folder's own shape)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "error" in data:
        return str(data["error"])
    return result_from_dict(data)


def _keep_item(path: Path, result: StoredResult | str) -> None:
    if isinstance(result, str):
        text = json.dumps({"error": result}, ensure_ascii=False)
    else:
        text = result_to_json(result, indent=None)
    path.write_text(text + "\n", encoding="utf-8")


def external_figures(
    out_dir: str | Path, config, *, models=None, ci: bool = False, run_models: bool = True
) -> dict[str, Any]:
    """Score (or re-read) the external items and compute their figures."""
    import tempfile

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clip_s = CI_CLIP_S if ci else None
    figures: dict[str, float | None] = {}
    support: dict[str, int] = {}
    details: dict[str, Any] = {}
    failures: list[dict[str, Any]] = []
    holds_ok: list[bool] = []
    music_ok: list[bool] = []
    if run_models and models is None:
        from callqa.models.holder import Models

        models = Models(config)
    with tempfile.TemporaryDirectory() as td:
        for item in items():
            if ci and not item.ci:
                continue
            suffix = "_ci" if ci and item.source.startswith("lca") else ""
            cached = out_dir / f"{item.name}{suffix}.json"
            result: StoredResult | str
            if cached.exists():
                result = _read_item(cached)
            elif run_models:
                result = _analyze(item, _audio_path(item, Path(td), clip_s), config, models)
                _keep_item(cached, result)
            else:
                failures.append(
                    {
                        "call_id": item.name,
                        "check": "result",
                        "expected": "a scored call",
                        "got": "missing",
                        "evidence": f"no {cached}",
                    }
                )
                continue
            if isinstance(result, str):
                failures.append(
                    {
                        "call_id": item.name,
                        "check": "result",
                        "expected": "a scored call",
                        "got": "error",
                        "evidence": result,
                    }
                )
                continue
            d = _item_figures(item, result, clip_s)
            details[item.name] = d
            for key in ("der", "roles", "wer"):
                if key in d:
                    kind = "cer" if key == "wer" and item.language == "zh" else key
                    name = f"ext.{kind}_{item.name}"
                    figures[name] = d[key]
                    support[name] = 1
            holds_ok.append(d["holds"] == 0)
            music_ok.append(d["music"] == 0)
            if d["holds"] or d["music"]:
                failures.append(
                    {
                        "call_id": item.name,
                        "check": "holds",
                        "expected": "no hold, no music",
                        "got": d["hold_spans"],
                        "evidence": "real recording without hold",
                    }
                )
    figures["ext.zero_holds"] = round(sum(holds_ok) / len(holds_ok), 4) if holds_ok else None
    figures["ext.zero_music"] = round(sum(music_ok) / len(music_ok), 4) if music_ok else None
    support["ext.zero_holds"] = support["ext.zero_music"] = len(holds_ok)
    return {"figures": figures, "support": support, "details": details, "failures": failures}


def _item_figures(item: Item, result: StoredResult, clip_s: float | None) -> dict[str, Any]:
    check = result.checks.get("holds")
    found = check.typed(HoldsValues) if check is not None else None
    holds = found.holds if found is not None else ()
    d: dict[str, Any] = {
        "duration_s": result.duration_s,
        "holds": len(holds),
        "music": sum(1 for h in holds if h.music),
        "hold_spans": [[h.start_s, h.end_s] for h in holds],
    }
    if item.rttm:
        ref = _rttm(EXT / item.rttm, clip_s if item.source.startswith("lca") else None)
        d["der"] = round(der(ref, hyp_speaker_turns(result))["der"], 4)
        if item.source.startswith("lca"):
            ra = role_accuracy(ref, hyp_role_turns(result))
            d["roles"] = None if ra is None else round(ra, 4)
    if item.text:
        sep = "" if item.language == "zh" else " "
        hyp = sep.join(u.text for u in sorted(result.utterances, key=lambda u: u.start_s))
        d["wer"] = round(wer(item.text, hyp, item.language), 4)
        d["hypothesis"] = hyp[:400]
        d["reference"] = item.text[:400]
    return d
