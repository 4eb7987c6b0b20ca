"""Hand-built published results (`StoredResult`) for tests that exercise readers without running a call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callqa.records import Score
from callqa.store.codec import StoredCheck, StoredResult, StoredTurn, stored_check
from callqa.types import CallMeta, CheckResult, TimingFigures, Utterance


def stored_result(
    call_id: str = "c1",
    *,
    checks: Mapping[str, StoredCheck | CheckResult] | None = None,
    utterances: tuple[Utterance, ...] = (),
    turns: tuple[StoredTurn, ...] = (),
    meta: CallMeta | None = None,
    score: float | None = None,
    passed: bool | None = None,
    duration_s: float = 10.0,
    **fields: Any,
) -> StoredResult:
    """A result with just what a test names; checks may be given as pipeline `CheckResult`s."""
    meta = meta or CallMeta(call_id, None)
    stored = {n: (stored_check(c) if isinstance(c, CheckResult) else c) for n, c in (checks or {}).items()}
    return StoredResult(
        call_id=call_id,
        audio_path=meta.audio_path,
        duration_s=duration_s,
        language=meta.language,
        agent_id=meta.agent_id,
        agent_name=meta.agent_name,
        company=meta.company,
        channel_layout=meta.channel_layout,
        score=score,
        scorecard=Score(score, passed, (), (), "default"),
        checks=stored,
        utterances=utterances,
        turns=turns,
        timing=TimingFigures({"agent": 0.0, "customer": 0.0}, None, 0.0, 0.0),
        meta=meta,
        **fields,
    )
