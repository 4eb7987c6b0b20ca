"""Diarization: who speaks when. Mono backends by name (`diarization.backend`), stereo by channel."""

from callqa.diarization.base import Diarizer, diarizer_backends, make_diarizer, register_diarizer

__all__ = ["Diarizer", "diarizer_backends", "make_diarizer", "register_diarizer"]
