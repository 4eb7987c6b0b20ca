"""Fixtures of the signal tests (helpers live in signal_audio.py)."""

from signal_audio import agent_leg, caller_leg  # noqa: F401
