"""Curation in the Django admin: feature, hide, stop, resume, re-run and branch chains.

Actions call the services (never write fields themselves), so the loop's rules and
the page caches hold whether staff act here or code acts elsewhere. Every action
says what it did, and what it refused and why, through the messages framework.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html

from ..cache import content_changed_on_commit
from ..models import Chain, Status, Step
from ..providers import screening_enabled
from ..providers.unscreened import SCREENING_OFF
from ..services import (
    ChainError,
    atlas_mark_dirty,
    chain_branch,
    chain_cancel,
    chain_feature,
    chain_hide,
    chain_pause,
    chain_rerun_from,
    chain_resume,
    chain_unfeature,
    chain_unhide,
)
from .pages import BranchForm, RerunForm, action_form, action_page, count_phrase
from .usage import ADMIN_CSS, calls_table, roles_table

FEATURED = "Featured {chains}, after those already featured."
UNFEATURED = "Removed {chains} from the featured list."
HIDDEN = "Hid {chains} from the public site."
UNHIDDEN = "{chains} visible on the public site again."
CANCELLED = "Cancelled {chains}."
PAUSED = "Paused {chains}."
RESUMED = "Resumed {chains}."
REFUSED = "“{chain}” was left as it was: {reason}"
ONE_CHAIN_ONLY = "Select exactly one chain to {verb}."
RERUN_STARTED = "“{chain}” re-runs from step {index}: steps after it were deleted and are being made again."
BRANCH_CREATED = "Branched “{chain}” at step {index}: "
NOT_PAUSABLE = "only queued or running chains can be paused."
FEATURED_NOT_PUBLIC = "“{chain}” is featured but not public, so visitors will not see it until it is."
VISIBILITY_FIELDS = {"visibility", "is_hidden"}
# A step's pictures are made by the loop (cleaned, bounded, thumbnailed, metadata
# stripped); an upload through the admin would skip all of that (issue 12).
STEP_FILE_FIELDS = ("image", "thumbnail_tiny", "thumbnail_small", "thumbnail_large", "width", "height")


def chains_phrase(count: int) -> str:
    return count_phrase(count, "chain")


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    can_delete = False
    fields = ("index", "preview", "caption", "image_model", "caption_model", "paint_ms", "caption_ms", "estimated_cost")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).defer("embedding")

    def has_add_permission(self, request, obj=None):
        return False  # steps are made by the loop, never by hand

    @admin.display(description="image")
    def preview(self, step: Step) -> str:
        if not step.thumbnail_small:
            return "—"
        return format_html('<img src="{}" width="96" height="96" alt="" loading="lazy">', step.thumbnail_small.url)


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    # Curation columns first: on a narrow screen the rest scrolls out of view, not these.
    list_display = (
        "thumbnail",
        "__str__",
        "status",
        "is_featured",
        "featured_order",
        "is_hidden",
        "visibility",
        "mode",
        "target_length",
        "owner",
        "estimated_cost",
        "created_at",
    )
    list_display_links = ("thumbnail", "__str__")
    list_editable = ("featured_order",)
    list_filter = ("status", "mode", "detail", "visibility", "is_featured", "is_hidden", "provider")
    list_select_related = ("owner",)
    search_fields = ("title", "slug", "steps__caption", "owner__username")
    readonly_fields = (
        "slug",
        "status",
        "seed",
        "roles",
        "provider_settings",
        "claimed_until",
        "claim_token",
        "created_at",
        "updated_at",
        "started_at",
        "finished_at",
        "progressed_at",
        "input_tokens",
        "output_tokens",
        "embedding_tokens",
        "images_generated",
        "estimated_cost",
        "calls",
        "drift",
        "drift_curve",
        "projection",
        "error_message",
    )
    raw_id_fields = ("owner", "parent", "fork_step")
    inlines = [StepInline]

    class Media:
        css = ADMIN_CSS

    actions = ["feature", "unfeature", "hide", "unhide", "pause", "cancel", "resume", "rerun_from_step", "branch"]

    def has_add_permission(self, request):
        return False  # chains start from an image through chain_create: submissions, branches

    @admin.display(description="backends, servers and models")
    def roles(self, chain: Chain) -> str:
        return roles_table(chain.provider_settings)

    @admin.display(description="usage and cost per call")
    def calls(self, chain: Chain) -> str:
        return calls_table(chain.steps.defer("embedding", "image_descriptor").order_by("index"))

    def changelist_view(self, request, extra_context=None):
        if not screening_enabled():
            self.message_user(request, SCREENING_OFF, messages.WARNING)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        chain = Chain.objects.filter(pk=object_id).only("provider_settings").first()
        if chain is not None and not screening_enabled(chain.provider_settings):
            self.message_user(request, SCREENING_OFF, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        """The latest thumbnail rides along in the list's one query."""
        latest = Step.objects.filter(chain=OuterRef("pk")).order_by("-index").values("thumbnail_small")[:1]
        return super().get_queryset(request).annotate(latest_thumbnail=Subquery(latest))

    @admin.display(description="image")
    def thumbnail(self, chain: Chain) -> str:
        name = getattr(chain, "latest_thumbnail", None)
        if not name:
            return "—"
        return format_html(
            '<img src="{}" width="48" height="48" alt="" loading="lazy">',
            Step._meta.get_field("thumbnail_small").storage.url(name),
        )

    def save_model(self, request, obj, form, change):
        """Curation edits (feature, hide, visibility, order) must reach visitors' cached pages,
        and a change of who may see the chain reaches the atlas at its next recompute."""
        super().save_model(request, obj, form, change)
        content_changed_on_commit(chain_id=obj.pk)
        changed = set(form.changed_data) if form is not None else VISIBILITY_FIELDS
        if VISIBILITY_FIELDS & changed:
            atlas_mark_dirty()

    def delete_model(self, request, obj):
        chain_id = obj.pk
        super().delete_model(request, obj)
        content_changed_on_commit(chain_id=chain_id)

    def delete_queryset(self, request, queryset):
        chain_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for chain_id in chain_ids:
            content_changed_on_commit(chain_id=chain_id)

    # --- actions on many chains ----------------------------------------------------------

    @admin.action(description="Feature (append to the featured list)", permissions=["change"])
    def feature(self, request, queryset):
        self._apply(request, queryset, chain_feature, FEATURED)
        for chain in queryset.exclude(pk__in=Chain.objects.listed()):
            self.message_user(request, FEATURED_NOT_PUBLIC.format(chain=chain), messages.WARNING)

    @admin.action(description="Unfeature", permissions=["change"])
    def unfeature(self, request, queryset):
        self._apply(request, queryset, chain_unfeature, UNFEATURED)

    @admin.action(description="Hide from the public site", permissions=["change"])
    def hide(self, request, queryset):
        self._apply(request, queryset, chain_hide, HIDDEN)

    @admin.action(description="Unhide", permissions=["change"])
    def unhide(self, request, queryset):
        self._apply(request, queryset, chain_unhide, UNHIDDEN)

    @admin.action(description="Pause", permissions=["change"])
    def pause(self, request, queryset):
        self._apply(request, queryset, _pause_or_refuse, PAUSED)

    @admin.action(description="Cancel", permissions=["change"])
    def cancel(self, request, queryset):
        self._apply(request, queryset, chain_cancel, CANCELLED)

    @admin.action(description="Resume", permissions=["change"])
    def resume(self, request, queryset):
        self._apply(request, queryset, chain_resume, RESUMED)

    def _apply(self, request, queryset, service, done: str) -> None:
        """Run `service` on each chain; one summary for the done, one line per refusal."""
        count = 0
        for chain in queryset.order_by("created_at", "pk"):
            try:
                service(chain=chain)
            except ChainError as refused:
                self.message_user(request, REFUSED.format(chain=chain, reason=refused.message), messages.WARNING)
            else:
                count += 1
        if count:
            message = done.format(chains=chains_phrase(count))
            self.message_user(request, message[0].upper() + message[1:], messages.SUCCESS)

    # --- actions on one chain, with an intermediate page ---------------------------------

    def _single(self, request, queryset, *, verb: str) -> Chain | None:
        if queryset.count() != 1:
            self.message_user(request, ONE_CHAIN_ONLY.format(verb=verb), messages.ERROR)
            return None
        return queryset.get()

    @admin.action(description="Re-run from a step…", permissions=["change"])
    def rerun_from_step(self, request, queryset):
        chain = self._single(request, queryset, verb="re-run")
        if chain is None:
            return None
        form = action_form(request, RerunForm, chain=chain)
        if form.is_bound and form.is_valid():
            index = form.cleaned_data["from_step"]
            try:
                chain_rerun_from(chain=chain, index=index)
            except ChainError as refused:
                self.message_user(request, REFUSED.format(chain=chain, reason=refused.message), messages.ERROR)
            else:
                self.message_user(request, RERUN_STARTED.format(chain=chain, index=index), messages.SUCCESS)
            return None
        return action_page(
            self,
            request,
            queryset,
            form=form,
            action="rerun_from_step",
            title=f"Re-run “{chain}” from a step",
            submit_label="Re-run from this step",
            intro="The chosen step keeps its image and is captioned again; every step after it "
            "is deleted, with its files, and painted again. Usage already spent is kept.",
            template="admin/chains/chain/rerun.html",
            chain=chain,
        )

    @admin.action(description="Branch from a step…", permissions=["change"])
    def branch(self, request, queryset):
        chain = self._single(request, queryset, verb="branch")
        if chain is None:
            return None
        form = action_form(request, BranchForm, chain=chain)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            step = Step.objects.get(chain=chain, index=data["from_step"])
            try:
                branch = chain_branch(
                    chain=chain,
                    step=step,
                    owner=request.user,
                    mode=data["mode"],
                    detail=data["detail"],
                    target_length=data["target_length"],
                    theme=data["theme"],
                )
            except ChainError as refused:
                self.message_user(request, REFUSED.format(chain=chain, reason=refused.message), messages.ERROR)
            else:
                link = format_html(
                    '<a href="{}">{}</a>', reverse("admin:chains_chain_change", args=[branch.pk]), branch
                )
                self.message_user(
                    request,
                    format_html("{}{}", BRANCH_CREATED.format(chain=chain, index=step.index), link),
                    messages.SUCCESS,
                )
            return None
        return action_page(
            self,
            request,
            queryset,
            form=form,
            action="branch",
            title=f"Branch “{chain}” from a step",
            submit_label="Create and start the branch",
            intro="A new chain starts from a copy of the chosen step's image, with the settings "
            "below. It links back to this chain, and this chain lists it as a branch.",
            template="admin/chains/chain/branch.html",
            chain=chain,
        )


