"""Fuzzed query strings on every public address that reads one: never a server error, and never
a result wider than the same query without the odd parameter.

Each example is a query of valid filter values (a base) with one to three odd pairs mixed in:
an unknown or misspelt name, or a known name with a value that is huge, negative, unicode, NUL,
very long, repeated, a date in an odd format, or an id nothing has. For each answer:

- a 5xx (or an exception out of the view) fails;
- when an odd pair is surely invalid (an unknown name, a value outside a field's choices, a
  single-valued parameter given twice...), the answer must be a 4xx that names a parameter:
  filters.py's rule is that a value the register cannot read is a 400, so a 200 there means a
  value was read as "not set";
- any 200 must show a subset of what the query gives with every parameter an odd pair names
  removed (a reference). Filters combine with AND, so removing one can only widen the result;
  a reference that is itself refused drops the parameters its 400 names, and so on.

References come from a small vocabulary, so they repeat: each is fetched once per test. The
register is small enough for one page of every list, so page 1 holds all of a result.

`make test` runs FUZZ_EXAMPLES (default below) examples per address; `make fuzz` 10,000.
"""

import csv
import io
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from django_countries import countries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from deployments.core import filters
from deployments.explore import mapdata
from deployments.models import Deployment, Involvement, Organisation, Source
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import body, make_records

pytestmark = pytest.mark.django_db

# Hypothesis keeps caches (of constants and unicode tables) in .hypothesis/ under the working
# directory even without an example database: outside the clone, tests write nothing into it.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "surveillance-register-hypothesis")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# No example database (it would write .hypothesis/ into the clone) and a fixed order of
# examples, so a run is repeatable and a failure found once is found again.
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FILTER = set(filters.DeploymentFilter.base_filters)
SINGLE = set(filters.SINGLE_VALUED)


@dataclass
class Endpoint:
    path: str
    kind: str  # how its result is read: see results()
    names: set[str]  # the parameters it reads
    single: set[str] = field(default_factory=set)  # those it takes once
    choices: dict[str, set[str]] = field(default_factory=dict)  # an index's own choices

    def __str__(self):
        return self.path


def _filter_endpoint(path, kind, *, pages=False, also=(), also_single=()):
    names = FILTER | set(also) if pages else (FILTER - {"page"}) | set(also)
    return Endpoint(path, kind, names, single=(SINGLE & names) | set(also_single))


def _index(path, sorts, kinds=None):
    names = {"q", "sort", "page"} | ({"kind"} if kinds else set())
    choices = {"sort": set(sorts)}
    if kinds:
        choices["kind"] = {value for value, _label in kinds}
    return Endpoint(path, "index", names, single=set(names), choices=choices)


# The data addresses first: they are the quickest, and what other programs read.
ENDPOINTS = [
    _filter_endpoint("/deployments.json", "json", pages=True),
    # bom=1 twice asks for the same file: harmless, so allowed (api.deployments_csv).
    _filter_endpoint("/deployments.csv", "csv", also=["bom"]),
    _filter_endpoint("/deployments.geojson", "geojson"),
    _filter_endpoint(
        "/deployments/map.geojson", "map", also=["zoom", "view"], also_single=["zoom", "view"]
    ),
    _filter_endpoint("/feeds/deployments.atom", "feed"),
    _filter_endpoint("/deployments/", "html", pages=True),
    _filter_endpoint("/deployments/map/", "html"),
    _filter_endpoint("/deployments/timeline/", "html"),
    _index("/organisations/", ["name", "-records"], Organisation.Kind.choices),
    _index("/technologies/", ["name", "-records"]),
    _index("/countries/", ["name", "-records"]),
    _index("/sources/", ["publisher", "title", "-published", "published"], Source.Type.choices),
    # Pages that read no parameter: whatever the query, the same page.
    Endpoint("/countries/GB/", "same", set()),
    Endpoint("/organisations/police/", "same", set()),
    # A record's page and data read only ?version=N.
    Endpoint("/deployments/camera/", "version", {"version"}, single={"version"}),
    Endpoint("/deployments/camera.json", "version", {"version"}, single={"version"}),
    Endpoint("/deployments/camera/cite.bib", "version", {"version"}, single={"version"}),
]

