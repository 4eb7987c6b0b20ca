"""Derived features of a call (holds, hang-up decision, answer time, speech per party), computed once."""

from callqa.features.derive import (
    CallFeatures,
    CallSettings,
    HangupDecision,
    default_settings,
    derive_features,
    party_speech,
)
from callqa.features.holds import Hold, HoldsParams, find_holds

__all__ = [
    "CallFeatures",
    "CallSettings",
    "HangupDecision",
    "Hold",
    "HoldsParams",
    "default_settings",
    "derive_features",
    "find_holds",
    "party_speech",
]
