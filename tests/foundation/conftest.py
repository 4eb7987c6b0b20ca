"""Fixtures of the foundation tests (fakes live in foundation_fakes.py)."""

from foundation_fakes import config, fake_asr, fake_diarizer, fake_models, good_call  # noqa: F401