# Values the register can read, per parameter: the bases are made of these.
GOOD = {
    "q": ["synthetic", "camera", "anpr", "police", '"hidden cameras"', "-paris"],
    "technology": ["anpr", "face", "synthetic-cameras"],
    "status": [value for value, _ in Deployment.Status.choices],
    "country": ["GB", "FR", "gb"],
    "organisation": ["police", "devices", "synthetic-police-force"],
    "role": [value for value, _ in Involvement.Role.choices],
    "from": ["2020", "2022-05", "2024-10-14", "July 2022"],
    "to": ["2021", "2024-12", "14/10/2024"],
    "cost_min": ["0", "1000", "100000"],
    "cost_max": ["5000", "200000", "10000000"],
    "currency": ["GBP", "EUR", "gbp"],
    "legal_status": [value for value, _ in filters.LEGAL_STATUSES],
    "bbox": ["-10,40,10,60", "170,-10,-170,10", "-1,51,1,52"],
    "sort": list(filters.SORTS),
    "when": list(filters.WHEN),
    "page": ["1"],
    "zoom": ["0", "5", "20"],
    "view": ["-10,40,10,60", "-180,-90,180,90"],
    "bom": ["1"],
    "kind": ["police", "company", "news", "official"],
    "version": ["1", "2"],
}
ODD_VALUES = [
    "",
    " ",
    "\x00",
    "anpr\x00",
    "-1",
    "0",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    "²",
    "١٢",
    "１",
    "9" * 30,
    "9" * 5000,
    "-" + "9" * 30,
    "x" * 10000,
    "2022-13",
    "2022-02-30",
    "0000",
    "10000",
    "99999-01-01",
    "2022/07",
    "31/02/2022",
    "2022-W10",
    "20220101",
    "July",
    "Smarch 2022",
    " 2022 ",
    "0001-01-01",
    "9999-12-31",
    "synthetic-nothing-here",
    "draft",
    "999999",
    "ZZ",
    "XXX",
    "181,0,0,1",
    "0,91,1,1",
    "1,2,3",
    "nan,0,1,1",
    "0,10,1,5",
    "'; DROP TABLE deployments; --",
    "<script>alert(1)</script>",
    "%00",
    "\u202e\ufeff",
    "ﬀ",
    "ß",
    "ſe",
]
KNOWN = sorted(FILTER | {"zoom", "view", "bom", "kind", "version"})


def _misspelt(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            name.upper(),
            name.capitalize(),
            name[:-1],
            name + "s",
            name + " ",
            name + "[]",
            name.replace("_", "-"),
        ]
    )


# Any text a URL can carry (no lone surrogates, which cannot be encoded).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
NAMES = st.one_of(
    st.sampled_from(KNOWN).flatmap(_misspelt),
    TEXT,
    st.sampled_from(["utm_source", "fbclid", "", "q ", "page[1]", "__proto__"]),
)


def values_for(name: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(GOOD.get(name, ["x"])),
        st.sampled_from(ODD_VALUES),
        TEXT,
        st.integers().map(str),
        st.floats().map(str),
        st.dates().map(lambda d: d.strftime(st_format(d))),
    )


def st_format(d) -> str:
    # Dates in several people's spellings, some of them readable.
    return ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%B %Y", "%Y%m%d", "%d %b %Y"][d.toordinal() % 6]


@st.composite
def queries(draw, endpoint: Endpoint):
    """(pairs, the names the odd pairs use)."""
    names = sorted(endpoint.names)
    base = []
    if names:
        for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
            most = 1 if name in endpoint.single else 2
            values = st.lists(st.sampled_from(GOOD[name]), min_size=1, max_size=most, unique=True)
            base += [(name, v) for v in draw(values)]
        if {"cost_min", "cost_max"} & {n for n, _ in base} and not any(
            n == "currency" for n, _ in base
        ):
            base.append(("currency", draw(st.sampled_from(GOOD["currency"]))))
    odd = []
    for _ in range(draw(st.integers(1, 3))):
        if names and draw(st.booleans()):
            name = draw(st.sampled_from(names))
        else:
            name = draw(NAMES)
        odd.append((name, draw(values_for(name))))
    pairs = base + odd
    order = draw(st.permutations(range(len(pairs))))
    return [pairs[i] for i in order], {name for name, _ in odd}


# What the register holds -------------------------------------------------------------------


def make_register():
    """The explore cast (two currencies, a draft) and three fuller synthetic records."""
    cast = make_cast()
    make_records(3)
    published = set(Deployment.objects.published().values_list("slug", flat=True))
    return cast, published


# Reading an answer ---------------------------------------------------------------------------


