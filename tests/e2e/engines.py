"""The three browser engines the browser tests run in, behind one small interface.

* Chromium: Debian's ``chromium``, driven by Playwright (its own browser download is not used).
* Firefox: Debian's ``firefox-esr``, driven over WebDriver BiDi by npm ``puppeteer-core`` through
  ``firefox/bridge.mjs`` (there is no geckodriver package, so Selenium cannot drive it).
* WebKit: Debian's WebKitGTK MiniBrowser through ``WebKitWebDriver`` and Selenium, on Xvfb (it
  has no headless mode).

Each engine opens pages and evaluates an ``async`` JavaScript function with one JSON argument
in them. Both Chromium and Firefox apply the Fetch standard's rule that a literal ``*`` never
covers ``Authorization`` (a feature flag and a pref); WebKit cannot be switched to it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any, Protocol

from ..support.servers import STOP_TIMEOUT

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
XVFB = "/usr/bin/Xvfb"
BRIDGE = HERE / "firefox" / "bridge.mjs"
PUPPETEER = HERE / "firefox" / "node_modules" / "puppeteer-core"
TIMEOUT_MS = 15_000

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The Fetch standard's rule that a literal "*" never covers Authorization; Chromium applies
    # it only with this feature on (Firefox with a pref, see firefox/bridge.mjs).
    "--enable-features=CorsNonWildcardRequestHeadersSupport",
]

#: How to get each engine on Debian, for the skip message when it is missing.
INSTALL = {
    "chromium": "apt-get install -y chromium",
    "firefox": "apt-get install -y firefox-esr; "
    "cd tests/e2e/firefox && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-package-lock",
    "webkit": "apt-get install -y webkit2gtk-driver xvfb xauth; pip install selenium",
}


def missing(engine: str) -> str | None:
    """What is not installed for *engine*, or None when it can run."""
    needs = {
        "chromium": [CHROMIUM],
        "firefox": [FIREFOX, str(PUPPETEER)],
        "webkit": [WEBKIT_DRIVER, MINIBROWSER, XVFB],
    }[engine]
    absent = [path for path in needs if not os.path.exists(path)]
    if engine == "firefox" and shutil.which("node") is None:
        absent.append("node")
    return ", ".join(absent) or None


class Page(Protocol):
    def evaluate(self, function: str, arg: Any = None) -> Any:
        """Run the JavaScript ``async`` *function* with *arg* in the page; return its result."""

    def close(self) -> None: ...


class Engine(Protocol):
    name: str

    def open(self, url: str) -> Page: ...

    def quit(self) -> None: ...


# -- Chromium -------------------------------------------------------------------------------------


class ChromiumPage:
    def __init__(self, page: Any) -> None:
        self.page = page

    def evaluate(self, function: str, arg: Any = None) -> Any:
        return self.page.evaluate(function, arg)

    def close(self) -> None:
        self.page.close()


class Chromium:
    name = "chromium"

    def __init__(self, profile: Path) -> None:
        from playwright.sync_api import sync_playwright

        # Cookies between 127.0.0.1 and localhost are third-party; allow them in this profile.
        (profile / "Default").mkdir(parents=True, exist_ok=True)
        (profile / "Default" / "Preferences").write_text(
            json.dumps({"profile": {"cookie_controls_mode": 0}}), encoding="utf-8"
        )
        self.playwright = sync_playwright().start()
        self.context = self.playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        self.context.set_default_timeout(TIMEOUT_MS)

    def open(self, url: str) -> Page:
        page = self.context.new_page()
        page.goto(url)
        return ChromiumPage(page)

    def quit(self) -> None:
        try:
            self.context.close()
        finally:
            self.playwright.stop()


# -- Firefox --------------------------------------------------------------------------------------


class FirefoxPage:
    def __init__(self, engine: Firefox, number: int) -> None:
        self.engine, self.number = engine, number

    def evaluate(self, function: str, arg: Any = None) -> Any:
        answer = self.engine.call(
            {"op": "evaluate", "page": self.number, "fn": function, "arg": arg}
        )
        return answer["result"]

    def close(self) -> None:
        self.engine.call({"op": "close", "page": self.number})


class Firefox:
    name = "firefox"

    def __init__(self, profile: Path) -> None:
        env = {**os.environ, "HOME": str(profile)}  # Firefox writes below HOME, too
        self.process = subprocess.Popen(
            ["node", str(BRIDGE), FIREFOX, str(profile)],
            cwd=BRIDGE.parent,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        ready = self.read()
        if "ready" not in ready:
            raise RuntimeError(f"Firefox did not start: {ready}")

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Firefox bridge exited ({self.process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def call(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self.read()
        if "error" in answer:
            raise RuntimeError(f"Firefox: {answer['error']}")
        return answer

    def open(self, url: str) -> Page:
        return FirefoxPage(self, self.call({"op": "open", "url": url})["page"])

    def quit(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the bridge closes the browser when its input ends
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)
        finally:
            assert self.process.stdout is not None
            self.process.stdout.close()


# -- WebKit ---------------------------------------------------------------------------------------

ASYNC_CALL = """const done = arguments[arguments.length - 1];
Promise.resolve((%s)(arguments[0])).then(done, (e) => done({__error: String(e)}));"""


class WebKitPage:
    """MiniBrowser under automation has one window: a page is the URL it was opened at, loaded
    again whenever another page was used in between."""

    def __init__(self, engine: WebKit, url: str) -> None:
        self.engine, self.url = engine, url
        engine.show(self)

    def evaluate(self, function: str, arg: Any = None) -> Any:
        self.engine.show(self)
        result = self.engine.driver.execute_async_script(ASYNC_CALL % function, arg)
        if isinstance(result, dict) and "__error" in result:
            raise RuntimeError(f"WebKit: {result['__error']}")
        return result

    def close(self) -> None:
        pass


class WebKit:
    name = "webkit"

    def __init__(self, profile: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self.xvfb, display = start_xvfb()
        os.environ["DISPLAY"] = display
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        # Cookies between 127.0.0.1 and localhost are third-party; allow them in this profile.
        options.add_argument("--cookies-policy=always")
        try:
            # Selenium's WebKitGTK driver uses a RemoteConnection form it deprecates itself.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
                # An explicit driver path keeps Selenium Manager from looking for a download.
                self.driver = webdriver.WebKitGTK(
                    options=options, service=Service(executable_path=WEBKIT_DRIVER)
                )
        except Exception:
            stop_process(self.xvfb)
            raise
        self.driver.set_script_timeout(TIMEOUT_MS / 1000)
        self.driver.set_page_load_timeout(TIMEOUT_MS / 1000)
        self.shown: WebKitPage | None = None

    def show(self, page: WebKitPage) -> None:
        if self.shown is not page:
            self.driver.get(page.url)
            self.shown = page

    def open(self, url: str) -> Page:
        return WebKitPage(self, url)

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            stop_process(self.xvfb)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on the first free display from :90; returns the process and the DISPLAY value."""
    for number in range(90, 140):
        if os.path.exists(f"/tmp/.X11-unix/X{number}") or os.path.exists(f"/tmp/.X{number}-lock"):
            continue
        process = subprocess.Popen(
            [XVFB, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                return process, f":{number}"
            time.sleep(0.05)
        stop_process(process)
    raise RuntimeError("no free X display for Xvfb between :90 and :139")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


ENGINES: dict[str, type[Chromium] | type[Firefox] | type[WebKit]] = {
    "chromium": Chromium,
    "firefox": Firefox,
    "webkit": WebKit,
}
