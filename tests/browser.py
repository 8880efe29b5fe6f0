"""A headless Chromium driven over the Chrome DevTools Protocol on a pipe: what a person would see of a page.

No Python dependency: Chromium started with --remote-debugging-pipe reads protocol commands (JSON, each ended by
a NUL byte) on its file descriptor 3 and writes replies and events on 4. `Chromium` opens a page in a fresh
profile, sets the viewport, and returns measurements (a script run in the page), screenshots (PNG) and printed
PDFs. `find_chromium` says where the browser is, or why there is none.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe",
)
"""Headless, no sandbox (containers have no user namespaces), and nothing that reaches the network by itself."""

REPLY_WAIT_SECONDS = 120.0
"""How long one protocol reply may take before the browser is declared stuck (a guard, not a measurement)."""


def find_chromium() -> str | None:
    """The Chromium executable: $COSTMODEL_CHROMIUM, else the Debian package's /usr/bin/chromium, else on PATH."""
    given = os.environ.get("COSTMODEL_CHROMIUM")
    if given:
        return given
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    """The browser replied with an error, exited, or did not answer."""


class Chromium:
    """One headless browser with one page (a tab), driven synchronously."""

    def __init__(self, executable: str, width: int = 1280, height: int = 900) -> None:
        self.profile = tempfile.mkdtemp(prefix="costmodel-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # runs in the child before exec: the protocol's fixed descriptors 3 and 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(3, 4), preexec_fn=wire_pipes,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.viewport(width, height)

    # --- protocol -------------------------------------------------------------------------------------------------
    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], REPLY_WAIT_SECONDS)
            chunk = os.read(self._from_browser, 1 << 20) if ready else b""
            if not chunk:
                raise BrowserError("the browser closed the protocol pipe or did not answer: " + self._stderr_tail())
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def _stderr_tail(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        assert self.process.stderr is not None
        return self.process.stderr.read().decode(errors="replace")[-2000:]

    def wait_for(self, method: str) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event["method"] == method:
                return self.events.pop(index)
        while True:
            message = self._read()
            if message.get("method") == method:
                return message
            if "method" in message:
                self.events.append(message)

    # --- what the tests use ---------------------------------------------------------------------------------------
    def viewport(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def media(self, kind: str) -> None:
        """Lay the page out for `screen` or `print` (the print stylesheet), as measurements should see it."""
        self.send("Emulation.setEmulatedMedia", {"media": kind})

    def open(self, url: str) -> None:
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in reply:
            raise BrowserError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page (not just the viewport) as a PNG."""
        size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1},
        })
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def pdf(self, path: Path, paper: tuple[float, float]) -> Path:
        """The page printed (print stylesheet, default margins of the page's @page rule) on paper (inches)."""
        printed = self.send("Page.printToPDF", {
            "paperWidth": paper[0], "paperHeight": paper[1], "printBackground": False, "preferCSSPageSize": False,
        })
        path.write_bytes(base64.b64decode(printed["data"]))
        return path

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and log errors the page produced so far."""
        self.evaluate("0")  # drain: events that arrived before this reply are now in self.events
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']}")
        return found

    def requests(self) -> list[str]:
        """Every URL the page requested (the document itself included)."""
        self.evaluate("0")
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            os.write(self._to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@contextmanager
def chromium(executable: str, width: int = 1280, height: int = 900) -> Iterator[Chromium]:
    browser = Chromium(executable, width, height)
    try:
        yield browser
    finally:
        browser.close()


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF Chromium printed: its page objects (`/Type /Page`, not the `/Pages` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