def results(endpoint: Endpoint, response) -> tuple:
    """What a 200 shows, as comparable sets: (slugs, extra) where extra maps a count to its
    number (facet options), each of which a narrower query may only lower."""
    kind = endpoint.kind
    if kind == "html":
        slugs = {d.slug for d in response.context["filterset"].qs}
        if "deployments" in response.context:
            shown = {d.slug for d in response.context["deployments"]}
            assert shown <= slugs
        counts = {
            (facet, option.value): option.count
            for facet, options in response.context["facets"].items()
            for option in options
        }
        return slugs, counts
    if kind == "json":
        return {r["slug"] for r in response.json()["results"]}, {}
    if kind == "csv":
        text = body(response).decode("utf-8-sig")
        return {row["slug"] for row in csv.DictReader(io.StringIO(text))}, {}
    if kind in ("geojson", "map"):
        features = json.loads(body(response))["features"]
        return {f["properties"]["slug"] for f in features}, {}
    if kind == "feed":
        atom = "{http://www.w3.org/2005/Atom}"
        root = ElementTree.fromstring(body(response))  # noqa: S314 (the site's own feed)
        links = [e.find(f"{atom}link").get("href") for e in root.iter(f"{atom}entry")]
        return {re.search(r"/deployments/([^/]+)/", link).group(1) for link in links}, {}
    if kind == "index":
        rows = response.context["rows"]
        if endpoint.path == "/countries/":
            return {row[1] for row in rows}, {}
        return {row[0].pk for row in rows}, {}
    return set(), {}


def refused(response) -> set[str]:
    """The parameters a 4xx names (empty when it names none)."""
    if response["Content-Type"].startswith("application/json"):
        return {e.get("parameter") for e in response.json().get("errors", [])}
    context = response.context or {}
    errors = context.get("filter_errors") or context.get("index_errors") or []
    return {e["name"] if isinstance(e, dict) else e[0] for e in errors}


# Which odd pairs are surely invalid ------------------------------------------------------------


def _decimal(value: str):
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _box_ok(value: str) -> bool:
    # As filters.BBoxField reads it.
    try:
        west, south, east, north = (float(p) for p in value.split(","))
    except ValueError:
        return False
    finite = all(abs(v) != float("inf") and v == v for v in (west, south, east, north))
    return finite and -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90


def surely_invalid(endpoint: Endpoint, pairs, odd_names, register) -> list[str]:
    """Why the query must be refused, if it surely must: [] when it may be read."""
    present = [(n, v) for n, v in pairs if v.strip() != ""]  # blank means "not set"
    given = Counter(n for n, _ in present)
    slugs = register["slugs"]
    reasons = []
    for name, value in present:
        if name not in odd_names:
            continue
        tracking = name in filters.TRACKING or name.startswith(filters.TRACKING_PREFIX)
        if endpoint.kind in ("same", "version"):
            # No filter there: nothing the page shows can be widened by a parameter.
            continue
        if name not in endpoint.names:
            if not tracking:
                reasons.append(f"unknown {name!r}")
            continue
        if name in endpoint.single and given[name] > 1:
            reasons.append(f"{name} repeated")
        if "\x00" in value and name in ("q", "from", "to", "currency", "bbox", "view"):
            reasons.append(f"NUL in {name}")
        valid = endpoint.choices.get(name) or {
            "status": set(GOOD["status"]),
            "role": set(GOOD["role"]),
            "legal_status": set(GOOD["legal_status"]),
            "sort": set(filters.SORTS),
            "when": set(filters.WHEN),
            "technology": slugs["technology"],
            "organisation": slugs["organisation"],
        }.get(name)
        if valid is not None and value not in valid:
            reasons.append(f"{name} not a choice")
        if name == "country" and value.upper() not in register["countries"]:
            reasons.append("not a country")
        if name in ("cost_min", "cost_max"):
            number = _decimal(value)
            if number is None or number < 0:
                reasons.append(f"{name} not an amount")
        if name == "currency" and not re.fullmatch(r"[A-Z]{3}", value.strip().upper()):
            reasons.append("not a currency")
        if name in ("bbox", "view") and not _box_ok(value):
            reasons.append(f"{name} not a box")
        if name in ("page", "zoom"):
            try:
                number = int(value.strip())
            except ValueError:
                number = None
            top = 1 if name == "page" else mapdata.MAX_ZOOM
            low = 1 if name == "page" else 0
            if number is not None and not low <= number <= top:
                reasons.append(f"{name} out of range")
        if name == "bom" and value != "1":
            reasons.append("bom not 1")
        if name == "q" and endpoint.kind == "index" and len(value.strip()) > 200:
            reasons.append("q too long")
    return reasons


# The check -----------------------------------------------------------------------------------


