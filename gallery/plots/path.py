"""A chain's path: its captions placed in 2-D, joined in step order and coloured first →
last. See `gallery.plots.svg` for the conventions all plots share."""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .svg import (
    CHAR_WIDTH,
    FONT_SIZE,
    clamp,
    fmt,
    linear_scale,
    nice_step,
    not_enough_svg,
    safe_url,
    svg_open,
    title_and_desc,
)

# The path's colour ramp: blue → violet → magenta → orange, readable on light and dark.
PATH_HUE_START, PATH_HUE_END = 225.0, 390.0
PATH_SATURATION, PATH_LIGHTNESS = 0.72, 0.55


# --- 2-D path --------------------------------------------------------------------------


def path_colour(position: float) -> str:
    """Hex colour for a point `position` of the way (0..1) from the first step to the last."""
    hue = (PATH_HUE_START + (PATH_HUE_END - PATH_HUE_START) * position) % 360
    red, green, blue = colorsys.hls_to_rgb(hue / 360, PATH_LIGHTNESS, PATH_SATURATION)
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in (red, green, blue)))


def path_svg(
    *,
    points: Sequence[Sequence[float]],
    steps: Sequence[dict],
    width: float = 400,
    height: float = 400,
    plot_id: str = "path-plot",
) -> SafeString:
    """The chain's captions placed in 2-D, joined in step order by a smooth line whose
    colour runs first → last, each point numbered with its step, start and end marked.

    `points[i]` is `[x, y]` in [0, 1] for `steps[i]` (a dict with index, url,
    thumbnail_url and caption). Extra entries on either side are ignored, since a
    running chain's projection can lag its steps. Thumbnails are not in the SVG (an
    <image> is fetched even while hidden); each point carries `data-thumb` and
    static/js/plots.js shows it on hover or focus. Each segment is drawn over a halo in
    the background colour, so where the line crosses itself the later part reads on top.
    """
    pairs = list(zip(points, steps, strict=False))  # either side may be longer
    title = "The path of the captions through meaning"
    if len(pairs) < 2:
        return not_enough_svg(width=width, height=height, css_class="plot-path", plot_id=plot_id, title=title)

    pad = 26
    side = min(width, height) - 2 * pad
    x = linear_scale((0.0, 1.0), ((width - side) / 2, (width + side) / 2))
    y = linear_scale((0.0, 1.0), ((height + side) / 2, (height - side) / 2))
    placed = [(x(float(p[0])), y(float(p[1]))) for p, _ in pairs]
    last = len(pairs) - 1
    radius = 9.0 if len(pairs) <= 30 else 6.0 if len(pairs) <= 80 else 4.0
    first_index, last_index = pairs[0][1]["index"], pairs[-1][1]["index"]
    desc = (
        f"Each numbered point is one step's caption, placed so that similar captions sit close together; "
        f"a smooth line joins them in order from step {first_index} (start) to step {last_index} (end)."
    )
    urls = [safe_url(step.get("url")) for _, step in pairs]
    parts = [
        svg_open(width=width, height=height, css_class="plot-path", plot_id=plot_id, interactive=any(urls)),
        title_and_desc(plot_id, title, desc),
        _smooth_segments(placed),
        '<g class="plot-points">',
    ]
    for order, ((cx, cy), (_, step), url) in enumerate(zip(placed, pairs, urls, strict=True)):
        role = " plot-start" if order == 0 else " plot-end" if order == last else ""
        parts.append(
            _path_point(
                step=step,
                url=url,
                cx=cx,
                cy=cy,
                css=role,
                colour=path_colour(order / last),
                radius=radius * (1.25 if role else 1.0),
            )
        )
    parts.append("</g>")
    parts.append(_step_numbers(placed, [step["index"] for _, step in pairs], radius=radius))
    for label, point in (("Start", placed[0]), ("End", placed[-1])):
        others = [p for p in placed if p is not point]
        parts.append(_path_marker(label, *point, others=others, width=width, height=height, radius=radius * 1.25 + 3))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _smooth_segments(placed: Sequence[tuple[float, float]]) -> str:
    """A Catmull-Rom curve through the points, one cubic Bézier per step, each in the
    colour of its place along the chain and laid over a halo of the background."""
    last = len(placed) - 1
    pieces = []
    for i in range(last):
        before, start, end, after = (placed[max(i - 1, 0)], placed[i], placed[i + 1], placed[min(i + 2, last)])
        c1 = (start[0] + (end[0] - before[0]) / 6, start[1] + (end[1] - before[1]) / 6)
        c2 = (end[0] - (after[0] - start[0]) / 6, end[1] - (after[1] - start[1]) / 6)
        d = (
            f"M{fmt(start[0])} {fmt(start[1])}C{fmt(c1[0])} {fmt(c1[1])} "
            f"{fmt(c2[0])} {fmt(c2[1])} {fmt(end[0])} {fmt(end[1])}"
        )
        # Halo then line, segment by segment: a later segment covers an earlier one.
        pieces.append(
            f'<path class="plot-path-halo" d="{d}" stroke="white" stroke-width="7"/>'
            f'<path d="{d}" stroke="{path_colour((i + 0.5) / last)}" stroke-width="3"/>'
        )
    return f'<g class="plot-path-line" fill="none" stroke-linecap="round" stroke-linejoin="round">{"".join(pieces)}</g>'


