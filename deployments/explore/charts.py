"""Home-page charts as plain data for server-rendered SVG (no JavaScript needed).

Years are the finest unit drawn, so every known date counts in its year whatever its
precision ("October 2024" and "2024" both count in 2024); unknown years get their own bar
rather than being dropped or guessed.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from deployments.models import Cost, Deployment

# Eight colours distinguishable with common colour-vision deficiencies (Okabe-Ito), each with
# at least 3:1 contrast against white as WCAG 2.2 asks of graphical objects.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F6A00", "#56B4E9", "#3B3B3B", "#E69F00"]
UNKNOWN = "Unknown"
CHART_HEIGHT = 160  # SVG user units of the bar area


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


@dataclass
class Chart:
    bars: list[Bar]
    series: list[tuple[str, str]]  # (label, colour) for the legend
    width: float
    bar_width: float
    height: int = CHART_HEIGHT
    maximum: float = 0


def stacked(rows: list[tuple[int | None, str, float]], bar_width: float = 28) -> Chart:
    """Rows of (year or None, series label, value) -> a laid-out stacked bar chart.

    Every year between the first and the last gets a bar, so gaps stay visible; unknown years
    come last.
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
    bars = []
    for i, year in enumerate(labels):
        segments = [
            Segment(name, values[(year, name)], colours[name])
            for name in series_names
            if values.get((year, name))
        ]
        bars.append(
            Bar(
                UNKNOWN if year is None else str(year),
                sum(s.value for s in segments),
                segments,
                x=i * (bar_width + 6),
            )
        )
    maximum = max((bar.total for bar in bars), default=0)
    for bar in bars:
        top = CHART_HEIGHT
        for segment in bar.segments:
            segment.height = CHART_HEIGHT * segment.value / maximum if maximum else 0
            top -= segment.height
            segment.y = top
    width = max(len(bars) * (bar_width + 6), 1)
    return Chart(bars, [(n, colours[n]) for n in series_names], width, bar_width, maximum=maximum)


def deployments_by_year(published) -> Chart:
    """Deployments by start year, stacked by technology (a deployment counts once for each of
    its technologies, as a technology filter would find it)."""
    through = Deployment.technologies.through.objects.filter(deployment__in=published.values("pk"))
    rows = (
        through.values_list(ExtractYear("deployment__start_date"), "technology__name")
        .annotate(n=Count("deployment_id"))
        .order_by()
    )
    return stacked(list(rows))


def spend_by_year(published) -> dict[str, Chart]:
    """Reported amounts by the deployment's start year, one chart per currency (never added
    across currencies), stacked by what the cost covers."""
    labels = dict(Cost.Covers.choices)
    rows = (
        Cost.objects.filter(deployment__in=published.values("pk"), amount__isnull=False)
        .values_list(ExtractYear("deployment__start_date"), "currency", "covers")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    per_currency: dict[str, list] = {}
    for year, currency, covers, total in rows:
        per_currency.setdefault(currency, []).append((year, labels[covers], total))
    return {currency: stacked(data) for currency, data in sorted(per_currency.items())}
