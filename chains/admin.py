"""Basic curation in the Django admin; richer actions arrive with the moderation work."""

from django.contrib import admin
from django.utils.html import format_html

from .cache import content_changed
from .models import Chain, Step


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    can_delete = False
    fields = ("index", "preview", "caption", "image_model", "caption_model", "paint_ms", "caption_ms")
    readonly_fields = fields
    show_change_link = True

    @admin.display(description="image")
    def preview(self, step: Step) -> str:
        if not step.thumbnail_small:
            return "—"
        return format_html('<img src="{}" width="96" alt="">', step.thumbnail_small.url)


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "status", "mode", "detail", "target_length", "visibility",
                    "is_featured", "is_hidden", "provider", "estimated_cost", "created_at")
    list_filter = ("status", "mode", "detail", "visibility", "is_featured", "is_hidden", "provider")
    search_fields = ("title", "slug", "steps__caption")
    readonly_fields = ("slug", "provider_settings", "claimed_until", "claim_token", "created_at",
                       "updated_at", "started_at", "finished_at", "progressed_at", "input_tokens",
                       "output_tokens", "embedding_tokens", "images_generated", "estimated_cost")
    raw_id_fields = ("owner", "parent", "fork_step")
    inlines = [StepInline]

    def save_model(self, request, obj, form, change):
        """Curation edits (feature, hide, visibility) must reach visitors' cached pages."""
        super().save_model(request, obj, form, change)
        content_changed(chain_id=obj.pk)

    def delete_model(self, request, obj):
        chain_id = obj.pk
        super().delete_model(request, obj)
        content_changed(chain_id=chain_id)


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ("__str__", "index", "caption_model", "image_model", "embedding_model", "created_at")
    list_select_related = ("chain",)
    search_fields = ("caption", "chain__slug", "chain__title")
    raw_id_fields = ("chain",)
    readonly_fields = ("embedding_model", "embedding_dimension", "caption_request_id",
                       "image_request_id", "embedding_request_id")
