"""Time from navigation to the first mark drawn on the explore map, in a real browser.

    .venv/bin/python bench/map_browser.py http://127.0.0.1:8000 "technology=anpr"
    .venv/bin/python bench/map_browser.py http://127.0.0.1:8000 ""      # the whole register

Not a test: it prints figures. It opens /deployments/map/?<query> on a running server in
Debian's Chromium (/usr/bin/chromium, driven by Playwright as the browser tests do; never
`playwright install`) and waits for the map's own signal: static/deployments/map.js sets
data-first-drawn-ms on #register-map once the first mark (a pin, an area, a cluster or a
grid count) is in the page, in milliseconds since navigation started. The last line is what
a benchmark runner reads:

    map first cluster ms=<float> features=<int>

`features` is the number of GeoJSON features in the map's first answer: every location below
mapdata.INDIVIDUAL_LIMIT, grid cells and area groups past it. Requests to any host other than
the server are aborted, so map tiles never count.
"""

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# As the browser tests launch it.
from deployments.tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DRAWN = "#register-map[data-first-drawn-ms]"
TIMINGS = """() => {
    const page = performance.getEntriesByType("navigation")[0];
    const data = performance.getEntriesByType("resource")
        .filter((entry) => entry.name.includes("/deployments/map.geojson"))[0];
    return {
        page: page ? page.responseEnd : null,
        loaded: page ? page.domContentLoadedEventEnd : null,
        dataStart: data ? data.startTime : null,
        dataEnd: data ? data.responseEnd : null,
    };
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("query", nargs="?", default="", help='filters, e.g. "technology=anpr"')
    parser.add_argument(
        "--timeout", type=float, default=120, help="seconds to wait for the first mark"
    )
    args = parser.parse_args()

    if not CHROMIUM.exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        print("Playwright is not installed: pip install -r requirements-dev.txt", file=sys.stderr)
        return 2

    base = args.base_url.rstrip("/")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    url = f"{base}/deployments/map/?{args.query.lstrip('?')}"
    features = mode = total = None

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as error:
            print(f"Chromium at {CHROMIUM} did not start: {error}", file=sys.stderr)
            return 2
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route(lambda address: not address.startswith(origin), lambda r: r.abort())
            answers = []

            def seen(response):
                if "/deployments/map.geojson" in response.url and response.ok:
                    answers.append(response)

            page.on("response", seen)
            started = time.perf_counter()
            try:
                response = page.goto(url, wait_until="commit", timeout=args.timeout * 1000)
            except Error as error:
                print(f"Could not open {url}: {error.message.splitlines()[0]}", file=sys.stderr)
                return 1
            if response is None or not response.ok:
                status = response.status if response else "no answer"
                print(f"{url} answered {status}", file=sys.stderr)
                return 1
            try:
                page.wait_for_selector(DRAWN, state="attached", timeout=args.timeout * 1000)
            except Error:
                state = page.locator("#register-map").get_attribute("data-state")
                hint = (
                    "map.js never started: are the static files served?"
                    if state is None
                    else f"map state: {state}"
                )
                print(f"No mark drawn within {args.timeout:.0f} s ({hint}).", file=sys.stderr)
                return 1
            waited = (time.perf_counter() - started) * 1000
            container = page.locator("#register-map")
            first_ms = float(container.get_attribute("data-first-drawn-ms"))
            # Where the time went, from the browser's own clock (ms since navigation).
            timings = page.evaluate(TIMINGS)
            if answers:
                first = answers[0].json()
                features = len(first["features"])
                mode, total = first.get("mode"), first.get("total")
        finally:
            browser.close()

    def ms(value) -> str:
        return "?" if value is None else f"{value:.0f} ms"

    print(f"url: {url}")
    print(
        f"page HTML received {ms(timings['page'])}, DOM ready {ms(timings['loaded'])}; "
        f"map data asked {ms(timings['dataStart'])}, received {ms(timings['dataEnd'])}"
    )
    print(f"first answer: mode={mode} locations={total}; script saw the mark at {waited:.0f} ms")
    print(f"map first cluster ms={first_ms:.1f} features={features if features is not None else 0}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
