"""Is the device the config asks for there? A CUDA request on a machine without CUDA is a config error naming the key.

Checked before a batch starts (`callqa score`) and when a model is first built (`Models`), so a missing GPU stops
the run with one message instead of turning every call into an error row. The probes are cheap and never load a
model: CTranslate2's CUDA device count for `asr.device`, PyTorch's `torch.cuda.is_available()` for
`diarization.device` (PyTorch is imported only when CUDA is asked for).
"""

from __future__ import annotations

from collections.abc import Callable

from callqa.config import AsrConfig, Config, ConfigError, DiarizationConfig


class DeviceUnavailable(ConfigError):
    """A config key asks for a device (or a compute type on it) that this machine does not have."""


def _ctranslate2_cuda_devices() -> int:
    import ctranslate2

    return int(ctranslate2.get_cuda_device_count())


def _ctranslate2_compute_types(device: str) -> set[str]:
    import ctranslate2

    return set(ctranslate2.get_supported_compute_types(device))


def _torch_cuda() -> tuple[bool, str | None]:
    import torch

    return bool(torch.cuda.is_available()), getattr(torch.version, "cuda", None)


def check_asr_device(
    asr: AsrConfig,
    *,
    source: str = "config",
    cuda_devices: Callable[[], int] = _ctranslate2_cuda_devices,
    compute_types: Callable[[str], set[str]] = _ctranslate2_compute_types,
) -> None:
    """`asr.device` cuda needs a CUDA device CTranslate2 can use; `asr.compute_type` must run on the device."""
    device = asr.device
    if device == "auto":
        device = "cuda" if cuda_devices() > 0 else "cpu"
    elif device == "cuda" and cuda_devices() == 0:
        raise DeviceUnavailable(
            f"{source}: asr.device is 'cuda' but CTranslate2 finds no CUDA device on this machine "
            "(ctranslate2.get_cuda_device_count() == 0: no GPU, no driver, or a CPU-only build); "
            "set asr.device: cpu (with asr.compute_type: int8) or run on a GPU machine"
        )
    if asr.compute_type not in ("default", "auto"):
        supported = compute_types(device)
        if asr.compute_type not in supported:
            raise DeviceUnavailable(
                f"{source}: asr.compute_type '{asr.compute_type}' does not run on {device} here "
                f"(supported: {', '.join(sorted(supported))}); int8 on CPU, float16 on a GPU"
            )


def check_diarization_device(
    diarization: DiarizationConfig,
    *,
    source: str = "config",
    torch_cuda: Callable[[], tuple[bool, str | None]] = _torch_cuda,
) -> None:
    """`diarization.device` cuda needs the pyannote backend and a PyTorch that sees a CUDA device."""
    if diarization.device != "cuda":
        return
    if diarization.backend != "pyannote":
        raise DeviceUnavailable(
            f"{source}: diarization.device 'cuda' runs the pyannote backend only "
            f"(diarization.backend is '{diarization.backend}')"
        )
    available, built_for = torch_cuda()
    if not available:
        why = (
            "this PyTorch is a CPU-only build" if not built_for else f"PyTorch (CUDA {built_for}) sees no GPU"
        )
        raise DeviceUnavailable(
            f"{source}: diarization.device is 'cuda' but {why}; set diarization.device: cpu "
            "or install a CUDA build of PyTorch on a GPU machine"
        )


def check_devices(config: Config) -> None:
    """Both checks, for the parts of the config a batch will use (raises DeviceUnavailable)."""
    check_asr_device(config.asr, source=config.source)
    check_diarization_device(config.diarization, source=config.source)
