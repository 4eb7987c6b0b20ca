"""GPU configuration on a CPU machine: a CUDA request without CUDA is a config error naming the key."""

from __future__ import annotations

import pytest

from callqa.cli import main
from callqa.config import ConfigError, load_config
from callqa.models.devices import DeviceUnavailable, check_asr_device, check_diarization_device
from callqa.models.holder import Models


def _no_gpu() -> int:
    return 0


def _cpu_types(device: str) -> set[str]:
    return {"int8", "int8_float32", "float32"} if device == "cpu" else {"float16", "int8_float16", "int8"}


def test_asr_cuda_without_cuda_names_the_key() -> None:
    cfg = load_config(None, ("asr.device=cuda", "asr.compute_type=float16"))
    with pytest.raises(DeviceUnavailable, match=r"asr\.device is 'cuda'.*no CUDA device"):
        check_asr_device(cfg.asr, source=cfg.source, cuda_devices=_no_gpu, compute_types=_cpu_types)


def test_asr_cuda_with_a_gpu_passes_and_checks_the_compute_type() -> None:
    cfg = load_config(None, ("asr.device=cuda", "asr.compute_type=float16", "asr.batch_size=16"))
    check_asr_device(cfg.asr, source=cfg.source, cuda_devices=lambda: 1, compute_types=_cpu_types)
    assert cfg.asr.batch_size == 16


def test_float16_on_cpu_names_compute_type() -> None:
    cfg = load_config(None, ("asr.compute_type=float16",))
    with pytest.raises(DeviceUnavailable, match=r"asr\.compute_type 'float16' does not run on cpu"):
        check_asr_device(cfg.asr, source=cfg.source, cuda_devices=_no_gpu, compute_types=_cpu_types)


def test_auto_falls_back_to_cpu() -> None:
    cfg = load_config(None, ("asr.device=auto",))
    check_asr_device(cfg.asr, source=cfg.source, cuda_devices=_no_gpu, compute_types=_cpu_types)


def test_diarization_cuda_on_a_cpu_only_torch_names_the_key() -> None:
    cfg = load_config(None, ("diarization.device=cuda",))
    with pytest.raises(
        DeviceUnavailable, match=r"diarization\.device is 'cuda' but this PyTorch is a CPU-only"
    ):
        check_diarization_device(cfg.diarization, source=cfg.source, torch_cuda=lambda: (False, None))
    with pytest.raises(DeviceUnavailable, match=r"PyTorch \(CUDA 12.4\) sees no GPU"):
        check_diarization_device(cfg.diarization, source=cfg.source, torch_cuda=lambda: (False, "12.4"))
    check_diarization_device(cfg.diarization, source=cfg.source, torch_cuda=lambda: (True, "12.4"))


def test_diarization_cuda_needs_the_pyannote_backend() -> None:
    cfg = load_config(None, ("diarization.device=cuda", "diarization.backend=campplus"))
    with pytest.raises(DeviceUnavailable, match="pyannote backend only"):
        check_diarization_device(cfg.diarization, source=cfg.source, torch_cuda=lambda: (True, "12.4"))


@pytest.mark.parametrize(
    "override, key", [("asr.device=gpu", "asr.device"), ("diarization.device=tpu", "diarization.device")]
)
def test_unknown_device_value_is_a_config_error(override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(None, (override,))


def test_real_probes_on_this_machine() -> None:
    """The real CTranslate2 / PyTorch probes: on a machine without CUDA both requests fail with the key named."""
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a CUDA device")
    cfg = load_config(None, ("asr.device=cuda", "diarization.device=cuda"))
    with pytest.raises(DeviceUnavailable, match=r"asr\.device"):
        Models(cfg).asr()
    with pytest.raises(DeviceUnavailable, match=r"diarization\.device"):
        Models(cfg).diarization()


def test_score_stops_before_any_work(tmp_path, capsys) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a CUDA device")
    (tmp_path / "calls").mkdir()
    code = main(
        ["score", str(tmp_path / "calls"), "--out", str(tmp_path / "out"), "--set", "asr.device=cuda"]
    )
    assert code == 2
    assert "asr.device is 'cuda'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
