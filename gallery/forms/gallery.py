"""Query-string forms: they turn untrusted GET parameters into clean values."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from chains.models import Detail, Mode, Status
from chains.selectors.chains import EXPERIMENTS_EACH, LENGTH_RANGES, SORT_ORDERS

from ..fragments import bound_widgets_html


def _choices(values, blank_label: str):
    return [("", blank_label), *values]


class GalleryFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search captions")
    mode = forms.ChoiceField(required=False, choices=_choices(Mode.choices, "Any mode"))
    detail = forms.ChoiceField(required=False, choices=_choices(Detail.choices, "Any detail"))
    status = forms.ChoiceField(required=False, choices=_choices(Status.choices, "Any status"))
    length = forms.ChoiceField(
        required=False,
        choices=_choices(
            [(key, f"{key.title()} ({low}–{high})") for key, (low, high) in LENGTH_RANGES.items()], "Any length"
        ),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("newest", "Newest"), ("longest", "Longest"), ("drift", "Most drift"), ("starred", "Most starred")],
    )
    experiments = forms.ChoiceField(
        required=False, label="Experiments", choices=[("", "Grouped"), (EXPERIMENTS_EACH, "Each chain")]
    )

    def filters(self) -> dict:
        """The valid filters only: a bad value is dropped rather than failing the page."""
        self.is_valid()
        cleaned = {name: self.cleaned_data.get(name, "") for name in self.fields if name not in self.errors}
        return {
            "query": cleaned.get("q", "").strip(),
            "mode": cleaned.get("mode", ""),
            "detail": cleaned.get("detail", ""),
            "status": cleaned.get("status", ""),
            "length": cleaned.get("length", ""),
            "sort": cleaned.get("sort") if cleaned.get("sort") in SORT_ORDERS else "newest",
            "experiments": cleaned.get("experiments", ""),
        }

    @cached_property
    def widgets_html(self) -> dict:
        """Each field's widget as `{{ form.q }}` renders it, kept per distinct query (gallery.fragments)."""
        return {name: mark_safe(html) for name, html in bound_widgets_html(self).items()}

    def is_unfiltered(self) -> bool:
        """Nothing narrowed down: the page may lead with the experiments, one card each."""
        filters = self.filters()
        return not any(filters[name] for name in ("query", "mode", "detail", "status", "length", "experiments"))


def parse_index(raw: str | None, *, default: int, maximum: int, minimum: int = 0) -> int:
    """A number from the query string, clamped; garbage gives the default."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, minimum), maximum)
