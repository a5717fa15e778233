"""Server-rendered SVG for the atlas: the map of every caption, chain paths across it,
and drift curves of several chains overlaid. Pure functions, no ORM (see svg.py for
the conventions: escaped text, safe URLs, colours from CSS except where they encode data).

The map must carry 20,000 points in a page of at most 500 KB, so the points are not
elements: each attractor is one <path> of zero-length segments ("m dx dy h0") drawn
with round caps, in relative moves between points sorted along a snake, at 0.1 unit
precision of a 1000-unit square: about ten bytes a point. `vector-effect:
non-scaling-stroke` keeps a dot (and a selected chain's line) the same size on screen
at every zoom level, so zooming only changes the viewBox (static/js/atlas.js).
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .drift import _legend, _x_axis, _y_grid
from .path import path_colour
from .svg import CHAR_WIDTH, FONT_SIZE, fmt, linear_scale, not_enough_svg, path_data, safe_url, svg_open, title_and_desc

SIZE = 1000  # the map's square, in SVG units
PAD = 30  # margin around it in the whole-map view
EXTENT = SIZE + 2 * PAD
TENTHS = SIZE * 10
GOLDEN_ANGLE = 137.50776
ZOOM_LEVELS = (1, 2, 4, 8, 16, 32)
LABEL_SIZE = 22  # SVG units at zoom 1 (≈ 13 px on a 600 px map); atlas.js rescales it to the real width


def attractor_colour(number: int) -> str:
    """A distinct, mid-light colour per attractor number (1, 2, …), readable on light and dark."""
    hue = (20 + GOLDEN_ANGLE * (max(number, 1) - 1)) % 360
    lightness = (0.50, 0.42, 0.58)[(max(number, 1) - 1) % 3]
    red, green, blue = colorsys.hls_to_rgb(hue / 360, lightness, 0.70)
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in (red, green, blue)))


@dataclass(frozen=True)
class View:
    """The visible part of the map: a centre in [0, 1]² and a zoom factor."""

    x: float = 0.5
    y: float = 0.5
    zoom: int = 1

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) in SVG units; the whole map has a margin of PAD so
        the outermost dots are not cut by the frame."""
        side = EXTENT / self.zoom
        left = min(max(self.x * SIZE - side / 2, -PAD), SIZE + PAD - side)
        top = min(max((1 - self.y) * SIZE - side / 2, -PAD), SIZE + PAD - side)
        return left, top, side, side

    @property
    def view_box(self) -> str:
        return " ".join(fmt(value) for value in self.box)

    def moved(self, *, dx: float = 0, dy: float = 0, zoom: int | None = None) -> "View":
        """Another view: `dx`/`dy` in screens (0.5 = half the visible width)."""
        zoom = self.zoom if zoom is None else min(max(zoom, ZOOM_LEVELS[0]), ZOOM_LEVELS[-1])
        half = 0.5 / zoom
        x = min(max(self.x + dx / self.zoom, half), 1 - half)
        y = min(max(self.y + dy / self.zoom, half), 1 - half)
        return View(x=round(x, 4), y=round(y, 4), zoom=zoom)


WHOLE_MAP = View()  # the default view: frozen, so one shared instance is safe


def fit_view(points: Sequence[tuple[float, float]], *, margin: float = 0.06) -> View:
    """The closest zoom level (a power of two) that still shows every point."""
    if not points:
        return View()
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) + 2 * margin
    zoom = max([z for z in ZOOM_LEVELS if EXTENT / SIZE / z >= extent] or [1])
    return View(x=(min(xs) + max(xs)) / 2, y=(min(ys) + max(ys)) / 2, zoom=min(zoom, 8)).moved()


def map_xy(x: float, y: float) -> tuple[float, float]:
    """Atlas coordinates ([0, 1], y up) to SVG units (y down)."""
    return x * SIZE, (1 - y) * SIZE


