"""Home-page charts as plain data for server-rendered SVG (no JavaScript needed).

Years are the finest unit drawn, so every known date counts in its year whatever its
precision ("October 2024" and "2024" both count in 2024). A record is placed in the year it is
first dated: its start, or else its earliest dated event (a contract awarded, an
announcement), as the date filter reads it. Records with no date at all get a bar of their own
("No year"), drawn after a gap and never allowed to set the scale of the dated years.
"""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from deployments.models import Cost, Deployment, Event

# Eight colours distinguishable with common colour-vision deficiencies (Okabe-Ito), each with
# at least 3:1 contrast against white as WCAG 2.2 asks of graphical objects.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F6A00", "#56B4E9", "#3B3B3B", "#E69F00"]
UNKNOWN = "No year"
SEVERAL = "Several technologies"
NO_TECHNOLOGY = "No technology recorded"
CHART_HEIGHT = 160  # SVG user units of the bar area
# The width the bars share, in SVG user units: few bars get wide ones, many get narrow ones,
# so a chart fills its column whether it has three years or thirty.
PLOT_WIDTH = 560
BAR_GAP = 6


@dataclass
class Segment:
    label: str
    value: float
    colour: str
    y: float = 0
    height: float = 0


@dataclass
class Bar:
    label: str
    total: float
    segments: list[Segment] = field(default_factory=list)
    x: float = 0
    middle: float = 0  # of the bar, where its labels go
    top: float = CHART_HEIGHT  # where its figure goes
    # Taller than the dated years' scale (only ever the "No year" bar): drawn to the top,
    # with a break mark, and its total written on it.
    clipped: bool = False


@dataclass
class Chart:
    bars: list[Bar]
    series: list[tuple[str, str]]  # (label, colour) for the legend
    width: float
    bar_width: float
    height: int = CHART_HEIGHT
    maximum: float = 0


def stacked(rows: list[tuple[int | None, str, float]]) -> Chart:
    """Rows of (year or None, series label, value) -> a laid-out stacked bar chart.

    Every year between the first and the last gets a bar, so gaps stay visible; the records
    with no year come last, after a gap, on the dated years' scale.
    """
    series_names = sorted({name for _, name, _ in rows})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series_names)}
    years = sorted({year for year, _, _ in rows if year is not None})
    labels: list[int | None] = list(range(years[0], years[-1] + 1)) if years else []
    if any(year is None for year, _, _ in rows):
        labels.append(None)
    values: dict[tuple[int | None, str], float] = {}
    for year, name, value in rows:
        values[(year, name)] = values.get((year, name), 0) + float(value)
    slots = len(labels) + (1 if None in labels and years else 0)  # the gap before "No year"
    bar_width = min(56.0, max(14.0, PLOT_WIDTH / max(slots, 1) - BAR_GAP))
    bars = []
    for i, year in enumerate(labels):
        segments = [
            Segment(name, values[(year, name)], colours[name])
            for name in series_names
            if values.get((year, name))
        ]
        x = (i + (1 if year is None and years else 0)) * (bar_width + BAR_GAP)
        label = UNKNOWN if year is None else str(year)
        total = sum(s.value for s in segments)
        bars.append(Bar(label, total, segments, x=x, middle=x + bar_width / 2))
    dated = [bar.total for bar in bars if bar.label != UNKNOWN]
    maximum = max(dated or [bar.total for bar in bars] or [0])
    for bar in bars:
        bar.clipped = bar.total > maximum
        height = CHART_HEIGHT * min(1, bar.total / maximum) if maximum else 0
        top = CHART_HEIGHT
        for segment in bar.segments:
            segment.height = height * segment.value / bar.total
            top -= segment.height
            segment.y = top
        bar.top = top
    width = max(slots * (bar_width + BAR_GAP), 1)
    return Chart(bars, [(n, colours[n]) for n in series_names], width, bar_width, maximum=maximum)


def _first_year():
    """The year a deployment is first dated: its start, or its earliest dated event."""
    earliest = (
        Event.objects.filter(deployment=OuterRef("pk"), date__isnull=False)
        .order_by("date")
        .values("date")[:1]
    )
    return Coalesce(ExtractYear("start_date"), ExtractYear(Subquery(earliest)))


def deployments_by_year(published) -> Chart:
    """Deployments by the year each is first dated, each counted once: under its technology,
    or "Several technologies" when it has more than one."""
    uses = Deployment.technologies.through.objects.filter(deployment=OuterRef("pk"))
    count = uses.values("deployment").annotate(n=Count("pk")).values("n")
    name = uses.order_by("technology__name").values("technology__name")[:1]
    series = Case(
        When(technology_count=1, then=Subquery(name)),
        When(technology_count__gt=1, then=Value(SEVERAL)),
        default=Value(NO_TECHNOLOGY),
        output_field=CharField(),
    )
    rows = (
        Deployment.objects.filter(pk__in=published.values("pk"))
        .annotate(technology_count=Coalesce(Subquery(count), 0))
        .values_list(_first_year(), series)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return stacked(list(rows))


def spend_by_year(published) -> dict[tuple[str, str], Chart]:
    """Reported amounts by the year each deployment is first dated: one chart per currency
    and kind of figure (a budget, a contract value and spend are never added together, nor
    are two currencies), keyed (currency, kind's label)."""
    labels = dict(Cost.Covers.choices)
    dated = Deployment.objects.filter(pk=OuterRef("deployment")).annotate(year=_first_year())
    rows = (
        Cost.objects.filter(deployment__in=published.values("pk"), amount__isnull=False)
        .values_list(Subquery(dated.values("year")), "currency", "covers")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    charts: dict[tuple[str, str], list] = {}
    for year, currency, covers, total in rows:
        charts.setdefault((currency, labels[covers]), []).append((year, labels[covers], total))
    return {key: stacked(data) for key, data in sorted(charts.items())}
