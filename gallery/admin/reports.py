"""Reports: staff resolve them with a note, kept in each report's audit trail."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from chains.admin.pages import action_form, action_page, count_phrase
from chains.services import chain_hide

from ..models import Report, ReportEvent, ReportStatus
from ..services import ReportError, report_resolve
from .notes import CHAINS_HIDDEN, READ_ONLY_PAGE, RESOLVED, ActionedNoteForm, ReportNoteForm, refuse


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
    list_display = (
        "__str__",
        "chain_link",
        "step_index",
        "reporter",
        "status",
        "short_reason",
        "created_at",
        "updated_at",
    )
    list_filter = ("status",)
    list_select_related = ("chain", "step", "reporter")
    search_fields = ("reason", "moderator_note", "chain__title", "chain__slug", "reporter__username")
    date_hierarchy = "created_at"
    readonly_fields = (
        "chain",
        "chain_link",
        "step",
        "reporter",
        "reason",
        "status",
        "moderator_note",
        "created_at",
        "updated_at",
    )
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
        return self._resolve(
            request,
            queryset,
            status=ReportStatus.ACTIONED,
            form_class=ActionedNoteForm,
            action="mark_actioned",
            title="Mark reports actioned",
            submit_label="Mark actioned",
        )

    @admin.action(description="Dismiss…", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        return self._resolve(
            request,
            queryset,
            status=ReportStatus.DISMISSED,
            form_class=ReportNoteForm,
            action="mark_dismissed",
            title="Dismiss reports",
            submit_label="Dismiss",
        )

    def _resolve(self, request, queryset, *, status, form_class, action, title, submit_label):
        form = action_form(request, form_class)
        if not (form.is_bound and form.is_valid()):
            return action_page(
                self,
                request,
                queryset.select_related("chain", "step"),
                form=form,
                action=action,
                title=title,
                submit_label=submit_label,
                template="admin/gallery/report/resolve.html",
                intro="Your note is required and is kept in each report's audit trail.",
            )
        count = 0
        for report in queryset.select_related("chain", "step").order_by("created_at"):
            try:
                report_resolve(report=report, moderator=request.user, status=status, note=form.cleaned_data["note"])
            except ReportError as refused:
                refuse(self, request, report, refused.message)
            else:
                count += 1
        if count:
            label = ReportStatus(status).label.lower()
            self.message_user(
                request, RESOLVED.format(items=count_phrase(count, "report"), status=label), messages.SUCCESS
            )
        if form.cleaned_data.get("hide_chains"):
            chains = {report.chain_id: report.chain for report in queryset.select_related("chain")}
            for chain in chains.values():
                chain_hide(chain=chain)
            self.message_user(request, CHAINS_HIDDEN.format(items=count_phrase(len(chains), "chain")), messages.SUCCESS)
        return None
