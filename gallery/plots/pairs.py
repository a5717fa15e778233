"""The small interval figure beside each pair's median: a whisker from the low to the
high end of the bootstrap interval and a dot at the median, on a shared scale so the
rows compare at a glance. Decorative for screen readers: the numbers sit beside it."""

from __future__ import annotations

import math

from django.utils.html import format_html
from django.utils.safestring import SafeString

from .svg import clamp, fmt, linear_scale

WIDTH, HEIGHT, PAD = 120, 14, 4


def interval_svg(*, median: float, low: float, high: float, scale_max: float) -> SafeString:
    """An open-ended interval (a half-life never reached) runs to the right edge with no cap."""
    x = linear_scale((0.0, scale_max or 1.0), (PAD, WIDTH - PAD))

    def at(value: float) -> float:
        return WIDTH - PAD if math.isinf(value) else clamp(x(value), PAD, WIDTH - PAD)

    left, right, middle = at(low), at(high), at(median)
    cap = (
        ""
        if math.isinf(high)
        else format_html('<line class="pair-cap" x1="{}" y1="3" x2="{}" y2="11"/>', fmt(right), fmt(right))
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="pair-interval" viewBox="0 0 {} {}" width="{}" '
        'height="{}" aria-hidden="true" focusable="false">'
        '<line class="pair-axis" x1="{}" y1="7" x2="{}" y2="7"/>'
        '<line class="pair-range" x1="{}" y1="7" x2="{}" y2="7"/>'
        '<line class="pair-cap" x1="{}" y1="3" x2="{}" y2="11"/>{}'
        '<circle class="pair-median" cx="{}" cy="7" r="3.5"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        PAD,
        WIDTH - PAD,
        fmt(left),
        fmt(right),
        fmt(left),
        fmt(left),
        cap,
        fmt(middle),
    )
