"""The `Diarizer` protocol and the registry of diarization backends, found by `diarization.backend`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from callqa.ingest.audio import Samples
from callqa.types import SpeakerTurn

if TYPE_CHECKING:
    from callqa.config import DiarizationConfig


class Diarizer(Protocol):
    """Who speaks when. Mono backends (pyannote, ...) and the stereo `ChannelDiarizer` implement it."""

    name: str

    def diarize(
        self, samples_16k: Samples, *, regions: list[tuple[float, float]] | None = None
    ) -> list[SpeakerTurn]:
        """Turns in recording time; with `regions` (start_s, end_s), only those stretches are diarized."""
        ...


DiarizerFactory = Callable[["DiarizationConfig"], Diarizer]
_BACKENDS: dict[str, DiarizerFactory] = {}


def register_diarizer(name: str) -> Callable[[DiarizerFactory], DiarizerFactory]:
    """Decorator: `@register_diarizer("mine")` on a class or function taking a `DiarizationConfig`.

    The backend is then chosen with `diarization.backend: mine`. Import heavy libraries inside the
    factory, so that registering costs nothing when another backend is used.
    """

    def wrap(factory: DiarizerFactory) -> DiarizerFactory:
        if name in _BACKENDS and _BACKENDS[name] is not factory:
            raise ValueError(f"diarization backend {name!r} registered twice")
        _BACKENDS[name] = factory
        return factory

    return wrap


def diarizer_backends() -> list[str]:
    return sorted(_BACKENDS)


def make_diarizer(config: DiarizationConfig) -> Diarizer:
    """The mono diarizer named by `config.backend`; KeyError naming the known ones otherwise."""
    factory = _BACKENDS.get(config.backend)
    if factory is None:
        raise KeyError(
            f"unknown diarization.backend {config.backend!r} (known: {', '.join(diarizer_backends())})"
        )
    return factory(config)


@register_diarizer("pyannote")
def _pyannote(config: DiarizationConfig) -> Diarizer:
    from callqa.diarization.pyannote_diarizer import PyannoteDiarizer  # torch: only when used

    return PyannoteDiarizer(config)


@register_diarizer("campplus")
def _campplus(config: DiarizationConfig) -> Diarizer:
    from callqa.diarization.windowed import WindowedDiarizer  # VAD + CAM++ windows + spectral clustering

    return WindowedDiarizer(config)
