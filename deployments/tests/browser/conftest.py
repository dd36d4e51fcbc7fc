"""Real-browser fixtures: Playwright's sync API driving Debian's Chromium against live_server.

- Chromium comes from the OS (`apt-get install -y chromium`), never from `playwright install`,
  which cannot download anything on this project's machines. pytest-playwright is not used:
  its fixtures must not be mixed with a hand-started sync_playwright() (STACK_NOTES).
- Every test in this folder is marked `browser`, whether or not its module says so.
- Without /usr/bin/chromium these tests are skipped, with a message at the end of the run, on a
  developer's machine; with CI=true they fail instead, so CI can never go green without them.
- Pages only reach the live server: requests to any other host (map tiles, fonts, CDNs) are
  aborted, so no test depends on the network.
- An uncaught JavaScript error on a page fails the test that opened it.
"""

import os
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from deployments.tests.ci import IN_CI

from .chromium import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM
# calls from such a thread (SynchronousOnlyOperation) unless told this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

MISSING = f"Chromium not found at {CHROMIUM} (install it: apt-get install -y chromium)."
HERE = Path(__file__).resolve().parent
SERIOUS_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000

# axe-core needs JavaScript (its promises never settle on a page with scripts off), so the axe
# helper refuses these pages with a clear message instead of hanging.
_js_disabled_pages: weakref.WeakSet[Page] = weakref.WeakSet()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected test, not only this folder's.
    for item in items:
        if HERE not in item.path.resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists() and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=f"{MISSING} Browser test not run."))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if CHROMIUM.exists() or IN_CI:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser" in r.keywords]
    if skipped:
        terminalreporter.write_sep("!", "browser tests NOT run", yellow=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser test(s) skipped: {MISSING}\n"
            "CI (CI=true) treats a missing Chromium as a failure, not a skip.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{MISSING} CI=true, so browser tests must run, not skip.", pytrace=False)
        pytest.skip(MISSING)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_context(browser: Browser, live_server, **options) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, reduced_motion="reduce", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context


def _open_page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"Uncaught JavaScript error(s) on {page.url}: {errors}"


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh page in its own context; relative URLs go to live_server: page.goto("/")."""
    yield from _open_page(_new_context(browser, live_server))


@pytest.fixture
def js_disabled_page(browser: Browser, live_server) -> Iterator[Page]:
    """Like `page`, with JavaScript off: what a no-JS reader or a crawler gets."""
    for page in _open_page(_new_context(browser, live_server, java_script_enabled=False)):
        _js_disabled_pages.add(page)
        yield page


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    """axe(page, context=None): the serious and critical axe-core violations on the page.

    `context` narrows the check to part of the page (a CSS selector, as axe.run takes it).
    axe-core is JavaScript: it runs on `page`, not on `js_disabled_page`. Each violation is
    trimmed to what a failure message needs, so `assert axe(page) == []` reads well when it fails.
    """
    checker = Axe()

    def run(page: Page, context: str | None = None) -> list[dict]:
        if page in _js_disabled_pages:
            raise ValueError("axe-core needs JavaScript: check `page`, not `js_disabled_page`.")
        violations = checker.run(page, context=context).response["violations"]
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "url": violation["helpUrl"],
                "nodes": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
            }
            for violation in violations
            if violation["impact"] in SERIOUS_IMPACTS
        ]

    return run
