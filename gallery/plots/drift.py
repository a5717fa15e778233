"""The drift line (a chain's similarity to its origin and to the step before, step by step)
and the card sparkline. See `gallery.plots.svg` for the conventions all plots share."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .svg import (
    CHAR_WIDTH,
    FONT_SIZE,
    clamp,
    finite_or_none,
    fmt,
    linear_scale,
    nice_step,
    not_enough_svg,
    path_data,
    safe_url,
    similarity_label,
    svg_open,
    title_and_desc,
)

# --- drift line ------------------------------------------------------------------------

DRIFT_MARGIN = {"left": 40, "right": 14, "top": 34, "bottom": 38}
DRIFT_SERIES = (
    # (key, css class, legend text, tooltip wording, dash pattern)
    ("origin", "plot-origin", "Similarity to the original caption", "to origin", ""),
    ("previous", "plot-previous", "Similarity to the caption before", "to previous step", "5 3"),
    # Drawn only when image similarities are given (chains.metrics.descriptors).
    ("image", "plot-image", "Similarity of the picture to the original picture", "picture to origin", "1.5 2.5"),
)


def drift_line_svg(
    *,
    to_origin: Sequence[float | None],
    to_previous: Sequence[float | None],
    step_urls: Sequence[str] | None = None,
    width: float = 640,
    height: float = 240,
    plot_id: str = "drift-plot",
    image_to_origin: Sequence[float | None] | None = None,
    legend: bool = True,
) -> SafeString:
    """Similarity of each step's caption to the origin and to the step before, by step.

    Position i of each sequence is step i. None (not embedded yet) is skipped. Each
    step gets one hover/focus target spanning the plot's height, linked to the step
    when `step_urls` is given. `plot_id` must be unique on the page (it prefixes ids).
    `legend=False` leaves the key to the page (in HTML it stays legible on a phone,
    where text inside a scaled-down SVG shrinks with it): see `drift_legend`.
    """
    sources = [("origin", to_origin), ("previous", to_previous)]
    if image_to_origin is not None and any(finite_or_none(v) is not None for v in image_to_origin):
        sources.append(("image", image_to_origin))
    count = max(len(values) for _, values in sources)
    series = {key: [finite_or_none(v) for v in values] + [None] * (count - len(values)) for key, values in sources}
    shown = [entry for entry in DRIFT_SERIES if entry[0] in series]
    plotted = [i for i in range(count) if any(series[k][i] is not None for k in series)]
    title = "Caption and picture drift by step" if "image" in series else "Caption drift by step"
    if len(plotted) < 2:
        return not_enough_svg(width=width, height=height, css_class="plot-drift", plot_id=plot_id, title=title)

    m = DRIFT_MARGIN
    key_svg, legend_rows = _legend(left=m["left"], right=width - m["right"], entries=shown) if legend else ("", 1)
    top_margin = m["top"] if legend else 14
    left, right, bottom = m["left"], width - m["right"], height - m["bottom"]
    top = top_margin + (legend_rows - 1) * LEGEND_ROW
    low = min([0.0] + [v for values in series.values() for v in values if v is not None])
    low = math.floor(low / 0.2 - 1e-9) * 0.2 if low < 0 else 0.0
    x = linear_scale((0, max(count - 1, 1)), (left, right))
    y = linear_scale((low, 1.0), (bottom, top))
    urls = [safe_url(u) for u in (step_urls or [])]

    parts = [
        svg_open(width=width, height=height, css_class="plot-drift", plot_id=plot_id, interactive=any(urls)),
        title_and_desc(plot_id, title, _drift_summary(series["origin"])),
        _y_grid(low=low, y=y, left=left, right=right),
        _x_axis(count=count, x=x, bottom=bottom, left=left, right=right, height=height),
        key_svg,
    ]
    for key, css_class, _, _, dash in shown:
        line = [(x(i), y(v)) if v is not None else None for i, v in enumerate(series[key])]
        parts.append(
            format_html(
                '<path class="plot-line {}" d="{}" fill="none" stroke="currentColor" '
                'stroke-width="2" stroke-linejoin="round"{}/>',
                css_class,
                path_data(line),
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
            )
        )
    band = (right - left) / max(count - 1, 1)
    radius = 3.5 if count <= 30 else 2.5 if count <= 80 else 1.8
    parts.append('<g class="plot-steps">')
    for i in plotted:
        parts.append(
            _drift_step(
                index=i,
                values={k: series[k][i] for k in series},
                url=urls[i] if i < len(urls) else "",
                cx=x(i),
                y=y,
                band=band,
                top=top,
                bottom=bottom,
                radius=radius,
            )
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


def drift_legend(*, with_image: bool) -> list[dict]:
    """The drift plot's key for an HTML legend: css class, words and dash of each line."""
    return [
        {"css_class": css_class, "text": text, "dashed": bool(dash)}
        for key, css_class, text, _, dash in DRIFT_SERIES
        if key != "image" or with_image
    ]


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
    *, index: int, values: dict, url: str, cx: float, y, band: float, top: float, bottom: float, radius: float
) -> SafeString:
    tooltip = f"Step {index}: " + ", ".join(
        f"{similarity_label(values[key])} {wording}"
        for key, _, _, wording, _ in DRIFT_SERIES
        if values.get(key) is not None
    )
    marks = [
        f'<rect class="plot-hit" x="{fmt(cx - band / 2)}" y="{fmt(top)}" width="{fmt(band)}" '
        f'height="{fmt(bottom - top)}" fill-opacity="0"/>'
    ]
    for key, css_class, _, _, _ in DRIFT_SERIES:
        if values.get(key) is not None:
            marks.append(f'<circle class="{css_class}" cx="{fmt(cx)}" cy="{fmt(y(values[key]))}" r="{fmt(radius)}"/>')
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
