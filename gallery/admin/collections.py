"""Collections change what visitors see (their edits bump the content version); stars are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Max
from django.utils.html import format_html

from chains.cache import content_changed_on_commit

from ..models import Collection, CollectionEntry, Star


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
        return format_html(
            '<a href="{}">{}</a>', chain.get_absolute_url(), "shown" if shown else "not shown (hidden or not public)"
        )


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
