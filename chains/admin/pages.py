"""Intermediate admin pages: a form between choosing an action and running it.

Django's own "delete selected" works this way: the changelist posts the action and
the selected ids; the action answers with a page that asks for what it needs (a
step, a note) and posts the same action and ids back with `CONFIRM_FIELD` set. Only
that second post does anything. Shared by the chain, submission and report admins.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.html import format_html

from ..models import Chain, Detail, Mode, Step

CONFIRM_FIELD = "confirm"
ACTION_PAGE_TEMPLATE = "admin/action_form.html"


def count_phrase(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 chain", "3 chains": messages read as sentences."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def action_form(request, form_class: type[forms.Form], **kwargs) -> forms.Form:
    """Bound on the confirming post, unbound on the first click from the changelist."""
    if CONFIRM_FIELD in request.POST:
        return form_class(request.POST, **kwargs)
    return form_class(**kwargs)


def action_page(
    modeladmin: admin.ModelAdmin,
    request,
    queryset: QuerySet,
    *,
    form: forms.Form,
    action: str,
    title: str,
    submit_label: str,
    intro: str = "",
    template: str = ACTION_PAGE_TEMPLATE,
    **extra,
) -> TemplateResponse:
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "queryset": queryset,
        "form": form,
        "action": action,
        "intro": intro,
        "submit_label": submit_label,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "confirm_field": CONFIRM_FIELD,
        "media": modeladmin.media + form.media,
        **extra,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, template, context)


def step_choices(chain: Chain) -> list[tuple[int, str]]:
    """Radio labels that show each step's thumbnail, so staff pick by picture."""
    steps = Step.objects.filter(chain=chain).order_by("index").only("index", "thumbnail_small", "caption")
    return [(step.index, _step_label(step)) for step in steps]


def _step_label(step: Step) -> str:
    caption = step.caption[:90] + ("…" if len(step.caption) > 90 else "") if step.caption else "not captioned yet"
    if step.thumbnail_small:
        return format_html(
            '<img src="{}" width="72" height="72" alt="" loading="lazy"> '
            '<strong>Step {}</strong> <span class="step-caption">{}</span>',
            step.thumbnail_small.url,
            step.index,
            caption,
        )
    return format_html('<strong>Step {}</strong> <span class="step-caption">{}</span>', step.index, caption)


class StepPickerForm(forms.Form):
    from_step = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Step")

    def __init__(self, *args, chain: Chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.chain = chain
        self.fields["from_step"].choices = step_choices(chain)


class RerunForm(StepPickerForm):
    """Which step to re-run from; see chains.services.chain_rerun_from for what that means."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_step"].label = "Re-run from step"
        self.fields[
            "from_step"
        ].help_text = "This step keeps its image and gets a new caption; every later step is deleted and painted again."


class BranchForm(StepPickerForm):
    mode = forms.ChoiceField(choices=Mode.choices)
    detail = forms.ChoiceField(choices=Detail.choices)
    target_length = forms.IntegerField(
        min_value=1, label="Length", help_text="How many images to paint after the starting one."
    )
    theme = forms.CharField(
        max_length=200,
        required=False,
        help_text="The quality to exaggerate in 'more' mode, or the premise in 'story' mode.",
    )

    def __init__(self, *args, chain: Chain, **kwargs):
        kwargs.setdefault(
            "initial",
            {"mode": chain.mode, "detail": chain.detail, "target_length": chain.target_length, "theme": chain.theme},
        )
        super().__init__(*args, chain=chain, **kwargs)
        self.fields["from_step"].label = "Branch from step"
        self.fields["from_step"].help_text = "The branch starts from a copy of this step's image."
        # Read here, not at import, so the configured maximum is the one in force.
        maximum = settings.TELEPHONE_MAX_STEPS
        self.fields["target_length"].validators.append(MaxValueValidator(maximum))
        self.fields["target_length"].widget.attrs["max"] = maximum
