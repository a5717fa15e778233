"""Staff tools in the admin: review submissions and reports, curate collections, see stars.

Decisions go through the same services as the moderation queue page, so a note is
always required, the submitter always sees it, and every report change lands in its
audit trail. Collections change what visitors see, so their edits bump the content
version that cached pages key on.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Max
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from chains.admin.pages import action_form, action_page, count_phrase
from chains.cache import content_changed_on_commit
from chains.services import chain_hide

from .models import Collection, CollectionEntry, Report, ReportEvent, ReportStatus, Star, Submission
from .services import (
    MODERATION_NOTE_REQUIRED,
    ReportError,
    SubmissionError,
    report_resolve,
    submission_approve,
    submission_reject,
)

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
        required=False, label="Also hide the chains", help_text="Take the reported chains off the public site.",
    )


def _refused(modeladmin, request, item, reason: str) -> None:
    modeladmin.message_user(request, REFUSED.format(item=item, reason=reason), messages.ERROR)


def _submission_image_url(submission: Submission) -> str | None:
    """Pending images are private: only the staff-only view may serve them."""
    try:
        return reverse("gallery:submission_image", kwargs={"pk": submission.pk})
    except NoReverseMatch:
        return None


# --- submissions ----------------------------------------------------------------------------


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "title", "owner", "status", "flagged", "mode", "detail",
                    "target_length", "created_at", "reviewed_by", "chain_link")
    list_display_links = ("thumbnail", "title")
    list_filter = ("status", "flagged", "mode", "detail")
    list_select_related = ("owner", "reviewed_by", "chain")
    search_fields = ("title", "owner__username", "owner__email", "moderator_note", "flag_categories")
    date_hierarchy = "created_at"
    readonly_fields = ("preview", "owner", "image", "width", "height", "title", "mode", "detail", "theme",
                       "target_length", "status", "flagged", "flag_categories", "moderator_note",
                       "reviewed_by", "reviewed_at", "chain", "created_at")
    fields = readonly_fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # submissions come through the site's form, which cleans the image

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Every field is read-only: decisions are the approve and reject actions."""
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **READ_ONLY_PAGE})

    @admin.display(description="image")
    def thumbnail(self, submission: Submission) -> str:
        url = _submission_image_url(submission)
        if not url:
            return "—"
        return format_html('<img src="{}" width="64" height="64" alt="" loading="lazy" '
                           'style="object-fit: cover">', url)

    @admin.display(description="image")
    def preview(self, submission: Submission) -> str:
        url = _submission_image_url(submission)
        if not url:
            return "—"
        return format_html('<img src="{}" alt="" style="max-width: min(480px, 100%); height: auto">', url)

    @admin.display(description="chain")
    def chain_link(self, submission: Submission) -> str:
        if not submission.chain_id:
            return "—"
        return format_html('<a href="{}">{}</a>', submission.chain.get_absolute_url(), submission.chain)

    def delete_model(self, request, obj):
        """The private file goes with the row: nothing of a removed upload stays behind."""
        name, storage = obj.image.name, obj.image.storage
        super().delete_model(request, obj)
        transaction.on_commit(lambda: storage.delete(name))

    def delete_queryset(self, request, queryset):
        files = [(s.image.storage, s.image.name) for s in queryset]
        super().delete_queryset(request, queryset)
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))

    @admin.action(description="Approve and start chains…", permissions=["change"])
    def approve(self, request, queryset):
        return self._review(request, queryset, action="approve", service=submission_approve,
                            done=APPROVED, title="Approve submissions",
                            submit_label="Approve and start")

    @admin.action(description="Reject…", permissions=["change"])
    def reject(self, request, queryset):
        return self._review(request, queryset, action="reject", service=submission_reject,
                            done=REJECTED, title="Reject submissions", submit_label="Reject")

    def _review(self, request, queryset, *, action, service, done, title, submit_label):
        form = action_form(request, NoteForm)
        if not (form.is_bound and form.is_valid()):
            return action_page(
                self, request, queryset, form=form, action=action, title=title,
                submit_label=submit_label, template="admin/gallery/submission/review.html",
                intro="Your note is required; the submitter sees it.",
            )
        count = 0
        for submission in queryset.order_by("created_at"):
            try:
                service(submission=submission, moderator=request.user, note=form.cleaned_data["note"])
            except SubmissionError as refused:
                _refused(self, request, submission.title, refused.message)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(items=count_phrase(count, "submission")), messages.SUCCESS)
        return None


# --- reports --------------------------------------------------------------------------------


