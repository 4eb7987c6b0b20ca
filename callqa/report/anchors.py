"""Names inside the HTML report — an agent's page file, a call's row on it — shared with `callqa search`."""

from __future__ import annotations

import hashlib
import re

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_RESERVED = {
    "index",
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")


def call_anchor(call_id: str) -> str:
    """The fragment id of a call's row: `call-<id>` for a plain id, else `call-<hash>` (any text, any script).

    >>> call_anchor("A101-0042")
    'call-A101-0042'
    >>> call_anchor("звонок 1")
    'call-d4952ca8e6fd'
    """
    if _PLAIN_ID.match(call_id):
        return f"call-{call_id}"
    return f"call-{hashlib.sha1(call_id.encode('utf-8')).hexdigest()[:12]}"


def agent_file_names(agents: list[str]) -> dict[str, str]:
    """A safe, unique file name per agent id (any text, any script): the id itself when it is plain ASCII
    and unique ignoring case, else a cleaned prefix plus a short hash of the id."""
    names: dict[str, str] = {}
    lower_count: dict[str, int] = {}
    for a in agents:
        lower_count[a.lower()] = lower_count.get(a.lower(), 0) + 1
    for a in agents:
        if _SAFE_NAME.match(a) and lower_count[a.lower()] == 1 and a.lower() not in _RESERVED:
            names[a] = f"{a}.html"
        else:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", a).strip("_-")[:40] or "agent"
            names[a] = f"{stem}-{hashlib.sha1(a.encode('utf-8')).hexdigest()[:10]}.html"
    return names
