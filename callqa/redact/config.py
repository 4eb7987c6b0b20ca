"""The `redact:` section of the config: which kinds of personal data are replaced, and how phones are read."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("card", "phone", "email", "id")
AUDIO_MODES = ("silence", "tone")
AUDIO_FORMATS = ("same", "wav")


@dataclass(frozen=True)
class AudioRedactConfig:
    """`redact.audio`: a redacted copy of each recording, every redacted span silenced or toned out
    (callqa/redact/audio.py; README "Personal data", Audio).

    margin_s : seconds added before and after each redacted word (ASR word times are approximate)
    out_dir : folder for the copies, `<call_id><ext>` each; None: beside the original, `<stem>.redacted<ext>`
    format : same (the original's container, subtype, rate and channels) | wav (WAV, the original's subtype
        when WAV holds it, else 16-bit PCM)
    replace_original : overwrite the original with the redacted audio (temp file, fsync, rename)
    """

    enabled: bool = False
    mode: str = "silence"  # silence | tone
    tone_hz: float = 1000.0
    tone_dbfs: float = -20.0  # level of the tone (full-scale sine = 0 dBFS)
    margin_s: float = 0.25
    out_dir: str | None = None
    format: str = "same"
    replace_original: bool = False


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
    audio: AudioRedactConfig = field(default_factory=AudioRedactConfig)


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
    _validate_audio(config.audio, source=source)
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


def _validate_audio(audio: AudioRedactConfig, *, source: str) -> None:
    from callqa.dataconf import ConfigError

    def bad(key: str, why: str) -> ConfigError:
        return ConfigError(f"{source}: config key 'redact.audio.{key}' {why}")

    if audio.mode not in AUDIO_MODES:
        raise bad("mode", f"must be one of {', '.join(AUDIO_MODES)}, got {audio.mode!r}")
    if audio.format not in AUDIO_FORMATS:
        raise bad("format", f"must be one of {', '.join(AUDIO_FORMATS)}, got {audio.format!r}")
    if audio.margin_s < 0:
        raise bad("margin_s", f"must be >= 0, got {audio.margin_s}")
    if audio.tone_hz <= 0:
        raise bad("tone_hz", f"must be > 0, got {audio.tone_hz}")
    if audio.tone_dbfs > 0:
        raise bad("tone_dbfs", f"must be <= 0 dBFS, got {audio.tone_dbfs}")
    if audio.replace_original and audio.format != "same":
        raise bad("replace_original", "needs format: same (the original keeps its name, so its format too)")
    if audio.replace_original and audio.out_dir:
        raise bad("out_dir", "cannot be set with replace_original: true (the original itself is rewritten)")
