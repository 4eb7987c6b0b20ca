"""Personal data redaction (cards, phones, e-mails, ids) applied to every transcript before it is stored or scored."""

from callqa.redact.config import KINDS, RedactConfig, validate_redact_config
from callqa.redact.detect import Span, find_pii, luhn_ok
from callqa.redact.transcript import (
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    redact_text,
    redact_transcript,
    redact_words,
)

__all__ = [
    "KINDS", "PLACEHOLDER_RE", "PLACEHOLDERS", "RedactConfig", "Span", "find_pii", "luhn_ok", "redact_text", "redact_transcript",
    "redact_words", "validate_redact_config",
]  # fmt: skip