class ReportEventInline(admin.TabularInline):
    """The audit trail, read-only: history is added by the services, never edited."""

    model = ReportEvent
    verbose_name_plural = "audit trail"
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "action", "note")
    readonly_fields = fields
    ordering = ("created_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "chain_link", "step_index", "reporter", "status", "short_reason",
                    "created_at", "updated_at")
    list_filter = ("status",)
    list_select_related = ("chain", "step", "reporter")
    search_fields = ("reason", "moderator_note", "chain__title", "chain__slug", "reporter__username")
    date_hierarchy = "created_at"
    readonly_fields = ("chain", "chain_link", "step", "reporter", "reason", "status", "moderator_note",
                       "created_at", "updated_at")
    fields = readonly_fields
    inlines = [ReportEventInline]
    actions = ["mark_actioned", "mark_dismissed"]

    def has_add_permission(self, request):
        return False  # reports come from people and from automatic screening

    def has_delete_permission(self, request, obj=None):
        return False  # deleting a report would delete its audit trail

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Every field is read-only: a report changes through the resolve actions only."""
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **READ_ONLY_PAGE})

    @admin.display(description="public page")
    def chain_link(self, report: Report) -> str:
        url = report.chain.get_absolute_url()
        if report.step_id:
            url = f"{url}?step={report.step.index}"
        return format_html('<a href="{}">{}</a>', url, report.chain)

    @admin.display(description="step", ordering="step__index")
    def step_index(self, report: Report):
        return report.step.index if report.step_id else "—"

    @admin.display(description="reason")
    def short_reason(self, report: Report) -> str:
        return report.reason if len(report.reason) <= 80 else report.reason[:79] + "…"

    @admin.action(description="Mark actioned…", permissions=["change"])
    def mark_actioned(self, request, queryset):
        return self._resolve(request, queryset, status=ReportStatus.ACTIONED, form_class=ActionedNoteForm,
                             action="mark_actioned", title="Mark reports actioned",
                             submit_label="Mark actioned")

    @admin.action(description="Dismiss…", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        return self._resolve(request, queryset, status=ReportStatus.DISMISSED, form_class=ReportNoteForm,
                             action="mark_dismissed", title="Dismiss reports", submit_label="Dismiss")

    def _resolve(self, request, queryset, *, status, form_class, action, title, submit_label):
        form = action_form(request, form_class)
        if not (form.is_bound and form.is_valid()):
            return action_page(
                self, request, queryset.select_related("chain", "step"), form=form, action=action,
                title=title, submit_label=submit_label, template="admin/gallery/report/resolve.html",
                intro="Your note is required and is kept in each report's audit trail.",
            )
        count = 0
        for report in queryset.select_related("chain", "step").order_by("created_at"):
            try:
                report_resolve(report=report, moderator=request.user, status=status,
                               note=form.cleaned_data["note"])
            except ReportError as refused:
                _refused(self, request, report, refused.message)
            else:
                count += 1
        if count:
            label = ReportStatus(status).label.lower()
            self.message_user(request, RESOLVED.format(items=count_phrase(count, "report"), status=label),
                              messages.SUCCESS)
        if form.cleaned_data.get("hide_chains"):
            chains = {report.chain_id: report.chain for report in queryset.select_related("chain")}
            for chain in chains.values():
                chain_hide(chain=chain)
            self.message_user(request, CHAINS_HIDDEN.format(items=count_phrase(len(chains), "chain")),
                              messages.SUCCESS)
        return None


# --- collections and stars ------------------------------------------------------------------


class CollectionEntryInline(admin.TabularInline):
    model = CollectionEntry
    verbose_name = "chain"
    verbose_name_plural = "chains, in order"
    extra = 1
    fields = ("position", "chain", "preview")
    readonly_fields = ("preview",)
    autocomplete_fields = ("chain",)
    ordering = ("position", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("chain")

    @admin.display(description="public?")
    def preview(self, entry: CollectionEntry) -> str:
        """Only public chains show in a collection on the site; say so where it is curated."""
        if not entry.chain_id:
            return "—"
        chain = entry.chain
        shown = chain.is_listed
        return format_html('<a href="{}">{}</a>', chain.get_absolute_url(),
                           "shown" if shown else "not shown (hidden or not public)")


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "is_published", "order", "entry_count", "created_at")
    list_editable = ("is_published", "order")
    list_filter = ("is_published",)
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "description", "is_published", "order")
    inlines = [CollectionEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new entry goes after the last one unless staff say otherwise."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CollectionEntryInline):  # the same on GET and POST, or the blank row "changes"
            last = obj.entries.aggregate(last=Max("position"))["last"] if obj and obj.pk else None
            kwargs["initial"] = [{"position": 0 if last is None else last + 1}]
        return kwargs

    @admin.display(description="chains", ordering="entry_total")
    def entry_count(self, collection: Collection) -> int:
        return collection.entry_total

    # The home page and collection pages are cached per public content version.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed_on_commit()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed_on_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed_on_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed_on_commit()


@admin.register(Star)
class StarAdmin(admin.ModelAdmin):
    """Read-only: stars belong to the people who gave them."""

    list_display = ("chain", "user", "created_at")
    list_select_related = ("chain", "user")
    search_fields = ("chain__title", "chain__slug", "user__username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
