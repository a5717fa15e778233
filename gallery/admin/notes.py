"""What every staff decision in the gallery admin shares: its messages and its note forms."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.urls import NoReverseMatch, reverse

from ..models import Submission
from ..services import MODERATION_NOTE_REQUIRED

APPROVED = "Approved {items}: a chain has started for each."
REJECTED = "Rejected {items}; the submitters will see your note."
RESOLVED = "Marked {items} as {status}."
CHAINS_HIDDEN = "Hid {items} from the public site."
REFUSED = "“{item}” was left as it was: {reason}"
REPORT_NOTE_REQUIRED = "Please write a note: it is kept in the report's audit trail."
READ_ONLY_PAGE = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}


class NoteForm(forms.Form):
    """Every moderation decision carries a note (whitespace alone is no note)."""

    required_message = MODERATION_NOTE_REQUIRED  # a submission's note goes to its submitter

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = self.required_message


class ReportNoteForm(NoteForm):
    required_message = REPORT_NOTE_REQUIRED  # a report's note goes to its audit trail


class ActionedNoteForm(ReportNoteForm):
    hide_chains = forms.BooleanField(
        required=False, label="Also hide the chains", help_text="Take the reported chains off the public site."
    )


def refuse(modeladmin, request, item, reason: str) -> None:
    modeladmin.message_user(request, REFUSED.format(item=item, reason=reason), messages.ERROR)


def submission_image_url(submission: Submission) -> str | None:
    """Pending images are private: only the staff-only view may serve them."""
    try:
        return reverse("gallery:submission_image", kwargs={"pk": submission.pk})
    except NoReverseMatch:
        return None
