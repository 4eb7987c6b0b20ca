"""Shared helpers of the language checks: the call's phrase book, tokens per role, evidence from matches.

The helpers live in `callqa.text.phrases` (hold detection in `callqa.features` uses them too).
"""

from __future__ import annotations

from callqa.text.phrases import (
    call_language,
    clip_tokens,
    match_evidence,
    match_list,
    phrasebook_for,
    role_tokens,
)
from callqa.types import Call

__all__ = [
    "answer_time_s",
    "call_language",
    "clip_tokens",
    "match_evidence",
    "match_list",
    "phrasebook_for",
    "role_tokens",
]


def answer_time_s(call: Call) -> float:
    """When the call was answered (`call.features.answer_s`), else 0."""
    answer = call.features.answer_s
    return 0.0 if answer is None else answer
