"""Server-rendered SVG plots: the drift line, the card sparkline and the 2-D path.

Pure functions from numbers and strings to `SafeString`, no ORM and no chart library,
so pages stay static-friendly and the output is testable as XML. Every piece of text
and every URL goes through `format_html`/`escape`; only numbers we formatted ourselves
are interpolated raw. Colours come from CSS classes (site.css, "/* plots */") so the
light and dark themes apply; presentation attributes give a readable fallback when
the SVG is seen without the stylesheet. The one exception is the path's point fill,
which encodes data (the step's position in the chain).

Too little data (fewer than two plottable steps) gives a small SVG that says so for
the drift line and the path, so a page's layout doesn't jump; the sparkline returns
an empty string instead, since the card already shows the figure as text.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

NOT_ENOUGH_STEPS = "Not enough steps yet to plot."
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # rough average advance of a 12 px system-ui glyph, for layout only
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
# The path's colour ramp: blue → violet → magenta → orange, readable on light and dark.
PATH_HUE_START, PATH_HUE_END = 225.0, 390.0
PATH_SATURATION, PATH_LIGHTNESS = 0.72, 0.55


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
    *, width: float, height: float, css_class: str, plot_id: str | None = None,
    interactive: bool = False,
) -> SafeString:
    """The root element. Labelled by its own <title>/<desc> when `plot_id` is given.

    role="img" makes children presentational, which would hide the point links from
    screen readers, so a plot with links is a labelled group instead.
    """
    size = (fmt(width), fmt(height)) * 2
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" viewBox="0 0 {} {}" width="{}" height="{}"',
        css_class, *size,
    )
    if plot_id is None:
        return head + mark_safe(' aria-hidden="true" focusable="false">')
    return head + format_html(
        ' role="{}" aria-labelledby="{}-title {}-desc">', "group" if interactive else "img", plot_id, plot_id
    )


def title_and_desc(plot_id: str, title: str, desc: str) -> SafeString:
    return format_html(
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>', plot_id, title, plot_id, desc
    )


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
            fmt(width / 2), fmt(height / 2 + FONT_SIZE / 3), FONT_SIZE, NOT_ENOUGH_STEPS,
        )
    )


def path_data(points: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through the points; a None breaks the line instead of bridging the gap."""
    commands = [
        f"{'M' if i == 0 or points[i - 1] is None else 'L'}{fmt(point[0])} {fmt(point[1])}"
        for i, point in enumerate(points) if point is not None
    ]
    return "".join(commands)


# --- drift line ------------------------------------------------------------------------

DRIFT_MARGIN = {"left": 40, "right": 14, "top": 34, "bottom": 38}
DRIFT_SERIES = (
    # (key, css class, legend text, tooltip wording, dash pattern)
    ("origin", "plot-origin", "Similarity to the original caption", "to origin", ""),
    ("previous", "plot-previous", "Similarity to the caption before", "to previous step", "5 3"),
    # Drawn only when image similarities are given (chains.descriptors).
    ("image", "plot-image", "Similarity of the picture to the original picture", "picture to origin", "1.5 2.5"),
)