def _tenth(value: int) -> str:
    """An integer count of tenths as the shortest SVG number: 32 → "3.2", -5 → "-.5"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if tenth == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


def dots_path(points: Sequence[tuple[float, float]]) -> str:
    """Path data drawing one dot per point: see the module docstring."""
    grid = sorted(
        {(round(x * TENTHS), round((1 - y) * TENTHS)) for x, y in points},
        key=lambda p: (p[1] // 200, p[0] if (p[1] // 200) % 2 == 0 else -p[0], p[1]),
    )
    parts, last = [], None
    for px, py in grid:
        if last is None:
            parts.append(f"M{_tenth(px)} {_tenth(py)}h0")
        else:
            dx, dy = _tenth(px - last[0]), _tenth(py - last[1])
            parts.append(f"m{dx}{'' if dy.startswith('-') else ' '}{dy}h0")
        last = (px, py)
    return "".join(parts)


def atlas_dots_layer(
    *, points: Sequence[tuple[float, float, int | None]], attractors: Sequence[dict], highlight: int | None = None
) -> str:
    """The heavy part of the map, cacheable on its own: every point, one path per attractor.

    With `highlight`, that attractor keeps its colour and every other point is greyed."""
    groups: dict[int | None, list[tuple[float, float]]] = {}
    for x, y, attractor_id in points:
        groups.setdefault(attractor_id, []).append((x, y))
    by_id = {attractor["id"]: attractor for attractor in attractors}
    grey = [
        p
        for key in list(groups)
        if key not in by_id or (highlight is not None and key != highlight)
        for p in groups.pop(key)
    ]
    parts = ['<g class="atlas-dots-layer" stroke-linecap="round">']
    if grey:
        parts.append(f'<path class="atlas-dots atlas-noise" d="{dots_path(grey)}"/>')
    for attractor_id, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        number = by_id[attractor_id]["number"]
        parts.append(
            f'<path class="atlas-dots" data-attractor="{number}" stroke="{attractor_colour(number)}" '
            f'd="{dots_path(members)}"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def atlas_map_svg(
    *,
    dots_layer: str,
    point_count: int,
    attractors: Sequence[dict],
    view: View = WHOLE_MAP,
    selection: str = "",
    highlight: int | None = None,
    labels: int = 14,
    plot_id: str = "atlas-map",
    title: str = "The atlas of every caption",
    desc: str = "",
) -> SafeString:
    """The map: `dots_layer` (from `atlas_dots_layer`), names on the largest `labels`
    attractors (dicts: id, number, label, x, y, url), and `selection` (already-safe SVG)
    on top. The viewBox shows `view`; static/js/atlas.js changes it to zoom and pan."""
    desc = desc or (
        f"{point_count} captions, each a dot placed so that similar captions sit close "
        f"together, coloured by the attractor they belong to; grey dots belong to none."
    )
    head = svg_open(width=SIZE, height=SIZE, css_class="atlas-map", plot_id=plot_id, interactive=True)
    parts = [
        head.replace(
            f'viewBox="0 0 {SIZE} {SIZE}"', f'viewBox="{view.view_box}" data-zoom="{view.zoom}" data-pad="{PAD}"', 1
        ),
        title_and_desc(plot_id, title, desc),
        f'<rect class="atlas-bg" x="-{SIZE}" y="-{SIZE}" width="{SIZE * 3}" height="{SIZE * 3}"/>',
        dots_layer,
        _labels(attractors, view=view, count=labels, only=highlight),
        f'<g id="{plot_id}-selection" class="atlas-selection">{selection}</g></svg>',
    ]
    return mark_safe("".join(parts))


def _labels(attractors: Sequence[dict], *, view: View, count: int, only: int | None) -> str:
    """Every attractor's name at its centre, largest first; those that would overlap a
    larger one's, or fall outside the view, are hidden (greedy). static/js/atlas.js runs
    the same layout again whenever the zoom or the map's width changes."""
    chosen = sorted((a for a in attractors if only is None or a["id"] == only), key=lambda a: a["number"])
    size = LABEL_SIZE / view.zoom
    left, top, side, _ = view.box
    placed: list[tuple[float, float, float, float]] = []
    parts = [f'<g class="atlas-labels" font-size="{fmt(size, 2)}">']
    for attractor in chosen:
        half_w, half_h = len(attractor["label"]) * CHAR_WIDTH * size / FONT_SIZE / 2, size * 0.7
        x0, y = map_xy(attractor["x"], attractor["y"])
        x = min(max(x0, left + half_w + size * 0.3), left + side - half_w - size * 0.3)
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        visible = (
            len(placed) < count
            and left <= x0 <= left + side
            and top <= y <= top + side
            and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed)
        )
        if visible:
            placed.append(box)
        text = format_html(
            '<text x="{}" y="{}" data-x="{}" text-anchor="middle" paint-order="stroke"{}>{}</text>',
            fmt(x),
            fmt(y + size * 0.35),
            fmt(x0),
            mark_safe("" if visible else ' visibility="hidden"'),
            attractor["label"],
        )
        url = safe_url(attractor.get("url"))
        parts.append(format_html('<a href="{}">{}</a>', url, text) if url else text)
    parts.append("</g>")
    return "".join(parts)