def _step_numbers(placed: Sequence[tuple[float, float]], indices: Sequence[int], *, radius: float) -> str:
    """Each point's step number inside it; on long chains every k-th, plus the ends."""
    every = nice_step(len(placed), max_labels=30)
    size = fmt(radius * 1.15)
    labels = []
    for order, ((cx, cy), index) in enumerate(zip(placed, indices, strict=True)):
        if order % every and order != len(placed) - 1:
            continue
        labels.append(f'<text x="{fmt(cx)}" y="{fmt(cy + radius * 0.4)}">{index}</text>')
    return (
        f'<g class="plot-step-numbers" text-anchor="middle" font-size="{size}" font-weight="700" '
        f'fill="#fff" aria-hidden="true">{"".join(labels)}</g>'
    )


def _path_point(*, step: dict, url: str, cx: float, cy: float, css: str, colour: str, radius: float) -> SafeString:
    caption = str(step.get("caption") or "").strip() or "(no caption yet)"
    circle = format_html(
        '<title>Step {}: {}</title><circle cx="{}" cy="{}" r="{}" fill="{}" stroke="white" stroke-width="2"/>',
        step["index"],
        caption,
        fmt(cx),
        fmt(cy),
        fmt(radius),
        colour,
    )
    thumb = safe_url(step.get("thumbnail_url"))
    thumb_attr = format_html(' data-thumb="{}"', thumb) if thumb else ""
    if url:
        return format_html('<a class="plot-point{}" href="{}"{}>{}</a>', css, url, thumb_attr, circle)
    return format_html('<g class="plot-point{}"{}>{}</g>', css, thumb_attr, circle)


def _path_marker(
    label: str,
    cx: float,
    cy: float,
    *,
    others: Sequence[tuple[float, float]],
    width: float,
    height: float,
    radius: float,
) -> str:
    """A text label beside the first or last point: on whichever side (above, below,
    right, left) is furthest from the other points, kept inside the plot."""
    half_w, half_h = len(label) * CHAR_WIDTH / 2 + 2, FONT_SIZE / 2 + 1
    gap = radius + 5
    candidates = [(cx, cy - gap - half_h), (cx, cy + gap + half_h), (cx + gap + half_w, cy), (cx - gap - half_w, cy)]

    inside = [(clamp(lx, half_w, width - half_w), clamp(ly, half_h, height - half_h)) for lx, ly in candidates]

    def room(centre: tuple[float, float]) -> float:
        """Distance from the label's box to the nearest other point."""
        return min(
            (
                math.hypot(max(abs(px - centre[0]) - half_w, 0), max(abs(py - centre[1]) - half_h, 0))
                for px, py in others
            ),
            default=math.inf,
        )

    def clear_of_own_point(centre: tuple[float, float]) -> bool:
        """A label pushed back inside the plot by the clamp must not cover its own point."""
        return math.hypot(max(abs(cx - centre[0]) - half_w, 0), max(abs(cy - centre[1]) - half_h, 0)) >= radius

    usable = [centre for centre in inside if clear_of_own_point(centre)] or inside
    lx, ly = max(usable, key=room)  # ties keep the earlier, i.e. above
    return (
        f'<text class="plot-label plot-marker" x="{fmt(lx)}" y="{fmt(ly + FONT_SIZE / 3)}" '
        f'text-anchor="middle" font-size="{FONT_SIZE}" font-weight="600" fill="currentColor" '
        f'aria-hidden="true">{escape(label)}</text>'
    )
