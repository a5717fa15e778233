"""Forms people fill in: submissions, branches, reports and moderation decisions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from chains.images import ImageRejected, clean_image
from chains.models import Detail, Mode

UPLOAD_TOO_BIG = "The file is too large: at most {megabytes} MB."
THEME_NEEDED = "Say which quality to exaggerate, for example “golden” or “stormy”."


MODE_HELP = {
    Mode.TELEPHONE: "Describe what you see; paint what was said.",
    Mode.MORE: "Each round makes the picture more of one thing.",
    Mode.STORY: "Each picture is the next panel of a comic.",
}


class ChainSettingsForm(forms.Form):
    """What every new chain needs: how to play and for how long.

    The mode decides which other field matters (`theme` for "more", `premise` for
    "story"); templates/gallery/_chain_settings_fields.html shows only that one.
    """

    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.TELEPHONE)
    detail = forms.ChoiceField(choices=Detail.choices, initial=Detail.VERY, label="Detail level")
    target_length = forms.IntegerField(min_value=1, initial=10, label="Steps")
    theme = forms.CharField(
        required=False,
        max_length=200,
        label="Make it more…",
        help_text="The quality each step exaggerates, for example “golden”.",
    )
    premise = forms.CharField(
        required=False,
        max_length=200,
        label="Premise (optional)",
        help_text="What the comic is about, for example “a lighthouse keeper's last night”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maximum = settings.TELEPHONE_SUBMISSION_MAX_STEPS
        self.fields["target_length"].validators.append(MaxValueValidator(maximum))
        self.fields["target_length"].widget.attrs["max"] = maximum
        self.fields["target_length"].help_text = f"1 to {maximum}."

    @property
    def shown_mode(self) -> str:
        """The mode the page shows: the one posted, else the one asked for, if it is real."""
        wanted = self.data.get("mode") if self.is_bound else self.initial.get("mode")
        return wanted if wanted in Mode.values else Mode.TELEPHONE

    @property
    def mode_options(self) -> list[dict]:
        return [{"value": value, "label": label, "help": MODE_HELP[value]} for value, label in Mode.choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == Mode.MORE and not cleaned.get("theme", "").strip():
            self.add_error("theme", THEME_NEEDED)
        cleaned["theme_for_chain"] = {Mode.MORE: cleaned.get("theme", ""), Mode.STORY: cleaned.get("premise", "")}.get(
            cleaned.get("mode"), ""
        ).strip()
        return cleaned


class SubmissionForm(ChainSettingsForm):
    field_order = ("image", "title", "mode", "detail", "target_length", "theme", "premise")

    image = forms.FileField(
        label="Starting image",
        help_text="JPEG, PNG or WebP; at most 10 MB and 40 megapixels.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    title = forms.CharField(max_length=120)

    def clean_image(self):
        """Size first (cheap), then the full safe decode; the bytes are kept for the service."""
        upload = self.cleaned_data["image"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(UPLOAD_TOO_BIG.format(megabytes=limit // (1024 * 1024)))
        data = upload.read(limit + 1)
        try:
            clean_image(data)
        except ImageRejected as rejected:
            raise forms.ValidationError(rejected.message) from None
        return data


class BranchForm(ChainSettingsForm):
    pass


class ReportForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label="What is wrong?",
        help_text="Staff read every report.",
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject"), ("actioned", "Actioned"), ("dismissed", "Dismissed")]
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Please write a note: the submitter sees it."},
    )
