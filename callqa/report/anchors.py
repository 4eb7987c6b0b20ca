"""Stable in-page anchors of the HTML report (a call's row on its agent's page), shared with `callqa search`."""

from __future__ import annotations

import hashlib
import re

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
