"""Debian's headless Chromium, driven through the DevTools protocol over a pipe
(--remote-debugging-pipe: JSON messages separated by NUL bytes on file descriptors 3 and 4), with
the Python standard library alone: no driver, no browser download, no network.

    with Chromium() as page:
        page.goto("http://127.0.0.1:8081/ui/")
        page.wait("document.querySelector('h1')")
        page.screenshot("build/ui-screenshots/subjects.png")

Every JavaScript exception and console error the page produces is collected in page.errors.
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# The flags this machine needs: no sandbox (tests run as root), no GPU, and nothing that would
# reach the network (there is none).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars", "--force-color-profile=srgb", "--font-render-hinting=none"]


class BrowserError(AssertionError):
    pass


class Chromium:
    def __init__(self, width=1280, height=900, timeout=30):
        self.width, self.height, self.timeout = width, height, timeout
        self.profile = tempfile.mkdtemp(prefix="sluice-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds():  # in the child: the pipe ends where Chromium looks for them, 3 and 4
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM] + FLAGS + ["--user-data-dir=" + self.profile, "--remote-debugging-pipe",
                                  "--window-size=%d,%d" % (width, height), "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, pass_fds=(3, 4))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events = []
        self.errors = []
        self.session = None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable")
        self.viewport(width, height)

    # ---- the protocol ----
    def _send(self, msg):
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._to_chrome, data)
            data = data[n:]

    def _read(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.time()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe (exit %s)" % self.proc.poll())
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def _note(self, msg):
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            self.errors.append("exception: %s %s" % (d.get("text"), d.get("exception", {}).get("description", "")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append("console.error: %s" % [a.get("value", a.get("description")) for a in params.get("args", [])])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            e = params["entry"]
            # a 404 page or a refused request is what some tests ask for: only script problems count
            if e.get("source") not in ("network",):
                self.errors.append("log: %s" % e.get("text"))
        self.events.append(msg)

    def call(self, method, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        self._send(msg)
        deadline = time.time() + self.timeout
        while True:
            r = self._read(deadline)
            if r.get("id") == self._id:
                if "error" in r:
                    raise BrowserError("%s: %s" % (method, r["error"]))
                return r.get("result", {})
            self._note(r)

    def pump(self, seconds=0.05):
        """Take in the events that arrived meanwhile."""
        self.eval("0")
        time.sleep(seconds)

    # ---- what tests use ----
    def viewport(self, width, height, dark=False):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        self.call("Emulation.setEmulatedMedia", media="screen",
                  features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])

    def eval(self, expression):
        """The value of a JavaScript expression (promises awaited)."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise BrowserError("%s: %s" % (expression[:200], d.get("exception", {}).get("description", d.get("text"))))
        return r["result"].get("value")

    def wait(self, expression, timeout=None, what=None):
        """Wait until the expression is truthy (in JavaScript's sense)."""
        deadline = time.time() + (timeout or self.timeout)
        last = None
        while time.time() < deadline:
            try:
                last = self.eval("!!(%s)" % expression)
            except BrowserError:
                last = None
            if last:
                return last
            time.sleep(0.05)
        raise BrowserError("timed out waiting for %s (last value %r) on %s" % (
            what or expression, last, self.eval("location.href")))

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && !document.querySelector('main[aria-busy]')"
                  " && document.querySelector('main h1') !== null", what="the page to load")

    def settle(self):
        """Wait until the UI has drawn the page it is on."""
        self.wait("!document.querySelector('main[aria-busy]') && document.querySelector('main h1') !== null",
                  what="the page to render")

    def click(self, selector):
        self.eval("(() => { const el = document.querySelector(%s); if (!el) throw new Error('no ' + %s);"
                  " el.scrollIntoView({block: 'center'}); el.click(); return true; })()"
                  % (json.dumps(selector), json.dumps(selector)))

    def type(self, selector, text):
        """Focus a field and type into it, as a keyboard would (input events per insertion)."""
        self.eval("(() => { const el = document.querySelector(%s); el.focus(); el.select && el.select(); return true; })()"
                  % json.dumps(selector))
        self.call("Input.insertText", text=text)

    def fill(self, selector, text):
        """Set a field's value at once (long texts) and tell the page."""
        self.eval("(() => { const el = document.querySelector(%s); el.value = %s;"
                  " el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()"
                  % (json.dumps(selector), json.dumps(text)))

    def text(self, selector):
        return self.eval("(() => { const el = document.querySelector(%s); return el ? el.innerText : null; })()"
                         % json.dumps(selector))

    def count(self, selector):
        return self.eval("document.querySelectorAll(%s).length" % json.dumps(selector))

    def screenshot(self, path, full_page=True):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        params = {"format": "png"}
        if full_page:
            m = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": max(m["width"], 1),
                                "height": min(max(m["height"], 1), 8000), "scale": 1})
        data = self.call("Page.captureScreenshot", **params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def close(self):
        try:
            self.session = None
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