class Fuzz:
    def __init__(self, client, endpoint: Endpoint, register):
        self.client = client
        self.endpoint = endpoint
        self.register = register
        self.references: dict[tuple, tuple] = {}
        self.statuses: Counter = Counter()

    def get(self, pairs):
        query = urlencode(pairs)
        address = self.endpoint.path + ("?" + query if query else "")
        response = self.client.get(address, follow=True)
        # A blank parameter on a page redirects once to the address without it.
        assert len(response.redirect_chain) <= 1, (address, response.redirect_chain)
        return response

    def reference(self, pairs):
        """The results of a narrowed-down query, widened until the register reads it."""
        key = tuple(pairs)
        if key not in self.references:
            response = self.get(pairs)
            dropped = set()
            for _ in range(5):
                if response.status_code == 200:
                    break
                assert response.status_code == 400, (pairs, response.status_code)
                names = refused(response) - dropped
                assert names, (pairs, response.content[:300])
                dropped |= names
                kept = [(n, v) for n, v in pairs if n not in dropped]
                # A 400 may name a parameter that is missing (a cost bound's currency): then
                # the only sure wider query is none at all.
                pairs = kept if kept != pairs else []
                response = self.get(pairs)
            assert response.status_code == 200, pairs
            self.references[key] = results(self.endpoint, response)
        return self.references[key]

    def check(self, pairs, odd_names):
        response = self.get(pairs)
        status = response.status_code
        self.statuses[status] += 1
        assert status < 500, (pairs, status)
        why = surely_invalid(self.endpoint, pairs, odd_names, self.register)
        if self.endpoint.kind == "same":
            assert status == 200, (pairs, status)
            return
        if self.endpoint.kind == "version":
            assert status in (200, 400, 404), (pairs, status)
            return
        if why:
            assert 400 <= status < 500, (pairs, why, status)
        if status != 200:
            assert status == 400, (pairs, status)
            assert refused(response), (pairs, response.content[:300])
            return
        slugs, counts = results(self.endpoint, response)
        if self.endpoint.kind != "index":
            assert slugs <= self.register["published"], (pairs, slugs)
        without = [(n, v) for n, v in pairs if n not in odd_names]
        wider_slugs, wider_counts = self.reference(without)
        assert slugs <= wider_slugs, (pairs, without, slugs - wider_slugs)
        for option, count in counts.items():
            assert count <= wider_counts.get(option, 0), (pairs, without, option)

    def summary(self) -> str:
        total = sum(self.statuses.values())
        errors = sum(n for s, n in self.statuses.items() if s >= 500)
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"fuzz {self.endpoint.path}: {total} examples, {errors} server errors, "
            f"{len(self.references)} references ({statuses})"
        )


def report(capsys, line: str) -> None:
    """One summary line per address under `make fuzz`, printed as it finishes (past pytest's
    capture); `make test` stays quiet."""
    if "FUZZ_EXAMPLES" in os.environ:
        with capsys.disabled():
            print("\n" + line)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_never_errs_or_widens_a_result(capsys, client, endpoint):
    cast, published = make_register()
    register = {
        "published": published,
        "countries": {code for code, _name in countries},
        "slugs": {
            "technology": {cast.anpr.slug, cast.face.slug, "synthetic-cameras"},
            "organisation": set(Organisation.objects.values_list("slug", flat=True)),
        },
    }
    fuzz = Fuzz(client, endpoint, register)

    @SETTINGS
    @given(queries(endpoint))
    def check(query):
        fuzz.check(*query)

    check()
    report(capsys, fuzz.summary())


PATHS = [
    "/countries/{}/",
    "/organisations/{}/",
    "/technologies/{}/",
    "/deployments/{}/",
    "/deployments/{}.json",
    "/deployments/camera/cite.{}",
    "/sources/{}/",
]


@pytest.mark.parametrize("pattern", PATHS)
def test_it_never_errs_on_an_odd_address(capsys, client, pattern):
    make_register()
    statuses = Counter()

    @SETTINGS
    @given(
        st.one_of(
            TEXT.filter(lambda s: s not in ("", ".", "..")),
            st.integers(min_value=0).map(str),
            st.sampled_from(["GB", "gb", "ZZ", "camera", "draft", "police", "bib", "9" * 40]),
        )
    )
    def check(segment):
        response = client.get(pattern.format(quote(segment, safe="")))
        statuses[response.status_code] += 1
        assert response.status_code < 500, (segment, response.status_code)

    check()
    shown = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    report(capsys, f"fuzz {pattern}: {sum(statuses.values())} examples, 0 server errors ({shown})")