def _pause_or_refuse(*, chain: Chain) -> Chain:
    """chain_pause leaves ended chains alone silently; staff should hear why."""
    chain = chain_pause(chain=chain)
    if chain.status != Status.PAUSED:
        raise ChainError(NOT_PAUSABLE)
    return chain


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "index",
        "caption_model",
        "image_model",
        "embedding_model",
        "estimated_cost",
        "created_at",
    )
    list_select_related = ("chain",)
    search_fields = ("caption", "chain__slug", "chain__title")
    raw_id_fields = ("chain",)
    readonly_fields = (
        *STEP_FILE_FIELDS,
        "embedding_model",
        "embedding_dimension",
        "caption_request_id",
        "image_request_id",
        "embedding_request_id",
        "prompt_truncated",
        "estimated_cost",
        "calls_table",
    )
    exclude = ("calls",)

    class Media:
        css = ADMIN_CSS

    def save_model(self, request, obj, form, change):
        """A caption redacted here must leave visitors' cached pages (and the chain's ZIP) at once."""
        super().save_model(request, obj, form, change)
        content_changed_on_commit(chain_id=obj.chain_id)

    def delete_model(self, request, obj):
        chain_id = obj.chain_id
        super().delete_model(request, obj)
        content_changed_on_commit(chain_id=chain_id)

    def delete_queryset(self, request, queryset):
        chain_ids = set(queryset.values_list("chain_id", flat=True))
        super().delete_queryset(request, queryset)
        for chain_id in chain_ids:
            content_changed_on_commit(chain_id=chain_id)

    @admin.display(description="usage and cost per call")
    def calls_table(self, step: Step) -> str:
        return calls_table([step])
