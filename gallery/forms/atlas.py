"""Query-string and upload forms of the atlas, search, comparison and experiment pages.

Query-string forms never fail a page: a bad value is replaced by its default, so
any URL a visitor can type renders (or is a clean 404 when it names nothing).
"""

from __future__ import annotations

from django import forms

from chains.models import Detail, Mode
from chains.services import experiment_model_choices

from ..plots.atlas import ZOOM_LEVELS, View

METRICS = {"caption": "Captions", "image": "Pictures"}
SCALES = {"calibrated": "Calibrated (0 = unrelated)", "raw": "Raw cosine"}
ALIGNS = {"own": "Each from its own start", "lineage": "Branches from their fork step"}


def _clean(form: forms.Form) -> dict:
    form.is_valid()
    return {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}


class AtlasForm(forms.Form):
    space = forms.CharField(required=False, max_length=100)
    chain = forms.CharField(required=False, max_length=100, label="Find a chain")
    x = forms.FloatField(required=False, min_value=0, max_value=1)
    y = forms.FloatField(required=False, min_value=0, max_value=1)
    zoom = forms.TypedChoiceField(required=False, coerce=int, choices=[(z, z) for z in ZOOM_LEVELS])

    def values(self) -> dict:
        cleaned = _clean(self)
        view = View(
            x=cleaned.get("x") if cleaned.get("x") is not None else 0.5,
            y=cleaned.get("y") if cleaned.get("y") is not None else 0.5,
            zoom=cleaned.get("zoom") or 1,
        ).moved()
        return {
            "space": (cleaned.get("space") or "").strip(),
            "chain": (cleaned.get("chain") or "").strip(),
            "view": view,
        }


class AtlasClickForm(forms.Form):
    """Where a visitor clicked on the map (static/js/atlas.js), in atlas coordinates."""

    space = forms.CharField(required=False, max_length=100)
    x = forms.FloatField(min_value=-0.5, max_value=1.5)
    y = forms.FloatField(min_value=-0.5, max_value=1.5)
    zoom = forms.TypedChoiceField(required=False, coerce=int, choices=[(z, z) for z in ZOOM_LEVELS])


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search captions")

    def query(self) -> str:
        return (_clean(self).get("q") or "").strip()


class CompareForm(forms.Form):
    chain = forms.CharField(required=False, max_length=400, label="Add a chain (its link or slug)")
    metric = forms.ChoiceField(required=False, choices=list(METRICS.items()))
    scale = forms.ChoiceField(required=False, choices=list(SCALES.items()))
    align = forms.ChoiceField(required=False, choices=list(ALIGNS.items()))

    def values(self, data) -> dict:
        cleaned = _clean(self)
        slugs = []
        for raw in data.getlist("chain"):
            for part in raw.replace(",", " ").split():
                slugs.append(part.rstrip("/").rsplit("/", 1)[-1][:16])
        return {
            "slugs": slugs,
            "metric": cleaned.get("metric") or "caption",
            "scale": cleaned.get("scale") or "calibrated",
            "align": cleaned.get("align") or "own",
        }


class ExperimentForm(forms.Form):
    title = forms.CharField(max_length=80, required=False)
    image = forms.ImageField(required=False, help_text="JPEG, PNG or WebP.")
    from_chain = forms.CharField(
        required=False, max_length=100, label="…or the starting image of chain", help_text="A chain's link or slug."
    )
    details = forms.MultipleChoiceField(
        choices=Detail.choices, widget=forms.CheckboxSelectMultiple, label="Detail levels"
    )
    modes = forms.MultipleChoiceField(choices=Mode.choices, widget=forms.CheckboxSelectMultiple)
    models = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)
    target_length = forms.IntegerField(min_value=1, max_value=50, initial=10, label="Steps per chain")
    theme = forms.CharField(
        max_length=200, required=False, help_text="What to exaggerate in 'more' mode, the premise in 'story' mode."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["models"].choices = [(choice.key, choice.label) for choice in experiment_model_choices()]
        self.fields["models"].initial = ["local"]
        self.fields["details"].initial = [Detail.SOMEWHAT, Detail.OBSESSIVELY]
        self.fields["modes"].initial = [Mode.TELEPHONE]

    def clean_from_chain(self) -> str:
        return self.cleaned_data["from_chain"].strip().rstrip("/").rsplit("/", 1)[-1]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("image") and not cleaned.get("from_chain"):
            raise forms.ValidationError(EXPERIMENT_NEEDS_IMAGE)
        return cleaned


EXPERIMENT_NEEDS_IMAGE = "Upload a starting image or name a chain to take its starting image from."
