"""Fixtures shared by every test folder: fake models and synthetic calls (they live in foundation_fakes.py)."""

from foundation_fakes import config, fake_asr, fake_diarizer, fake_models, good_call  # noqa: F401
