"""Template tags for plots: `{% load plots %}` then `{% drift_sparkline chain %}`."""

from __future__ import annotations

from django import template

from gallery.plots.drift import drift_sparkline_svg

register = template.Library()


@register.simple_tag
def drift_sparkline(chain) -> str:
    """The chain's similarity-to-origin curve as a tiny line; reads only `drift_curve`,
    which lives on the chain row, so a list of cards costs no extra queries."""
    return drift_sparkline_svg(curve=getattr(chain, "drift_curve", None) or [])
