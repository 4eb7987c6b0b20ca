"""The `redact:` section of the config: which kinds of personal data are replaced, and how phones are read."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("card", "phone", "email", "id")


@dataclass(frozen=True)
class RedactConfig:
    """What `callqa.redact.redact_transcript` removes (see README "Personal data").

    kinds : card (payment card numbers, Luhn-checked), phone, email, id (national ids: CN resident id,
        RU SNILS/INN/passport, US SSN; off by default)
    phone_regions : per call language, the regions whose numbering plans make a number without "+"
        a phone number (libphonenumber region codes)
    join_gap_s : consecutive utterances of one speaker at most this far apart are searched as one text
        (a number read with pauses is often split into several utterances)
    card_context : also redact 13-19 digits that fail the Luhn check when a card word ("card", "карта", "卡")
        comes just before them (an ASR error in one digit must not leak the other fifteen)
    """

    kinds: list[str] = field(default_factory=lambda: ["card", "phone", "email"])
    phone_regions: dict[str, list[str]] = field(
        default_factory=lambda: {"en": ["US", "GB"], "zh": ["CN"], "ru": ["RU"]}
    )
    card_context: bool = True
    join_gap_s: float = 3.0


def validate_redact_config(config: RedactConfig, *, source: str) -> None:
    """Raise ConfigError naming the file and key for an unknown kind or region."""
    import phonenumbers

    from callqa.dataconf import ConfigError

    for kind in config.kinds:
        if kind not in KINDS:
            raise ConfigError(
                f"{source}: config key 'redact.kinds' has unknown kind {kind!r} (known: {', '.join(KINDS)})"
            )
    if config.join_gap_s < 0:
        raise ConfigError(f"{source}: config key 'redact.join_gap_s' must be >= 0, got {config.join_gap_s}")
    supported = phonenumbers.SUPPORTED_REGIONS
    for lang, regions in config.phone_regions.items():
        if not isinstance(regions, (list, tuple)):
            raise ConfigError(
                f"{source}: config key 'redact.phone_regions.{lang}' must be a list of region codes"
            )
        for r in regions:
            if str(r).upper() not in supported:
                raise ConfigError(
                    f"{source}: config key 'redact.phone_regions.{lang}' has unknown region {r!r}"
                )
