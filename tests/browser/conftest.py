"""Browser tests drive Debian's chromium (``/usr/bin/chromium``) with Playwright for Python.

Never ``playwright install``: the machine has no network but the package registries.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API runs an event loop; Django's ORM is used from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


# Every page a browser test opens is also checked against the Content-Security-Policy: a
# violation (an inline script or style, a foreign resource) fails the test that met it.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


class CspWatch:
    """CSP violations seen by one page, from the console and from securitypolicyviolation."""

    def __init__(self, page) -> None:
        self.page = page
        self.seen: list[str] = []
        page.add_init_script(_RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("framenavigated", self._collect)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.seen.append(f"{self.page.url}: {message.text}")

    def _collect(self, frame=None) -> None:
        try:
            found = self.page.evaluate("window.__cspViolations || []")
        except Exception:  # navigating: the next page reports its own
            return
        self.seen.extend(f"{self.page.url}: {v}" for v in found if f"{self.page.url}: {v}" not in self.seen)

    def violations(self) -> list[str]:
        self._collect()
        return list(dict.fromkeys(self.seen))


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = CspWatch(page)
    page.csp_watch = watch
    yield page
    violations = watch.violations()
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def login(page, live_server, email: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Connexion").click()


def menu(page, group: str, entry: str) -> None:
    """Open ``entry`` of the main menu's ``group`` (DSFR menus under a button, issue 18)."""
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=entry).click()
