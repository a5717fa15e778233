"""Shared primitives of the server-rendered SVG plots (`drift`, `path`, `atlas`).

Plots are pure functions from numbers and strings to `SafeString`, no ORM and no chart
library, so pages stay static-friendly and the output is testable as XML. Every piece of
text and every URL goes through `format_html`/`escape`; only numbers we formatted
ourselves are interpolated raw. Colours come from CSS classes (site.css, "/* plots */")
so the light and dark themes apply; presentation attributes give a readable fallback
when the SVG is seen without the stylesheet. The one exception is the path's point fill,
which encodes data (the step's position in the chain).

Too little data (fewer than two plottable steps) gives a small SVG that says so for
the drift line and the path, so a page's layout doesn't jump; the sparkline returns
an empty string instead, since the card already shows the figure as text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

NOT_ENOUGH_STEPS = "Not enough steps yet to plot."
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # rough average advance of a 12 px system-ui glyph, for layout only
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


# --- small helpers shared by the three plots -------------------------------------------


def fmt(value: float, digits: int = 1) -> str:
    """Shortest decimal for a coordinate: 12.0 → "12", 3.14159 → "3.1"."""
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def similarity_label(value: float) -> str:
    return f"{value:.2f}"


def linear_scale(domain: tuple[float, float], range_: tuple[float, float]) -> Callable[[float], float]:
    (d0, d1), (r0, r1) = domain, range_
    span = (d1 - d0) or 1.0
    return lambda value: r0 + (value - d0) / span * (r1 - r0)


def finite_or_none(value) -> float | None:
    """Plottable value or None: missing embeddings and NaNs are both skipped."""
    return None if value is None or not math.isfinite(float(value)) else float(value)


def nice_step(count: int, max_labels: int) -> int:
    """Label every k-th step, k from 1-2-5 so that at most `max_labels` labels fit."""
    for step in NICE_STEPS:
        if count / step <= max_labels:
            return step
    return NICE_STEPS[-1]


def safe_url(url: str | None) -> str:
    """Relative or http(s) URLs only: a `javascript:` href must never reach the page."""
    url = str(url or "")
    return url if urlsplit(url).scheme.lower() in ("", "http", "https") else ""


def svg_open(
    *, width: float, height: float, css_class: str, plot_id: str | None = None, interactive: bool = False
) -> SafeString:
    """The root element. Labelled by its own <title>/<desc> when `plot_id` is given.

    role="img" makes children presentational, which would hide the point links from
    screen readers, so a plot with links is a labelled group instead.
    """
    size = (fmt(width), fmt(height)) * 2
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" viewBox="0 0 {} {}" width="{}" height="{}"',
        css_class,
        *size,
    )
    if plot_id is None:
        return head + mark_safe(' aria-hidden="true" focusable="false">')
    return head + format_html(
        ' role="{}" aria-labelledby="{}-title {}-desc">', "group" if interactive else "img", plot_id, plot_id
    )


def title_and_desc(plot_id: str, title: str, desc: str) -> SafeString:
    return format_html('<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>', plot_id, title, plot_id, desc)


def not_enough_svg(*, width: float, height: float, css_class: str, plot_id: str, title: str) -> SafeString:
    """A short placeholder so the figure keeps its place while a chain is young.

    Its own small viewBox keeps the message legible however wide the plot would be."""
    width, height = min(width, 320), min(height, 40)
    return mark_safe(
        svg_open(width=width, height=height, css_class=f"{css_class} plot-empty", plot_id=plot_id)
        + title_and_desc(plot_id, title, NOT_ENOUGH_STEPS)
        + format_html(
            '<text class="plot-label" x="{}" y="{}" text-anchor="middle" '
            'font-size="{}" fill="currentColor">{}</text></svg>',
            fmt(width / 2),
            fmt(height / 2 + FONT_SIZE / 3),
            FONT_SIZE,
            NOT_ENOUGH_STEPS,
        )
    )


def path_data(points: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through the points; a None breaks the line instead of bridging the gap."""
    commands = [
        f"{'M' if i == 0 or points[i - 1] is None else 'L'}{fmt(point[0])} {fmt(point[1])}"
        for i, point in enumerate(points)
        if point is not None
    ]
    return "".join(commands)