def chain_path_layer(*, steps: Sequence[dict], label: str = "") -> SafeString:
    """One chain across the map: a line in step order and a linked dot per step
    (dict: x, y, index, url, thumbnail_url, caption), coloured first → last like the
    chain's own path plot, with its thumbnail on hover (static/js/plots.js)."""
    if not steps:
        return mark_safe("")
    placed = [map_xy(step["x"], step["y"]) for step in steps]
    last = max(len(steps) - 1, 1)
    parts = [
        format_html('<g class="atlas-path" data-chain="{}">', label),
        f'<path class="atlas-path-halo" d="{path_data(placed)}"/>',
        f'<path class="atlas-path-line" d="{path_data(placed)}"/>',
    ]
    for order, ((x, y), step) in enumerate(zip(placed, steps, strict=True)):
        role = " plot-start" if order == 0 else " plot-end" if order == len(steps) - 1 else ""
        caption = str(step.get("caption") or "").strip() or "(no caption)"
        dot = format_html(
            '<title>Step {}: {}</title><path class="atlas-step-dot" d="M{} {}h0" stroke="{}"/>',
            step["index"],
            caption,
            fmt(x),
            fmt(y),
            path_colour(order / last),
        )
        thumb = safe_url(step.get("thumbnail_url"))
        thumb_attr = format_html(' data-thumb="{}"', thumb) if thumb else ""
        url = safe_url(step.get("url"))
        tag = (
            format_html('<a class="plot-point{}" href="{}"{}>{}</a>', role, url, thumb_attr, dot)
            if url
            else format_html('<g class="plot-point{}"{}>{}</g>', role, thumb_attr, dot)
        )
        parts.append(tag)
    parts.append("</g>")
    return mark_safe("".join(parts))


def paths_layer(*, paths: Sequence[dict]) -> SafeString:
    """Several chains as thin lines (dict: points, url, label, and optionally `colour`,
    a hex string), each ending in a dot. Without a colour a line takes the theme's ink
    (CSS), so the attractor it ends in keeps the only colour on the map."""
    parts = []
    for path in paths:
        placed = [map_xy(x, y) for x, y in path["points"]]
        if len(placed) < 2:
            continue
        end = placed[-1]
        colour = path.get("colour")
        stroke = format_html(' stroke="{}"', colour) if colour else ""
        css = "" if colour else " atlas-trail-ink"
        inner = format_html(
            '<title>{}</title><path class="atlas-trail{}" d="{}"{}/><path class="atlas-trail-end{}" d="M{} {}h0"{}/>',
            path["label"],
            css,
            path_data(placed),
            stroke,
            css,
            fmt(end[0]),
            fmt(end[1]),
            stroke,
        )
        url = safe_url(path.get("url"))
        parts.append(
            format_html('<a class="atlas-trail-link" href="{}">{}</a>', url, inner)
            if url
            else format_html("<g>{}</g>", inner)
        )
    return mark_safe("".join(parts))


# --- several drift curves on one chart ---------------------------------------------------

OVERLAY_MARGIN = {"left": 40, "right": 14, "top": 34, "bottom": 38}


