"""Template helpers for the atlas pages: `{% load atlas %}`."""

from __future__ import annotations

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html

from gallery.plots.atlas import attractor_colour

register = template.Library()


@register.simple_tag
def swatch(number) -> str:
    """A dot in the attractor's map colour. A fill attribute, not a style attribute, so a
    strict Content Security Policy allows it."""
    return format_html(
        '<svg class="swatch" viewBox="0 0 10 10" width="12" height="12" aria-hidden="true" focusable="false">'
        '<circle cx="5" cy="5" r="5" fill="{}"/></svg>',
        attractor_colour(int(number or 1)),
    )


@register.filter
def analysis_of(chain):
    """The chain's analysis row or None (a missing reverse one-to-one raises otherwise)."""
    try:
        return chain.analysis
    except (ObjectDoesNotExist, AttributeError):
        return None


@register.filter
def signed(value, digits: int = 2) -> str:
    """A figure with its sign, "−" rather than "-": calibrated values can be negative."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):.{int(digits)}f}"
    return text.replace("-", "−")


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` for dicts keyed by ids."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []
