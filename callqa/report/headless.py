"""Open report pages in a real headless Chromium and record what happened: console errors, exceptions,
every request the page made, a screenshot. Talks the DevTools protocol over a pipe
(`--remote-debugging-pipe`), so it needs nothing but the `chromium` binary (Debian package `chromium`,
see scripts/ensure_chromium.sh). Used by the report tests and to take the README's screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    env = os.environ.get("CALLQA_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageVisit:
    url: str
    console: list[dict[str, Any]] = field(default_factory=list)  # {"level", "text"} (console.*, log entries)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, the page itself first
    screenshot: bytes | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return self.exceptions + [c["text"] for c in self.console if c["level"] in ("error", "warning")]

    @property
    def network_requests(self) -> list[str]:
        """Requests that would leave the machine (anything but file:, data:, about:, blob:)."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "about:", "blob:"))]


class Chromium:
    """A headless Chromium driven over the DevTools pipe. Use as a context manager."""

    def __init__(self, binary: str | None = None, *, timeout_s: float = 60.0):
        found = binary or find_chromium()
        if not found:
            raise FileNotFoundError(
                "chromium not found (apt-get install chromium; scripts/ensure_chromium.sh)"
            )
        self.binary: str = found
        self.timeout_s = timeout_s
        self._id = 0
        self._buf = b""
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self._profile = tempfile.mkdtemp(prefix="callqa-chromium-")
        cmd_r, self._cmd_w = os.pipe()
        self._resp_r, resp_w = os.pipe()

        def child_fds() -> None:  # the browser reads commands on fd 3 and answers on fd 4
            a, b = os.dup(cmd_r), os.dup(resp_w)  # above 4 first: the pipes may already sit on 3 or 4
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            self.binary,
            "--headless=new",
            "--remote-debugging-pipe",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-dev-shm-usage",
            "--mute-audio",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        self._proc = subprocess.Popen(
            args,
            preexec_fn=child_fds,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(resp_w)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._send("Browser.close", {}, wait=False)
            self._proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - closing: make sure it is gone
            self._proc.kill()
            self._proc.wait(timeout=10)
        finally:
            for fd in (self._cmd_w, self._resp_r):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self._profile, ignore_errors=True)

    # protocol ----------------------------------------------------------------------------------
    def _send(
        self, method: str, params: dict | None = None, *, session: str | None = None, wait: bool = True
    ) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        if not wait:
            return {}
        want = self._id
        deadline = time.monotonic() + self.timeout_s
        while True:
            for m in self._read(deadline):
                if m.get("id") == want:
                    if "error" in m:
                        raise RuntimeError(f"{method}: {m['error']}")
                    return m.get("result", {})
                self._events.append(m)

    def _read(self, deadline: float) -> list[dict[str, Any]]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("chromium did not answer in time")
        ready, _, _ = select.select([self._resp_r], [], [], left)
        if not ready:
            raise TimeoutError("chromium did not answer in time")
        chunk = os.read(self._resp_r, 1 << 20)
        if not chunk:
            raise RuntimeError("chromium closed the DevTools pipe")
        self._buf += chunk
        *parts, self._buf = self._buf.split(b"\0")
        return [json.loads(p) for p in parts if p]

    def _wait_event(self, method: str, session: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self._events):
            self._events.extend(self._read(deadline))

    def _drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                self._events.extend(self._read(deadline))
            except TimeoutError:
                return

    # visiting ------------------------------------------------------------------------------------
    def visit(
        self,
        path: str | Path,
        *,
        width: int = 1100,
        height: int = 800,
        mobile: bool = False,
        screenshot: bool = True,
        evaluate: dict[str, str] | None = None,
        settle_s: float = 0.5,
    ) -> PageVisit:
        """Load a page, wait for its load event, record console/exceptions/requests, optionally take a
        full-page screenshot and evaluate JS expressions (name -> expression, awaited) in the page."""
        url = Path(path).resolve().as_uri()
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self._send(f"{domain}.enable", session=session)
        self._send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session=session,
        )
        self._events = [e for e in self._events if e.get("sessionId") != session]
        self._send("Page.navigate", {"url": url}, session=session)
        self._wait_event("Page.loadEventFired", session, self.timeout_s)
        self._drain(settle_s)
        visit = PageVisit(url)
        for e in self._events:
            if e.get("sessionId") != session:
                continue
            p = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                visit.console.append(
                    {
                        "level": "error"
                        if p.get("type") == "error"
                        else "warning"
                        if p.get("type") in ("warning", "assert")
                        else p.get("type", "log"),
                        "text": text,
                    }
                )
            elif e["method"] == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                visit.exceptions.append(
                    d.get("exception", {}).get("description") or d.get("text", "exception")
                )
            elif e["method"] == "Log.entryAdded":
                entry = p.get("entry", {})
                visit.console.append(
                    {
                        "level": entry.get("level", "info"),
                        "text": f"{entry.get('text', '')} {entry.get('url', '')}".strip(),
                    }
                )
            elif e["method"] == "Network.requestWillBeSent":
                visit.requests.append(p.get("request", {}).get("url", ""))
        for name, expr in (evaluate or {}).items():
            r = self._send(
                "Runtime.evaluate",
                {"expression": expr, "awaitPromise": True, "returnByValue": True},
                session=session,
            )
            visit.metrics[name] = r.get("result", {}).get("value", r.get("exceptionDetails"))
        if screenshot:
            size = self._send("Page.getLayoutMetrics", session=session)["cssContentSize"]
            self._send(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": width,
                    "height": int(min(max(size["height"], height), 16000)),
                    "deviceScaleFactor": 1,
                    "mobile": mobile,
                },
                session=session,
            )
            shot = self._send(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session
            )
            visit.screenshot = base64.b64decode(shot["data"])
        self._send("Target.closeTarget", {"targetId": target})
        self._events = [e for e in self._events if e.get("sessionId") != session]
        return visit
