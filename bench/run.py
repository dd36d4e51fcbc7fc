"""`make bench`: the register at scale, served as in production, each figure next to its floor.

    make bench                      # 100,000 records, on SQLite and on PostgreSQL
    make bench N=1000000            # 1,000,000 records, on PostgreSQL
    make bench N=20000 DB=sqlite    # a quick look

For each database it builds a fresh database of N synthetic records (manage.py
generate_synthetic), serves it with gunicorn on the loopback interface (DEBUG off, whitenoise,
the production settings), and for each scenario prints p50/p95 latency for one client and for
eight at once, requests per second, SQL queries per request (cold cache -> warm), response
bytes (as sent, and gzip-compressed as a CDN would send them), and for exports rows per second
and the server's peak memory growth. Next to each it prints the database's own floor for the
same work, measured in the same run: the very SQL the page ran, replayed on a raw cursor; for
CSV, csv.writer over a sqlite3 cursor or PostgreSQL's COPY. On SQLite it then serves the same
file with Datasette (requirements-bench.txt) and times our uncached search page next to
Datasette's FTS5 search page for the same queries and rows (side_by_side). Then it checks the
issue's targets.

Bounded in time: each scenario stops after a few seconds or a few requests, whichever comes
first. Loopback only: the server binds 127.0.0.1 and nothing is fetched from anywhere else.
PostgreSQL databases are created next to BENCH_DATABASE_URL (default: the local server) as
`transparency_bench_<N>` (--pg-prefix), rebuilt unless --reuse; the named database itself is
never touched. `--only import` measures the bulk imports alone (run_imports).
"""

import argparse
import gzip
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "transparency_bench"  # --pg-prefix
WORKERS = 4  # 2 cores: two workers per core keeps both busy while one waits on the database
SEQUENTIAL = (20, 6.0)  # at most this many requests, or seconds, for one client
CONCURRENT = (8, 8.0)  # clients, seconds
SIDE_BY_SIDE = (20, 45.0)  # at most this many rounds (one request to each server), or seconds
IMPORT_TARGET = 1_000  # file rows per second a bulk import must reach on PostgreSQL
# Room for a register.zip of the bench's size in the import's own upload limit.
IMPORT_MAX_BYTES = str(4_000_000_000)


# Scenarios -----------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    path: str
    export: str = ""  # "csv" (count rows) or "geojson" (count features); both: watch memory
    results: dict = field(default_factory=dict)


def scenarios(selectors: dict) -> list[Scenario]:
    tech, word, record = selectors["technology"], selectors["word"], selectors["record"]
    return [
        Scenario("home page", "/"),
        Scenario("list, 1 filter + facets", f"/deployments/?technology={tech}"),
        Scenario("list, search + facets", f"/deployments/?q={word}"),
        Scenario("map data, ~20%", f"/deployments/map.geojson?technology={tech}", "geojson"),
        Scenario("GeoJSON export, ~20%", f"/deployments.geojson?technology={tech}", "geojson"),
        Scenario("timeline, ~20%", f"/deployments/timeline/?technology={tech}"),
        Scenario("record page", f"/deployments/{record}/"),
        Scenario("JSON API page", f"/deployments.json?technology={tech}"),
        Scenario("CSV, ~20%", f"/deployments.csv?technology={tech}", "csv"),
        Scenario("CSV, all", "/deployments.csv", "csv"),
    ]


# Databases -----------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/" + name))


