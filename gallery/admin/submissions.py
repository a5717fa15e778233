"""Submissions: staff approve (a chain starts) or reject (the submitter reads the note)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html

from chains.admin.pages import action_form, action_page, count_phrase

from ..models import Submission
from ..services import SubmissionError, submission_approve, submission_reject
from .notes import APPROVED, READ_ONLY_PAGE, REJECTED, NoteForm, refuse, submission_image_url


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "title",
        "owner",
        "status",
        "flagged",
        "mode",
        "detail",
        "target_length",
        "created_at",
        "reviewed_by",
        "chain_link",
    )
    list_display_links = ("thumbnail", "title")
    list_filter = ("status", "flagged", "mode", "detail")
    list_select_related = ("owner", "reviewed_by", "chain")
    search_fields = ("title", "owner__username", "owner__email", "moderator_note", "flag_categories")
    date_hierarchy = "created_at"
    readonly_fields = (
        "preview",
        "owner",
        "image",
        "width",
        "height",
        "title",
        "mode",
        "detail",
        "theme",
        "target_length",
        "status",
        "flagged",
        "flag_categories",
        "moderator_note",
        "reviewed_by",
        "reviewed_at",
        "chain",
        "created_at",
    )
    fields = readonly_fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # submissions come through the site's form, which cleans the image

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Every field is read-only: decisions are the approve and reject actions."""
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **READ_ONLY_PAGE})

    @admin.display(description="image")
    def thumbnail(self, submission: Submission) -> str:
        url = submission_image_url(submission)
        if not url:
            return "—"
        return format_html('<img src="{}" width="64" height="64" alt="" loading="lazy" style="object-fit: cover">', url)

    @admin.display(description="image")
    def preview(self, submission: Submission) -> str:
        url = submission_image_url(submission)
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
        return self._review(
            request,
            queryset,
            action="approve",
            service=submission_approve,
            done=APPROVED,
            title="Approve submissions",
            submit_label="Approve and start",
        )

    @admin.action(description="Reject…", permissions=["change"])
    def reject(self, request, queryset):
        return self._review(
            request,
            queryset,
            action="reject",
            service=submission_reject,
            done=REJECTED,
            title="Reject submissions",
            submit_label="Reject",
        )

    def _review(self, request, queryset, *, action, service, done, title, submit_label):
        form = action_form(request, NoteForm)
        if not (form.is_bound and form.is_valid()):
            return action_page(
                self,
                request,
                queryset,
                form=form,
                action=action,
                title=title,
                submit_label=submit_label,
                template="admin/gallery/submission/review.html",
                intro="Your note is required; the submitter sees it.",
            )
        count = 0
        for submission in queryset.order_by("created_at"):
            try:
                service(submission=submission, moderator=request.user, note=form.cleaned_data["note"])
            except SubmissionError as refused:
                refuse(self, request, submission.title, refused.message)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(items=count_phrase(count, "submission")), messages.SUCCESS)
        return None
