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
    not_enough_svg,
    path_data,
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
    pairs = list(zip(points, steps, strict=False))
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
    for order, ((cx, cy), (_, step), url) in enumerate(zip(placed, pairs, urls, strict=True)):
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