def overlay_drift_svg(
    *,
    series: Sequence[dict],
    width: float = 760,
    height: float = 320,
    plot_id: str = "compare-plot",
    title: str = "Drift of the chosen chains",
    value_label: str = "similarity to the origin",
    legend: bool = True,
) -> SafeString:
    """One line per chain (dict: label, values by step, url, number): how fast each drifts.

    Values may go below 0 on the calibrated scale; the axis extends to the lowest one.
    `legend=False` leaves the key to the page, where it stays legible on a phone."""
    clean, plottable = _plottable(series)
    count = max((len(entry["values"]) for entry in clean), default=0)
    if not plottable or count < 2:
        return not_enough_svg(width=width, height=height, css_class="plot-drift", plot_id=plot_id, title=title)
    entries = [(str(n), f"plot-series compare-{n}", entry["label"][:48], "", "") for n, entry in enumerate(plottable)]
    key_svg, rows = _legend(left=OVERLAY_MARGIN["left"], right=width - OVERLAY_MARGIN["right"], entries=entries)
    key_svg, rows = (_recolour_legend(key_svg, count=len(plottable)), rows) if legend else ("", 1)
    left, right = OVERLAY_MARGIN["left"], width - OVERLAY_MARGIN["right"]
    top = (OVERLAY_MARGIN["top"] if legend else 14) + (rows - 1) * 18
    bottom = height - OVERLAY_MARGIN["bottom"]
    values = [v for entry in plottable for v in entry["values"] if v is not None]
    low = math.floor(min(0.0, min(values)) / 0.2 - 1e-9) * 0.2 if min(values) < 0 else 0.0
    x = linear_scale((0, count - 1), (left, right))
    y = linear_scale((low, max(1.0, max(values))), (bottom, top))
    summary = "; ".join(
        f"{entry['label']}: from {entry['values'][0]:.2f} to {[v for v in entry['values'] if v is not None][-1]:.2f}"
        if entry["values"] and entry["values"][0] is not None
        else entry["label"]
        for entry in plottable
    )
    parts = [
        svg_open(width=width, height=height, css_class="plot-drift plot-compare", plot_id=plot_id, interactive=True),
        title_and_desc(plot_id, title, f"{value_label.capitalize()} by step. {summary}"),
        _y_grid(low=low, y=y, left=left, right=right),
        _x_axis(count=count, x=x, bottom=bottom, left=left, right=right, height=height),
        key_svg,
    ]
    for n, entry in enumerate(plottable):
        colour = attractor_colour(n + 1)
        line = [(x(i), y(v)) if v is not None else None for i, v in enumerate(entry["values"])]
        body = format_html(
            '<title>{}</title><path class="plot-line plot-series" d="{}" fill="none" stroke="{}" '
            'stroke-width="2.25" stroke-linejoin="round"/>',
            entry["label"],
            path_data(line),
            colour,
        )
        url = safe_url(entry.get("url"))
        parts.append(
            format_html('<a class="plot-series-link" href="{}">{}</a>', url, body)
            if url
            else format_html("<g>{}</g>", body)
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _plottable(series: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """(every series with NaNs as None, those with two points or more: the ones drawn)."""
    clean = [
        dict(entry, values=[None if v is None or not math.isfinite(v) else float(v) for v in entry["values"]])
        for entry in series
    ]
    return clean, [entry for entry in clean if sum(v is not None for v in entry["values"]) >= 2]


def overlay_legend(series: Sequence[dict]) -> list[dict]:
    """The key of `overlay_drift_svg` for an HTML legend: each drawn line's label and colour."""
    return [
        {"label": entry["label"], "colour": attractor_colour(n + 1), "url": safe_url(entry.get("url"))}
        for n, entry in enumerate(_plottable(series)[1])
    ]


def _recolour_legend(legend: str, *, count: int) -> str:
    """plots._legend draws its swatches in currentColor; here each takes its series' colour
    (a presentation attribute, not a style attribute, so a strict CSP allows it)."""
    head, _, rest = legend.partition("<line")
    pieces = rest.split("<line")
    for n, piece in enumerate(pieces[:count]):
        pieces[n] = piece.replace('stroke="currentColor"', f'stroke="{attractor_colour(n + 1)}"', 1)
    return head + "<line" + "<line".join(pieces) if pieces else legend