def drift_line_svg(
    *, to_origin: Sequence[float | None], to_previous: Sequence[float | None],
    step_urls: Sequence[str] | None = None, width: float = 640, height: float = 240,
    plot_id: str = "drift-plot", image_to_origin: Sequence[float | None] | None = None,
) -> SafeString:
    """Similarity of each step's caption to the origin and to the step before, by step.

    Position i of each sequence is step i. None (not embedded yet) is skipped. Each
    step gets one hover/focus target spanning the plot's height, linked to the step
    when `step_urls` is given. `plot_id` must be unique on the page (it prefixes ids).
    """
    sources = [("origin", to_origin), ("previous", to_previous)]
    if image_to_origin is not None and any(finite_or_none(v) is not None for v in image_to_origin):
        sources.append(("image", image_to_origin))
    count = max(len(values) for _, values in sources)
    series = {
        key: [finite_or_none(v) for v in values] + [None] * (count - len(values))
        for key, values in sources
    }
    shown = [entry for entry in DRIFT_SERIES if entry[0] in series]
    plotted = [i for i in range(count) if any(series[k][i] is not None for k in series)]
    title = "Caption and picture drift by step" if "image" in series else "Caption drift by step"
    if len(plotted) < 2:
        return not_enough_svg(width=width, height=height, css_class="plot-drift", plot_id=plot_id, title=title)

    m = DRIFT_MARGIN
    legend, legend_rows = _legend(left=m["left"], right=width - m["right"], entries=shown)
    left, right, bottom = m["left"], width - m["right"], height - m["bottom"]
    top = m["top"] + (legend_rows - 1) * LEGEND_ROW
    low = min([0.0] + [v for values in series.values() for v in values if v is not None])
    low = math.floor(low / 0.2 - 1e-9) * 0.2 if low < 0 else 0.0
    x = linear_scale((0, max(count - 1, 1)), (left, right))
    y = linear_scale((low, 1.0), (bottom, top))
    urls = [safe_url(u) for u in (step_urls or [])]

    parts = [
        svg_open(width=width, height=height, css_class="plot-drift", plot_id=plot_id,
                 interactive=any(urls)),
        title_and_desc(plot_id, title, _drift_summary(series["origin"])),
        _y_grid(low=low, y=y, left=left, right=right),
        _x_axis(count=count, x=x, bottom=bottom, left=left, right=right, height=height),
        legend,
    ]
    for key, css_class, _, _, dash in shown:
        line = [(x(i), y(v)) if v is not None else None for i, v in enumerate(series[key])]
        parts.append(format_html(
            '<path class="plot-line {}" d="{}" fill="none" stroke="currentColor" '
            'stroke-width="2" stroke-linejoin="round"{}/>',
            css_class, path_data(line),
            format_html(' stroke-dasharray="{}"', dash) if dash else "",
        ))
    band = (right - left) / max(count - 1, 1)
    radius = 3.5 if count <= 30 else 2.5 if count <= 80 else 1.8
    parts.append('<g class="plot-steps">')
    for i in plotted:
        parts.append(_drift_step(
            index=i, values={k: series[k][i] for k in series}, url=urls[i] if i < len(urls) else "",
            cx=x(i), y=y, band=band, top=top, bottom=bottom, radius=radius,
        ))
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


def _drift_summary(origin: Sequence[float | None]) -> str:
    known = [(i, v) for i, v in enumerate(origin) if v is not None]
    if len(known) < 2:
        return "Similarity of each caption to the original caption and to the caption before it."
    (first_i, first_v), (last_i, last_v) = known[0], known[-1]
    low_i, low_v = min(known, key=lambda item: item[1])
    return (
        f"Similarity to the original caption goes from {similarity_label(first_v)} at step "
        f"{first_i} to {similarity_label(last_v)} at step {last_i}; the lowest is "
        f"{similarity_label(low_v)} at step {low_i}."
    )


