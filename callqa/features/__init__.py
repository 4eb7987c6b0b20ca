"""Derived features of a call (holds, hang-up decision, answer time, speech per party), computed once."""

from callqa.features.derive import CallSettings, build_call, default_settings, derive_features, party_speech
from callqa.features.holds import HoldDetection, find_holds

__all__ = [
    "CallSettings",
    "HoldDetection",
    "build_call",
    "default_settings",
    "derive_features",
    "find_holds",
    "party_speech",
]