def prepare_database(kind: str, n: int, reuse: bool, workdir: Path) -> str:
    """The DATABASE_URL of a database holding N synthetic records (built here unless reused)."""
    if kind == "sqlite":
        path = (Path(os.environ.get("BENCH_SQLITE_DIR", workdir)) / f"bench-{n}.sqlite3").resolve()
        url = f"sqlite:///{path}"
        if reuse and path.exists():
            return migrated(url)
        path.unlink(missing_ok=True)
    else:
        url = fresh_postgres(f"{PG_PREFIX}_{n}", reuse)
        if reuse and url.endswith("#reused"):
            return migrated(url.removesuffix("#reused"))
    started = time.perf_counter()
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "generate_synthetic", str(n))
    print(f"  built {n:,} records on {kind} in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def fresh_postgres(name: str, reuse: bool = False) -> str:
    """The URL of database `name` next to BENCH_DATABASE_URL, created empty (or, with reuse
    and when it exists, kept: then the URL ends in "#reused")."""
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    url = with_database(server, name)
    with psycopg.connect(server, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() and reuse:
            return url + "#reused"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')  # name built by us, not input
        admin.execute(f'CREATE DATABASE "{name}"')
    return url


def migrated(url: str) -> str:
    """A reused database, brought up to the code's migrations (which may write its stored
    lines, export_rows.py) before anything is measured."""
    manage(url, "migrate", "--no-input", "-v", "0")
    return url


def cache_dir(database_url: str) -> Path:
    # One cache per benchmark database: entries of one must never answer for the other.
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"register-bench-cache-{digest}"


def server_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_DIR": str(cache_dir(database_url)),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on the loopback interface: no https redirect.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def python(database_url: str, *args: str, timeout: float | None = None) -> str:
    """Run a Python script of this repository with the server's environment; its stdout."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and scripts, no shell)
        [PYTHON, *args],
        cwd=ROOT,
        env=server_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise subprocess.CalledProcessError(done.returncode, args)
    return done.stdout


def manage(database_url: str, *args: str) -> str:
    return python(database_url, "manage.py", *args)


def last_json_line(output: str):
    return json.loads(output.strip().splitlines()[-1])


# The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, workers: int = WORKERS):
        self.port = free_port()
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, no shell)
            [
                gunicorn,
                "transparency.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--timeout=300",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=server_env(database_url),
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = request(self.port, "/about/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within a minute")

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def reset_peaks(self) -> dict[int, int]:
        """Reset each worker's peak RSS to its current RSS (Linux: clear_refs 5); -> RSS kB."""
        now = {}
        for pid in self.workers():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass
            now[pid] = memory(pid)["VmRSS"]
        return now

    def peak_growth_mb(self, before: dict[int, int]) -> tuple[float, float]:
        """(largest peak RSS of a worker, its growth since reset_peaks), in MB."""
        peaks = []
        for pid, rss in before.items():
            peak = memory(pid).get("VmHWM", rss)
            peaks.append(((peak - rss) / 1024, peak / 1024))
        # The most growth; on a tie (none at all, say) the largest peak, never a made-up 0.
        growth, peak = max(peaks, default=(0.0, 0.0))
        return peak, growth

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def memory(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            name, value = line.split(":")
            values[name] = int(value.split()[0])
    return values


# HTTP load -----------------------------------------------------------------------------------


def request(port: int, path: str, connection=None) -> tuple[int, bytes, float]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if own:
        connection.close()
    return response.status, body, elapsed


def load(port: int, path: str, clients: int, limit: tuple[int, float]) -> dict:
    """Each client sends requests back to back until the request or time limit."""
    most, seconds = limit
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        sent = 0
        while sent < most and time.perf_counter() < deadline:
            status, _, elapsed = request(port, path, connection)
            sent += 1
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "rps": len(latencies) / wall,
        "requests": len(latencies),
        "errors": len(errors),
    }


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[index]


# Query counts and floors, measured in a Django process of their own ------------------------


def profile(database_url: str, paths: list[str]) -> dict:
    """{path: {"cold", "warm", "floor" or "floor_rows_per_s"}} from bench/profile_queries.py."""
    return last_json_line(python(database_url, "bench/profile_queries.py", *paths))


# One database --------------------------------------------------------------------------------


def run_database(kind: str, n: int, reuse: bool, workdir: Path) -> list[Scenario]:
    print(f"\n== {kind}, {n:,} records ==", flush=True)
    database_url = prepare_database(kind, n, reuse, workdir)
    shutil.rmtree(cache_dir(database_url), ignore_errors=True)  # start cold, every run
    selectors = last_json_line(python(database_url, "bench/profile_queries.py", "--selectors"))
    manage(database_url, "collectstatic", "--no-input", "-v", "0")
    plan = scenarios(selectors)
    profiles = profile(database_url, [s.path for s in plan])
    shutil.rmtree(cache_dir(database_url), ignore_errors=True)  # the server starts cold
    server = Server(database_url)
    try:
        for scenario in plan:
            measure(server, scenario, profiles[scenario.path])
            print(f"  measured {scenario.name}", flush=True)
        browser = map_in_browser(server.port, selectors)
    finally:
        server.stop()
    side = versus_datasette(database_url, selectors, workdir) if kind == "sqlite" else None
    # Writes last: they change the data the reads above measured.
    shares = ["0.1"] + (["1.0"] if kind == "postgres" else [])
    writes = last_json_line(python(database_url, "bench/writes.py", *shares))
    print_table(kind, n, plan, browser, side)
    print_writes(kind, writes)
    return plan


def run_imports(kind: str, n: int, reuse: bool, workdir: Path) -> dict:
    """The bench database's flat CSV and register.zip, each imported into a fresh empty
    database of the same kind (bench/imports.py): {file name: its result}."""
    print(f"\n== {kind}, {n:,} records: imports ==", flush=True)
    source = prepare_database(kind, n, reuse, workdir)
    files = Path(workdir) / f"import-files-{kind}"
    files.mkdir(exist_ok=True)
    python(source, "bench/imports.py", "export", str(files))
    results = {}
    for name in ("deployments.csv", "register.zip"):
        if kind == "sqlite":
            path = Path(workdir) / f"import-{n}.sqlite3"
            path.unlink(missing_ok=True)
            target = f"sqlite:///{path.resolve()}"
        else:
            target = fresh_postgres(f"{PG_PREFIX}_{n}_import")
        manage(target, "migrate", "--no-input", "-v", "0")
        # The flat CSV names technologies, which it never creates: the target has them.
        extra = [str(files / "technologies.json")] if name.endswith(".csv") else []
        os.environ["DJANGO_MAX_UPLOAD_BYTES"] = IMPORT_MAX_BYTES  # for the processes below
        output = python(target, "bench/imports.py", "load", str(files / name), *extra)
        results[name] = last_json_line(output)
        print(f"  imported {import_line(name, results[name])}", flush=True)
    print_imports(kind, n, results)
    return results


def import_line(name: str, r: dict) -> str:
    status = "" if r["ok"] else f" FAILED: {'; '.join(r['problems'])}"
    return (
        f"{name}: {r['rows']:,} rows in {r['tables']} table(s), {r['records']:,} records "
        f"in {r['seconds']:.1f} s: {r['rows'] / r['seconds']:,.0f} rows/s, "
        f"{r['records'] / r['seconds']:,.0f} records/s{status}"
    )


def print_imports(kind: str, n: int, results: dict) -> None:
    print(f"\nImports ({kind}, from {n:,} records, into an empty database):")
    print("  a row is a data row of the file over all its tables; a record, a deployments row")
    for name, r in results.items():
        print(f"  {import_line(name, r)}")
    if kind == "postgres":
        for name, r in results.items():
            rate = r["rows"] / r["seconds"]
            met = r["ok"] and rate >= IMPORT_TARGET
            print(
                f"  [{'met' if met else 'missed'}] import of {name} ≥ {IMPORT_TARGET:,} rows/s "
                f"on PostgreSQL: {rate:,.0f} rows/s"
            )


def print_writes(kind: str, writes: dict) -> None:
    """The admin's save of an organisation renamed, with every derived value it reaches."""
    print(f"\nWrites ({kind}): an editor renames an organisation in the admin (save + refresh)")
    for share, result in writes.items():
        print(
            f"  organisation of {result['records']:,} records ({float(share):.0%}): "
            f"{result['seconds']:.2f} s, {result['queries']} queries"
        )
    whole = writes.get("1.0")
    if whole and whole["records"] >= 100_000:
        met = whole["seconds"] < 5
        print(
            f"  [{'met' if met else 'NOT met'}] rename of an organisation of "
            f"{whole['records']:,} records < 5 s: {whole['seconds']:.2f} s"
        )


def measure(server: Server, scenario: Scenario, profile_: dict):
    result = scenario.results
    result["queries"] = f"{profile_['cold']}→{profile_['warm']}"
    status, body, first = request(server.port, scenario.path)
    result["status"] = status
    result["first"] = first
    result["bytes"] = len(body)
    result["gzip"] = len(gzip.compress(body, 6))
    if scenario.export == "csv":
        result["rows"] = max(body.count(b"\r\n") - 1, 0)  # less the header
    elif scenario.export == "geojson" and status == 200:
        data = json.loads(body)
        result["features"] = len(data.get("features", []))
    before = server.reset_peaks() if scenario.export else None
    result["c1"] = load(server.port, scenario.path, 1, SEQUENTIAL)
    if before is not None:
        result["peak_mb"], result["growth_mb"] = server.peak_growth_mb(before)
    result["c8"] = load(server.port, scenario.path, CONCURRENT[0], (10_000, CONCURRENT[1]))
    if scenario.export == "csv":
        result["rows_per_s"] = result["rows"] / result["c1"]["p50"]
        result["floor_rows_per_s"] = profile_["floor_rows_per_s"]
    else:
        result["floor"] = profile_["floor"]


def map_in_browser(port: int, selectors: dict) -> str:
    script = ROOT / "bench" / "map_browser.py"
    if not script.exists():
        return "not measured (bench/map_browser.py missing)"
    try:
        output = python("", str(script), f"http://127.0.0.1:{port}", "", timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        return f"not measured ({error})"
    lines = output.strip().splitlines()
    return lines[-1] if lines else "no output"


# Search next to Datasette (SQLite) ---------------------------------------------------------

# Words that synthetic records hold only in the watchlist sentence (deployments/dev/vocabulary.py),
# and that name no organisation or technology (which our search would also match): each finds
# the very same 2% of records on both servers, so different queries do identical work.
SEARCH_WORDS = ("watchlist", "wanted", "against")
WARM_UP_WORD = "ferry"  # another 1%: fills what any running server has warm, and no answer


def search_query(k: int) -> str:
    """The k-th query: one of SEARCH_WORDS, its letters' case set by the bits of k.

    Each query must be new to our cache, or the "uncached" page would answer from the counts
    cached for an earlier request. FTS5 folds case, so every query finds the same records with
    the same work; only the cache keys (the query as typed) differ."""
    word = SEARCH_WORDS[k % len(SEARCH_WORDS)]
    mask = k // len(SEARCH_WORDS)
    if mask >= 2 ** min(len(w) for w in SEARCH_WORDS):
        raise ValueError("more queries than case variants: raise SEARCH_WORDS")
    return "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(word))


class Datasette:
    """`datasette serve` on the benchmark's SQLite file: one process, its default settings but
    for the two that differ from ours (metadata naming the FTS5 table, no HTTP caching)."""

    def __init__(self, executable: str, sqlite_path: Path, workdir: Path, *settings: str):
        self.port = free_port()
        self.name = sqlite_path.stem  # Datasette's name of the database in its addresses
        # Datasette finds an FTS table by a content="table" or content=[table] in its SQL;
        # migration 0018 writes content='deployments_deployment', so name it here.
        metadata = workdir / "datasette-metadata.json"
        fts = {"fts_table": "deployments_search", "fts_pk": "id"}
        tables = {"deployments_deployment": fts}
        metadata.write_text(json.dumps({"databases": {self.name: {"tables": tables}}}))
        # default_cache_ttl 0: no Cache-Control max-age (Datasette keeps no answers itself).
        options = ["--setting", "default_cache_ttl", "0"]
        for name, value in zip(settings[::2], settings[1::2], strict=True):
            options += ["--setting", name, value]
        # Its log (a line per request) in a file: read only if it does not start.
        log = workdir / f"datasette-{self.port}.log"
        with log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 (the venv's datasette, no shell)
                [
                    executable,
                    "serve",
                    str(sqlite_path),
                    "--host=127.0.0.1",
                    f"--port={self.port}",
                    f"--metadata={metadata}",
                    *options,
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.time() + 60
        while time.time() < deadline and self.process.poll() is None:
            try:
                status, body, _ = request(self.port, "/-/versions.json")
                if status == 200:
                    self.version = json.loads(body)["datasette"]["version"]
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"datasette did not start: {log.read_text()[-1000:]}")

    def search_path(self, query: str, page_size: int, shape: str = "") -> str:
        # publication=published: the records our list shows, so both pages hold the same rows.
        params = {"_search": query, "_size": page_size, "publication": "published"}
        table = "deployments_deployment" + (".json" if shape else "")
        return f"/{self.name}/{table}?{urlencode(params)}" + (f"&_shape={shape}" if shape else "")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def check_datasette(datasette: Datasette, totals: dict[str, int], page_size: int) -> list[str]:
    """What makes the two pages differ, if anything: Datasette must search with FTS5 and find,
    for each word, the records our list counts, each holding the word."""
    problems = []
    for word, ours in totals.items():
        path = datasette.search_path(word, page_size, shape="objects")
        status, body, _ = request(datasette.port, path)
        if status != 200:
            problems.append(f"{word}: Datasette answered {status}")
            continue
        data = json.loads(body)
        rows, count = data["rows"], data["filtered_table_rows_count"]
        if " match " not in data["query"]["sql"]:
            problems.append(f"{word}: Datasette did not use the FTS5 table")
        if count != ours:
            problems.append(f"{word}: Datasette found {count:,} records, our list {ours:,}")
        if len(rows) != min(page_size, count):
            problems.append(f"{word}: Datasette showed {len(rows)} rows of {count:,}")
        strays = [r["id"] for r in rows if word not in (r["search_text"] or "").lower()]
        if strays:
            problems.append(f"{word}: Datasette rows without the word: {strays[:5]}")
    return problems


def empty_cache(database_url: str) -> None:
    for entry in cache_dir(database_url).glob("*.djcache"):  # FileBasedCache's files
        entry.unlink(missing_ok=True)


def versus_datasette(database_url: str, selectors: dict, workdir: Path) -> dict:
    """Our uncached search page next to Datasette's FTS5 search page on the same SQLite file
    (side_by_side), or why not: the rest of the benchmark goes on either way."""
    executable = shutil.which("datasette", path=str(Path(PYTHON).parent))
    if executable is None:
        return {"skipped": "datasette is not installed (pip install -r requirements-bench.txt)"}
    try:
        return side_by_side(executable, database_url, selectors, workdir)
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        return {"skipped": f"failed: {error}"}


def side_by_side(executable: str, database_url: str, selectors: dict, workdir: Path) -> dict:
    """Like for like: one gunicorn worker against one Datasette process, one client, the same
    queries and the same rows (the same page size). Requests alternate between the servers,
    round by round, each round in a new order, so a noisy neighbour on the machine slows both
    alike.

    Our page is measured twice: with a query new to the cache each time (its counts and
    totals computed, while what any running site keeps warm, such as the currencies, is: the
    state of a search nobody asked before), and with the cache emptied before each request
    (everything computed). Datasette keeps no results between requests, so its page is
    uncached either way: as shipped (with its facet suggestions, the nearest thing it has to
    our facets), and with suggest_facets off (the rows and their count only)."""
    page_size = selectors["page_size"]
    sqlite_path = Path(database_url.removeprefix("sqlite:///"))
    totals = last_json_line(
        python(database_url, "bench/profile_queries.py", "--search-totals", *SEARCH_WORDS)
    )
    shutil.rmtree(cache_dir(database_url), ignore_errors=True)  # nothing of the above reused
    started = []
    try:
        server = Server(database_url, workers=1)
        started.append(server)
        shipped = Datasette(executable, sqlite_path, workdir)
        started.append(shipped)
        bare = Datasette(executable, sqlite_path, workdir, "suggest_facets", "off")
        started.append(bare)
        problems = check_datasette(shipped, totals, page_size)
        pages = {
            "ours": lambda q: (server.port, f"/deployments/?q={quote(q)}"),
            "ours, cache emptied": lambda q: (server.port, f"/deployments/?q={quote(q)}"),
            "datasette": lambda q: (shipped.port, shipped.search_path(q, page_size)),
            "datasette, no suggestions": lambda q: (bare.port, bare.search_path(q, page_size)),
        }
        for page in pages.values():
            request(*page(WARM_UP_WORD))
        timings = {name: [] for name in pages}
        errors = dict.fromkeys(pages, 0)
        sizes = {}
        load_before = os.getloadavg()
        rounds, seconds = SIDE_BY_SIDE
        deadline = time.perf_counter() + seconds
        k = 0
        for r in range(rounds):
            if time.perf_counter() > deadline:
                break
            names = list(pages)
            names = names[r % len(names) :] + names[: r % len(names)]
            for name in names:
                if name == "ours, cache emptied":
                    empty_cache(database_url)
                status, body, elapsed = request(*pages[name](search_query(k)))
                k += 1
                timings[name].append(elapsed)
                errors[name] += status != 200
                sizes[name] = len(body)
        load_after = os.getloadavg()
    finally:
        for process in reversed(started):
            process.stop()
    result = {
        "version": shipped.version,
        "page_size": page_size,
        "totals": totals,
        "problems": problems,
        "load": (load_before, load_after),
    }
    for name, values in timings.items():
        values.sort()
        result[name] = {
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "requests": len(values),
            "errors": errors[name],
            "bytes": sizes.get(name, 0),
        }
    return result


def print_versus_datasette(kind: str, n: int, side: dict) -> None:
    print(f"\nSearch next to Datasette ({kind}, {n:,} records)")
    if "skipped" in side:
        print(f"  not measured: {side['skipped']}")
        return
    found = ", ".join(f"{w} {c:,}" for w, c in side["totals"].items())
    print(
        "  one client; one gunicorn worker and one Datasette process; requests alternating; "
        f"{side['page_size']} records a page\n"
        f"  queries: {', '.join(SEARCH_WORDS)}, letter case varied so that none repeats; "
        f"records found: {found}"
    )
    for problem in side["problems"] or ["none: same records, Datasette searching with FTS5"]:
        print(f"  differences: {problem}")
    version = side["version"]
    rows = [
        ("ours", "/deployments/?q=", "cold for the query (new each request), the site's warm"),
        ("ours, cache emptied", "/deployments/?q=", "cold: emptied before each request"),
        ("datasette", f"Datasette {version}, ?_search=", "none kept (as shipped)"),
        (
            "datasette, no suggestions",
            f"Datasette {version}, ?_search=, suggest_facets off",
            "none kept",
        ),
    ]
    print("\n| page | application cache | p50 | p95 | requests | errors | bytes |")
    print("|---|---|---|---|---|---|---|")
    for name, page, cache in rows:
        r = side[name]
        print(
            f"| {page} | {cache} | {ms(r['p50'])} | {ms(r['p95'])} | {r['requests']} | "
            f"{r['errors']} | {size(r['bytes'])} |"
        )
    theirs, bare = side["datasette"]["p50"], side["datasette, no suggestions"]["p50"]
    for name in ("ours", "ours, cache emptied"):
        ours = side[name]["p50"]
        print(
            f"  {name} / Datasette, p50: {ours / theirs:.1f}× (as shipped), "
            f"{ours / bare:.1f}× (suggest_facets off)"
        )
    before, after = (" ".join(f"{x:.2f}" for x in load) for load in side["load"])
    print(f"  load average (1, 5, 15 min): {before} before, {after} after")


# The table -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:.0f}"


def size(n: float) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def print_table(
    kind: str, n: int, plan: list[Scenario], browser: str, side: dict | None = None
) -> None:
    print(f"\n### {kind}, {n:,} records, gunicorn ({WORKERS} workers), DEBUG off\n")
    print(
        "| scenario | p50 c=1 | p95 c=1 | p50 c=8 | p95 c=8 | req/s c=8 | errors | queries "
        "cold→warm | bytes (gzip) | floor | vs floor |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in plan:
        r = s.results
        c1, c8 = r["c1"], r["c8"]
        errors = c1["errors"] + c8["errors"] + (r["status"] != 200)
        if s.export == "csv":
            floor = f"{r['floor_rows_per_s']:,.0f} rows/s"
            versus = (
                f"{r['rows_per_s']:,.0f} rows/s = {r['rows_per_s'] / r['floor_rows_per_s']:.2f}×;"
                f" peak RSS {r['peak_mb']:.0f} MB (+{r['growth_mb']:.1f})"
            )
        else:
            floor = f"{ms(r['floor'])} ms"
            versus = f"{c1['p50'] / r['floor']:.2f}×" if r["floor"] == r["floor"] else "—"
            if s.export == "geojson":
                per = r["gzip"] / max(r["features"], 1)
                versus += f"; {r['features']:,} features, {per:.0f} B/feature gzip"
                if "peak_mb" in r:
                    versus += f"; peak RSS {r['peak_mb']:.0f} MB (+{r['growth_mb']:.1f})"
        print(
            f"| {s.name} | {ms(c1['p50'])} | {ms(c1['p95'])} | {ms(c8['p50'])} | "
            f"{ms(c8['p95'])} | {c8['rps']:.1f} | {errors} | {r['queries']} | "
            f"{size(r['bytes'])} ({size(r['gzip'])}) | {floor} | {versus} |"
        )
    print(f"\nMap in Chromium, all records: {browser}")
    print(
        "First (cold-cache) request, ms: "
        + ", ".join(f"{s.name} {ms(s.results['first'])}" for s in plan)
    )
    if side is not None:
        print_versus_datasette(kind, n, side)
    print_targets(kind, n, plan, side)


def print_targets(kind: str, n: int, plan: list[Scenario], side: dict | None = None) -> None:
    by_name = {s.name: s.results for s in plan}
    listing = by_name["list, 1 filter + facets"]
    csv_all = by_name["CSV, all"]
    geo = by_name["map data, ~20%"]
    checks = [
        (
            "list p50 ≤ 2× its SQL floor",
            listing["c1"]["p50"] <= 2 * listing["floor"],
            f"{listing['c1']['p50'] / listing['floor']:.2f}×",
        ),
        (
            "list p95 < 3× p50 at c=8",
            listing["c8"]["p95"] < 3 * listing["c8"]["p50"],
            f"{listing['c8']['p95'] / listing['c8']['p50']:.2f}×",
        ),
        (
            "zero errors",
            all(s.results["c1"]["errors"] + s.results["c8"]["errors"] == 0 for s in plan),
            "",
        ),
        (
            "CSV ≥ 100,000 rows/s",
            csv_all["rows_per_s"] >= 100_000,
            f"{csv_all['rows_per_s']:,.0f} rows/s",
        ),
        (
            "CSV export memory growth < 50 MB",
            csv_all["growth_mb"] < 50,
            f"+{csv_all['growth_mb']:.1f} MB",
        ),
        (
            "map data ~20%: p50 < 300 ms",
            geo["c1"]["p50"] < 0.3,
            f"{ms(geo['c1']['p50'])} ms",
        ),
        (
            "map data: < 80 B/feature gzip",
            geo["gzip"] / max(geo["features"], 1) < 80,
            f"{geo['gzip'] / max(geo['features'], 1):.0f} B",
        ),
    ]
    if n >= 1_000_000:
        checks.append(
            ("list p50 < 100 ms", listing["c1"]["p50"] < 0.1, f"{ms(listing['c1']['p50'])} ms")
        )
    versus = "uncached search page ≤ Datasette's FTS5 search page (p50, one process each)"
    if side and "skipped" not in side:
        ours, theirs = side["ours"]["p50"], side["datasette"]["p50"]
        figure = f"ours {ms(ours)} ms, Datasette {ms(theirs)} ms = {ours / theirs:.1f}×"
        checks.append((versus, ours <= theirs, figure + " (target ≤ 1.0×)"))
    print(f"\nTargets ({kind}, {n:,}):")
    for name, met, figure in checks:
        print(f"  [{'met' if met else 'NOT met'}] {name}: {figure}")
    if side and "skipped" in side:
        print(f"  [not measured] {versus}: {side['skipped']}")


def main() -> None:
    global PG_PREFIX  # noqa: PLW0603 (one option, read where databases are named)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--db",
        default="",
        help="sqlite, postgres or both (default: both, or postgres alone from 1,000,000)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument(
        "--only",
        choices=["reads", "import"],
        help="reads: the pages, exports and writes alone; import: the bulk imports alone (the "
        "bench database's flat CSV and register.zip, each imported into a fresh empty "
        "database of the same kind, in file rows/s and records/s)",
    )
    parser.add_argument(
        "--pg-prefix",
        default=PG_PREFIX,
        help=f"PostgreSQL databases are named <prefix>_<N> (default {PG_PREFIX}); imports go "
        "to <prefix>_<N>_import",
    )
    args = parser.parse_args()
    PG_PREFIX = args.pg_prefix
    kinds = (
        args.db.split(",")
        if args.db
        else (["postgres"] if args.n >= 1_000_000 else ["sqlite", "postgres"])
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        for kind in kinds:
            if args.only != "import":
                run_database(kind, args.n, args.reuse, Path(workdir))
            if args.only != "reads":
                # The reads' database is reused: the imports leave it as it is.
                run_imports(kind, args.n, args.reuse or args.only is None, Path(workdir))
    print(f"\nmake bench finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