def _y_grid(*, low: float, y, left: float, right: float) -> str:
    parts = ['<g class="plot-grid">']
    for k in range(round(low / 0.2), 6):
        value = k * 0.2
        ty = fmt(y(value))
        parts.append(
            f'<line x1="{fmt(left)}" x2="{fmt(right)}" y1="{ty}" y2="{ty}" '
            f'stroke="currentColor" stroke-opacity="0.2"/>'
            f'<text class="plot-label" x="{fmt(left - 6)}" y="{fmt(y(value) + FONT_SIZE / 3)}" '
            f'text-anchor="end" font-size="{FONT_SIZE}" fill="currentColor">{fmt(value, 1)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _x_axis(*, count: int, x, bottom: float, left: float, right: float, height: float) -> str:
    every = nice_step(count, max_labels=max(2, int((right - left) // 40)))
    parts = [
        f'<g class="plot-axis"><line x1="{fmt(left)}" x2="{fmt(right)}" y1="{fmt(bottom)}" '
        f'y2="{fmt(bottom)}" stroke="currentColor" stroke-opacity="0.5"/>'
    ]
    for index in range(0, count, every):
        tx = fmt(x(index))
        parts.append(
            f'<line x1="{tx}" x2="{tx}" y1="{fmt(bottom)}" y2="{fmt(bottom + 4)}" '
            f'stroke="currentColor" stroke-opacity="0.5"/>'
            f'<text class="plot-label" x="{tx}" y="{fmt(bottom + 6 + FONT_SIZE)}" '
            f'text-anchor="middle" font-size="{FONT_SIZE}" fill="currentColor">{index}</text>'
        )
    parts.append(
        f'<text class="plot-label plot-axis-title" x="{fmt((left + right) / 2)}" y="{fmt(height - 4)}" '
        f'text-anchor="middle" font-size="{FONT_SIZE}" fill="currentColor">Step</text></g>'
    )
    return "".join(parts)


LEGEND_ROW = 18


def _legend(*, left: float, right: float, entries=DRIFT_SERIES) -> tuple[str, int]:
    """The key, wrapped onto a new row when the next entry would overflow; (svg, rows)."""
    parts, cursor, row = ['<g class="plot-legend">'], left, 0
    for _, css_class, text, _, dash in entries:
        advance = 28 + len(text) * CHAR_WIDTH
        if cursor > left and cursor + advance > right:
            cursor, row = left, row + 1
        y = 14 + row * LEGEND_ROW
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line class="plot-line {css_class}" x1="{fmt(cursor)}" x2="{fmt(cursor + 22)}" '
            f'y1="{y}" y2="{y}" stroke="currentColor" stroke-width="2"{dash_attr}/>'
            f'<text class="plot-label plot-legend-text" x="{fmt(cursor + 28)}" y="{y + 4}" '
            f'font-size="{FONT_SIZE}" fill="currentColor">{escape(text)}</text>'
        )
        cursor += advance + 24
    parts.append("</g>")
    return "".join(parts), row + 1


def _drift_step(
    *, index: int, values: dict, url: str, cx: float, y, band: float, top: float,
    bottom: float, radius: float,
) -> SafeString:
    tooltip = f"Step {index}: " + ", ".join(
        f"{similarity_label(values[key])} {wording}"
        for key, _, _, wording, _ in DRIFT_SERIES if values.get(key) is not None
    )
    marks = [
        f'<rect class="plot-hit" x="{fmt(cx - band / 2)}" y="{fmt(top)}" width="{fmt(band)}" '
        f'height="{fmt(bottom - top)}" fill-opacity="0"/>'
    ]
    for key, css_class, _, _, _ in DRIFT_SERIES:
        if values.get(key) is not None:
            marks.append(
                f'<circle class="{css_class}" cx="{fmt(cx)}" cy="{fmt(y(values[key]))}" r="{fmt(radius)}"/>'
            )
    inner = format_html("<title>{}</title>{}", tooltip, mark_safe("".join(marks)))
    if url:
        return format_html('<a class="plot-step" href="{}">{}</a>', url, inner)
    return format_html('<g class="plot-step">{}</g>', inner)


# --- sparkline -------------------------------------------------------------------------


def drift_sparkline_svg(*, curve: Sequence[float], width: float = 120, height: float = 28) -> SafeString:
    """One polyline of similarity to the origin, on a fixed 0..1 scale so cards compare.

    Decorative (aria-hidden): the card states the drift in text. Empty below two points.
    """
    values = [(i, v) for i, v in enumerate(finite_or_none(v) for v in curve or ()) if v is not None]
    if len(values) < 2:
        return mark_safe("")
    pad = 2
    x = linear_scale((values[0][0], values[-1][0]), (pad, width - pad))
    y = linear_scale((0.0, 1.0), (height - pad, pad))
    points = " ".join(f"{fmt(x(i))},{fmt(y(clamp(v, 0.0, 1.0)))}" for i, v in values)
    return mark_safe(
        svg_open(width=width, height=height, css_class="sparkline")
        + f'<polyline class="sparkline-line" points="{points}" fill="none" '
        'stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/></svg>'
    )


# --- 2-D path --------------------------------------------------------------------------


def path_colour(position: float) -> str:
    """Hex colour for a point `position` of the way (0..1) from the first step to the last."""
    hue = (PATH_HUE_START + (PATH_HUE_END - PATH_HUE_START) * position) % 360
    red, green, blue = colorsys.hls_to_rgb(hue / 360, PATH_LIGHTNESS, PATH_SATURATION)
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in (red, green, blue)))


def path_svg(
    *, points: Sequence[Sequence[float]], steps: Sequence[dict], width: float = 480,
    height: float = 480, plot_id: str = "path-plot",
) -> SafeString:
    """The chain's captions placed in 2-D, joined in step order, coloured first → last.

    `points[i]` is `[x, y]` in [0, 1] for `steps[i]` (a dict with index, url,
    thumbnail_url and caption). Extra entries on either side are ignored, since a
    running chain's projection can lag its steps. Thumbnails are not in the SVG (an
    <image> is fetched even while hidden); each point carries `data-thumb` and
    static/js/plots.js shows it on hover or focus.
    """
    pairs = list(zip(points, steps))
    title = "The path of the captions through meaning"
    if len(pairs) < 2:
        return not_enough_svg(width=width, height=height, css_class="plot-path", plot_id=plot_id, title=title)

    pad = 30
    side = min(width, height) - 2 * pad
    x = linear_scale((0.0, 1.0), ((width - side) / 2, (width + side) / 2))
    y = linear_scale((0.0, 1.0), ((height + side) / 2, (height - side) / 2))
    placed = [(x(float(p[0])), y(float(p[1]))) for p, _ in pairs]
    last = len(pairs) - 1
    radius = 6.0 if len(pairs) <= 30 else 4.5 if len(pairs) <= 80 else 3.5
    first_index, last_index = pairs[0][1]["index"], pairs[-1][1]["index"]
    desc = (
        f"Each point is one step's caption, placed so that similar captions sit close together; "
        f"the line joins them in order from step {first_index} to step {last_index}."
    )
    urls = [safe_url(step.get("url")) for _, step in pairs]
    parts = [
        svg_open(width=width, height=height, css_class="plot-path", plot_id=plot_id,
                 interactive=any(urls)),
        title_and_desc(plot_id, title, desc),
        f'<path class="plot-path-line" d="{path_data(placed)}" fill="none" stroke="currentColor" '
        'stroke-opacity="0.45" stroke-width="1.5" stroke-linejoin="round"/>',
        '<g class="plot-points">',
    ]
    for order, ((cx, cy), (_, step), url) in enumerate(zip(placed, pairs, urls)):
        role = " plot-start" if order == 0 else " plot-end" if order == last else ""
        parts.append(_path_point(
            step=step, url=url, cx=cx, cy=cy, css=role, colour=path_colour(order / last),
            radius=radius * (1.5 if role else 1.0),
        ))
    parts.append("</g>")
    for label, point in (("Start", placed[0]), ("End", placed[-1])):
        others = [p for p in placed if p is not point]
        parts.append(_path_marker(label, *point, others=others, width=width, height=height,
                                  radius=radius * 1.5))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _path_point(
    *, step: dict, url: str, cx: float, cy: float, css: str, colour: str, radius: float
) -> SafeString:
    caption = str(step.get("caption") or "").strip() or "(no caption yet)"
    circle = format_html(
        '<title>Step {}: {}</title><circle cx="{}" cy="{}" r="{}" fill="{}" '
        'stroke="white" stroke-width="1.5"/>',
        step["index"], caption, fmt(cx), fmt(cy), fmt(radius), colour,
    )
    thumb = safe_url(step.get("thumbnail_url"))
    thumb_attr = format_html(' data-thumb="{}"', thumb) if thumb else ""
    if url:
        return format_html('<a class="plot-point{}" href="{}"{}>{}</a>', css, url, thumb_attr, circle)
    return format_html('<g class="plot-point{}"{}>{}</g>', css, thumb_attr, circle)


def _path_marker(label: str, cx: float, cy: float, *, others: Sequence[tuple[float, float]],
                 width: float, height: float, radius: float) -> str:
    """A text label beside the first or last point: on whichever side (above, below,
    right, left) is furthest from the other points, kept inside the plot."""
    half_w, half_h = len(label) * CHAR_WIDTH / 2 + 2, FONT_SIZE / 2 + 1
    gap = radius + 5
    candidates = [
        (cx, cy - gap - half_h), (cx, cy + gap + half_h),
        (cx + gap + half_w, cy), (cx - gap - half_w, cy),
    ]

    inside = [(clamp(lx, half_w, width - half_w), clamp(ly, half_h, height - half_h))
              for lx, ly in candidates]

    def room(centre: tuple[float, float]) -> float:
        """Distance from the label's box to the nearest other point."""
        return min(
            (math.hypot(max(abs(px - centre[0]) - half_w, 0), max(abs(py - centre[1]) - half_h, 0))
             for px, py in others),
            default=math.inf,
        )

    lx, ly = max(inside, key=room)  # ties keep the earlier, i.e. above
    return (
        f'<text class="plot-label plot-marker" x="{fmt(lx)}" y="{fmt(ly + FONT_SIZE / 3)}" '
        f'text-anchor="middle" font-size="{FONT_SIZE}" font-weight="600" fill="currentColor" '
        f'aria-hidden="true">{escape(label)}</text>'
    )
