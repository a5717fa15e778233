"""The ledger in the admin: every provider call, filterable, and a per-day cost summary.

It is also the per-step tracking view: filter by chain to see each step's calls in
order, with attempts, outcomes, request ids and what each cost.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ..models import ProviderCall
from ..selectors.ledger import ledger_daily_costs


@admin.register(ProviderCall)
class ProviderCallAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "role",
        "chain_link",
        "step_index",
        "attempt",
        "outcome",
        "cost",
        "cost_is_estimate",
        "model",
        "server_host",
        "request_id",
        "duration_ms",
    )
    list_filter = ("outcome", "role", "backend", "server_host", "model", "cost_is_estimate")
    search_fields = ("request_id", "token", "chain__slug", "chain__title")
    date_hierarchy = "started_at"
    list_select_related = ("chain",)
    readonly_fields = [field.name for field in ProviderCall._meta.fields]
    change_list_template = "admin/chains/providercall/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # written by the engine only: intent before the call, outcome after

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # money spent stays spent

    @admin.display(description="chain", ordering="chain")
    def chain_link(self, call: ProviderCall):
        if call.chain_id is None:
            return "—"
        url = reverse("admin:chains_providercall_changelist") + f"?chain__id__exact={call.chain_id}"
        return format_html('<a href="{}">{}</a>', url, call.chain)

    def get_urls(self):
        daily = path("daily/", self.admin_site.admin_view(self.daily_view), name="chains_providercall_daily")
        return [daily, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context=extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            total = changelist.queryset.aggregate(total=Sum("cost"))["total"]
            response.context_data["ledger_total"] = total or 0
        return response

    def daily_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": "Provider cost per day",
            "opts": self.model._meta,
            "days": ledger_daily_costs(),
        }
        return TemplateResponse(request, "admin/chains/providercall/daily.html", context)
